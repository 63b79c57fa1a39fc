import type { IDataObject } from 'n8n-workflow';

import { valuesOf } from '../../shared/choices';
import { InputError } from '../../shared/errors';
import {
	ACCEPT_STATUS_CHOICES,
	CHAT_STATE_CHOICES,
	CONVERSATION_CONTEXT_FIELDS,
	TTR_DEF_NAME_CHOICES,
	USER_PROFILE_FIELDS,
	type TextField,
} from './profileFields';
import { buildSdes, type PersonalInfoParameters } from './sdes';
import { MAX_BODY_CHARACTERS, REQUEST_TYPES, type ConnectorRequest } from '../transport/types';
import {
	compact,
	describeValue,
	isBlank,
	isPlainObject,
	optionalEnum,
	optionalString,
	requiredString,
	checkDepth,
	tryParseJson,
} from '../../shared/values';

export const TTR_DEF_NAMES = valuesOf(TTR_DEF_NAME_CHOICES);
export const CHAT_STATES = valuesOf(CHAT_STATE_CHOICES);
export const ACCEPT_STATUSES = valuesOf(ACCEPT_STATUS_CHOICES);

export type FirstMessageDelivery = 'inCreateRequest' | 'separateSend';

/** The SDE and profile sections of the panel, shared by the create operations and Update Profile. */
export interface ProfileParameters {
	userProfile?: IDataObject;
	customerInfo?: IDataObject;
	personalInfo?: PersonalInfoParameters;
	sdesJson?: unknown;
}

/** Everything the create operations read from the node panel for one item. */
export interface CreateParameters extends ProfileParameters {
	accountId: string;
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

/** The values of one panel section placed at their paths in the request body; empty ones left out. */
function fromTable(fields: TextField[], section: string, values: IDataObject): IDataObject {
	const body: IDataObject = {};
	for (const field of fields) {
		const value = optionalString(`${section} › ${field.displayName}`, values[field.name]);
		if (value === undefined) continue;
		let target = body;
		for (const key of field.path.slice(0, -1)) target = (target[key] ??= {}) as IDataObject;
		target[field.path[field.path.length - 1]] = value;
	}
	return body;
}

export function userProfileBody(
	values: IDataObject | null = {},
	lpSdes: IDataObject[] = [],
): IDataObject {
	const body = fromTable(USER_PROFILE_FIELDS, 'User Profile', values ?? {});
	if (lpSdes.length) body.authenticatedData = { lp_sdes: lpSdes };
	return body;
}

export function conversationRequestBody(parameters: CreateParameters): IDataObject {
	const routing = parameters.routing ?? {};
	const context = fromTable(
		CONVERSATION_CONTEXT_FIELDS,
		'Conversation Context',
		parameters.conversationContext ?? {},
	);
	return compact({
		ttrDefName: optionalEnum('Routing › Time to Response', routing.ttrDefName, TTR_DEF_NAMES),
		campaignInfo: campaignInfo(parameters.campaign),
		conversationContext: Object.keys(context).length
			? { type: 'SharkContext', ...context }
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
			`${describeValue(id)} is not a skill ID`,
			'Use the numeric skill ID from Conversational Cloud, or -1 for any skill.',
		);
	}
	return id;
}

function campaignInfo(campaign: CreateParameters['campaign']): IDataObject | undefined {
	if (!campaign) return undefined;
	const fix =
		'Find both IDs in LivePerson Conversational Cloud under Campaigns › your messaging campaign › engagement.';
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

function sendRequest(type: string, body: IDataObject): ConnectorRequest {
	return { kind: 'req', id: '1', type, body };
}

/** A SEND of a text message into an existing conversation. */
export function publishTextRequest(conversationId: string, text: string): ConnectorRequest {
	return sendRequest(REQUEST_TYPES.publishEvent, {
		dialogId: conversationId,
		event: textEvent(text),
	});
}

export function messageText(field: string, text: unknown): string {
	if (isBlank(text) || typeof text !== 'string') {
		throw new InputError(
			field,
			isBlank(text) ? 'is empty' : `must be text, not ${describeValue(text)}`,
			'Type the message, or map it from the input, e.g. {{ $json.message }}.',
		);
	}
	return text;
}

/** A SEND of an event given as LivePerson JSON (`ms.PublishEvent`'s `event`), for what the fields do not cover. */
export function publishEventRequest(conversationId: string, raw: unknown): ConnectorRequest {
	const field = 'Options › Event (JSON)';
	const value = typeof raw === 'string' ? tryParseJson(raw)?.value : raw;
	checkDepth(field, value);
	if (!isPlainObject(value) || typeof value.type !== 'string' || value.type === '') {
		throw new InputError(
			field,
			value === undefined ? 'is not valid JSON' : 'must be an event object with a "type"',
			'Write the event of an ms.PublishEvent, e.g. {"type":"ContentEvent","contentType":"text/plain","message":"Hi"}.',
		);
	}
	return sendRequest(REQUEST_TYPES.publishEvent, { dialogId: conversationId, event: value });
}

export function closeRequest(conversationId: string): ConnectorRequest {
	return sendRequest(REQUEST_TYPES.updateConversationField, {
		conversationId,
		conversationField: { field: 'ConversationStateField', conversationState: 'CLOSE' },
	});
}

export function chatStateRequest(conversationId: string, state: unknown): ConnectorRequest {
	const chatState = optionalEnum('Chat State', state, CHAT_STATES);
	if (!chatState)
		throw new InputError('Chat State', 'is empty', `Use one of: ${CHAT_STATES.join(', ')}.`);
	return sendRequest(REQUEST_TYPES.publishEvent, {
		dialogId: conversationId,
		event: { type: 'ChatStateEvent', chatState },
	});
}

/** Sequences as numbers, from a list, or text such as `1, 2, 5`. */
export function sequenceList(raw: unknown): number[] {
	const field = 'Sequences';
	const parts = Array.isArray(raw)
		? raw.map((part) => (typeof part === 'string' ? part.trim() : part))
		: typeof raw === 'string'
			? raw
					.split(',')
					.map((part) => part.trim())
					.filter(Boolean)
			: [raw];
	const sequences = parts.map((part) => {
		const number =
			typeof part === 'number'
				? part
				: typeof part === 'string' && /^\d{1,15}$/.test(part)
					? Number(part)
					: NaN;
		if (!Number.isSafeInteger(number) || number < 0) {
			throw new InputError(
				field,
				`${describeValue(part)} is not a message sequence (a whole number from 0)`,
				'Give the sequences of the messages, e.g. 3, 4 or {{ $json.sequence }}.',
			);
		}
		return number;
	});
	if (sequences.length === 0)
		throw new InputError(
			field,
			'is empty',
			'Give at least one message sequence, e.g. {{ $json.sequence }}.',
		);
	return [...new Set(sequences)];
}

export function acceptStatusRequest(
	conversationId: string,
	status: unknown,
	sequences: unknown,
): ConnectorRequest {
	const checked = optionalEnum('Status', status, ACCEPT_STATUSES);
	if (!checked)
		throw new InputError('Status', 'is empty', `Use one of: ${ACCEPT_STATUSES.join(', ')}.`);
	return sendRequest(REQUEST_TYPES.publishEvent, {
		dialogId: conversationId,
		event: { type: 'AcceptStatusEvent', status: checked, sequenceList: sequenceList(sequences) },
	});
}

/** A SEND of the profile and SDEs (replace semantics: each SDE type is sent whole). */
export function setUserProfileRequest(parameters: ProfileParameters): ConnectorRequest {
	const lpSdes = buildSdes(parameters.customerInfo, parameters.personalInfo, parameters.sdesJson);
	const body = userProfileBody(parameters.userProfile, lpSdes);
	if (Object.keys(body).length === 0) {
		throw new InputError(
			'User Profile and SDEs',
			'are all empty, so there is nothing to update',
			'Set at least one profile field or SDE field, or map Additional SDEs (JSON).',
		);
	}
	return sendRequest(REQUEST_TYPES.setUserProfile, body);
}

/**
 * Maps one item's parameters to LivePerson requests. Throws an InputError naming the field when
 * the input cannot make a valid request, so nothing is sent for that item.
 */
export function planCreate(parameters: CreateParameters): CreatePlan {
	const lpSdes = buildSdes(parameters.customerInfo, parameters.personalInfo, parameters.sdesJson);
	const batch: ConnectorRequest[] = [
		{
			kind: 'req',
			id: '1',
			type: REQUEST_TYPES.setUserProfile,
			body: userProfileBody(parameters.userProfile, lpSdes),
		},
		{
			kind: 'req',
			id: '2',
			type: REQUEST_TYPES.requestConversation,
			body: conversationRequestBody(parameters),
		},
	];
	const plan: CreatePlan = { batch };
	if (parameters.firstMessage) {
		const text = messageText('Message', parameters.firstMessage.text);
		if (parameters.firstMessage.delivery === 'separateSend') {
			plan.firstMessageSend = (conversationId) => publishTextRequest(conversationId, text);
			assertFits(plan.firstMessageSend('00000000-0000-0000-0000-000000000000'), { Message: text });
		} else {
			batch.push({
				kind: 'req',
				id: '3',
				type: REQUEST_TYPES.publishEvent,
				body: { event: textEvent(text) },
			});
		}
	}
	assertFits(batch);
	return plan;
}

/** The part of a create batch whose serialised size is largest, to blame when the whole is too large. */
function largestPart(requests: ConnectorRequest[]): Record<string, unknown> {
	const parts: Record<string, unknown> = {};
	for (const item of requests) {
		if (item.type === REQUEST_TYPES.publishEvent) parts.Message = item.body;
		if (item.type === REQUEST_TYPES.setUserProfile) parts['User Profile and SDEs'] = item.body;
		if (item.type === REQUEST_TYPES.requestConversation) parts['Conversation Context'] = item.body;
	}
	return parts;
}

const SIZE_FIXES: Record<string, string> = {
	Message: 'Shorten the message, or send a long text as several messages.',
	'Conversation ID':
		'Map the conversationId a create returned or the trigger received, e.g. {{ $json.conversationId }}.',
};

/**
 * LivePerson refuses a request body over 5,000 characters. The refusal names the largest of the
 * user's inputs the request was built from (`inputs`, by field label), so the fix is in that field.
 */
export function tooLarge(size: number, inputs: Record<string, unknown>): InputError {
	const [field] = Object.entries(inputs)
		.map(([label, value]) => [label, (JSON.stringify(value) ?? '').length] as const)
		.sort((a, b) => b[1] - a[1])[0] ?? ['The request'];
	return new InputError(
		field,
		`brings the request to ${size} characters; LivePerson rejects requests over ${MAX_BODY_CHARACTERS}`,
		SIZE_FIXES[field] ?? 'Send fewer or shorter values.',
	);
}

/** A create batch (or its first message) LivePerson would refuse for its size is refused before anything is sent. */
export function assertFits(
	request: ConnectorRequest | ConnectorRequest[],
	inputs?: Record<string, unknown>,
): void {
	const size = JSON.stringify(request).length;
	if (size <= MAX_BODY_CHARACTERS) return;
	// Worked out only for the error: which input made it too large.
	throw tooLarge(size, inputs ?? largestPart(Array.isArray(request) ? request : [request]));
}
