import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { nodeCredentials, nodeProperties, subtitleOf } from '../shared/actions/resource';
import { route } from '../shared/actions/router';
import { connectorNode } from './actions/connectorNode';

export class LivePersonConnector implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'LivePerson Connector',
		name: 'livePersonConnector',
		icon: { light: 'file:liveperson.svg', dark: 'file:liveperson.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: subtitleOf(connectorNode),
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
