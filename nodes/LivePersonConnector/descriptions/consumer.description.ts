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

export const reliabilityOptions: INodeProperties[] = [
	{
		displayName: 'Rate Limit Retries',
		name: 'rateLimitRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 20, numberPrecision: 0 },
		default: 5,
		description:
			'How many times to retry a request LivePerson rate-limited (HTTP 429). A 429 proves nothing was processed, so retrying never duplicates a conversation.',
	},
	{
		displayName: 'Max Rate Limit Wait (Seconds)',
		name: 'maxRateLimitWait',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 600 },
		default: 60,
		description: 'Most time one request may spend waiting out rate limits (Retry-After, or 1 s doubling) before its item fails',
	},
	{
		displayName: 'Server Error Retry Interval (Seconds)',
		name: 'serverErrorRetryInterval',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 60 },
		default: 5,
		description:
			'Requests that are safe to repeat (host lookup, ConsumerJWS minting) are retried three times after a server error, after 1, 2 and 3 times this interval. Creates and messages are never retried after a server error.',
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
