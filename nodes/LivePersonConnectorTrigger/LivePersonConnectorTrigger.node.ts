import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { properties, triggerPanel } from './descriptions/trigger.description';
import { CREDENTIAL_TYPE } from './helpers/credential';
import { forgetTrigger } from './helpers/seenChanges';
import { receive } from './receive';
import { readWebhookKey } from './webhookKey';

export class LivePersonConnectorTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'LivePerson Connector Trigger',
		name: 'livePersonConnectorTrigger',
		icon: { light: 'file:liveperson.svg', dark: 'file:liveperson.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description:
			'Starts the workflow when an agent answers in LivePerson, types, reads, or a conversation changes',
		defaults: { name: 'LivePerson Connector Trigger' },
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

	/**
	 * Run by n8n on activation (or when listening for a test event) and on deactivation. Nothing is
	 * registered at LivePerson: its webhook URLs are set in the connector app installation, by an
	 * admin in the Connector App Hub, through an API that takes an admin login, not this credential.
	 * Activation fails instead, naming the field, when the credential cannot check LivePerson's
	 * signatures (every webhook would fail); deactivation drops the node's memory of seen changes.
	 */
	webhookMethods = {
		default: {
			// LivePerson cannot be asked with this credential; "no" makes n8n run create's check.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				await readWebhookKey.call(this);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				forgetTrigger(this.getWorkflow().id, this.getNode().id);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receive.call(this);
	}
}
