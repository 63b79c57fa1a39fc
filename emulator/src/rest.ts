/**
 * LivePerson's Messaging REST API v1 (CSDS `messagingRestApiDomain`, base path `/messaging`), the
 * part a connector reads back: one conversation (with an ETag) and a dialog's messages, plus the
 * close by PATCH. It is built on the emulator's own CREATE/SEND store, so what a client sent over
 * SEND is what it reads here.
 *
 * Documented (the API reference's introduction, dev:assets/content/html/messaging-rest-api-docs):
 * the base path, the required headers `Authorization`, `Brand-ID`, `Client-source` (and a
 * recommended `Request-ID`), the AppJWT + ConsumerJWS mode with `LP-On-Behalf`, "quotas per
 * brand". The paths, the ETag, the bodies and the paging come from public third-party clients;
 * the error answers are this emulator's choice. All of that is marked inferred below.
 */
import * as crypto from 'crypto';
import { authError, json } from './answers';
import type { ConversationStore } from './conversations';
import type { TestClock } from './storage';
import { uuidFromHash, type TokenAuthority } from './tokens';
import type {
	ConversationEventView,
	ConversationView,
	EmulatorAnswer,
	RecordedRequest,
} from './types';
import { isObj } from './validation';

export type RestEndpointName = 'restConversation' | 'restMessages';

export interface RestSettings {
	/**
	 * Which `Authorization` forms pass: the reference declares HTTP bearer while its text says "the
	 * same authentication method currently used for the SendAPI" (the raw token). Default 'both'.
	 */
	auth: 'both' | 'raw' | 'bearer';
	/** Private notes (messageAudience AGENTS_AND_MANAGERS) in message lists: 'show' (default) or 'hide'. */
	privateNotes: 'show' | 'hide';
	/** "Quotas per brand": at most `requests` REST requests per `perSeconds` (test clock), else 429. */
	quota: { requests: number; perSeconds: number; retryAfter?: number } | null;
	/** false: every REST request answers 403, as for an account outside the early-adoption program. */
	enabled: boolean;
}

export const DEFAULT_REST_SETTINGS: RestSettings = {
	auth: 'both',
	privateNotes: 'show',
	quota: null,
	enabled: true,
};

export interface RestControl {
	configure(settings: Partial<RestSettings>): RestSettings;
	settings(): RestSettings;
}

export class RestState {
	private current: RestSettings = { ...DEFAULT_REST_SETTINGS };
	private window: number[] = [];

	get settings(): RestSettings {
		return { ...this.current, quota: this.current.quota && { ...this.current.quota } };
	}

	configure(patch: Partial<RestSettings>): RestSettings {
		const next = { ...this.current };
		for (const [k, v] of Object.entries(patch)) {
			if (v === undefined) continue;
			if (k === 'auth') {
				if (v !== 'both' && v !== 'raw' && v !== 'bearer')
					throw new Error('rest: auth must be "both", "raw" or "bearer"');
				next.auth = v;
			} else if (k === 'privateNotes') {
				if (v !== 'show' && v !== 'hide')
					throw new Error('rest: privateNotes must be "show" or "hide"');
				next.privateNotes = v;
			} else if (k === 'enabled') {
				if (typeof v !== 'boolean') throw new Error('rest: enabled must be true or false');
				next.enabled = v;
			} else if (k === 'quota') {
				if (v === null) next.quota = null;
				else {
					const q = v as Record<string, unknown>;
					const positive = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0;
					if (!isObj(q) || !positive(q.requests) || !positive(q.perSeconds))
						throw new Error(
							'rest: quota must be null or {requests > 0, perSeconds > 0, retryAfter?}',
						);
					if (
						q.retryAfter !== undefined &&
						!(typeof q.retryAfter === 'number' && q.retryAfter >= 0)
					)
						throw new Error('rest: quota.retryAfter must be a number of seconds');
					next.quota = {
						requests: q.requests as number,
						perSeconds: q.perSeconds as number,
						...(q.retryAfter !== undefined ? { retryAfter: q.retryAfter as number } : {}),
					};
				}
				this.window = [];
			} else {
				throw new Error(`rest: unknown setting ${k}`);
			}
		}
		this.current = next;
		return this.settings;
	}

	/** Counts a request against the quota; true when it is over. */
	overQuota(now: number): boolean {
		const q = this.current.quota;
		if (!q) return false;
		const since = now - q.perSeconds * 1000;
		this.window = this.window.filter((t) => t > since);
		if (this.window.length >= q.requests) return true;
		this.window.push(now);
		return false;
	}

	reset(): void {
		this.current = { ...DEFAULT_REST_SETTINGS };
		this.window = [];
	}

	control(): RestControl {
		return { configure: (s) => this.configure(s), settings: () => this.settings };
	}
}

export interface RestContext {
	record: RecordedRequest;
	endpoint: RestEndpointName;
	conversationId: string;
	dialogId?: string;
	accountId: string;
	tokens: TokenAuthority;
	store: ConversationStore;
	forceExpired: boolean;
	rest: RestState;
	clock: TestClock;
	/** 'http://127.0.0.1:PORT', for links.next. */
	baseUrl: string;
	survey(conversationId: string): { dialogId: string; open: boolean } | undefined;
}

// inferred: the body of the REST API's own errors (its reference shows none): {code, error, message}.
function restError(
	status: number,
	error: string,
	message: string,
	headers?: Record<string, string>,
) {
	return json(status, { code: status, error, message }, headers);
}

const badRequest = (message: string) => restError(400, 'Bad Request', message);

function iso(ms: number | undefined): string | undefined {
	return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** An ETag over everything a GET shows, so it changes on every update. */
export function etagOf(
	conv: ConversationView,
	survey: { dialogId: string; open: boolean } | undefined,
): string {
	const version = JSON.stringify([
		conv.state,
		conv.closedAt ?? null,
		conv.events.length,
		conv.profileHistory.length,
		survey ?? null,
	]);
	return `"${crypto.createHash('sha1').update(`${conv.conversationId}:${version}`).digest('hex').slice(0, 20)}"`;
}

/** The conversation as GET answers it. inferred shape: clients read `id` or `conversationId` and dialogs' `id`, `dialogType`, `state`. */
export function conversationBody(
	conv: ConversationView,
	survey: { dialogId: string; open: boolean } | undefined,
): Record<string, unknown> {
	const stage = conv.state === 'CLOSE' && !survey?.open ? 'CLOSE' : 'OPEN';
	const agents = new Map<string, string>();
	for (const e of conv.events) if (e.originator) agents.set(e.originator.id, e.originator.role);
	const dialogs: Record<string, unknown>[] = [
		{
			id: conv.dialogId,
			dialogId: conv.dialogId,
			dialogType: 'MAIN',
			channelType: 'MESSAGING',
			state: conv.state,
			createdTs: iso(conv.createdAt),
			...(conv.closedAt !== undefined ? { closedTs: iso(conv.closedAt) } : {}),
		},
	];
	if (survey) {
		dialogs.push({
			id: survey.dialogId,
			dialogId: survey.dialogId,
			dialogType: 'POST_SURVEY',
			channelType: 'MESSAGING',
			state: survey.open ? 'OPEN' : 'CLOSE',
			createdTs: iso(conv.closedAt),
		});
	}
	const body: Record<string, unknown> = {
		id: conv.conversationId,
		conversationId: conv.conversationId,
		brandId: conv.accountId,
		channelType: 'MESSAGING',
		state: conv.state,
		stage,
		createdTs: iso(conv.createdAt),
		consumerId: conv.lpConsumerId,
		participants: [
			{ id: conv.lpConsumerId, role: 'CONSUMER' },
			...[...agents].map(([id, role]) => ({ id, role })),
		],
		dialogs,
	};
	if (stage === 'CLOSE') body.closedTs = iso(conv.closedAt);
	if (conv.closedBy) body.closedBy = conv.closedBy === 'agent' ? 'AGENT' : 'CONSUMER';
	if (conv.routing.skillId !== undefined) body.skillId = conv.routing.skillId;
	if (conv.routing.ttrDefName !== undefined) body.ttrDefName = conv.routing.ttrDefName;
	if (conv.routing.campaignInfo !== undefined) body.campaignInfo = conv.routing.campaignInfo;
	return body;
}

/**
 * One message. inferred shape (a third-party client reads `sequence`, `dialogId`, `type`
 * PLAIN_TEXT with `content.text`, `originator.role`, `createdTs`, `messageAudience`); files are
 * `HOSTED_FILE` with the published `message` as `content` (the name Messaging Interactions uses),
 * structured content `RICH_CONTENT`.
 */
export function messageBody(
	conv: ConversationView,
	e: ConversationEventView,
	dialogId: string,
): Record<string, unknown> {
	const event = e.event;
	let type = 'OTHER';
	let content: unknown = event;
	if (event.type === 'RichContentEvent') {
		type = 'RICH_CONTENT';
		content = event.content;
	} else if (event.contentType === 'hosted/file') {
		type = 'HOSTED_FILE';
		content = event.message;
	} else if (event.type === 'ContentEvent') {
		type = 'PLAIN_TEXT';
		content = { text: event.message };
	}
	const originator =
		e.from === 'consumer'
			? { id: conv.lpConsumerId, role: 'CONSUMER' }
			: (e.originator ?? { id: 'unknown', role: 'ASSIGNED_AGENT' });
	return {
		id: uuidFromHash(`${conv.conversationId}:message:${e.sequence}`),
		conversationId: conv.conversationId,
		dialogId,
		sequence: e.sequence,
		type,
		content,
		originator,
		createdTs: iso(e.at),
		messageAudience: e.audience ?? 'ALL',
	};
}

function checkAuth(ctx: RestContext): { lp: string } | EmulatorAnswer {
	const { record } = ctx;
	const raw = record.headers['authorization']?.trim();
	if (!raw) return authError(40105);
	const bearer = /^Bearer\s+/i.test(raw);
	record.authForm = bearer ? 'bearer' : 'raw';
	const allowed = ctx.rest.settings.auth;
	if ((allowed === 'raw' && bearer) || (allowed === 'bearer' && !bearer)) {
		// inferred: a refused form is answered like an invalid token.
		return authError(
			40102,
			allowed === 'bearer'
				? 'Authorization must be "Bearer <AppJWT>" (this emulator is set to refuse the raw token)'
				: 'Authorization must be the raw AppJWT without "Bearer " (this emulator is set to refuse Bearer)',
		);
	}
	const token = raw.replace(/^Bearer\s+/i, '').trim();
	if (!token || !ctx.tokens.verifyAppJwt(token, ctx.forceExpired).ok) return authError(40102);
	const jws = record.headers['lp-on-behalf']?.trim();
	if (!jws) {
		return authError(
			40104,
			record.headers['x-lp-on-behalf']
				? 'LP-On-Behalf header is not present (X-LP-ON-BEHALF is the SEND API header; this API reads LP-On-Behalf)'
				: 'LP-On-Behalf header is not present',
		);
	}
	const consumer = ctx.tokens.verifyConsumerJws(jws);
	if (!consumer.ok) return authError(40103);
	return { lp: consumer.claims.lp_consumer_id };
}

function intParam(
	q: Record<string, string>,
	name: string,
	min: number,
	max: number,
): number | undefined | string {
	const v = q[name];
	if (v === undefined) return undefined;
	if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max)
		return `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`;
	return Number(v);
}

export function handleRest(ctx: RestContext): EmulatorAnswer {
	const answer = serveRest(ctx);
	const requestId = ctx.record.headers['request-id'];
	// inferred: the Request-ID a client sends is echoed, for tracing.
	if (requestId) answer.headers = { ...(answer.headers ?? {}), 'Request-ID': requestId };
	return answer;
}

function serveRest(ctx: RestContext): EmulatorAnswer {
	const { record, rest } = ctx;
	const settings = rest.settings;
	if (!settings.enabled) {
		return restError(
			403,
			'Forbidden',
			`the Messaging REST API is not enabled for account ${ctx.accountId}`,
		);
	}
	// inferred: the quota counts before authentication; LivePerson documents no Retry-After.
	if (rest.overQuota(ctx.clock.now())) {
		const q = settings.quota;
		return restError(
			429,
			'Too Many Requests',
			`quota of ${q?.requests} requests per ${q?.perSeconds} s exceeded for brand ${ctx.accountId}`,
			q?.retryAfter !== undefined ? { 'Retry-After': String(q.retryAfter) } : undefined,
		);
	}
	const auth = checkAuth(ctx);
	if ('status' in auth) return auth;
	// inferred: missing required headers are 400; a Brand-ID other than the token's account is 403.
	const brand = record.headers['brand-id']?.trim();
	if (!brand) return badRequest('the Brand-ID header is required');
	if (!record.headers['client-source']?.trim())
		return badRequest('the Client-source header is required');
	if (brand !== ctx.accountId)
		return restError(
			403,
			'Forbidden',
			`Brand-ID ${brand} does not match the AppJWT's account ${ctx.accountId}`,
		);

	const conv = ctx.store.get(ctx.conversationId);
	if (!conv) return restError(404, 'Not Found', `conversation ${ctx.conversationId} was not found`);
	// inferred: another consumer's conversation is 403 here (SEND answers 401 with 40103 instead).
	if (conv.lpConsumerId !== auth.lp) {
		return restError(
			403,
			'Forbidden',
			`the consumer of LP-On-Behalf is not a participant of conversation ${ctx.conversationId}`,
		);
	}
	const survey = ctx.survey(conv.conversationId);

	if (ctx.endpoint === 'restConversation') {
		if (record.method === 'PATCH') return patchConversation(ctx, conv, survey);
		record.processed = true;
		return json(200, conversationBody(conv, survey), { ETag: etagOf(conv, survey) });
	}
	return listMessages(ctx, conv, survey);
}

function patchConversation(
	ctx: RestContext,
	conv: ConversationView,
	survey: { dialogId: string; open: boolean } | undefined,
): EmulatorAnswer {
	const { record } = ctx;
	const body = record.json;
	if (!isObj(body)) return badRequest('the body must be a JSON object {"stage":"CLOSE"}');
	const extra = Object.keys(body).find((k) => k !== 'stage');
	if (extra !== undefined)
		return badRequest(`${extra} is not a field this emulator can update; only stage`);
	if (body.stage !== 'CLOSE')
		return badRequest(`stage must be "CLOSE", got ${JSON.stringify(body.stage)}`);
	const ifMatch = record.headers['if-match']?.trim();
	const current = etagOf(conv, survey);
	// inferred: 428 without If-Match, 412 when it is not the current ETag ("*" matches any).
	if (!ifMatch)
		return restError(
			428,
			'Precondition Required',
			'the If-Match header (the ETag of a GET) is required',
		);
	const matches =
		ifMatch === '*' || ifMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === current);
	if (!matches) {
		return restError(
			412,
			'Precondition Failed',
			`If-Match ${ifMatch} is not the current ETag; GET the conversation again`,
			{
				ETag: current,
			},
		);
	}
	// inferred: closing a closed conversation is refused as SEND refuses it.
	if (conv.state === 'CLOSE') return restError(400, 'Bad Request', 'Conversation is close');
	ctx.store.close(conv, 'consumer');
	record.processed = true;
	const closed = ctx.store.get(conv.conversationId) as ConversationView;
	return json(200, conversationBody(closed, survey), { ETag: etagOf(closed, survey) });
}

function listMessages(
	ctx: RestContext,
	conv: ConversationView,
	survey: { dialogId: string; open: boolean } | undefined,
): EmulatorAnswer {
	const { record } = ctx;
	const dialogId = ctx.dialogId as string;
	if (dialogId !== conv.dialogId && dialogId !== survey?.dialogId)
		return restError(
			404,
			'Not Found',
			`dialog ${dialogId} is not a dialog of conversation ${conv.conversationId}`,
		);
	const q = record.query;
	// inferred paging: newerThanSequence / olderThanSequence are exclusive bounds, limit 1..100
	// (default 100), sortBy only "sequence", sortOrder ASC (default) or DESC, links.next while more remain.
	const newer = intParam(q, 'newerThanSequence', -1, Number.MAX_SAFE_INTEGER);
	const older = intParam(q, 'olderThanSequence', 0, Number.MAX_SAFE_INTEGER);
	const limit = intParam(q, 'limit', 1, 100);
	for (const p of [newer, older, limit]) if (typeof p === 'string') return badRequest(p);
	if (q.sortBy !== undefined && q.sortBy !== 'sequence')
		return badRequest(`sortBy must be "sequence", got ${JSON.stringify(q.sortBy)}`);
	const order = (q.sortOrder ?? 'ASC').toUpperCase();
	if (order !== 'ASC' && order !== 'DESC')
		return badRequest(`sortOrder must be ASC or DESC, got ${JSON.stringify(q.sortOrder)}`);
	const size = (limit as number | undefined) ?? 100;
	const hide = ctx.rest.settings.privateNotes === 'hide';
	const matching = conv.messages
		.filter((e) => (e.dialogId ?? conv.dialogId) === dialogId)
		.filter((e) => !(hide && e.audience === 'AGENTS_AND_MANAGERS'))
		.filter((e) => newer === undefined || (e.sequence as number) > (newer as number))
		.filter((e) => older === undefined || (e.sequence as number) < (older as number))
		.sort((a, b) => ((a.sequence as number) - (b.sequence as number)) * (order === 'ASC' ? 1 : -1));
	const page = matching.slice(0, size);
	const path = `/messaging/v1/conversations/${encodeURIComponent(conv.conversationId)}/dialogs/${encodeURIComponent(dialogId)}/messages`;
	const link = (params: Record<string, string>) =>
		`${ctx.baseUrl}${path}?${new URLSearchParams(params).toString()}`;
	const base: Record<string, string> = {
		sortBy: 'sequence',
		sortOrder: order,
		limit: String(size),
	};
	const self: Record<string, string> = { ...base };
	if (newer !== undefined) self.newerThanSequence = String(newer);
	if (older !== undefined) self.olderThanSequence = String(older);
	const links: Record<string, string> = { self: link(self) };
	if (matching.length > page.length) {
		const last = page[page.length - 1].sequence as number;
		links.next = link(
			order === 'ASC'
				? { ...self, newerThanSequence: String(last) }
				: { ...self, olderThanSequence: String(last) },
		);
	}
	record.processed = true;
	return json(200, { data: page.map((e) => messageBody(conv, e, dialogId)), links });
}
