import type { INodeProperties } from 'n8n-workflow';

import { sortedOptions } from './panel';

/** Items in flight at once when the Options say nothing: see docs/performance.md. */
export const DEFAULT_CONCURRENCY = 10;
export const MAX_CONCURRENCY = 100;

/** The Options every LivePerson operation takes: how many items at once, retries, timeout. */
export const reliabilityOptions: INodeProperties[] = [
	{
		displayName: 'Items in Parallel',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY, numberPrecision: 0 },
		default: DEFAULT_CONCURRENCY,
		description:
			'How many items are sent to LivePerson at once. Lowered while LivePerson keeps answering 429, raised again slowly. Items for the same consumer always go one after the other, in input order. 1 sends every item after the previous one.',
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
			'Requests that are safe to repeat (host lookup, token minting, closing) are retried three times after a server error, after 1, 2 and 3 times this interval. Creates and messages are never retried after a server error.',
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

/** An operation's Options collection: the reliability options and its own, sorted as n8n's lint asks. */
export function optionsCollection(...own: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: sortedOptions([...reliabilityOptions, ...own]),
	};
}
