import type { INodeProperties } from 'n8n-workflow';

import { optionsCollection } from '../../shared/descriptions/options';

export const consumerIdProperty: INodeProperties = {
	displayName: 'Consumer ID',
	name: 'consumerId',
	type: 'string',
	default: '',
	placeholder: 'e.g. {{ $json.contactId }}',
	description:
		"Your ID for this customer, e.g. the CRM contact ID (LivePerson's ext_consumer_id). With Client Credentials the node mints and reuses this consumer's ConsumerJWS. With Static Tokens leave it empty.",
	hint: 'One consumer can have one open conversation at a time',
};

/** For operations on an existing conversation: the consumer who owns it. */
export const conversationConsumerIdProperty: INodeProperties = {
	...consumerIdProperty,
	description:
		"The same customer ID the conversation was created with (LivePerson's ext_consumer_id). LivePerson refuses one consumer's requests on another consumer's conversation.",
	hint: 'Map it from where you keep the conversation, e.g. {{ $json.contactId }}',
};

export const conversationIdProperty: INodeProperties = {
	displayName: 'Conversation ID',
	name: 'conversationId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. {{ $json.conversationId }}',
	description:
		'The conversationId a create operation returned, or the one the LivePerson Connector Trigger received',
};

export const consumerJwsOption: INodeProperties = {
	displayName: 'ConsumerJWS',
	name: 'consumerJws',
	type: 'string',
	typeOptions: { password: true },
	default: '',
	placeholder: 'e.g. {{ $json.consumerJws }}',
	description:
		"A ConsumerJWS for this item's consumer, overriding Consumer ID and the credential's default. Usually an expression, since each consumer has their own.",
};

export const autoMessagesOption: INodeProperties = {
	displayName: 'Enable Automatic Messages',
	name: 'autoMessages',
	type: 'boolean',
	default: false,
	description:
		'Whether to send the Client-Properties header that lets LivePerson send its automatic messages (welcome, queue position). LivePerson needs it on the create and on every later message.',
};

/** A conversation operation's Options collection: the ConsumerJWS, the reliability options and its own. */
export function optionsProperty(...own: INodeProperties[]): INodeProperties {
	return optionsCollection(consumerJwsOption, ...own);
}
