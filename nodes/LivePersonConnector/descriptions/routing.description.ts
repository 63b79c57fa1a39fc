import type { INodeProperties } from 'n8n-workflow';

const ttrDefName: INodeProperties = {
	displayName: 'Time to Response',
	name: 'ttrDefName',
	type: 'options',
	default: 'NORMAL',
	description: 'Response-time urgency of the conversation (ttrDefName)',
	options: [
		{ name: 'Custom', value: 'CUSTOM' },
		{ name: 'Normal', value: 'NORMAL' },
		{ name: 'Prioritized', value: 'PRIORITIZED' },
		{ name: 'Urgent', value: 'URGENT' },
	],
};

const skillId: INodeProperties = {
	displayName: 'Skill ID',
	name: 'skillId',
	type: 'string',
	default: '',
	placeholder: '-1',
	description: 'Route to this skill; -1 means any skill. LivePerson recommends routing by campaign instead.',
};

const campaignId: INodeProperties = {
	displayName: 'Campaign ID',
	name: 'campaignId',
	type: 'string',
	default: '',
	description: 'Route by a messaging campaign (set the Engagement ID too)',
};

const engagementId: INodeProperties = {
	displayName: 'Engagement ID',
	name: 'engagementId',
	type: 'string',
	default: '',
	description: 'The engagement of the campaign (set the Campaign ID too)',
};

export function routingProperty(withCampaign: boolean): INodeProperties {
	return {
		displayName: 'Routing',
		name: 'routing',
		type: 'collection',
		placeholder: 'Add Routing Field',
		default: {},
		options: withCampaign ? [campaignId, engagementId, skillId, ttrDefName] : [skillId, ttrDefName],
	};
}

export const conversationContextProperty: INodeProperties = {
	displayName: 'Conversation Context',
	name: 'conversationContext',
	type: 'collection',
	placeholder: 'Add Context Field',
	default: {},
	description: 'Web session the conversation continues (a SharkContext), if any',
	options: [
		{ displayName: 'Interaction Context ID', name: 'interactionContextId', type: 'string', default: '' },
		{ displayName: 'Language', name: 'lang', type: 'string', default: '', placeholder: 'en-US' },
		{ displayName: 'Session ID', name: 'sessionId', type: 'string', default: '' },
		{ displayName: 'Visitor ID', name: 'visitorId', type: 'string', default: '' },
	],
};
