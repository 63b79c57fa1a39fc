import type { INodeProperties } from 'n8n-workflow';

import { publishedSequence } from '../../helpers/answers';
import { messageText, publishEventRequest, publishTextRequest } from '../../helpers/requests';
import {
	autoMessagesOption,
	conversationConsumerIdProperty,
	conversationIdProperty,
	optionsProperty,
} from '../../descriptions/consumer.description';
import type { OperationDefinition } from '../operation';
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

function hasEvent(value: unknown): boolean {
	if (value === undefined || value === null) return false;
	const text = typeof value === 'string' ? value.trim() : JSON.stringify(value);
	return text !== '' && text !== '{}';
}

export const definition: OperationDefinition<'sendMessage'> = {
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
		const request = hasEvent(item.options.event)
			? publishEventRequest(conversationId, item.options.event)
			: publishTextRequest(
					conversationId,
					messageText('Message', item.parameter('message', 'Message', '')),
				);
		const sent = await sendAsConsumer(item, request, {
			autoMessages: item.options.autoMessages === true,
		});
		const sequence = publishedSequence(sent.results);
		return conversationOutput(conversationId, sent, sequence === undefined ? {} : { sequence });
	},
};
