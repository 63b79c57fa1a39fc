import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as conversation from './actions/conversation/Conversation.resource';
import { router } from './actions/router';

export class LivePersonConnector implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'LivePerson Connector',
		name: 'livePersonConnector',
		icon: { light: 'file:liveperson.svg', dark: 'file:liveperson.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Open LivePerson messaging conversations with the Connector API',
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
