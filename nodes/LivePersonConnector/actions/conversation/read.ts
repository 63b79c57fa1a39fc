import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { OutcomeWords } from '../../../shared/actions/operation';
import { asConsumer, asRead, restGet, type RestAnswer } from '../../transport/rest';
import type { Consumer } from '../../transport';
import type { ConversationItem } from './consumer';
import { consumerChoice, withConsumer } from './consumer';

/**
 * What the reading operations share: reading LivePerson's Messaging REST API as the item's
 * consumer, and saying plainly that the API is in early adoption.
 */

export const REST_NOTICE: INodeProperties = {
	displayName:
		"Reads LivePerson's Messaging REST API, which LivePerson marks as early adoption: it must be enabled on your account (ask your LivePerson representative). Use the Consumer ID the conversation was created for.",
	name: 'restNotice',
	type: 'notice',
	default: '',
};

/** The words of a read that failed: a read changes nothing, so it is always safe to run again. */
export function readOutcome(field: string, what: string): OutcomeWords {
	return {
		field,
		notDone: `${what} not read.`,
		maybe: `${what} not read.`,
		check: 'Reading again does no harm.',
	};
}

/** A conversation or dialog ID in a URL path. */
export function pathPart(id: string): string {
	return encodeURIComponent(id);
}

/**
 * Reads as the item's consumer: `read` gets a GET of the Messaging REST API (under `/messaging/v1`).
 * Failures carry the consumer's IDs, and are never `unknown`: a read changes nothing.
 */
export async function readAsConsumer<T>(
	item: ConversationItem,
	read: (get: (path: string, qs?: IDataObject) => Promise<RestAnswer>) => Promise<T>,
): Promise<{ consumer?: Consumer; result: T }> {
	let consumer: Consumer | undefined;
	try {
		const result = await asConsumer(
			item.session,
			consumerChoice(item),
			item.settings,
			(used) => {
				consumer = used;
				item.secrets.push(used.consumerJws);
			},
			async (as) =>
				await read(
					async (path, qs = {}) => await restGet(item.session, as, path, qs, item.settings),
				),
		);
		return { consumer, result };
	} catch (error) {
		throw withConsumer(asRead(error), consumer);
	}
}

/** Text, or undefined for anything else (a number is kept as text: IDs sometimes come as numbers). */
export function textOf(value: unknown): string | undefined {
	if (typeof value === 'string' && value !== '') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/** A time as ISO 8601, from LivePerson's epoch milliseconds or a date string; null when absent. */
export function timeOf(value: unknown): string | null {
	if (typeof value === 'number' && Number.isFinite(value)) {
		const date = new Date(value);
		return Number.isNaN(date.getTime()) ? null : date.toISOString();
	}
	if (typeof value === 'string' && value !== '') {
		if (/^\d{10,}$/.test(value)) return timeOf(Number(value));
		const ms = Date.parse(value);
		return Number.isNaN(ms) ? value : new Date(ms).toISOString();
	}
	return null;
}
