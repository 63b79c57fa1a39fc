import type { INodeProperties } from 'n8n-workflow';

import { ACCEPT_STATUS_CHOICES } from '../../helpers/profileFields';
import { acceptStatusRequest, sequenceList } from '../../helpers/requests';
import { choiceOptions } from '../../descriptions/choices';
import {
	conversationConsumerIdProperty,
	conversationIdProperty,
	optionsProperty,
} from '../../descriptions/consumer.description';
import type { ConversationOperation } from './consumer';
import { conversationIdOf, conversationOutput, sendAsConsumer } from './sendToConversation';

const fields: INodeProperties[] = [
	{
		displayName: 'Sequences',
		name: 'sequences',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.sequence }} or 3, 4',
		description:
			"The sequence numbers of the agent's messages to mark, separated by commas (or a list from an expression)",
	},
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		default: 'READ',
		options: choiceOptions(ACCEPT_STATUS_CHOICES),
		description: 'The receipt to send (AcceptStatusEvent)',
	},
];

export const definition: ConversationOperation<'markAsRead'> = {
	value: 'markAsRead',
	name: 'Mark as Read',
	description: 'Send a read (or accept) receipt for agent messages',
	action: 'Mark messages as read',
	properties: [
		conversationIdProperty,
		conversationConsumerIdProperty,
		...fields,
		optionsProperty(),
	],
	outcome: {
		field: 'receiptSent',
		notDone: 'The receipt was not sent.',
		maybe: 'The receipt may or may not have been sent.',
		check: 'Sending it again does no harm.',
	},
	// A receipt only ever adds to a message's status (inferred: LivePerson keeps the furthest one),
	// so a late repeat undoes nothing.
	safeToRepeat: true,
	async execute(item) {
		const conversationId = conversationIdOf(item);
		const sequences = item.parameter<unknown>('sequences', 'Sequences', '');
		const status = item.parameter<unknown>('status', 'Status', 'READ');
		const sent = await sendAsConsumer(
			item,
			acceptStatusRequest(conversationId, status, sequences),
			{
				inputs: { Sequences: sequences },
			},
		);
		return conversationOutput(conversationId, sent, {
			status: String(status).trim().toUpperCase(),
			sequences: sequenceList(sequences),
		});
	},
};
