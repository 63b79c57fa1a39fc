import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { nodeCredentials, nodeProperties } from '../shared/actions/resource';
import { route } from '../shared/actions/router';
import { connectorNode } from './actions/connectorNode';

export class LivePersonConnector implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'LivePerson Connector',
		name: 'livePersonConnector',
		icon: { light: 'file:liveperson.svg', dark: 'file:liveperson.dark.svg' },
		group: ['output'],
		version: 1,
		// The chosen operation's name. A literal, as n8n's verification scan asks: written by
		// `npm run lint:fix` from the operations (subtitleOf), checked by test/panel.test.ts.
		subtitle:
			'={{ {"conversation.createWithSdes":"Create with SDEs","conversation.createWithCampaign":"Create with Campaign","conversation.createAndSend":"Create and Send Message","conversation.sendMessage":"Send Message","conversation.updateProfile":"Update Profile (SDEs)","conversation.sendTyping":"Send Typing Indicator","conversation.markAsRead":"Mark as Read","conversation.close":"Close Conversation","conversation.getConversation":"Get Conversation","conversation.getMessages":"Get Messages","conversation.sendFile":"Send File","conversation.downloadFile":"Download File"}[$parameter["resource"] + "." + $parameter["operation"]] ?? $parameter["operation"] }}',
		description: 'Open LivePerson messaging conversations and carry them on: send, update, close',
		defaults: { name: 'LivePerson Connector' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: nodeCredentials(connectorNode),
		properties: nodeProperties(connectorNode),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, connectorNode);
	}
}
