import type { INodeProperties } from 'n8n-workflow';

import { isPlainObject, tryParseJson } from '../../../shared/values';
import { publishedSequence } from '../../transport/answers';
import { messageText, publishEventRequest, publishTextRequest } from '../../helpers/requests';
import {
	autoMessagesOption,
	conversationConsumerIdProperty,
	conversationIdProperty,
	optionsProperty,
} from '../../descriptions/consumer.description';
import type { ConversationOperation } from './consumer';
import { conversationIdOf, conversationOutput, sendAsConsumer } from './sendToConversation';

const messageField: INodeProperties = {
	displayName: 'Message',
	name: 'message',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	placeholder: 'Thanks, that answers my question',
	description:
		'The message, sent as the consumer (plain text). Not used when Options › Event (JSON) is set.',
};

const eventOption: INodeProperties = {
	displayName: 'Event (JSON)',
	name: 'event',
	type: 'json',
	default: '{}',
	description:
		'Send this ms.PublishEvent event instead of the Message, for what the fields do not cover (e.g. rich content)',
	hint: 'For example: {"type":"ContentEvent","contentType":"text/plain","message":"Hi"}',
};

/** Whether Options › Event (JSON) says anything: empty text and an empty object (`{}`, `{ }`, `{\n}`) do not. */
function hasEvent(value: unknown): boolean {
	if (value === undefined || value === null) return false;
	if (typeof value === 'string') {
		if (value.trim() === '') return false;
		const parsed = tryParseJson(value);
		return !(parsed && isEmptyObject(parsed.value));
	}
	return !isEmptyObject(value);
}

function isEmptyObject(value: unknown): boolean {
	return isPlainObject(value) && Object.keys(value).length === 0;
}

export const definition: ConversationOperation<'sendMessage'> = {
	value: 'sendMessage',
	name: 'Send Message',
	description: 'Send a message into an open conversation, as the consumer',
	action: 'Send a message into a conversation',
	properties: [
		conversationIdProperty,
		conversationConsumerIdProperty,
		messageField,
		optionsProperty(autoMessagesOption, eventOption),
	],
	outcome: {
		field: 'messageSent',
		notDone: 'The message was not sent.',
		maybe: 'The message may or may not have been sent, so the node did not send it again.',
		check: 'Check the conversation in LivePerson before sending it again.',
	},
	safeToRepeat: false,
	async execute(item) {
		const conversationId = conversationIdOf(item);
		const event = item.options.event;
		const text = hasEvent(event)
			? undefined
			: messageText('Message', item.parameter('message', 'Message', ''));
		const request =
			text === undefined
				? publishEventRequest(conversationId, event)
				: publishTextRequest(conversationId, text);
		const sent = await sendAsConsumer(item, request, {
			autoMessages: item.options.autoMessages === true,
			inputs:
				text === undefined ? { 'Options › Event (JSON)': request.body.event } : { Message: text },
		});
		const sequence = publishedSequence(sent.results);
		return conversationOutput(conversationId, sent, sequence === undefined ? {} : { sequence });
	},
};
