import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { LivePersonFailure, LivePersonSetupError, type FailureFacts } from '../../shared/errors';
import { excerpt } from '../../shared/text';
import { noAnswerFailure, statusFailure, type RequestRole } from '../../shared/transport/failures';
import { pause, type Outcome, type RetrySettings } from '../../shared/transport/retry';
import { authenticatedRequest } from '../../shared/transport/session';
import { isPlainObject, tryParseJson } from '../../shared/values';
import type { ProactiveSession } from './api';
import { proactiveHosts } from './hosts';

/** LivePerson's limit: 10 requests per second per brand, per API. */
export const MAX_REQUESTS_PER_SECOND = 10;

const MAIN: RequestRole = { main: true };
/** A read: nothing happened whatever became of it. */
const READ: RequestRole = { main: false };

/**
 * Spaces the run's requests to one API out to `perSecond` (with a 5 % margin, so a window that
 * LivePerson counts a little differently never sees one too many). Waits end at once on Stop.
 */
async function paced(session: ProactiveSession, api: string, perSecond: number): Promise<void> {
	const interval = (1000 / Math.min(Math.max(perSecond, 0.1), MAX_REQUESTS_PER_SECOND)) * 1.05;
	const slots = nextSlots.get(session) ?? new Map<string, number>();
	nextSlots.set(session, slots);
	const now = Date.now();
	const next = Math.max(now, slots.get(api) ?? 0);
	slots.set(api, next + interval);
	if (next > now) await pause(next - now, session.signal);
}

/** When each API may be sent to next, per run. */
const nextSlots = new WeakMap<ProactiveSession, Map<string, number>>();

function parsed(body: unknown): unknown {
	return typeof body === 'string' ? (tryParseJson(body)?.value ?? body) : body;
}

/** LivePerson's words in an error answer (`{"code":400,"message":"…"}`), if any. */
function saidBy(body: unknown): string {
	const value = parsed(body);
	if (isPlainObject(value) && typeof value.message === 'string') return value.message;
	return typeof value === 'string' ? value : JSON.stringify(value ?? '');
}

/** A non-2xx answer as failure facts: a refused request, or whatever the status says. */
function refusal(response: { statusCode: number; body: unknown }, outcome: Outcome): FailureFacts {
	const status = response.statusCode;
	const said = saidBy(response.body);
	if (status === 401 || status === 403) {
		return {
			reason: 'unauthorized',
			message: `LivePerson's Proactive Messaging refused the AppJWT (HTTP ${status})`,
			description: `Check that Proactive Messaging is enabled for the account (Proactive Web Tool › Settings › Enable) and that the credential's Client ID and Secret are the Proactive Web Tool's. LivePerson said: ${excerpt(said)}.`,
			httpCode: status,
			effect: 'no',
		};
	}
	if (status === 400 || status === 422) {
		const daily = /daily limit/i.test(said);
		return {
			reason: daily ? 'dailyLimitReached' : 'campaignRefused',
			message: daily
				? "LivePerson refused the campaign: the account's daily limit is reached"
				: `LivePerson refused the campaign request: ${excerpt(said, 200)}`,
			description: daily
				? 'Proactive Messaging sends to at most 100,000 recipients per day per channel. Send the rest tomorrow.'
				: "LivePerson refused the whole request, so none of its recipients was sent to. Check the campaign's fields (Template, Campaign Name, Skill, Outbound Number).",
			httpCode: status,
			effect: 'no',
		};
	}
	return statusFailure(status, parsed(response.body), MAIN, outcome.attempts);
}

/**
 * One request with the run's AppJWT. Any answer comes back to the caller, which reads it; no answer
 * at all throws the failure, saying whether the request may have been processed.
 */
async function send(
	session: ProactiveSession,
	options: IHttpRequestOptions,
	repeatable: boolean,
	settings: RetrySettings,
): Promise<{ statusCode: number; body: unknown; outcome: Outcome }> {
	const outcome = await authenticatedRequest(session, options, repeatable, settings);
	if (outcome.kind === 'noAnswer') {
		if (outcome.error instanceof LivePersonSetupError) throw outcome.error;
		throw new LivePersonFailure(
			noAnswerFailure(
				outcome.error,
				repeatable ? READ : MAIN,
				settings.timeoutMs,
				outcome.attempts,
			),
		);
	}
	const { response } = outcome;
	return { statusCode: response.statusCode, body: parsed(response.body), outcome };
}

/** The answer when it is a 2xx, else the refusal it stands for. */
function ok(answer: { statusCode: number; body: unknown; outcome: Outcome }): unknown {
	if (answer.statusCode >= 200 && answer.statusCode < 300) return answer.body;
	throw new LivePersonFailure(refusal(answer, answer.outcome));
}

/** What LivePerson answers a campaign create (its page's shape; every list may be absent). */
export interface CampaignAnswer {
	proactiveCampaignId?: string;
	leCampaignId?: string;
	leEngagementId?: string;
	requestTraceId?: string;
	acceptedConsumers: IDataObject[];
	failedConsumers: IDataObject[];
}

/**
 * Creates one campaign. There is no idempotency key: after an answer that may mean it was
 * processed (a 5xx, a timeout, a dropped connection) it is never sent again, or real people would
 * get the message twice. A 429 proves it was not processed, and is waited out.
 */
export async function createCampaign(
	session: ProactiveSession,
	body: IDataObject,
	settings: RetrySettings,
	perSecond: number,
): Promise<CampaignAnswer> {
	const { proactive } = await proactiveHosts(session, settings);
	await paced(session, 'campaign', perSecond);
	const sent = await send(
		session,
		{
			method: 'POST',
			url: `${proactive}/api/v2/account/${encodeURIComponent(session.credential.accountId)}/campaign`,
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(body),
			json: false,
		},
		false,
		settings,
	);
	const { statusCode } = sent;
	const answer = ok(sent);
	if (!isPlainObject(answer))
		throw new LivePersonFailure({
			reason: 'unreadableAnswer',
			message: "LivePerson's answer to the campaign could not be read",
			description: `It was not a JSON object (HTTP ${statusCode}): ${excerpt(String(answer), 200)}.`,
			httpCode: statusCode,
			effect: 'unknown',
		});
	const list = (value: unknown) =>
		Array.isArray(value) ? (value.filter(isPlainObject) as IDataObject[]) : [];
	const text = (value: unknown) =>
		typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
	return {
		proactiveCampaignId: text(answer.proactiveCampaignId),
		leCampaignId: text(answer.leCampaignId),
		leEngagementId: text(answer.leEngagementId),
		requestTraceId: text(answer.requestTraceId),
		acceptedConsumers: list(answer.acceptedConsumers),
		failedConsumers: list(answer.failedConsumers),
	};
}

export interface CampaignStatus {
	campaignStatus?: string;
	recipients: Array<{
		recipientId: string;
		status?: string;
		conversationId: string | null;
		errorMessage: string | null;
	}>;
}

/** A campaign's status, per recipient. A read: retried after 5xx and lost answers as LivePerson advises. */
export async function campaignStatus(
	session: ProactiveSession,
	campaignId: string,
	settings: RetrySettings,
	perSecond: number,
): Promise<CampaignStatus> {
	const { proactive } = await proactiveHosts(session, settings);
	await paced(session, 'status', perSecond);
	const sent = await send(
		session,
		{
			method: 'GET',
			url: `${proactive}/api/v2/account/${encodeURIComponent(session.credential.accountId)}/campaign/${encodeURIComponent(campaignId)}/conversations`,
			json: false,
		},
		true,
		settings,
	);
	if (sent.statusCode === 404)
		throw new LivePersonFailure({
			reason: 'campaignNotFound',
			message: `LivePerson does not know campaign "${campaignId}"`,
			description:
				'Check the Campaign ID: it is the proactiveCampaignId Send Campaign returned, for this account.',
			httpCode: 404,
			effect: 'no',
		});
	const answer = ok(sent);
	const body = isPlainObject(answer) ? answer : {};
	const conversations = Array.isArray(body.conversations) ? body.conversations : [];
	const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
	return {
		campaignStatus: text(body.campaignStatus) ?? undefined,
		recipients: conversations.filter(isPlainObject).map((entry) => ({
			recipientId: String(entry.id ?? ''),
			status: text(entry.status) ?? undefined,
			conversationId: text(entry.conversationId),
			errorMessage: text(entry.errorMessage),
		})),
	};
}

/**
 * The account's handoffs (templates), every page: LivePerson pages the Outbound Configuration
 * list with `limit` and `offset`, up to a short page. Bounded, so a list that never ends cannot
 * hold a run.
 */
export async function listHandoffs(
	session: ProactiveSession,
	settings: RetrySettings,
): Promise<unknown[]> {
	const { handoff } = await proactiveHosts(session, settings);
	const limit = 100;
	const entries: unknown[] = [];
	for (let offset = 0, page = 0; page < 50; page++, offset += limit) {
		const body = ok(
			await send(
				session,
				{
					method: 'GET',
					url: `${handoff}/api/account/${encodeURIComponent(session.credential.accountId)}/app/prmsg/handoffs/list`,
					qs: { v: '1', limit, offset },
					json: false,
				},
				true,
				settings,
			),
		);
		const found = Array.isArray(body)
			? body
			: body === undefined || body === null || body === ''
				? []
				: [body];
		entries.push(...found);
		if (found.length < limit) break;
	}
	return entries;
}
