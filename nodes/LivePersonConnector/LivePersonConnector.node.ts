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
		// The canvas subtitle: the operation's name as the panel shows it, not its internal value.
		// Written out as one string literal because n8n's verification scan, which ignores
		// eslint-disable comments, accepts only a literal subtitle. test/panel.test.ts checks it
		// against the name of every operation, so an operation added or renamed must be added here.
		subtitle:
			'={{ {"createWithSdes":"Create with SDEs","createWithCampaign":"Create with Campaign","createAndSend":"Create and Send Message","sendMessage":"Send Message","updateProfile":"Update Profile (SDEs)","sendTyping":"Send Typing Indicator","markAsRead":"Mark as Read","close":"Close Conversation"}[$parameter["operation"]] ?? $parameter["operation"] }}',
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
