import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { createConversation } from './create';

const properties: INodeProperties[] = [
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		required: true,
		typeOptions: { rows: 4 },
		default: '',
		placeholder: 'Hi, I have a question about my order',
		description: 'The first message, sent as the consumer (plain text)',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['createAndSend'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	return await createConversation.call(this, i, { campaign: 'optional', firstMessage: true });
}
