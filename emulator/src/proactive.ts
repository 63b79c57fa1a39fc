/**
 * Proactive Messaging 2.0 (campaign create and status) and the Outbound Configuration API behind
 * them, on the emulator's host:
 *
 *     POST /api/v2/account/{accountId}/campaign
 *     GET  /api/v2/account/{accountId}/campaign/{proactiveCampaignId}/conversations
 *     GET  /api/account/{accountId}/app/prmsg/handoffs/list[/channel/{channel}]?v=1
 *
 * All three want `Authorization: Bearer <AppJWT>` minted by the emulator's Sentinel for the
 * Proactive client. Recipients move on over a test clock. Where LivePerson documents nothing, the
 * choice is marked `inferred:`.
 */
import * as crypto from 'crypto';
import { json } from './answers';
import { seededRandom } from './faults';
import { findHandoff, handleHandoffs, templateInfo, type TemplateInfo } from './handoffs';
import { defaultProactiveSettings, HANDOFF_FIXTURES, NUMBER_ZONES } from './proactiveFixtures';
import type {
	HandoffProfile,
	ProactiveCampaignView,
	ProactiveChannel,
	ProactiveControls,
	ProactiveOptions,
	ProactiveOverride,
	ProactiveRateLimit,
	ProactiveRecipientView,
	ProactiveReplyResult,
	ProactiveReplyTarget,
	ProactiveSettings,
} from './proactiveTypes';
import type { TokenAuthority } from './tokens';
import type { EmulatorAnswer, RecordedRequest } from './types';

export const PROACTIVE_DEFAULTS = {
	clientId: 'emulator-proactive-client-1',
	clientSecret: 'emulator-proactive-secret-0123456789',
} as const;

// inferred: the scope of a Proactive app's token is undocumented. "prmsg" is the Proactive app's
// name in the Outbound Configuration path. Being other than msg.consumer, it makes the Connector
// endpoints refuse Proactive tokens (40102), as the Proactive endpoints refuse Connector ones.
export const PROACTIVE_SCOPE = 'prmsg';

export type ProactiveEndpoint = 'proactiveCampaign' | 'proactiveStatus' | 'handoffs';

export interface ProactiveRoute {
	endpoint: ProactiveEndpoint;
	methods: string[];
	accountId: string;
	params: Record<string, string>;
}

const MAX_CAMPAIGN_NAME = 255;
const MAX_SKILL = 255;
const MAX_TEMPLATE_ID = 32;
const MAX_OUTBOUND_DIGITS = 16;
const MAX_VARIABLE_CHARS = 1550;
const DAY_MS = 24 * 3600 * 1000;
const TERMINAL = new Set(['DELIVERED', 'FAILED', 'SKIPPED', 'DRAFT', 'TOO_MANY_VARIABLES']);
const PHONE_CHANNELS: readonly ProactiveChannel[] = ['sms', 'wa'];

function segment(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

export function proactiveRouteOf(pathname: string): ProactiveRoute | undefined {
	let m = /^\/api\/v2\/account\/([^/]+)\/campaign$/.exec(pathname);
	if (m)
		return {
			endpoint: 'proactiveCampaign',
			methods: ['POST'],
			accountId: segment(m[1]),
			params: {},
		};
	m = /^\/api\/v2\/account\/([^/]+)\/campaign\/([^/]+)\/conversations$/.exec(pathname);
	if (m)
		return {
			endpoint: 'proactiveStatus',
			methods: ['GET'],
			accountId: segment(m[1]),
			params: { campaignId: segment(m[2]) },
		};
	m = /^\/api\/account\/([^/]+)\/app\/([^/]+)\/handoffs\/list(?:\/channel\/([^/]+))?$/.exec(
		pathname,
	);
	if (m)
		return {
			endpoint: 'handoffs',
			methods: ['GET'],
			accountId: segment(m[1]),
			params: { app: segment(m[2]), ...(m[3] === undefined ? {} : { channel: segment(m[3]) }) },
		};
	return undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// inferred: every Proactive error body has the documented "jwt expired" shape, {code, message}.
// Authentication failures use code 0 as that example does; the others carry their HTTP status.
function unauthorized(message: string): EmulatorAnswer {
	return json(401, { code: 0, message });
}

function badRequest(message: string): EmulatorAnswer {
	return json(400, { code: 400, message });
}

function fieldsMissing(fields: string[]): EmulatorAnswer {
	// Documented message; inferred: status 400, several missing fields listed in one message.
	return badRequest(`Fields missing in request: ${fields.join(', ')}`);
}

/** The test clock: follows real time (plus an offset) unless frozen. */
class TestClock {
	private offset = 0;
	private frozenAt: number | undefined;

	constructor(private readonly initial: { start?: number | string | Date; frozen?: boolean }) {
		this.reset();
	}

	now(): number {
		return this.frozenAt ?? Date.now() + this.offset;
	}

	set(to: number, frozen?: boolean): void {
		const keepFrozen = frozen ?? this.frozenAt !== undefined;
		if (keepFrozen) this.frozenAt = to;
		else {
			this.frozenAt = undefined;
			this.offset = to - Date.now();
		}
	}

	advance(ms: number): void {
		if (this.frozenAt !== undefined) this.frozenAt += ms;
		else this.offset += ms;
	}

	frozen(): boolean {
		return this.frozenAt !== undefined;
	}

	reset(): void {
		const start =
			this.initial.start === undefined ? Date.now() : toMs(this.initial.start, 'clock start');
		this.offset = 0;
		this.frozenAt = undefined;
		this.set(start, this.initial.frozen ?? false);
	}
}

export function toMs(v: unknown, what: string): number {
	const ms =
		v instanceof Date
			? v.getTime()
			: typeof v === 'number'
				? v
				: typeof v === 'string'
					? /^\d+$/.test(v)
						? Number(v)
						: Date.parse(v)
					: NaN;
	if (!Number.isFinite(ms))
		throw new Error(`${what} must be a time (ms since the epoch or ISO text)`);
	return ms;
}

// ---------------------------------------------------------------------------------------------
// Time zones and the send window

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `ms`, in ms. */
function zoneOffset(ms: number, timeZone: string): number {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(timeZone, f);
	}
	const p: Record<string, number> = {};
	for (const part of f.formatToParts(new Date(ms))) p[part.type] = Number(part.value);
	const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
	return wall - Math.floor(ms / 1000) * 1000;
}

/** When the window [startHour, endHour) of local time next contains `ms` (ms itself if it does). */
export function nextWindowOpening(
	ms: number,
	timeZone: string,
	window: { startHour: number; endHour: number },
): number {
	if (window.startHour <= 0 && window.endHour >= 24) return ms;
	const offset = zoneOffset(ms, timeZone);
	const ofDay = (((ms + offset) % DAY_MS) + DAY_MS) % DAY_MS;
	const start = window.startHour * 3600_000;
	const end = window.endHour * 3600_000;
	if (ofDay >= start && ofDay < end) return ms;
	const wait = ofDay < start ? start - ofDay : DAY_MS - ofDay + start;
	const candidate = ms + wait;
	// A daylight-saving change in between moves the local opening by the offset's difference.
	return candidate - (zoneOffset(candidate, timeZone) - offset);
}

/** Country and time zone of a number (digits, country code first): overrides, then the table. */
function zoneOf(
	digits: string,
	overrides: Record<string, string>,
): { country?: string; timeZone: string } {
	const longest = (keys: string[]) =>
		keys.filter((k) => digits.startsWith(k)).sort((a, b) => b.length - a.length)[0];
	const tableKey = longest(Object.keys(NUMBER_ZONES));
	const country = tableKey === undefined ? undefined : NUMBER_ZONES[tableKey].country;
	const overrideKey = longest(Object.keys(overrides));
	// inferred: a number of no known calling code gets UTC.
	const timeZone =
		overrideKey !== undefined
			? overrides[overrideKey]
			: tableKey !== undefined
				? NUMBER_ZONES[tableKey].timeZone
				: 'UTC';
	return country === undefined ? { timeZone } : { country, timeZone };
}

// ---------------------------------------------------------------------------------------------
// Settings

function checkSettings(s: ProactiveSettings): void {
	const count = (n: unknown, what: string, min = 0) => {
		if (typeof n !== 'number' || !Number.isInteger(n) || n < min)
			throw new Error(`${what} must be an integer >= ${min}`);
	};
	count(s.rateLimit.perSecond, 'rateLimit.perSecond', 1);
	if (typeof s.rateLimit.enabled !== 'boolean')
		throw new Error('rateLimit.enabled must be a boolean');
	if (
		s.rateLimit.retryAfterSeconds !== null &&
		!(typeof s.rateLimit.retryAfterSeconds === 'number' && s.rateLimit.retryAfterSeconds >= 0)
	)
		throw new Error('rateLimit.retryAfterSeconds must be a number >= 0 or null');
	count(s.dailyLimit, 'dailyLimit');
	count(s.maxConsumersPerRequest, 'maxConsumersPerRequest', 1);
	count(s.pickupDelayMs, 'pickupDelayMs');
	if (!(typeof s.messagesPerSecond === 'number' && s.messagesPerSecond > 0))
		throw new Error('messagesPerSecond must be a number > 0');
	const w = s.smsWindow;
	if (
		!isObj(w) ||
		!(Number.isInteger(w.startHour) && Number.isInteger(w.endHour)) ||
		w.startHour < 0 ||
		w.endHour > 24 ||
		w.startHour >= w.endHour
	)
		throw new Error('smsWindow must be {startHour, endHour} with 0 <= startHour < endHour <= 24');
	if (!Array.isArray(s.optedOut) || s.optedOut.some((n) => typeof n !== 'string'))
		throw new Error('optedOut must be an array of strings');
	if (!isObj(s.failing) || Object.values(s.failing).some((v) => typeof v !== 'string'))
		throw new Error('failing must map numbers or consumer ids to an errorMessage string');
	if (!Array.isArray(s.imageHosts) || s.imageHosts.some((n) => typeof n !== 'string'))
		throw new Error('imageHosts must be an array of strings');
	if (!isObj(s.timeZones)) throw new Error('timeZones must map number prefixes to time zones');
	for (const [prefix, tz] of Object.entries(s.timeZones)) {
		if (!/^\d+$/.test(prefix)) throw new Error(`timeZones: prefix ${prefix} is not digits`);
		try {
			new Intl.DateTimeFormat('en-US', { timeZone: String(tz) });
		} catch {
			throw new Error(`timeZones: unknown time zone ${String(tz)}`);
		}
	}
	const shapes = ['profiles', 'channels', 'single'];
	if (
		!isObj(s.handoffShapes) ||
		!shapes.includes(s.handoffShapes.list) ||
		!shapes.includes(s.handoffShapes.byChannel)
	)
		throw new Error(`handoffShapes.list and .byChannel must be one of ${shapes.join(', ')}`);
	count(s.maxHandoffLimit, 'maxHandoffLimit', 1);
	count(s.lookbackMs, 'lookbackMs');
}

type SettingsPatch = Partial<Omit<ProactiveSettings, 'rateLimit'>> & {
	rateLimit?: Partial<ProactiveRateLimit>;
};

function merged(base: ProactiveSettings, patch: SettingsPatch): ProactiveSettings {
	const next: ProactiveSettings = structuredClone(base);
	for (const [key, value] of Object.entries(patch)) {
		if (value === undefined) continue;
		if (key === 'rateLimit') next.rateLimit = { ...next.rateLimit, ...(value as object) };
		else if (key === 'smsWindow' || key === 'handoffShapes')
			(next as unknown as Obj)[key] = { ...(next[key] as object), ...(value as object) };
		else if (key in next) (next as unknown as Obj)[key] = structuredClone(value);
		else throw new Error(`unknown setting ${key}`);
	}
	checkSettings(next);
	return next;
}

function checkHandoffs(profiles: unknown): HandoffProfile[] {
	if (!Array.isArray(profiles)) throw new Error('profiles must be an array');
	for (const p of profiles) {
		if (!isObj(p) || typeof p.id !== 'string' || p.id === '' || !Array.isArray(p.channels))
			throw new Error('each profile needs an id (a string) and channels (an array)');
		if (p.channels.some((c) => !isObj(c))) throw new Error('each channel must be an object');
	}
	return structuredClone(profiles) as HandoffProfile[];
}

// ---------------------------------------------------------------------------------------------
// The service

interface Recipient extends ProactiveRecipientView {
	/** Digits of the phone the message goes to, or the in-app consumer id. */
	key: string;
	overridden: boolean;
}

interface Campaign extends Omit<ProactiveCampaignView, 'recipients'> {
	recipients: Recipient[];
	statusOverridden: boolean;
}

type Checked =
	| { ok: true; recipient: Omit<Recipient, 'id' | 'processAt' | 'history'>; oldBody: boolean }
	| { ok: false; entry: Obj };

export class ProactiveService {
	readonly clientId: string;
	readonly clientSecret: string;
	private settingsNow: ProactiveSettings;
	private profiles: HandoffProfile[];
	private readonly clock: TestClock;
	private campaigns = new Map<string, Campaign>();
	private minted: string[] = [];
	private expired = new Set<string>();
	private admitted = new Map<string, number[]>();
	private cursors = new Map<ProactiveChannel, number>();
	private daily = new Map<string, number>();
	private recipientCount = 0;
	private readonly random: () => number;

	constructor(
		private readonly accountId: string,
		private readonly tokens: TokenAuthority,
		private readonly ttlSeconds: number,
		seed: number,
		private readonly options: ProactiveOptions = {},
	) {
		this.clientId = options.clientId ?? PROACTIVE_DEFAULTS.clientId;
		this.clientSecret = options.clientSecret ?? PROACTIVE_DEFAULTS.clientSecret;
		this.random = seededRandom(seed ^ 0x9a0c7e);
		this.clock = new TestClock(options.clock ?? {});
		this.settingsNow = this.initialSettings();
		this.profiles = this.initialHandoffs();
	}

	private initialSettings(): ProactiveSettings {
		const { clientId: _i, clientSecret: _s, clock: _c, handoffs: _h, ...patch } = this.options;
		return merged(defaultProactiveSettings(), patch);
	}

	private initialHandoffs(): HandoffProfile[] {
		return checkHandoffs(this.options.handoffs ?? HANDOFF_FIXTURES);
	}

	// -- tokens ---------------------------------------------------------------------------------

	/** For Sentinel: is this the Proactive client? */
	matchesClient(clientId: string, clientSecret: string): boolean {
		return clientId === this.clientId && clientSecret === this.clientSecret;
	}

	mintToken(ttlSeconds = this.ttlSeconds): string {
		const iat = Math.floor(Date.now() / 1000);
		const token = this.tokens.sign({
			aud: this.accountId,
			azp: this.clientId,
			scope: PROACTIVE_SCOPE,
			iss: 'Sentinel',
			iat,
			exp: iat + ttlSeconds,
			jti: crypto.randomUUID(),
		});
		this.minted.push(token);
		return token;
	}

	expireTokens(): void {
		for (const t of this.minted) this.expired.add(t);
	}

	/**
	 * inferred: the answers for a missing, malformed, foreign or expired token. Only "jwt expired" is
	 * documented; the other messages are those of the common Node JWT middleware that produces it.
	 * A raw token without `Bearer ` is refused, the Connector API's habit notwithstanding.
	 * Token expiry follows real time, not the test clock.
	 */
	private authenticate(record: RecordedRequest, forceExpired: boolean): EmulatorAnswer | undefined {
		const header = record.headers['authorization']?.trim();
		if (!header) return unauthorized('No authorization token was found');
		const m = /^Bearer\s+(\S+)$/i.exec(header);
		if (!m) return unauthorized('Format is Authorization: Bearer [token]');
		const token = m[1];
		// An expireToken fault expires the presented token for good, as the Connector endpoints do.
		if (forceExpired) this.expired.add(token);
		const checked = this.tokens.verify(token);
		if (!checked.ok)
			return unauthorized(
				checked.reason === 'bad signature' ? 'invalid signature' : 'jwt malformed',
			);
		const c = checked.claims;
		if (this.expired.has(token) || typeof c.exp !== 'number' || c.exp <= Date.now() / 1000)
			return unauthorized('jwt expired');
		if (c.aud !== this.accountId)
			return unauthorized(`jwt audience invalid. expected: ${this.accountId}`);
		if (c.iss !== 'Sentinel' || c.azp !== this.clientId || c.scope !== PROACTIVE_SCOPE)
			return unauthorized("the token was not issued to this account's Proactive Messaging client");
		return undefined;
	}

	// -- rate limit -----------------------------------------------------------------------------

	/**
	 * inferred: "10 TPS/second/brand per api" read as a rolling second per account and per endpoint
	 * (campaign, status, handoff list each have their own); only admitted requests count; real time,
	 * not the test clock. The 429's body follows the other Proactive errors; Retry-After only when set.
	 */
	private throttle(endpoint: ProactiveEndpoint): EmulatorAnswer | undefined {
		const rl = this.settingsNow.rateLimit;
		if (!rl.enabled) return undefined;
		const now = Date.now();
		const recent = (this.admitted.get(endpoint) ?? []).filter((t) => now - t < 1000);
		if (recent.length >= rl.perSecond) {
			this.admitted.set(endpoint, recent);
			const headers =
				rl.retryAfterSeconds === null ? undefined : { 'Retry-After': String(rl.retryAfterSeconds) };
			return json(429, { code: 429, message: 'Too Many Requests' }, headers);
		}
		recent.push(now);
		this.admitted.set(endpoint, recent);
		return undefined;
	}

	// -- dispatch -------------------------------------------------------------------------------

	handle(
		endpoint: ProactiveEndpoint,
		record: RecordedRequest,
		params: Record<string, string>,
		forceExpired: boolean,
	): EmulatorAnswer {
		// inferred: throttling comes first, as at a front door; a throttled request is not processed.
		const throttled = this.throttle(endpoint);
		if (throttled) return throttled;
		const refused = this.authenticate(record, forceExpired);
		if (refused) return refused;
		switch (endpoint) {
			case 'proactiveCampaign':
				return this.create(record);
			case 'proactiveStatus':
				return this.status(record, params.campaignId);
			case 'handoffs':
				return handleHandoffs(record, params, this.profiles, this.settingsNow);
		}
	}

	// -- ids ------------------------------------------------------------------------------------

	private chars(alphabet: string, n: number): string {
		let s = '';
		for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.random() * alphabet.length)];
		return s;
	}

	private alnum(n: number): string {
		return this.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', n);
	}

	private uuid(): string {
		const h = this.chars('0123456789abcdef', 32).split('');
		h[12] = '4';
		h[16] = '89ab'[parseInt(h[16], 16) % 4];
		const s = h.join('');
		return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
	}

	/**
	 * Recipient ids are opaque. inferred: as one id printed on LivePerson's page is not a valid UUID
	 * ("674476fgf-1a4f-…"), every fifth id the emulator hands out is UUID-shaped but not a UUID; the
	 * old body's ids are 10 letters and digits, as its example.
	 */
	private recipientId(oldBody: boolean): string {
		this.recipientCount++;
		if (oldBody) return this.alnum(10);
		const id = this.uuid();
		if (this.recipientCount % 5 !== 0) return id;
		return `${id.slice(0, 6)}fg${id.slice(7, 8)}${id.slice(8, 35)}`;
	}

	// -- create ---------------------------------------------------------------------------------

	private create(record: RecordedRequest): EmulatorAnswer {
		const body = record.json;
		if (body === undefined && record.rawBody.trim() !== '')
			return badRequest('the body is not valid JSON'); // inferred wording
		if (body !== undefined && !isObj(body)) return badRequest('the body must be a JSON object');
		const b: Obj = body ?? {};
		const absent = (v: unknown) => v === undefined || v === null || v === '';
		const required = ['campaignName', 'skill', 'templateId', 'consent', 'consumers'];
		const missing = required.filter(
			(f) => absent(b[f]) || (f === 'consumers' && Array.isArray(b[f]) && b[f].length === 0),
		);
		if (missing.length > 0) return fieldsMissing(missing);

		// Field limits (the FAQ's table). inferred: the status (400) and the wording of each refusal.
		const text = (v: unknown) => (typeof v === 'number' ? String(v) : v);
		const campaignName = b.campaignName;
		if (typeof campaignName !== 'string') return badRequest('campaignName must be a string');
		if (campaignName.length > MAX_CAMPAIGN_NAME)
			return badRequest(`campaignName must be at most ${MAX_CAMPAIGN_NAME} characters`);
		const skill = text(b.skill);
		if (typeof skill !== 'string') return badRequest('skill must be a string');
		if (skill.length > MAX_SKILL)
			return badRequest(`skill must be at most ${MAX_SKILL} characters`);
		const templateId = text(b.templateId);
		if (typeof templateId !== 'string') return badRequest('templateId must be a string');
		if (templateId.length > MAX_TEMPLATE_ID)
			return badRequest(`templateId must be at most ${MAX_TEMPLATE_ID} characters`);
		// inferred: consent must be the boolean true; "true" or false is refused.
		if (b.consent !== true) return badRequest('consent must be true');
		if (!Array.isArray(b.consumers)) return badRequest('consumers must be an array');
		const consumers = b.consumers as unknown[];
		const max = this.settingsNow.maxConsumersPerRequest;
		if (consumers.length > max)
			return badRequest(`consumers must hold at most ${max} recipients per request`);

		const profile = findHandoff(this.profiles, templateId);
		// inferred: an unknown templateId refuses the request (no campaign is made).
		if (!profile) return badRequest(`templateId ${templateId} is not a handoff of this account`);
		const t = templateInfo(profile);
		// inferred: nothing says the campaign API takes RCS or Apple handoffs; the emulator refuses them.
		if (t.channels.length === 0)
			return badRequest(
				`templateId ${templateId} uses channels the campaign API does not support: ${t.unsupported.join(', ')}`,
			);
		const phoneTemplate = t.channels.some((c) => PHONE_CHANNELS.includes(c));

		// inferred: outboundNumber is required for SMS and WhatsApp handoffs only (the in-app example
		// has none); digits with an optional leading '+', at most 16 digits.
		let outboundNumber: string | undefined;
		if (!absent(b.outboundNumber)) {
			const raw = text(b.outboundNumber);
			if (typeof raw !== 'string' || !/^\+?\d+$/.test(raw))
				return badRequest('outboundNumber must be a phone number (digits)');
			if (raw.replace('+', '').length > MAX_OUTBOUND_DIGITS)
				return badRequest(`outboundNumber must be at most ${MAX_OUTBOUND_DIGITS} digits`);
			outboundNumber = raw;
		} else if (phoneTemplate) return fieldsMissing(['outboundNumber']);

		// One consumer without `variables` sinks the whole request (SMS and WhatsApp); in-app
		// recipients may leave it out. inferred: a consumer that is not an object, or whose
		// variables are not an object, is answered the same way.
		for (const c of consumers) {
			if (!isObj(c)) return fieldsMissing(['consumerContent']);
			if (phoneTemplate && !isObj(c.variables)) return fieldsMissing(['variables']);
		}

		const accepted: Array<{ recipient: Checked & { ok: true }; index: number }> = [];
		const failed: Obj[] = [];
		const seen = new Map<ProactiveChannel, Set<string>>();
		consumers.forEach((c, index) => {
			const checked = this.checkConsumer(c as Obj, t, seen);
			if (checked.ok) accepted.push({ recipient: checked, index });
			else failed.push(checked.entry);
		});

		// The daily limit fails the whole create. inferred: counted per channel of the handoff, per
		// test-clock UTC day, accepted recipients only; status 400.
		const createdAt = this.clock.now();
		const day = Math.floor(createdAt / DAY_MS);
		for (const channel of t.channels) {
			const used = this.daily.get(`${day}:${channel}`) ?? 0;
			if (used + accepted.length > this.settingsNow.dailyLimit)
				return badRequest(
					`Daily limit exceeded: ${this.settingsNow.dailyLimit} recipients per day for channel ${channel}; ${used} already used today`,
				);
		}
		for (const channel of t.channels)
			this.daily.set(
				`${day}:${channel}`,
				(this.daily.get(`${day}:${channel}`) ?? 0) + accepted.length,
			);

		const campaign: Campaign = {
			proactiveCampaignId: this.alnum(9),
			leCampaignId: this.chars('0123456789', 10),
			leEngagementId: this.chars('0123456789', 10),
			requestTraceId: this.uuid(),
			accountId: this.accountId,
			campaignName,
			skill,
			templateId,
			handoffId: profile.id,
			channels: t.channels,
			...(outboundNumber === undefined ? {} : { outboundNumber }),
			createdAt,
			campaignStatus: 'PUBLISHED',
			request: structuredClone(body),
			recipients: [],
			failedConsumers: failed,
			statusOverridden: false,
		};
		while (this.campaigns.has(campaign.proactiveCampaignId))
			campaign.proactiveCampaignId = this.alnum(9);
		const acceptedConsumers: Obj[] = [];
		for (const { recipient: checked } of accepted) {
			const r = checked.recipient;
			const id = this.recipientId(checked.oldBody);
			const processAt = this.slot(r.channel, createdAt);
			campaign.recipients.push({
				...r,
				id,
				processAt,
				history: [{ status: 'NOT_SENT', at: createdAt }],
			});
			const entry: Obj = { id };
			if (r.phoneNumber !== undefined) entry.phoneNumber = r.phoneNumber;
			if (!checked.oldBody) entry.consumerContent = structuredClone(r.consumerContent);
			acceptedConsumers.push(entry);
		}
		this.campaigns.set(campaign.proactiveCampaignId, campaign);
		this.settle(campaign);
		record.processed = true;
		// Documented order: failedConsumers before acceptedConsumers; a campaign id even when all failed.
		// In-app entries have no phoneNumber, old-body ones no consumerContent (as the examples).
		// inferred: the HTTP status of a create is 200 (the page shows bodies only).
		return json(200, {
			proactiveCampaignId: campaign.proactiveCampaignId,
			leCampaignId: campaign.leCampaignId,
			leEngagementId: campaign.leEngagementId,
			requestTraceId: campaign.requestTraceId,
			failedConsumers: failed,
			acceptedConsumers,
		});
	}

	/**
	 * The queue: NOT_SENT for pickupDelayMs, then one message per 1/messagesPerSecond s per channel.
	 * inferred: the queue is shared by every campaign of the account (the page: "per channel per
	 * account"); the delay before pick-up is the emulator's.
	 */
	private slot(channel: ProactiveChannel, createdAt: number): number {
		const at = Math.max(createdAt + this.settingsNow.pickupDelayMs, this.cursors.get(channel) ?? 0);
		this.cursors.set(channel, at + 1000 / this.settingsNow.messagesPerSecond);
		return Math.round(at);
	}

	/**
	 * One consumer's checks, in this order (inferred; the page lists the errors, not their order):
	 * consumer information per channel, number format, duplicates, variables, header variables.
	 */
	private checkConsumer(
		c: Obj,
		t: TemplateInfo,
		seen: Map<ProactiveChannel, Set<string>>,
	): Checked {
		const oldBody =
			!isObj(c.consumerContent) &&
			(c.consumerPhoneNumber !== undefined || c.consumerCountryCode !== undefined);
		let content: Obj;
		if (isObj(c.consumerContent)) content = c.consumerContent;
		else if (oldBody) {
			const cc =
				typeof c.consumerCountryCode === 'number'
					? String(c.consumerCountryCode)
					: c.consumerCountryCode;
			const num =
				typeof c.consumerPhoneNumber === 'number'
					? String(c.consumerPhoneNumber)
					: c.consumerPhoneNumber;
			const digits =
				typeof cc === 'string' && typeof num === 'string' && /^\d{1,3}$/.test(cc) ? cc + num : null;
			content = {};
			for (const ch of t.channels)
				if (PHONE_CHANNELS.includes(ch)) content[ch] = digits ?? `${String(cc)}${String(num)}`;
			if (digits === null) content.__invalid = true;
		} else content = {};

		// inferred: a recipient of a several-channel handoff (SMS + WhatsApp) is sent on its first
		// channel; its send window and opt-outs are that channel's, its phoneNumber that number.
		const primary = t.channels[0];
		const primaryValue = content[primary];
		const phoneDigits =
			PHONE_CHANNELS.includes(primary) && typeof primaryValue === 'string'
				? primaryValue
				: undefined;
		const fail = (errorMessage: string): Checked => {
			const entry: Obj = {};
			if (c.variables !== undefined) entry.variables = structuredClone(c.variables);
			if (isObj(c.consumerContent)) entry.consumerContent = structuredClone(c.consumerContent);
			if (c.headerVariables !== undefined)
				entry.headerVariables = structuredClone(c.headerVariables);
			const shown = PHONE_CHANNELS.includes(primary) ? primaryValue : undefined;
			if (typeof shown === 'string' || typeof shown === 'number') {
				entry.phone = `+${String(shown)}`;
				const { country } = zoneOf(String(shown), {});
				if (country) entry.countryCode = country;
			}
			entry.errorMessage = errorMessage;
			return { ok: false, entry };
		};

		// 1. Consumer information for every channel of the handoff. inferred: the <CHANNEL> part is the
		// consumerContent key in capitals (SMS, WA, INAPP).
		for (const ch of t.channels) {
			const v = content[ch];
			if (v === undefined || v === null || v === '')
				return fail(`MISSING_CONSUMER_INFORMATION==${ch.toUpperCase()}`);
			// inferred: an in-app consumer id must be a string.
			if (ch === 'inapp' && typeof v !== 'string')
				return fail('MISSING_CONSUMER_INFORMATION==INAPP');
		}
		// 2. Numbers: digits with the country code, no '+'. inferred: 8 to 15 digits (E.164), no
		// leading 0, strings only.
		if (content.__invalid === true) return fail('INVALID_NUMBER');
		for (const ch of t.channels) {
			if (!PHONE_CHANNELS.includes(ch)) continue;
			const v = content[ch];
			if (typeof v !== 'string' || !/^[1-9]\d{7,14}$/.test(v)) return fail('INVALID_NUMBER');
		}
		// 3. The same number (or in-app id) twice in one request. inferred: the first is accepted, the
		// later ones fail.
		for (const ch of t.channels) {
			const v = String(content[ch]);
			const set = seen.get(ch) ?? new Set<string>();
			seen.set(ch, set);
			if (set.has(v)) return fail('DUPLICATE_NUMBER');
		}
		for (const ch of t.channels) (seen.get(ch) as Set<string>).add(String(content[ch]));

		// 4. Variables: strict for SMS and WhatsApp; in-app fills what is not given from the handoff.
		const inappOnly = t.channels.every((ch) => ch === 'inapp');
		const vars: Obj = isObj(c.variables) ? c.variables : {};
		const given = Object.keys(vars);
		for (const name of given) {
			if (typeof vars[name] !== 'string') return fail(`VARIABLE_NOT_STRING=${name}`);
			// inferred: the 1550-character limit is documented, its error is not; this one is the emulator's.
			if ((vars[name] as string).length > MAX_VARIABLE_CHARS)
				return fail(`VARIABLE_TOO_LONG=${name}`);
		}
		if (given.length > t.variables.length) return fail('TOO_MANY_VARIABLES');
		if (inappOnly) {
			// inferred: an in-app variable the handoff does not have counts as one too many.
			if (given.some((n) => !t.variables.includes(n))) return fail('TOO_MANY_VARIABLES');
		} else {
			// inferred: none at all is INSUFFICIENT_VARIABLES; some but not all names the first missing one
			// (the page's example: 4 of 5 gives MISSING_VARIABLE=5).
			if (given.length === 0 && t.variables.length > 0) return fail('INSUFFICIENT_VARIABLES');
			const missingName = t.variables.find((n) => !(n in vars));
			if (missingName !== undefined) return fail(`MISSING_VARIABLE=${missingName}`);
		}

		// 5. Header variables (WhatsApp rich templates). inferred: which failure applies when.
		const hv = c.headerVariables;
		const hvKeys = isObj(hv) ? Object.keys(hv) : [];
		if (t.headerType === undefined) {
			if (hvKeys.length > 0) return fail('TOO_MANY_HEADER_VARIABLES');
		} else {
			if (hvKeys.length === 0) return fail('INSUFFICIENT_HEADER_VARIABLES');
			if (hvKeys.length > 1) return fail('TOO_MANY_HEADER_VARIABLES');
			if (hvKeys[0] !== t.headerType) return fail(`MISSING_HEADER_VARIABLE=${t.headerType}`);
			const url = (hv as Obj)[t.headerType];
			if (typeof url !== 'string') return fail('HEADER_VARIABLE_NOT_STRING');
			let parsed: URL | undefined;
			try {
				parsed = new URL(url);
			} catch {
				parsed = undefined;
			}
			// Only public https URLs are supported.
			if (!parsed || parsed.protocol !== 'https:') return fail('HEADER_VARIABLE_INVALID_URL');
			if (t.headerType === 'image' && !this.imageAllowed(parsed))
				return fail('IMAGE_URL_NOT_WHITELISTED');
		}

		const consumerContent: Record<string, string> = {};
		for (const [k, v] of Object.entries(content))
			if (k !== '__invalid') consumerContent[k] = String(v);
		const zone =
			phoneDigits === undefined ? undefined : zoneOf(phoneDigits, this.settingsNow.timeZones);
		const recipient: Omit<Recipient, 'id' | 'processAt' | 'history'> = {
			channel: primary,
			consumerContent,
			key: String(content[primary]),
			...(phoneDigits === undefined
				? {}
				: { phoneNumber: `+${phoneDigits}`, timeZone: (zone as { timeZone: string }).timeZone }),
			...(zone?.country ? { country: zone.country } : {}),
			...(c.variables === undefined ? {} : { variables: structuredClone(c.variables) as Obj }),
			...(c.headerVariables === undefined ? {} : { headerVariables: structuredClone(hv) as Obj }),
			status: 'NOT_SENT',
			errorMessage: null,
			conversationId: null,
			overridden: false,
		};
		return { ok: true, recipient, oldBody };
	}

	/** The image's URL must start with one of the allowed roots (scheme and host, maybe a path). */
	private imageAllowed(url: URL): boolean {
		return this.settingsNow.imageHosts.some((root) => {
			try {
				const r = new URL(root);
				return r.origin === url.origin && url.pathname.startsWith(r.pathname);
			} catch {
				return false;
			}
		});
	}

	// -- progress over the test clock -------------------------------------------------------------

	private setStatus(
		r: Recipient,
		status: string,
		at: number,
		errorMessage: string | null = null,
	): void {
		r.status = status;
		r.errorMessage = errorMessage;
		r.history.push({ status, at });
	}

	/**
	 * Moves recipients on to the test clock's now: NOT_SENT until picked up; then SKIPPED (an SMS
	 * opt-out), FAILED (a failing fixture), SCHEDULED (SMS outside its window, until it opens) or
	 * DELIVERED. Statuses never move back, even if the clock is set back.
	 */
	private settle(c: Campaign): void {
		const now = this.clock.now();
		const s = this.settingsNow;
		for (const r of c.recipients) {
			if (r.overridden) continue;
			if (r.status === 'NOT_SENT' && now >= r.processAt) {
				const at = r.processAt;
				if (r.channel === 'sms' && s.optedOut.includes(r.key)) this.setStatus(r, 'SKIPPED', at);
				else if (s.failing[r.key] !== undefined) this.setStatus(r, 'FAILED', at, s.failing[r.key]);
				else if (r.channel === 'sms') {
					const opens = nextWindowOpening(at, r.timeZone ?? 'UTC', s.smsWindow);
					if (opens > at) {
						this.setStatus(r, 'SCHEDULED', at);
						r.scheduledFor = opens;
					} else this.deliver(r, at);
				} else this.deliver(r, at);
			}
			if (r.status === 'SCHEDULED' && r.scheduledFor !== undefined && now >= r.scheduledFor)
				this.deliver(r, r.scheduledFor);
		}
		// inferred: campaignStatus is PUBLISHED while a recipient waits (NOT_SENT, SCHEDULED), then
		// FINISHED (the page shows only FINISHED, and speaks of a campaign "in published mode").
		if (!c.statusOverridden)
			c.campaignStatus = c.recipients.every((r) => TERMINAL.has(r.status))
				? 'FINISHED'
				: 'PUBLISHED';
	}

	private deliver(r: Recipient, at: number): void {
		this.setStatus(r, 'DELIVERED', at);
		r.deliveredAt = at;
	}

	private status(record: RecordedRequest, campaignId: string): EmulatorAnswer {
		const c = this.campaigns.get(campaignId);
		// inferred: an unknown campaign id answers 404.
		if (!c) return json(404, { code: 404, message: `Campaign ${campaignId} not found` });
		this.settle(c);
		record.processed = true;
		// inferred: only accepted recipients are listed (failed ones never joined the campaign), in the
		// order of acceptedConsumers, with the same ids.
		return json(200, {
			campaignStatus: c.campaignStatus,
			conversations: c.recipients.map((r) => ({
				id: r.id,
				status: r.status,
				conversationId: r.conversationId,
				errorMessage: r.errorMessage,
			})),
		});
	}

	// -- controls -------------------------------------------------------------------------------

	private viewOf(c: Campaign): ProactiveCampaignView {
		this.settle(c);
		const { statusOverridden: _o, recipients, ...rest } = c;
		return structuredClone({
			...rest,
			recipients: recipients.map(({ key: _k, overridden: _v, ...r }) => r),
		});
	}

	private findRecipient(campaignId: string, recipientId: string): { c: Campaign; r: Recipient } {
		const c = this.campaigns.get(campaignId);
		if (!c) throw new Error(`no campaign ${campaignId}`);
		const r = c.recipients.find((x) => x.id === recipientId);
		if (!r) throw new Error(`campaign ${campaignId} has no recipient ${recipientId}`);
		return { c, r };
	}

	reply(target: ProactiveReplyTarget): ProactiveReplyResult {
		let found: { c: Campaign; r: Recipient } | undefined;
		if (target.recipientId !== undefined) {
			const candidates =
				target.campaignId !== undefined
					? [this.campaigns.get(target.campaignId)].filter((c): c is Campaign => c !== undefined)
					: [...this.campaigns.values()];
			for (const c of candidates) {
				const r = c.recipients.find((x) => x.id === target.recipientId);
				if (r) found = { c, r };
			}
		} else {
			const key = target.phone !== undefined ? target.phone.replace(/^\+/, '') : target.consumerId;
			if (key === undefined) throw new Error('give recipientId, phone or consumerId');
			// The latest campaign that messaged this number (or in-app consumer) gets the reply.
			for (const c of [...this.campaigns.values()].reverse()) {
				if (target.campaignId !== undefined && c.proactiveCampaignId !== target.campaignId)
					continue;
				const r = c.recipients.find((x) => x.key === key);
				if (r) {
					found = { c, r };
					break;
				}
			}
		}
		if (!found) throw new Error('no recipient matches');
		const { c, r } = found;
		this.settle(c);
		if (r.status !== 'DELIVERED' || r.deliveredAt === undefined)
			throw new Error(
				`recipient ${r.id} has status ${r.status}: only a delivered message can be answered`,
			);
		const now = this.clock.now();
		if (r.conversationId === null) {
			// inferred: a reply after the lookback is routed as any inbound message, not to the campaign.
			if (now - r.deliveredAt > this.settingsNow.lookbackMs)
				return {
					campaignId: c.proactiveCampaignId,
					recipientId: r.id,
					conversationId: null,
					linked: false,
				};
			r.conversationId = this.uuid();
			r.repliedAt = now;
		}
		return {
			campaignId: c.proactiveCampaignId,
			recipientId: r.id,
			conversationId: r.conversationId,
			linked: true,
		};
	}

	override(o: ProactiveOverride): void {
		const c = this.campaigns.get(o.campaignId);
		if (!c) throw new Error(`no campaign ${o.campaignId}`);
		this.settle(c);
		if (o.recipientId !== undefined) {
			const { r } = this.findRecipient(o.campaignId, o.recipientId);
			if (o.status !== undefined)
				this.setStatus(r, o.status, this.clock.now(), o.errorMessage ?? null);
			else if (o.errorMessage !== undefined) r.errorMessage = o.errorMessage;
			if (o.conversationId !== undefined) r.conversationId = o.conversationId;
			r.overridden = true;
		}
		if (o.campaignStatus !== undefined) {
			c.campaignStatus = o.campaignStatus;
			c.statusOverridden = true;
		}
		this.settle(c);
	}

	controls(): ProactiveControls {
		return {
			clientId: this.clientId,
			clientSecret: this.clientSecret,
			mintToken: (opts = {}) => this.mintToken(opts.ttlSeconds),
			expireTokens: () => this.expireTokens(),
			now: () => this.clock.now(),
			clock: () => {
				const nowMs = this.clock.now();
				return { now: new Date(nowMs).toISOString(), nowMs, frozen: this.clock.frozen() };
			},
			setClock: (to, opts = {}) => this.clock.set(toMs(to, 'the clock'), opts.frozen),
			advanceClock: (ms) => {
				if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
					throw new Error('advance by a number of ms >= 0');
				this.clock.advance(ms);
			},
			campaigns: () => [...this.campaigns.values()].map((c) => this.viewOf(c)),
			campaign: (id) => {
				const c = this.campaigns.get(id);
				return c && this.viewOf(c);
			},
			reply: (target) => this.reply(target),
			override: (o) => this.override(o),
			settings: () => structuredClone(this.settingsNow),
			configure: (patch) => {
				this.settingsNow = merged(this.settingsNow, patch);
				return structuredClone(this.settingsNow);
			},
			handoffs: () => structuredClone(this.profiles),
			setHandoffs: (profiles, opts = {}) => {
				const checked = checkHandoffs(profiles);
				if (opts.replace) this.profiles = checked;
				else
					for (const p of checked) {
						const i = this.profiles.findIndex((x) => x.id === p.id);
						if (i >= 0) this.profiles[i] = p;
						else this.profiles.push(p);
					}
			},
		};
	}

	// inferred: reset() forgets campaigns, counters, expiry marks and settings; ids keep counting.
	reset(): void {
		this.campaigns.clear();
		this.expired.clear();
		this.admitted.clear();
		this.cursors.clear();
		this.daily.clear();
		this.clock.reset();
		this.settingsNow = this.initialSettings();
		this.profiles = this.initialHandoffs();
	}
}
