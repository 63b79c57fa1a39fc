import type { INodeProperties } from 'n8n-workflow';

import { CHAT_STATE_CHOICES } from '../../helpers/profileFields';
import { chatStateRequest } from '../../helpers/requests';
import { choiceOptions } from '../../descriptions/choices';
import {
	conversationConsumerIdProperty,
	conversationIdProperty,
	optionsProperty,
} from '../../descriptions/consumer.description';
import type { OperationDefinition } from '../operation';
import { conversationIdOf, conversationOutput, sendAsConsumer } from './sendToConversation';

const chatStateField: INodeProperties = {
	displayName: 'Chat State',
	name: 'chatState',
	type: 'options',
	default: 'COMPOSING',
	options: choiceOptions(CHAT_STATE_CHOICES),
	description:
		'Agents see "typing…" from Composing until another chat state (not a message) clears it',
};

export const definition: OperationDefinition<'sendTyping'> = {
	value: 'sendTyping',
	name: 'Send Typing Indicator',
	description: 'Tell the agent the consumer is typing, paused, or away (ChatStateEvent)',
	action: 'Send a typing indicator into a conversation',
	properties: [
		conversationIdProperty,
		conversationConsumerIdProperty,
		chatStateField,
		optionsProperty(),
	],
	outcome: {
		field: 'chatStateSent',
		notDone: 'The chat state was not sent.',
		maybe: 'The chat state may or may not have been sent.',
		check: 'Sending it again does no harm.',
	},
	safeToRepeat: true,
	async execute(item) {
		const conversationId = conversationIdOf(item);
		const chatState = item.parameter<unknown>('chatState', 'Chat State', 'COMPOSING');
		const sent = await sendAsConsumer(item, chatStateRequest(conversationId, chatState));
		return conversationOutput(conversationId, sent, {
			chatState: String(chatState).trim().toUpperCase(),
		});
	},
};
