import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import type { OperationOf } from '../node.type';
import type { OperationDefinition } from '../operation';
import { definition as close } from './close.operation';
import { definition as createAndSend } from './createAndSend.operation';
import { definition as createWithCampaign } from './createWithCampaign.operation';
import { definition as createWithSdes } from './createWithSdes.operation';
import { definition as markAsRead } from './markAsRead.operation';
import { definition as sendMessage } from './sendMessage.operation';
import { definition as sendTyping } from './sendTyping.operation';
import { definition as updateProfile } from './updateProfile.operation';

export const operations: { [Value in OperationOf<'conversation'>]: OperationDefinition<Value> } = {
	createWithSdes,
	createWithCampaign,
	createAndSend,
	sendMessage,
	updateProfile,
	sendTyping,
	markAsRead,
	close,
};

const definitions: OperationDefinition[] = Object.values(operations);

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: definitions
			.map(({ name, value, description, action }) => ({ name, value, description, action }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		default: 'createAndSend',
	},
	...definitions.flatMap((definition) =>
		updateDisplayOptions(
			{ show: { resource: ['conversation'], operation: [definition.value] } },
			definition.properties,
		),
	),
];
