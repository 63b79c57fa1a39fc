import type { AllEntities } from 'n8n-workflow';

/** Every resource with its operations: the router's map is checked against it at compile time. */
type NodeMap = {
	conversation:
		| 'createWithSdes'
		| 'createWithCampaign'
		| 'createAndSend'
		| 'sendMessage'
		| 'updateProfile'
		| 'sendTyping'
		| 'markAsRead'
		| 'close';
};

export type LivePersonConnectorType = AllEntities<NodeMap>;

export type Resource = LivePersonConnectorType['resource'];
export type OperationOf<R extends Resource> = Extract<
	LivePersonConnectorType,
	{ resource: R }
>['operation'];
