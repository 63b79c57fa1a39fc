import type { INodeProperties } from 'n8n-workflow';

export const consumerIdProperty: INodeProperties = {
	displayName: 'Consumer ID',
	name: 'consumerId',
	type: 'string',
	default: '',
	placeholder: '={{ $json.contactId }}',
	description:
		'Your ID for this customer, e.g. the CRM contact ID (LivePerson\'s ext_consumer_id). With Client Credentials the node mints and reuses this consumer\'s ConsumerJWS. With Static Tokens leave it empty.',
	hint: 'One consumer can have one open conversation at a time',
};

export const consumerJwsOption: INodeProperties = {
	displayName: 'ConsumerJWS',
	name: 'consumerJws',
	type: 'string',
	typeOptions: { password: true },
	default: '',
	placeholder: '={{ $json.consumerJws }}',
	description:
		'A ConsumerJWS for this item\'s consumer, overriding Consumer ID and the credential\'s default. Usually an expression, since each consumer has their own.',
};

export const autoMessagesOption: INodeProperties = {
	displayName: 'Enable Automatic Messages',
	name: 'autoMessages',
	type: 'boolean',
	default: false,
	description:
		'Whether to send the Client-Properties header that lets LivePerson send its automatic messages (welcome, queue position) in this conversation',
};
