import type { INodeProperties } from 'n8n-workflow';

import { CHAT_STATE_CHOICES } from '../../helpers/profileFields';
import { chatStateRequest } from '../../helpers/requests';
import { choiceOptions } from '../../descriptions/choices';
import {
	conversationConsumerIdProperty,
	conversationIdProperty,
	optionsProperty,
} from '../../descriptions/consumer.description';
import type { ConversationOperation } from './consumer';
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

/** Longest a chat state waits out rate limits: later, it would describe a moment that has passed. */
export const CHAT_STATE_MAX_WAIT_MS = 5_000;

export const definition: ConversationOperation<'sendTyping'> = {
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
		check: 'A chat state is of the moment: send the current one if it still matters.',
	},
	// Chat states are ephemeral: repeated or delayed, an old COMPOSING could arrive after a newer
	// PAUSE and leave the agent seeing "typing…". So one is never sent again after an answer that
	// may mean it arrived, and waits out rate limits only briefly.
	safeToRepeat: false,
	async execute(item) {
		item.settings.maxRateLimitWaitMs = Math.min(
			item.settings.maxRateLimitWaitMs,
			CHAT_STATE_MAX_WAIT_MS,
		);
		const conversationId = conversationIdOf(item);
		const chatState = item.parameter<unknown>('chatState', 'Chat State', 'COMPOSING');
		const sent = await sendAsConsumer(item, chatStateRequest(conversationId, chatState));
		return conversationOutput(conversationId, sent, {
			chatState: String(chatState).trim().toUpperCase(),
		});
	},
};
