import type { INodeProperties } from 'n8n-workflow';

import type { ConversationOperation } from './consumer';
import {
	CREATE_OUTCOME,
	createConversation,
	createProperties,
	type CreateVariant,
} from './createConversation';

const variant: CreateVariant = { campaign: 'required', firstMessage: false };

const campaignFields: INodeProperties[] = [
	{
		displayName: 'Campaign ID',
		name: 'campaignId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '2739101812',
		description:
			'The messaging campaign that routes the conversation (Campaign Builder in Conversational Cloud)',
	},
	{
		displayName: 'Engagement ID',
		name: 'engagementId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '2739121912',
		description: 'The engagement of that campaign',
	},
];

export const definition: ConversationOperation<'createWithCampaign'> = {
	value: 'createWithCampaign',
	name: 'Create with Campaign',
	description: 'Open a conversation routed by a messaging campaign and engagement',
	action: 'Create a conversation with a campaign',
	properties: createProperties(variant, campaignFields),
	outcome: CREATE_OUTCOME,
	safeToRepeat: false,
	async execute(item) {
		return await createConversation(item, variant);
	},
};
