import { LivePersonFailure } from '../../helpers/errors';
import { closeRequest } from '../../helpers/requests';
import {
	conversationConsumerIdProperty,
	conversationIdProperty,
	optionsProperty,
} from '../../descriptions/consumer.description';
import type { OperationDefinition } from '../operation';
import { consumerIdsOf } from './consumer';
import { conversationIdOf, conversationOutput, sendAsConsumer } from './sendToConversation';

export const definition: OperationDefinition<'close'> = {
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
	safeToRepeat: true,
	async execute(item) {
		const conversationId = conversationIdOf(item);
		return await sendAsConsumer(item, closeRequest(conversationId)).then(
			(sent) => conversationOutput(conversationId, sent, { closed: true, alreadyClosed: false }),
			(error: unknown) => {
				// LivePerson answers "Conversation is close" only after checking the consumer owns it: what was asked holds.
				if (!(error instanceof LivePersonFailure) || error.facts.reason !== 'conversationClosed')
					throw error;
				return {
					conversationId,
					closed: true,
					alreadyClosed: true,
					...consumerIdsOf(error),
					livePersonResponses: [],
				};
			},
		);
	},
};
