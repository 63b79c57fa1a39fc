import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { createConversation } from './create';

const properties: INodeProperties[] = [
	{
		displayName: 'Campaign ID',
		name: 'campaignId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '2739101812',
		description: 'The messaging campaign that routes the conversation (Campaign Builder in Conversational Cloud)',
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

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['createWithCampaign'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	return await createConversation.call(this, i, { campaign: 'required', firstMessage: false });
}
