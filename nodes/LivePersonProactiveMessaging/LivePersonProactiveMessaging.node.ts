import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { nodeCredentials, nodeProperties, subtitleOf } from '../shared/actions/resource';
import { route } from '../shared/actions/router';
import { proactiveNode } from './actions/proactiveNode';
import { getTemplateVariables, searchTemplates } from './methods/templates';

export class LivePersonProactiveMessaging implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'LivePerson Proactive Messaging',
		name: 'livePersonProactiveMessaging',
		icon: { light: 'file:liveperson.svg', dark: 'file:liveperson.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: subtitleOf(proactiveNode),
		description:
			'Reach customers first by SMS, WhatsApp or in-app with a LivePerson proactive campaign, and follow its delivery',
		defaults: { name: 'LivePerson Proactive Messaging' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: nodeCredentials(proactiveNode),
		properties: nodeProperties(proactiveNode),
	};

	methods = {
		listSearch: { searchTemplates },
		resourceMapping: { getTemplateVariables },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, proactiveNode);
	}
}
