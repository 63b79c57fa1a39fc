import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { BatchMember, BatchOutcome } from '../../../shared/actions/operation';
import { optionsCollection } from '../../../shared/descriptions/options';
import { InputError, LivePersonFailure } from '../../../shared/errors';
import { excerpt } from '../../../shared/text';
import { isBlank, isPlainObject, optionalString, tryParseJson } from '../../../shared/values';
import {
	createCampaign,
	MAX_REQUESTS_PER_SECOND,
	type CampaignAnswer,
} from '../../transport/proactive';
import {
	channelName,
	type Channel,
	type HeaderMedia,
	type Template,
} from '../../transport/templates';
import { knownTemplates, type CampaignItem, type CampaignOperation } from './campaign';

/** LivePerson's limits (Proactive Messaging 2.0's field table). */
const MAX_RECIPIENTS_PER_REQUEST = 100;
const MAX_NAME = 255;
const MAX_TEMPLATE_ID = 32;
const MAX_OUTBOUND_DIGITS = 16;
const MAX_VARIABLE = 1550;

type ChannelChoice = Channel | 'smsWa';
const PHONE_CHOICES: ChannelChoice[] = ['sms', 'wa', 'smsWa'];
const channelsOf = (choice: ChannelChoice): Channel[] =>
	choice === 'smsWa' ? ['sms', 'wa'] : [choice];

const channelField: INodeProperties = {
	displayName: 'Channel',
	name: 'channel',
	type: 'options',
	noDataExpression: true,
	default: 'wa',
	options: [
		{ name: 'In-App', value: 'inapp', description: "A push message in the brand's app" },
		{ name: 'SMS', value: 'sms' },
		{
			name: 'SMS and WhatsApp',
			value: 'smsWa',
			description: 'For a template with both channels: the same number on each',
		},
		{ name: 'WhatsApp', value: 'wa' },
	],
	description: 'How the message reaches the customer; replies come back in that channel',
};

const templateField: INodeProperties = {
	displayName: 'Template',
	name: 'template',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		"The handoff (template) set up in LivePerson's Proactive Web Tool: its text, variables and sender. Sent as templateId.",
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchTemplates', searchable: true },
		},
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 1234567890',
			hint: 'A handoff ID, or the WhatsApp template ID LivePerson gave you',
		},
	],
};

const phoneField: INodeProperties = {
	displayName: 'Phone Number',
	name: 'phoneNumber',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. {{ $json.phone }}',
	description:
		'The customer\'s mobile number with its country code, e.g. +1 415 555 0123 (spaces, dashes, dots, brackets and the "+" are removed)',
	displayOptions: { show: { channel: PHONE_CHOICES } },
};

const consumerIdField: INodeProperties = {
	displayName: 'Consumer ID',
	name: 'consumerId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. {{ $json.appUserId }}',
	description: "The customer's ID in your app, as your app's LivePerson SDK knows them",
	displayOptions: { show: { channel: ['inapp'] } },
};

const variablesField: INodeProperties = {
	displayName: 'Variables',
	name: 'variables',
	type: 'resourceMapper',
	noDataExpression: true,
	default: { mappingMode: 'defineBelow', value: null },
	required: true,
	typeOptions: {
		loadOptionsDependsOn: ['template.value'],
		resourceMapper: {
			resourceMapperMethod: 'getTemplateVariables',
			mode: 'add',
			fieldWords: { singular: 'variable', plural: 'variables' },
			addAllFields: true,
			multiKeyMatch: false,
			supportAutoMap: false,
		},
	},
	description: "The template's {{1}}, {{2}}… for this customer, e.g. their name and the time",
};

const campaignFields: INodeProperties[] = [
	{
		displayName: 'Campaign Name',
		name: 'campaignName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Appointment reminders {{ $today.toFormat("yyyy-MM-dd") }}',
		description:
			'How the campaign shows in the Proactive Web Tool. Items with the same campaign fields go out together, up to 100 per request.',
	},
	{
		displayName: 'Skill',
		name: 'skill',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. sales',
		description:
			"Where replies within the lookback period are routed (a skill name, as LivePerson's examples send)",
	},
	{
		displayName: 'Outbound Number',
		name: 'outboundNumber',
		type: 'string',
		default: '',
		placeholder: 'e.g. 14155550100',
		description:
			'The number the message comes from, as set up for the template (at most 16 digits)',
		displayOptions: { show: { channel: PHONE_CHOICES } },
	},
	{
		displayName: 'Consent',
		name: 'consent',
		type: 'boolean',
		required: true,
		default: false,
		description:
			'Whether this customer agreed to receive these messages. LivePerson sends proactive messages only with consent: leave it off and nothing is sent.',
	},
];

const options: INodeProperties = optionsCollection(
	{
		displayName: 'Header Media URL',
		name: 'headerMediaUrl',
		type: 'string',
		default: '',
		placeholder: 'https://…/photo.jpg',
		description:
			"For a WhatsApp template with a media header: the public HTTPS URL of this customer's image, video or document (image hosts must be allowed for the account)",
	},
	{
		displayName: 'Header Media Type',
		name: 'headerMediaType',
		type: 'options',
		default: 'image',
		options: [
			{ name: 'Document', value: 'document' },
			{ name: 'Image', value: 'image' },
			{ name: 'Video', value: 'video' },
		],
		description: "The header's media, when the template cannot be read from the list",
	},
	{
		displayName: 'Requests per Second',
		name: 'requestsPerSecond',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_REQUESTS_PER_SECOND },
		default: MAX_REQUESTS_PER_SECOND,
		description:
			"At most this many campaign requests per second (LivePerson's limit is 10 per account: lower it when other workflows send campaigns too)",
	},
	{
		displayName: 'Variables (JSON)',
		name: 'variablesJson',
		type: 'json',
		default: '{}',
		description:
			'The variables as JSON, e.g. {"1":"Ada","2":"10:30"}, for a template the list cannot show; they add to and override the mapped ones',
	},
);

/** What one item brings to its campaign request. */
interface Recipient {
	/** The recipient as LivePerson's `consumers[]` takes it. */
	consumer: IDataObject;
	/** What identifies it in LivePerson's answer: the number (digits) or the in-app consumer ID. */
	key: string;
	field: 'Phone Number' | 'Consumer ID';
	channel: ChannelChoice;
	campaign: IDataObject;
	perSecond: number;
}

function textOf(field: string, value: unknown, max: number, fix: string, required = true): string {
	const text = optionalString(field, value);
	if (text === undefined) {
		if (required) throw new InputError(field, 'is empty', fix);
		return '';
	}
	if (text.length > max)
		throw new InputError(
			field,
			`is ${text.length} characters long; LivePerson takes at most ${max}`,
			fix,
		);
	return text;
}

/** A phone number as LivePerson wants it: the digits with the country code, no "+". */
function phoneDigits(field: string, value: unknown, digits: { min: number; max: number }): string {
	const fix = 'Give the number with its country code, e.g. +1 415 555 0123 or {{ $json.phone }}.';
	const text = optionalString(field, value);
	if (text === undefined) throw new InputError(field, 'is empty', fix);
	const stripped = text
		.replace(/[\s\-.()]/g, '')
		.replace(/^\+/, '')
		.replace(/^00/, '');
	if (!/^\d+$/.test(stripped))
		throw new InputError(field, `"${excerpt(text, 40)}" is not a phone number`, fix);
	if (stripped.length < digits.min || stripped.length > digits.max)
		throw new InputError(
			field,
			`has ${stripped.length} digits; a number with its country code has ${digits.min} to ${digits.max}`,
			fix,
		);
	return stripped;
}

/** The item's variables: the mapped ones and Options › Variables (JSON), as strings. */
function variablesOf(item: CampaignItem): Record<string, string> {
	const mapped = item.parameter<IDataObject>('variables', 'Variables', {});
	const given: IDataObject = isPlainObject(mapped.value) ? { ...mapped.value } : {};
	const raw = item.options.variablesJson;
	if (!isBlank(raw)) {
		const parsed = typeof raw === 'string' ? tryParseJson(raw)?.value : raw;
		if (!isPlainObject(parsed))
			throw new InputError(
				'Options › Variables (JSON)',
				'is not a JSON object',
				'Write the variables as {"1":"Ada","2":"10:30"}, or leave it {}.',
			);
		Object.assign(given, parsed);
	}
	const variables: Record<string, string> = {};
	for (const [name, value] of Object.entries(given)) {
		if (value === undefined || value === null) continue;
		const field = `Variables › {{${name}}}`;
		if (typeof value === 'object')
			throw new InputError(
				field,
				'must be text, not an object or a list',
				'Map a text value, e.g. {{ $json.firstName }}.',
			);
		const text = String(value);
		if (text.length > MAX_VARIABLE)
			throw new InputError(
				field,
				`is ${text.length} characters long; LivePerson takes at most ${MAX_VARIABLE}`,
				'Shorten it.',
			);
		variables[name] = text;
	}
	return variables;
}

/** Checks the item against its template, when the template could be read: nothing is sent for a mismatch. */
function checkAgainst(
	template: Template,
	channel: ChannelChoice,
	variables: Record<string, string>,
	headerMediaUrl: string,
): void {
	const wanted = channelsOf(channel);
	const lacking = wanted.filter((c) => !template.channels.includes(c));
	if (template.channels.length > 0 && lacking.length > 0)
		throw new InputError(
			'Channel',
			`is ${wanted.map(channelName).join(' and ')}, but template "${template.name}" sends by ${template.channels.map(channelName).join(' and ') || 'no campaign channel'}`,
			'Pick the channel of the template, or a template for this channel.',
		);
	const inAppOnly = wanted.every((c) => c === 'inapp');
	const extra = Object.keys(variables).filter((name) => !template.variables.includes(name));
	if (extra.length > 0)
		throw new InputError(
			`Variables › {{${extra[0]}}}`,
			`is not a variable of template "${template.name}" (it has ${template.variables.map((v) => `{{${v}}}`).join(', ') || 'none'})`,
			'Remove it, or pick the template it belongs to.',
		);
	// In-app templates fill in what is not given from the handoff's defaults (LivePerson's page).
	const missing = inAppOnly ? [] : template.variables.filter((name) => !(name in variables));
	if (missing.length > 0)
		throw new InputError(
			`Variables › {{${missing[0]}}}`,
			`is empty; template "${template.name}" needs ${template.variables.map((v) => `{{${v}}}`).join(', ')}`,
			"Map a value for each of the template's variables.",
		);
	if (template.headerMedia && !headerMediaUrl)
		throw new InputError(
			'Options › Header Media URL',
			`is empty; template "${template.name}" has a ${template.headerMedia} header`,
			`Give the public HTTPS URL of this customer's ${template.headerMedia}.`,
		);
}

async function prepare(item: CampaignItem): Promise<{ key: string; value: Recipient }> {
	const channel = item.parameter<ChannelChoice>('channel', 'Channel', 'wa');
	const chosen = item.parameter<unknown>('template', 'Template', '');
	const templateId = textOf(
		'Template',
		isPlainObject(chosen) ? chosen.value : chosen,
		MAX_TEMPLATE_ID,
		'Pick a template from the list, or give its ID.',
	);
	const fix = 'Fill it in: LivePerson needs it for every campaign.';
	const campaignName = textOf(
		'Campaign Name',
		item.parameter('campaignName', 'Campaign Name', ''),
		MAX_NAME,
		fix,
	);
	const skill = textOf('Skill', item.parameter('skill', 'Skill', ''), MAX_NAME, fix);
	const phone = PHONE_CHOICES.includes(channel);
	const outboundNumber = phone
		? phoneDigits('Outbound Number', item.parameter('outboundNumber', 'Outbound Number', ''), {
				min: 3,
				max: MAX_OUTBOUND_DIGITS,
			})
		: undefined;
	if (item.parameter<unknown>('consent', 'Consent', false) !== true)
		throw new InputError(
			'Consent',
			'is off',
			'LivePerson sends proactive messages only to customers who agreed to receive them: turn Consent on (e.g. {{ $json.optedIn }}) for those who did.',
		);
	const key = phone
		? phoneDigits('Phone Number', item.parameter('phoneNumber', 'Phone Number', ''), {
				min: 8,
				max: 15,
			})
		: textOf(
				'Consumer ID',
				item.parameter('consumerId', 'Consumer ID', ''),
				255,
				"Map the customer's ID in your app, e.g. {{ $json.appUserId }}.",
			);
	const variables = variablesOf(item);
	const headerMediaUrl = textOf(
		'Options › Header Media URL',
		item.options.headerMediaUrl,
		2048,
		'',
		false,
	);
	if (headerMediaUrl && !/^https:\/\/[^\s/]+\.[^\s]+$/i.test(headerMediaUrl))
		throw new InputError(
			'Options › Header Media URL',
			'is not a public HTTPS URL',
			'Give an https:// link LivePerson can fetch, e.g. https://cdn.example.com/photo.jpg.',
		);
	const template = (await knownTemplates(item))?.find((t) => t.id === templateId);
	if (template) checkAgainst(template, channel, variables, headerMediaUrl);
	const headerMedia: HeaderMedia =
		template?.headerMedia ?? (item.options.headerMediaType as HeaderMedia | undefined) ?? 'image';
	const consumerContent: IDataObject = {};
	for (const c of channelsOf(channel)) consumerContent[c] = key;
	const consumer: IDataObject = { consumerContent };
	// Always sent for phone channels: one recipient without `variables` would sink the whole request.
	if (phone || Object.keys(variables).length > 0) consumer.variables = variables;
	if (headerMediaUrl) consumer.headerVariables = { [headerMedia]: headerMediaUrl };
	const campaign: IDataObject = { campaignName, skill, templateId, consent: true };
	if (outboundNumber) campaign.outboundNumber = outboundNumber;
	const perSecond = Number(item.options.requestsPerSecond ?? MAX_REQUESTS_PER_SECOND);
	return {
		key: JSON.stringify([channel, campaign]),
		value: {
			consumer,
			key,
			field: phone ? 'Phone Number' : 'Consumer ID',
			channel,
			campaign,
			perSecond: Number.isFinite(perSecond) ? perSecond : MAX_REQUESTS_PER_SECOND,
		},
	};
}

/** LivePerson's per-recipient `errorMessage`s, as stable reasons and what to do. */
const RECIPIENT_ERRORS: Array<{ pattern: RegExp; reason: string; fix: string }> = [
	{
		pattern: /^INVALID_NUMBER/,
		reason: 'invalidNumber',
		fix: 'Check the number: the digits with the country code, e.g. 14155550123.',
	},
	{
		pattern: /^DUPLICATE_NUMBER/,
		reason: 'duplicateRecipient',
		fix: 'This customer was already in the same campaign request.',
	},
	{
		pattern: /^MISSING_CONSUMER_INFORMATION/,
		reason: 'missingRecipient',
		fix: "Give the recipient for each of the template's channels (the Channel must match the template).",
	},
	{
		pattern: /^TOO_MANY_VARIABLES/,
		reason: 'tooManyVariables',
		fix: 'Send only the variables the template has.',
	},
	{
		pattern: /^(INSUFFICIENT_VARIABLES|MISSING_VARIABLE)/,
		reason: 'missingVariable',
		fix: "Map a value for each of the template's variables.",
	},
	{
		pattern: /^VARIABLE_/,
		reason: 'invalidVariable',
		fix: 'Each variable must be text of at most 1,550 characters.',
	},
	{
		pattern: /^IMAGE_URL_NOT_WHITELISTED/,
		reason: 'headerMediaNotAllowed',
		fix: "The image's host must be allowed for the account (site setting messaging.rich.content.valid.urls, set by LivePerson).",
	},
	{
		pattern: /HEADER_VARIABLE/,
		reason: 'invalidHeaderMedia',
		fix: 'A media header takes one public HTTPS URL of the media type the template has (Options › Header Media URL).',
	},
];

function recipientFailure(
	errorMessage: string,
	recipient: Recipient,
	ids: IDataObject,
): LivePersonFailure {
	const known = RECIPIENT_ERRORS.find((entry) => entry.pattern.test(errorMessage));
	return new LivePersonFailure({
		reason: known?.reason ?? 'recipientRefused',
		message: `LivePerson did not accept this recipient: ${excerpt(errorMessage, 100)}`,
		description: `${known?.fix ?? 'Check the recipient and the variables.'} The campaign itself was created for the others.`,
		effect: 'no',
		data: {
			...ids,
			errorMessage,
			[recipient.field === 'Phone Number' ? 'phoneNumber' : 'consumerId']: recipient.key,
		},
	});
}

/** What identifies an answer entry's recipient: its consumerContent, or the `+digits` of a failed one. */
function keysOf(entry: IDataObject): string[] {
	const keys: string[] = [];
	if (isPlainObject(entry.consumerContent))
		for (const value of Object.values(entry.consumerContent))
			if (typeof value === 'string' || typeof value === 'number') keys.push(String(value));
	for (const field of ['phoneNumber', 'phone'])
		if (typeof entry[field] === 'string') keys.push((entry[field] as string).replace(/^\+/, ''));
	return keys;
}

async function send(
	members: Array<BatchMember<Recipient, ProactiveSessionOf>>,
): Promise<BatchOutcome[]> {
	const outcomes: BatchOutcome[] = new Array(members.length);
	// The same customer twice in one request would be texted twice, or refused: the later item is refused here.
	const first = new Map<string, number>();
	const sent: number[] = [];
	members.forEach((member, m) => {
		const seen = first.get(member.value.key);
		if (seen === undefined) {
			first.set(member.value.key, m);
			sent.push(m);
			return;
		}
		outcomes[m] = {
			error: new InputError(
				member.value.field,
				`is the same customer as item ${members[seen].item.index} in this campaign`,
				'Send each customer once per campaign: remove the duplicate, or give it another Campaign Name.',
			),
		};
	});
	const lead = members[sent[0]];
	const answer: CampaignAnswer = await createCampaign(
		lead.item.session,
		{ ...lead.value.campaign, consumers: sent.map((m) => members[m].value.consumer) },
		lead.item.settings,
		lead.value.perSecond,
	);
	const ids: IDataObject = {};
	for (const field of [
		'proactiveCampaignId',
		'leCampaignId',
		'leEngagementId',
		'requestTraceId',
	] as const)
		if (answer[field]) ids[field] = answer[field];
	const accepted = new Map<string, IDataObject>();
	for (const entry of answer.acceptedConsumers)
		for (const key of keysOf(entry)) accepted.set(key, entry);
	const failed = new Map<string, IDataObject>();
	for (const entry of answer.failedConsumers)
		for (const key of keysOf(entry)) failed.set(key, entry);
	for (const m of sent) {
		const recipient = members[m].value;
		const ok = accepted.get(recipient.key);
		const refused = failed.get(recipient.key);
		if (ok) {
			outcomes[m] = {
				json: {
					...ids,
					recipientId:
						typeof ok.id === 'string' || typeof ok.id === 'number' ? String(ok.id) : null,
					accepted: true,
					channel: recipient.channel,
					[recipient.field === 'Phone Number' ? 'phoneNumber' : 'consumerId']: recipient.key,
					campaignName: recipient.campaign.campaignName,
					templateId: recipient.campaign.templateId,
				},
			};
		} else if (refused) {
			outcomes[m] = {
				error: recipientFailure(String(refused.errorMessage ?? 'no reason given'), recipient, ids),
			};
		} else {
			outcomes[m] = {
				error: new LivePersonFailure({
					reason: 'unreadableAnswer',
					message: "LivePerson's answer does not say what became of this recipient",
					description:
						'The campaign was created, but this recipient is neither among the accepted nor the failed ones. Check the campaign in the Proactive Web Tool before sending again.',
					effect: 'unknown',
					data: ids,
				}),
			};
		}
	}
	return outcomes;
}

type ProactiveSessionOf = CampaignItem['session'];

export const definition: CampaignOperation<'sendCampaign'> = {
	value: 'sendCampaign',
	name: 'Send Campaign',
	description:
		'Send a template message (SMS, WhatsApp or in-app) to one customer per item, as a LivePerson proactive campaign; replies reach your agents',
	action: 'Send a proactive campaign message',
	properties: [
		channelField,
		templateField,
		phoneField,
		consumerIdField,
		variablesField,
		...campaignFields,
		options,
	],
	outcome: {
		field: 'recipientAccepted',
		notDone: 'The message was not sent to this customer.',
		maybe:
			'LivePerson may have accepted the campaign request, so the node did not send it again: a repeat would text people twice.',
		check:
			'Check the campaign in the Proactive Web Tool (or with Get Campaign Status) before sending again.',
	},
	safeToRepeat: false,
	batch: {
		max: MAX_RECIPIENTS_PER_REQUEST,
		prepare,
		send,
	},
};
