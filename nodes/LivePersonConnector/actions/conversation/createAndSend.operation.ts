import type { INodeProperties } from 'n8n-workflow';

import type { ConversationOperation } from './consumer';
import {
	CREATE_OUTCOME,
	createConversation,
	createProperties,
	type CreateVariant,
} from './createConversation';

const variant: CreateVariant = { campaign: 'optional', firstMessage: true };

const messageField: INodeProperties = {
	displayName: 'Message',
	name: 'message',
	type: 'string',
	required: true,
	typeOptions: { rows: 4 },
	default: '',
	placeholder: 'Hi, I have a question about my order',
	description: 'The first message, sent as the consumer (plain text)',
};

export const definition: ConversationOperation<'createAndSend'> = {
	value: 'createAndSend',
	name: 'Create and Send Message',
	description: "Open a conversation and send the customer's first message",
	action: 'Create a conversation and send a message',
	properties: createProperties(variant, [messageField]),
	outcome: CREATE_OUTCOME,
	safeToRepeat: false,
	async execute(item) {
		return await createConversation(item, variant);
	},
};
