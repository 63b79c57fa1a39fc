import type { IDataObject } from 'n8n-workflow';

import { InputError } from './inputError';
import { buildSdes, type PersonalInfoParameters } from './sdes';
import { MAX_BODY_CHARACTERS, REQUEST_TYPES, type ConnectorRequest } from './types';
import { compact, isBlank, optionalEnum, optionalString, requiredString } from './values';

export const TTR_DEF_NAMES = ['NORMAL', 'URGENT', 'PRIORITIZED', 'CUSTOM'] as const;

export type FirstMessageDelivery = 'inCreateRequest' | 'separateSend';

/** Everything the three create operations read from the node panel for one item. */
export interface CreateParameters {
	accountId: string;
	userProfile?: IDataObject;
	customerInfo?: IDataObject;
	personalInfo?: PersonalInfoParameters;
	sdesJson?: unknown;
	routing?: IDataObject;
	conversationContext?: IDataObject;
	/** Present for Create with Campaign (required) and when Routing sets a campaign. */
	campaign?: { campaignId?: unknown; engagementId?: unknown; required: boolean };
	/** Present for Create and Send Message. */
	firstMessage?: { text: unknown; delivery: FirstMessageDelivery };
}

export interface CreatePlan {
	/** The CONVERSATION batch: SetUserProfile, ConsumerRequestConversation, optionally PublishEvent. */
	batch: ConnectorRequest[];
	/** The first message when it goes as a SEND right after the create. */
	firstMessageSend?: (conversationId: string) => ConnectorRequest;
}

export function userProfileBody(values: IDataObject | null = {}, lpSdes: IDataObject[] = []): IDataObject {
	values ??= {};
	const field = (name: string, label: string) => optionalString(`User Profile › ${label}`, values[name]);
	const pushNotificationData = compact({
		serviceName: field('pushServiceName', 'Push Service Name'),
		certName: field('pushCertName', 'Push Certificate Name'),
		token: field('pushToken', 'Push Token'),
	});
	const privateData = compact({
		mobileNum: field('mobileNum', 'Mobile Number'),
		mail: field('mail', 'Email'),
		pushNotificationData: Object.keys(pushNotificationData).length ? pushNotificationData : undefined,
	});
	return compact({
		firstName: field('firstName', 'First Name'),
		lastName: field('lastName', 'Last Name'),
		userId: field('userId', 'User ID'),
		avatarUrl: field('avatarUrl', 'Avatar URL'),
		role: field('role', 'Role'),
		backgndImgUri: field('backgndImgUri', 'Background Image URL'),
		description: field('description', 'Description'),
		privateData: Object.keys(privateData).length ? privateData : undefined,
		authenticatedData: lpSdes.length ? { lp_sdes: lpSdes } : undefined,
	});
}

export function conversationRequestBody(parameters: CreateParameters): IDataObject {
	const routing = parameters.routing ?? {};
	const context = parameters.conversationContext ?? {};
	const contextField = (name: string, label: string) =>
		optionalString(`Conversation Context › ${label}`, context[name]);
	const conversationContext = compact({
		visitorId: contextField('visitorId', 'Visitor ID'),
		sessionId: contextField('sessionId', 'Session ID'),
		interactionContextId: contextField('interactionContextId', 'Interaction Context ID'),
		lang: contextField('lang', 'Language'),
	});
	return compact({
		ttrDefName: optionalEnum('Routing › Time to Response', routing.ttrDefName, TTR_DEF_NAMES),
		campaignInfo: campaignInfo(parameters.campaign),
		conversationContext: Object.keys(conversationContext).length
			? { type: 'SharkContext', ...conversationContext }
			: undefined,
		channelType: 'MESSAGING',
		brandId: parameters.accountId,
		skillId: skillId(routing.skillId),
	});
}

function skillId(value: unknown): string | undefined {
	const id = optionalString('Routing › Skill ID', value);
	if (id !== undefined && !/^-?\d+$/.test(id)) {
		throw new InputError(
			'Routing › Skill ID',
			`"${id}" is not a skill ID`,
			'Use the numeric skill ID from Conversational Cloud, or -1 for any skill.',
		);
	}
	return id;
}

function campaignInfo(campaign: CreateParameters['campaign']): IDataObject | undefined {
	if (!campaign) return undefined;
	const fix = 'Find both IDs in LivePerson Conversational Cloud under Campaigns › your messaging campaign › engagement.';
	if (campaign.required) {
		return {
			campaignId: requiredString('Campaign ID', campaign.campaignId, fix),
			engagementId: requiredString('Engagement ID', campaign.engagementId, fix),
		};
	}
	const campaignId = optionalString('Routing › Campaign ID', campaign.campaignId);
	const engagementId = optionalString('Routing › Engagement ID', campaign.engagementId);
	if (!campaignId && !engagementId) return undefined;
	if (!campaignId || !engagementId) {
		throw new InputError(
			campaignId ? 'Routing › Engagement ID' : 'Routing › Campaign ID',
			'is empty while the other campaign field is set',
			`LivePerson needs both. ${fix}`,
		);
	}
	return { campaignId, engagementId };
}

export function textEvent(text: string): IDataObject {
	return { type: 'ContentEvent', contentType: 'text/plain', message: text };
}

/** A SEND of a text message into an existing conversation. */
export function publishTextRequest(conversationId: string, text: string, id = '1'): ConnectorRequest {
	return {
		kind: 'req',
		id,
		type: REQUEST_TYPES.publishEvent,
		body: { dialogId: conversationId, event: textEvent(text) },
	};
}

function firstMessageText(text: unknown): string {
	if (isBlank(text) || typeof text !== 'string') {
		throw new InputError(
			'Message',
			isBlank(text) ? 'is empty' : 'must be text',
			'Type the first message, or map it from the input, e.g. {{ $json.message }}.',
		);
	}
	return text;
}

/**
 * Maps one item's parameters to LivePerson requests. Throws an InputError naming the field when
 * the input cannot make a valid request, so nothing is sent for that item.
 */
export function planCreate(parameters: CreateParameters): CreatePlan {
	const lpSdes = buildSdes(parameters.customerInfo, parameters.personalInfo, parameters.sdesJson);
	const batch: ConnectorRequest[] = [
		{ kind: 'req', id: '1', type: REQUEST_TYPES.setUserProfile, body: userProfileBody(parameters.userProfile, lpSdes) },
		{ kind: 'req', id: '2', type: REQUEST_TYPES.requestConversation, body: conversationRequestBody(parameters) },
	];
	const plan: CreatePlan = { batch };
	if (parameters.firstMessage) {
		const text = firstMessageText(parameters.firstMessage.text);
		if (parameters.firstMessage.delivery === 'separateSend') {
			plan.firstMessageSend = (conversationId) => publishTextRequest(conversationId, text);
			assertFits(JSON.stringify(plan.firstMessageSend('00000000-0000-0000-0000-000000000000')), 'Message');
		} else {
			batch.push({ kind: 'req', id: '3', type: REQUEST_TYPES.publishEvent, body: { event: textEvent(text) } });
		}
	}
	const body = JSON.stringify(batch);
	const messageInBatch = parameters.firstMessage && !plan.firstMessageSend ? String(parameters.firstMessage.text) : '';
	// Blame the message only when it is the larger part of the request.
	assertFits(body, messageInBatch.length * 2 > body.length ? 'Message' : undefined);
	return plan;
}

function assertFits(body: string, largestField?: string) {
	if (body.length <= MAX_BODY_CHARACTERS) return;
	throw new InputError(
		largestField ?? 'User Profile and SDEs',
		`make a request of ${body.length} characters; LivePerson rejects requests over ${MAX_BODY_CHARACTERS}`,
		largestField === 'Message'
			? 'Shorten the message, or send a long text as several messages.'
			: 'Send fewer or shorter profile and SDE values.',
	);
}
