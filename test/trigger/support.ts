import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import type { Emulator, WebhookEventType } from '../../emulator/src';
import type { WorkflowDefinition } from '../harness';
import { CREDENTIAL } from '../support/workflows';

export const TRIGGER = 'LivePerson Connector Trigger';
export const TRIGGER_TYPE = 'n8n-nodes-liveperson.livePersonConnectorTrigger';
export const ALL_EVENTS = [
	'AcceptStatusEvent',
	'ChatStateEvent',
	'ContentEvent',
	'ExConversationChangeNotification',
	'RichContentEvent',
];
export const ALL_WEBHOOK_EVENTS: WebhookEventType[] = [
	'ms.MessagingEventNotification.ContentEvent',
	'ms.MessagingEventNotification.RichContentEvent',
	'ms.MessagingEventNotification.ChatStateEvent',
	'ms.MessagingEventNotification.AcceptStatusEvent',
	'cqm.ExConversationChangeNotification',
];

let webhookIds = 0;

/** LivePerson Connector Trigger -> Received (a node that only passes items on), optionally held at a gate first. */
export function triggerWorkflow(
	parameters: INodeParameters = {},
	options: { holdAt?: string } = {},
): WorkflowDefinition {
	const nodes: INode[] = [
		{
			id: 'trigger',
			name: TRIGGER,
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			webhookId: `00000000-0000-4000-8000-${String(++webhookIds).padStart(12, '0')}`,
			parameters,
			credentials: { livePersonConnectorApi: CREDENTIAL },
		},
		{
			id: 'received',
			name: 'Received',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [480, 0],
			parameters: {},
		},
	];
	const connections: IDataObject = {
		[TRIGGER]: { main: [[{ node: 'Received', type: 'main', index: 0 }]] },
	};
	if (options.holdAt) {
		nodes.push({
			id: 'hold',
			name: 'Hold',
			type: 'n8n-nodes-harness.hold',
			typeVersion: 1,
			position: [240, 0],
			parameters: { gate: options.holdAt },
		});
		connections[TRIGGER] = { main: [[{ node: 'Hold', type: 'main', index: 0 }]] };
		connections.Hold = { main: [[{ node: 'Received', type: 'main', index: 0 }]] };
	}
	return { id: `trigger-workflow-${webhookIds}`, nodes, connections: connections as never };
}

/** Opens a conversation for `consumer` straight through the emulator's CONVERSATION endpoint. */
export async function openConversation(
	emulator: Emulator,
	consumer = `consumer-${Math.random().toString(36).slice(2)}`,
): Promise<string> {
	const response = await fetch(
		`${emulator.baseUrl}/api/account/${emulator.accountId}/messaging/consumer/conversation?v=3`,
		{
			method: 'POST',
			headers: {
				'Content-Type': 'application/json',
				Authorization: emulator.mintAppJwt(),
				'X-LP-ON-BEHALF': emulator.mintConsumerJws(consumer),
			},
			body: JSON.stringify([
				{ kind: 'req', id: '1', type: 'userprofile.SetUserProfile', body: {} },
				{
					kind: 'req',
					id: '2',
					type: 'cm.ConsumerRequestConversation',
					body: { brandId: emulator.accountId, channelType: 'MESSAGING' },
				},
			]),
		},
	);
	const answers = (await response.json()) as Array<{ body: { conversationId?: string } }>;
	const conversationId = answers[1]?.body.conversationId;
	if (!conversationId)
		throw new Error(`The emulator opened no conversation: ${JSON.stringify(answers)}`);
	return conversationId;
}
