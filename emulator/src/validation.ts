/**
 * Shape and content checks for Connector API requests (sections 3 and 4 of the API page).
 * Every check returns undefined when fine, or a message naming the problem and where it is.
 */

export type Obj = Record<string, unknown>;

export interface LpRequest {
	kind: 'req';
	id: string;
	type: string;
	body: Obj;
}

export const TYPE_SET_USER_PROFILE = 'userprofile.SetUserProfile';
export const TYPE_REQUEST_CONVERSATION = 'cm.ConsumerRequestConversation';
export const TYPE_PUBLISH_EVENT = 'ms.PublishEvent';
export const TYPE_UPDATE_CONVERSATION_FIELD = 'cm.UpdateConversationField';

export const SEND_TYPES = [
	TYPE_PUBLISH_EVENT,
	TYPE_UPDATE_CONVERSATION_FIELD,
	TYPE_SET_USER_PROFILE,
] as const;

export const TTR_DEF_NAMES = ['NORMAL', 'URGENT', 'PRIORITIZED', 'CUSTOM'] as const;
export const CHAT_STATES = ['ACTIVE', 'INACTIVE', 'GONE', 'COMPOSING', 'PAUSE'] as const;
export const ACCEPT_STATUSES = ['ACCEPT', 'READ', 'ACCESS', 'NACK', 'ACTION'] as const;
export const GENDERS = ['MALE', 'FEMALE', 'OTHER'] as const;
export const PHONE_TYPES = [
	'HOME',
	'MOBILE',
	'WORK',
	'FAX',
	'MAIN',
	'HOME_FAX',
	'WORK_FAX',
	'PAGER',
	'OTHER',
] as const;
// inferred: the emulator accepts plain text only; the page documents no other content type.
export const CONTENT_TYPES = ['text/plain'] as const;

export function isObj(v: unknown): v is Obj {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

type Check = (v: unknown, path: string) => string | undefined;
type Rule =
	| 'string'
	| 'number'
	| 'integer'
	| { enum: readonly string[] }
	| ObjectRule
	| { arrayOf: Rule; nonEmpty?: boolean }
	| Check;
interface ObjectRule {
	object: Spec;
	required?: readonly string[];
}
type Spec = Record<string, Rule>;

function describe(v: unknown): string {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'an array';
	if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
	if (typeof v === 'object') return 'an object';
	return String(v);
}

function checkRule(v: unknown, path: string, rule: Rule): string | undefined {
	if (typeof rule === 'function') return rule(v, path);
	// inferred: null is never accepted in place of a value: leave the field out instead.
	if (rule === 'string')
		return typeof v === 'string' ? undefined : `${path} must be a string, got ${describe(v)}`;
	if (rule === 'number') {
		return typeof v === 'number' && Number.isFinite(v)
			? undefined
			: `${path} must be a number, got ${describe(v)}`;
	}
	if (rule === 'integer') {
		return typeof v === 'number' && Number.isInteger(v)
			? undefined
			: `${path} must be an integer, got ${describe(v)}`;
	}
	if ('enum' in rule) {
		return typeof v === 'string' && rule.enum.includes(v)
			? undefined
			: `${path} has unknown value ${describe(v)}; expected one of ${rule.enum.join(', ')}`;
	}
	if ('object' in rule) return checkObject(v, path, rule.object, rule.required);
	if (!Array.isArray(v)) return `${path} must be an array, got ${describe(v)}`;
	if (rule.nonEmpty && v.length === 0) return `${path} must not be empty`;
	for (let i = 0; i < v.length; i++) {
		const problem = checkRule(v[i], `${path}[${i}]`, rule.arrayOf);
		if (problem) return problem;
	}
	return undefined;
}

function checkObject(
	v: unknown,
	path: string,
	spec: Spec,
	required: readonly string[] = [],
): string | undefined {
	if (!isObj(v)) return `${path} must be an object, got ${describe(v)}`;
	for (const key of required) {
		if (v[key] === undefined) return `${path}.${key} is missing`;
	}
	for (const [key, value] of Object.entries(v)) {
		const rule = spec[key];
		// inferred: unknown fields are rejected everywhere, not only in SDEs, so that typos surface.
		if (!rule) return `${path}.${key} is not a known field`;
		const problem = checkRule(value, `${path}.${key}`, rule);
		if (problem) return problem;
	}
	return undefined;
}

const DATE: ObjectRule = { object: { day: 'integer', month: 'integer', year: 'integer' } };

const CTMRINFO: Spec = {
	cstatus: 'string',
	ctype: 'string',
	customerId: 'string',
	socialId: 'string',
	imei: 'string',
	userName: 'string',
	accountName: 'string',
	role: 'string',
	currency: 'string',
	companyBranch: 'string',
	storeZipCode: 'string',
	storeNumber: 'string',
	balance: 'number',
	companySize: 'integer',
	loginStatus: 'integer',
	lastPaymentDate: DATE,
	registrationDate: DATE,
};

const PERSONAL: Spec = {
	firstname: 'string',
	lastname: 'string',
	language: 'string',
	company: 'string',
	gender: { enum: GENDERS },
	age: { object: { age: 'integer', year: 'integer', month: 'integer', day: 'integer' } },
	contacts: {
		arrayOf: {
			object: {
				email: 'string',
				phone: 'string',
				phoneType: { enum: PHONE_TYPES },
				address: { object: { country: 'string', region: 'string' } },
			},
		},
	},
};

const checkSde: Check = (v, path) => {
	if (!isObj(v)) return `${path} must be an object, got ${describe(v)}`;
	if (v.type === 'ctmrinfo')
		return checkObject(v, path, { type: 'string', info: { object: CTMRINFO } }, ['info']);
	if (v.type === 'personal') {
		return checkObject(v, path, { type: 'string', personal: { object: PERSONAL } }, ['personal']);
	}
	return `${path}.type ${describe(v.type)} is not an accepted SDE type; only ctmrinfo and personal are`;
};

const PROFILE: Spec = {
	firstName: 'string',
	lastName: 'string',
	userId: 'string',
	avatarUrl: 'string',
	role: 'string',
	backgndImgUri: 'string',
	description: 'string',
	privateData: {
		object: {
			mobileNum: 'string',
			mail: 'string',
			pushNotificationData: {
				object: { serviceName: 'string', certName: 'string', token: 'string' },
			},
		},
	},
	authenticatedData: { object: { lp_sdes: { arrayOf: checkSde } } },
};

const brandIdRule =
	(accountId: string): Check =>
	(v, path) =>
		v === accountId ? undefined : `${path} ${describe(v)} does not match account ${accountId}`;

const skillIdRule: Check = (v, path) =>
	// inferred: skill ids are numeric strings, "-1" meaning any skill.
	typeof v === 'string' && /^-?\d+$/.test(v)
		? undefined
		: `${path} must be a numeric string such as "-1", got ${describe(v)}`;

const REQUEST_CONVERSATION = (accountId: string): Spec => ({
	brandId: brandIdRule(accountId),
	channelType: { enum: ['MESSAGING'] },
	ttrDefName: { enum: TTR_DEF_NAMES },
	skillId: skillIdRule,
	// inferred: both ids are required once campaignInfo is present.
	campaignInfo: {
		object: { campaignId: 'string', engagementId: 'string' },
		required: ['campaignId', 'engagementId'],
	},
	conversationContext: {
		object: {
			type: { enum: ['SharkContext'] },
			visitorId: 'string',
			sessionId: 'string',
			interactionContextId: 'string',
			lang: 'string',
		},
		required: ['type'],
	},
});

const nonEmptyString: Check = (v, path) =>
	// inferred: an empty message is refused.
	typeof v === 'string' && v.length > 0
		? undefined
		: `${path} must be a non-empty string, got ${describe(v)}`;

const checkEvent: Check = (v, path) => {
	if (!isObj(v)) return `${path} must be an object, got ${describe(v)}`;
	switch (v.type) {
		case 'ContentEvent':
			// inferred: contentType is required (every documented example has it).
			return checkObject(
				v,
				path,
				{ type: 'string', contentType: { enum: CONTENT_TYPES }, message: nonEmptyString },
				['contentType', 'message'],
			);
		case 'ChatStateEvent':
			return checkObject(v, path, { type: 'string', chatState: { enum: CHAT_STATES } }, [
				'chatState',
			]);
		case 'AcceptStatusEvent':
			return checkObject(
				v,
				path,
				{
					type: 'string',
					status: { enum: ACCEPT_STATUSES },
					sequenceList: {
						arrayOf: (n, p) =>
							typeof n === 'number' && Number.isInteger(n) && n >= 0
								? undefined
								: `${p} must be a sequence number (integer >= 0), got ${describe(n)}`,
						nonEmpty: true,
					},
				},
				['status', 'sequenceList'],
			);
		case 'RichContentEvent':
			// inferred: structured content is an object; its own schema is not checked.
			return checkObject(
				v,
				path,
				{
					type: 'string',
					content: (c, p) => (isObj(c) ? undefined : `${p} must be an object, got ${describe(c)}`),
				},
				['content'],
			);
		default:
			return `${path}.type ${describe(v.type)} is not a known event type; expected ContentEvent, RichContentEvent, ChatStateEvent or AcceptStatusEvent`;
	}
};

export function checkSetUserProfile(body: Obj): string | undefined {
	return checkObject(body, 'body', PROFILE);
}

/** `channelType` and `brandId` are required (inferred for channelType: every example has it). */
export function checkRequestConversation(body: Obj, accountId: string): string | undefined {
	return checkObject(body, 'body', REQUEST_CONVERSATION(accountId), ['brandId', 'channelType']);
}

/** The third item of a create batch: a first ContentEvent, no dialog yet. */
// inferred: a dialogId/conversationId there is tolerated and ignored (the conversation does not exist yet).
export function checkFirstMessage(body: Obj): string | undefined {
	const problem = checkObject(
		body,
		'body',
		{ event: checkEvent, dialogId: 'string', conversationId: 'string' },
		['event'],
	);
	if (problem) return problem;
	const event = body.event as Obj;
	return event.type === 'ContentEvent'
		? undefined
		: `body.event.type ${describe(event.type)} is not allowed in a create batch; only ContentEvent is`;
}

export function checkPublishEvent(body: Obj): string | undefined {
	return checkObject(
		body,
		'body',
		{ dialogId: 'string', conversationId: 'string', event: checkEvent },
		['dialogId', 'event'],
	);
}

export function checkUpdateConversationField(body: Obj): string | undefined {
	return checkObject(
		body,
		'body',
		{
			conversationId: 'string',
			conversationField: {
				object: {
					// inferred: the emulator supports closing only; other fields are refused as unknown.
					field: { enum: ['ConversationStateField'] },
					conversationState: { enum: ['CLOSE'] },
				},
				required: ['field', 'conversationState'],
			},
		},
		['conversationId', 'conversationField'],
	);
}

/** The envelope every request item shares: `{kind:"req", id:"<string>", type:"<string>", body:{...}}`. */
export function checkEnvelope(
	item: unknown,
	path: string,
): { ok: true; req: LpRequest } | { ok: false; msg: string } {
	if (!isObj(item))
		return { ok: false, msg: `${path} must be a request object, got ${describe(item)}` };
	if (item.kind !== 'req')
		return { ok: false, msg: `${path}.kind must be "req", got ${describe(item.kind)}` };
	if (typeof item.id !== 'string' || item.id.length === 0) {
		return { ok: false, msg: `${path}.id must be a non-empty string, got ${describe(item.id)}` };
	}
	if (typeof item.type !== 'string')
		return { ok: false, msg: `${path}.type must be a string, got ${describe(item.type)}` };
	if (!isObj(item.body))
		return { ok: false, msg: `${path}.body must be an object, got ${describe(item.body)}` };
	return { ok: true, req: item as unknown as LpRequest };
}

const BATCH_ORDER = [TYPE_SET_USER_PROFILE, TYPE_REQUEST_CONVERSATION, TYPE_PUBLISH_EVENT];

/**
 * Shape and order of a CONVERSATION batch. Returns the valid requests, or one message per
 * offending item (undefined for the items that are not at fault), or a message for the whole body.
 */
export function checkCreateBatch(
	json: unknown,
):
	| { ok: true; items: LpRequest[] }
	| { ok: false; perItem: (string | undefined)[] }
	| { ok: false; whole: string } {
	if (!Array.isArray(json)) {
		return {
			ok: false,
			whole: `the CONVERSATION body must be an array of 2 or 3 requests, got ${describe(json)}`,
		};
	}
	if (json.length === 0)
		return {
			ok: false,
			whole: 'the CONVERSATION body is an empty array; expected 2 or 3 requests',
		};
	if (json.length < 2 || json.length > 3) {
		const msg = `the CONVERSATION batch must hold 2 or 3 requests (${BATCH_ORDER.join(', optional ')}), got ${json.length}`;
		return { ok: false, perItem: json.map(() => msg) };
	}
	const perItem: (string | undefined)[] = [];
	const items: LpRequest[] = [];
	json.forEach((item, i) => {
		const env = checkEnvelope(item, `request[${i}]`);
		if (!env.ok) {
			perItem.push(env.msg);
			return;
		}
		items.push(env.req);
		perItem.push(
			env.req.type === BATCH_ORDER[i]
				? undefined
				: `request[${i}].type ${describe(env.req.type)} is out of place: the batch order is ${BATCH_ORDER.join(', ')} (the last optional)`,
		);
	});
	return perItem.some((p) => p !== undefined) ? { ok: false, perItem } : { ok: true, items };
}

/** Reads a reqId to echo from anything that looks like a request. */
export function reqIdOf(item: unknown): string | undefined {
	return isObj(item) && typeof item.id === 'string' ? item.id : undefined;
}
