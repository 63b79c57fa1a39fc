import type { INodeProperties } from 'n8n-workflow';

import { CONVERSATION_CONTEXT_FIELDS, TTR_DEF_NAME_CHOICES } from '../helpers/profileFields';
import { choiceOptions, sortedOptions, textFieldProperty } from './choices';

const ttrDefName: INodeProperties = {
	displayName: 'Time to Response',
	name: 'ttrDefName',
	type: 'options',
	default: 'NORMAL',
	description: 'Response-time urgency of the conversation (ttrDefName)',
	options: choiceOptions(TTR_DEF_NAME_CHOICES),
};

const skillId: INodeProperties = {
	displayName: 'Skill ID',
	name: 'skillId',
	type: 'string',
	default: '',
	placeholder: '-1',
	description:
		'Route to this skill; -1 means any skill. LivePerson recommends routing by campaign instead.',
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

function routing(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Routing',
		name: 'routing',
		type: 'collection',
		placeholder: 'Add Routing Field',
		default: {},
		options: sortedOptions(options),
	};
}

export const routingProperty = routing([skillId, ttrDefName]);

/** Routing for Create and Send Message, which can also route by campaign. */
export const routingWithCampaignProperty = routing([campaignId, engagementId, skillId, ttrDefName]);

export const conversationContextProperty: INodeProperties = {
	displayName: 'Conversation Context',
	name: 'conversationContext',
	type: 'collection',
	placeholder: 'Add Context Field',
	default: {},
	description: 'Web session the conversation continues (a SharkContext), if any',
	options: sortedOptions(CONVERSATION_CONTEXT_FIELDS.map(textFieldProperty)),
};
