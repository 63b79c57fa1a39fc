import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as conversation from './actions/conversation/Conversation.resource';
import { router } from './actions/router';

/** The canvas subtitle: the operation's name as the panel shows it, not its internal value. */
const operationNames = JSON.stringify(
	Object.fromEntries(
		Object.values(conversation.operations).map(({ value, name }) => [value, name]),
	),
);

export class LivePersonConnector implements INodeType {
	// The rule looks for a literal subtitle; this one is built from the operations' names.
	// eslint-disable-next-line n8n-nodes-base/node-class-description-missing-subtitle
	description: INodeTypeDescription = {
		displayName: 'LivePerson Connector',
		name: 'livePersonConnector',
		icon: { light: 'file:liveperson.svg', dark: 'file:liveperson.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: `={{ ${operationNames}[$parameter["operation"]] ?? $parameter["operation"] }}`,
		description: 'Open LivePerson messaging conversations and carry them on: send, update, close',
		defaults: { name: 'LivePerson Connector' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'livePersonConnectorApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Conversation', value: 'conversation' }],
				default: 'conversation',
			},
			...conversation.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
