import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ItemContext, OperationDefinition } from '../../../shared/actions/operation';
import { LivePersonFailure } from '../../../shared/errors';
import { readClaims } from '../../../shared/jwt';
import { optionalIdentity } from '../../../shared/values';
import type { ConnectorSession, Consumer, ConsumerChoice } from '../../transport';

/** An item of a conversation operation: its session is the Connector's. */
export type ConversationItem = ItemContext<ConnectorSession>;

/** A conversation operation. */
export type ConversationOperation<Value extends string> = OperationDefinition<
	Value,
	ConnectorSession
>;

const IDENTITY_FIX =
	'Map the identifier itself, e.g. {{ $json.contactId }}, not an object or a list that holds it.';

/** Who the item acts for, as the panel gives it: text or digits only, never anything coerced. */
export function consumerChoice(item: ConversationItem): ConsumerChoice {
	return {
		consumerId: optionalIdentity(
			'Consumer ID',
			item.parameter('consumerId', 'Consumer ID', ''),
			IDENTITY_FIX,
		),
		consumerJws: optionalIdentity(
			'Options › ConsumerJWS',
			item.options.consumerJws,
			'Map the ConsumerJWS token itself, e.g. {{ $json.consumerJws }}.',
		),
	};
}

/** The consumer's IDs for the output, for correlation (read from the ConsumerJWS when one was given). */
export function consumerFields(consumer: Consumer | undefined): IDataObject {
	const fields: IDataObject = {};
	if (consumer?.ext_consumer_id) fields.ext_consumer_id = consumer.ext_consumer_id;
	if (consumer?.lp_consumer_id) fields.lp_consumer_id = consumer.lp_consumer_id;
	return fields;
}

/** A failure with the consumer's IDs added, so a workflow can look up where it keeps their conversation. */
export function withConsumer(error: unknown, consumer: Consumer | undefined): unknown {
	if (!(error instanceof LivePersonFailure) || !consumer) return error;
	return new LivePersonFailure({
		...error.facts,
		data: { ...consumerFields(consumer), ...(error.facts.data ?? {}) },
	});
}

/** The consumer's IDs a failure carries (see withConsumer). */
export function consumerIdsOf(error: LivePersonFailure): IDataObject {
	const data = error.facts.data ?? {};
	const ids: IDataObject = {};
	if (data.ext_consumer_id !== undefined) ids.ext_consumer_id = data.ext_consumer_id;
	if (data.lp_consumer_id !== undefined) ids.lp_consumer_id = data.lp_consumer_id;
	return ids;
}

/**
 * Who an item acts for, read before it runs, so items of one consumer keep their input order: the
 * consumer a given ConsumerJWS names (its ext_consumer_id), else the Consumer ID, else the
 * credential's default ConsumerJWS. A Consumer ID and a ConsumerJWS of the same consumer are one
 * consumer. The Consumer ID read here is kept in `read`, so its expression is evaluated once.
 */
export function consumerOrderKey(
	ctx: IExecuteFunctions,
	index: number,
	read: IDataObject,
): string | undefined {
	try {
		const consumerId = ctx.getNodeParameter('consumerId', index, '') as unknown;
		read.consumerId = consumerId as IDataObject[string];
		const consumerJws = ctx.getNodeParameter('options.consumerJws', index, '') as unknown;
		const jws = typeof consumerJws === 'string' ? consumerJws.trim() : undefined;
		if (jws) {
			const ext = readClaims(jws)?.ext_consumer_id;
			return typeof ext === 'string' || typeof ext === 'number' ? `consumer:${ext}` : `jws:${jws}`;
		}
		if (typeof consumerId === 'string' && consumerId.trim()) return `consumer:${consumerId.trim()}`;
		if (typeof consumerId === 'number') return `consumer:${consumerId}`;
		// Nothing given: the credential's default ConsumerJWS, one consumer for every such item.
		return consumerJws === '' || consumerJws === undefined ? 'default' : undefined;
	} catch {
		return undefined; // refused later as bad input: no consumer to share
	}
}
