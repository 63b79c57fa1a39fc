import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY } from '../actions/scheduler';
import { sortedOptions } from './choices';

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
		'The conversationId a create operation returned, or the one the LivePerson Trigger received',
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

export const reliabilityOptions: INodeProperties[] = [
	{
		displayName: 'Items in Parallel',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 100, numberPrecision: 0 },
		default: DEFAULT_CONCURRENCY,
		description:
			'How many items are sent to LivePerson at once. Halved when LivePerson answers 429, grown back slowly. Items for the same consumer always go one after the other, in input order. 1 sends every item after the previous one.',
	},
	{
		displayName: 'Rate Limit Retries',
		name: 'rateLimitRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 20, numberPrecision: 0 },
		default: 5,
		description:
			'How many times to retry a request LivePerson rate-limited (HTTP 429). A 429 proves nothing was processed, so retrying never duplicates anything.',
	},
	{
		displayName: 'Max Rate Limit Wait (Seconds)',
		name: 'maxRateLimitWait',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 600 },
		default: 60,
		description:
			'Most time one request may spend waiting out rate limits (Retry-After, or 1 s doubling) before its item fails',
	},
	{
		displayName: 'Server Error Retry Interval (Seconds)',
		name: 'serverErrorRetryInterval',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 60 },
		default: 5,
		description:
			'Requests that are safe to repeat (host lookup, token minting) are retried three times after a server error, after 1, 2 and 3 times this interval. Creates and messages are never retried after a server error.',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 300 },
		default: 30,
		description: 'How long to wait for each LivePerson answer',
	},
];

/** An operation's Options collection: the ConsumerJWS, the reliability options and its own. */
export function optionsProperty(...own: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: sortedOptions([consumerJwsOption, ...reliabilityOptions, ...own]),
	};
}
