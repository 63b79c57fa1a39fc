import type { IDataObject } from 'n8n-workflow';

import { LivePersonFailure } from '../../helpers/errors';
import { optionalIdentity } from '../../helpers/values';
import type { Consumer, ConsumerChoice } from '../../transport';
import type { ItemContext } from '../operation';

const IDENTITY_FIX =
	'Map the identifier itself, e.g. {{ $json.contactId }}, not an object or a list that holds it.';

/** Who the item acts for, as the panel gives it: text or digits only, never anything coerced. */
export function consumerChoice(item: ItemContext): ConsumerChoice {
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
