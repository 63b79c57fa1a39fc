import type { ConversationOperation } from './consumer';
import {
	CREATE_OUTCOME,
	createConversation,
	createProperties,
	type CreateVariant,
} from './createConversation';

const variant: CreateVariant = { campaign: 'none', firstMessage: false };

export const definition: ConversationOperation<'createWithSdes'> = {
	value: 'createWithSdes',
	name: 'Create with SDEs',
	description: "Open a conversation with the customer's profile and engagement attributes",
	action: 'Create a conversation with customer attributes',
	properties: createProperties(variant),
	outcome: CREATE_OUTCOME,
	safeToRepeat: false,
	async execute(item) {
		return await createConversation(item, variant);
	},
};
