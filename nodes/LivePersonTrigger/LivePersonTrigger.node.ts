import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { properties, triggerPanel } from './descriptions/trigger.description';
import { CREDENTIAL_TYPE } from './helpers/credential';
import { receive } from './receive';

// No webhookMethods: LivePerson's app-installation API, the only way to set webhook endpoints, needs an
// admin login bearer, not this credential, so an admin registers the URL in the Connector App Hub.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
export class LivePersonTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'LivePerson Trigger',
		name: 'livePersonTrigger',
		icon: { light: 'file:liveperson.svg', dark: 'file:liveperson.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description:
			'Starts the workflow when an agent answers in LivePerson, types, reads, or a conversation changes',
		defaults: { name: 'LivePerson Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		// The node answers LivePerson itself (200 or 401) before n8n starts the workflow.
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'liveperson' },
		],
		triggerPanel,
		properties,
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receive.call(this);
	}
}
