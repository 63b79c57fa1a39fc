import { LivePersonFailure } from '../../../shared/errors';
import { closeRequest } from '../../helpers/requests';
import {
	conversationConsumerIdProperty,
	conversationIdProperty,
	optionsProperty,
} from '../../descriptions/consumer.description';
import type { ConversationOperation } from './consumer';
import { consumerIdsOf } from './consumer';
import { conversationIdOf, conversationOutput, sendAsConsumer } from './sendToConversation';

export const definition: ConversationOperation<'close'> = {
	value: 'close',
	name: 'Close Conversation',
	description: 'Close (resolve) a conversation, as the consumer',
	action: 'Close a conversation',
	properties: [conversationIdProperty, conversationConsumerIdProperty, optionsProperty()],
	outcome: {
		field: 'conversationClosed',
		notDone: 'The conversation was not closed.',
		maybe: 'The conversation may or may not have been closed.',
		check: 'Check it in LivePerson, or run the item again: closing twice does no harm.',
	},
	// Closing is final (a closed conversation is never reopened), so a late repeat undoes nothing.
	safeToRepeat: true,
	async execute(item) {
		const conversationId = conversationIdOf(item);
		return await sendAsConsumer(item, closeRequest(conversationId)).then(
			(sent) => conversationOutput(conversationId, sent, { closed: true, alreadyClosed: false }),
			(error: unknown) => {
				// LivePerson answers "Conversation is close" after checking the consumer owns it
				// (inferred: its pages are silent): what was asked holds.
				if (!(error instanceof LivePersonFailure) || error.facts.reason !== 'conversationClosed')
					throw error;
				// Closed before this item, unless an earlier attempt of ours may have closed it itself.
				const known = !error.facts.resent && !item.earlierAttempt;
				return {
					conversationId,
					closed: true,
					...(known ? { alreadyClosed: true } : {}),
					...consumerIdsOf(error),
					livePersonResponses: [],
				};
			},
		);
	},
};
