import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../../../shared/errors';
import type { ConnectorRequest, RequestResult } from '../../transport/types';
import { optionalIdentity } from '../../../shared/values';
import { callConnectorAs, type Consumer } from '../../transport';
import type { ConversationItem } from './consumer';
import { consumerChoice, consumerFields, withConsumer } from './consumer';

/** The item's Conversation ID: text or digits, required. */
export function conversationIdOf(item: ConversationItem): string {
	const fix =
		'Map the conversationId a create returned or the LivePerson Connector Trigger received, e.g. {{ $json.conversationId }}.';
	const id = optionalIdentity(
		'Conversation ID',
		item.parameter('conversationId', 'Conversation ID', ''),
		fix,
	);
	if (!id) throw new InputError('Conversation ID', 'is empty', fix);
	return id;
}

export interface Sent {
	consumer?: Consumer;
	results: RequestResult[];
}

/**
 * One SEND as the item's consumer, sent again after a 5xx or a lost answer only when the operation
 * is safe to repeat; failures carry the consumer's IDs.
 */
export async function sendAsConsumer(
	item: ConversationItem,
	request: ConnectorRequest,
	options: {
		autoMessages?: boolean;
		/** The user's inputs besides the Conversation ID the request is built from, by field label. */
		inputs?: Record<string, unknown>;
	} = {},
): Promise<Sent> {
	const conversationId = (request.body.dialogId ?? request.body.conversationId) as unknown;
	const inputs = {
		...(conversationId === undefined ? {} : { 'Conversation ID': conversationId }),
		...options.inputs,
	};
	const choice = consumerChoice(item);
	let consumer: Consumer | undefined;
	try {
		const { results } = await callConnectorAs(
			item.session,
			choice,
			{
				endpoint: 'send',
				requests: [request],
				autoMessages: options.autoMessages,
				safeToRepeat: item.safeToRepeat,
				inputs,
			},
			item.settings,
			(used) => {
				consumer = used;
				item.secrets.push(used.consumerJws);
			},
		);
		return { consumer, results };
	} catch (error) {
		throw withConsumer(error, consumer);
	}
}

/** The output of an operation on a conversation. */
export function conversationOutput(
	conversationId: string | undefined,
	sent: Sent,
	extra: IDataObject = {},
): IDataObject {
	return {
		...(conversationId ? { conversationId } : {}),
		...extra,
		...consumerFields(sent.consumer),
		livePersonResponses: sent.results,
	};
}
