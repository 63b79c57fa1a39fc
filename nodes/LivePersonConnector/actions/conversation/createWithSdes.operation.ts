import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { createConversation } from './create';

const properties: INodeProperties[] = [];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['createWithSdes'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	return await createConversation.call(this, i, { campaign: 'none', firstMessage: false });
}
