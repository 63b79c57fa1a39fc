import { randomUUID } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { Cancelled, LivePersonFailure, LivePersonSetupError } from '../../shared/errors';
import type { FailureFacts } from '../../shared/errors';
import { excerpt } from '../../shared/text';
import type { LivePersonApi } from '../../shared/transport/api';
import {
	noAnswerFailure,
	sentences,
	statusFailure,
	type RequestRole,
} from '../../shared/transport/failures';
import type { FullResponse } from '../../shared/transport/hosts';
import type { Outcome, RetrySettings } from '../../shared/transport/retry';
import { authenticatedRequest, serviceUrl } from '../../shared/transport/session';
import { isPlainObject, tryParseJson } from '../../shared/values';
import { staticHostField, type ConnectorSession } from './api';
import { forgetConsumerJws, resolveConsumer, type Consumer, type ConsumerChoice } from './consumer';
import { authFailure } from './failures';

/**
 * LivePerson's Messaging REST API (CSDS `messagingRestApiDomain`, base path `/messaging`), read as
 * the consumer: the AppJWT, the consumer's ConsumerJWS in `LP-On-Behalf`, `Brand-ID`,
 * `Client-source` and a `Request-ID`, as its reference lists them. LivePerson marks the API as in
 * early adoption: it must be enabled on the account.
 *
 * The AppJWT goes as it is, as for SEND: the reference's text says the AppJWT mode is "the same
 * authentication method currently used for the SendAPI", and both public clients send it so. The
 * reference also labels every mode "HTTP bearer", so a 401 that refuses the AppJWT (not the
 * ConsumerJWS) before either form has worked on this host sends it once more as `Bearer <AppJWT>`
 * (or the other way round), and the form that works is kept for the process.
 */

/** What the node calls itself in `Client-source` ("the client application, such as its name"). */
export const CLIENT_SOURCE = 'n8n-nodes-liveperson';

type Form = LivePersonApi['authorization'];

/** The `Authorization` form that worked, by REST base URL, for this process. */
const workingForms = new Map<string, Form>();

export function clearRestCache(): void {
	workingForms.clear();
}

/** A read changes nothing: whatever fails, nothing happened. */
const READ: RequestRole = { main: false };

export interface RestAnswer {
	body: IDataObject;
	headers: IDataObject;
}

async function restBaseUrl(session: ConnectorSession, settings: RetrySettings): Promise<string> {
	const { credential } = session;
	const service = 'messagingRestApiDomain';
	if (credential.mode === 'staticTokens' && !credential.hostOverrides[service]) {
		throw new LivePersonSetupError(
			`The credential's ${staticHostField(service)} is empty`,
			"Get Conversation and Get Messages use LivePerson's Messaging REST API. Set the account's messagingRestApiDomain host (from LivePerson's Domain API) in the credential, or switch it to Client Credentials, which looks it up.",
		);
	}
	return await serviceUrl(session, service, settings);
}

function parsed(body: unknown): unknown {
	if (Buffer.isBuffer(body)) return parsed(body.toString('utf8'));
	if (typeof body !== 'string') return body;
	const json = tryParseJson(body);
	return json ? json.value : body;
}

/** A 401 that may be about the header's form rather than the token: not about the ConsumerJWS or a missing token. */
function refusesForm(response: FullResponse): boolean {
	if (response.statusCode !== 401) return false;
	const body = parsed(response.body);
	const errorCode = (body as { body?: IDataObject } | undefined)?.body?.errorCode;
	if (errorCode === undefined) return true;
	if (errorCode !== 40102) return false;
	// LivePerson's Connector body for an invalid AppJWT: only when it speaks of the header's form.
	return /bearer|authori[sz]ation (header|scheme|format|must)/i.test(JSON.stringify(body));
}

/** What LivePerson said, from the REST API's `{code, error, message}` or anything else. */
function saidIn(body: unknown): string {
	if (isPlainObject(body)) {
		const words = [body.error, body.message].filter((part) => typeof part === 'string');
		if (words.length) return excerpt(words.join(': '));
	}
	return excerpt(typeof body === 'string' ? body : (JSON.stringify(body) ?? ''));
}

function restFailure(
	session: ConnectorSession,
	response: FullResponse,
	outcome: Extract<Outcome, { kind: 'answer' }>,
	bothForms: boolean,
): FailureFacts {
	const status = response.statusCode;
	const body = parsed(response.body);
	if (status === 401) {
		const facts = authFailure(body, status, READ, session.credential.mode);
		return bothForms
			? {
					...facts,
					description: sentences(
						facts.description,
						'The node sent the AppJWT both as it is and as "Bearer <AppJWT>".',
					),
				}
			: facts;
	}
	if (status === 403) {
		return {
			reason: 'refused',
			message: "LivePerson's Messaging REST API refused the request (HTTP 403)",
			description: sentences(
				'LivePerson enables the Messaging REST API per account (it is in early adoption: ask your LivePerson representative). It also refuses a conversation of another consumer: the Consumer ID must be the one the conversation was created for.',
				`LivePerson said: ${saidIn(body)}.`,
			),
			httpCode: status,
			effect: 'no',
		};
	}
	if (status === 404 && isPlainObject(body)) {
		return {
			reason: 'conversationNotFound',
			message: 'LivePerson does not know this conversation',
			description: `Check the Conversation ID: it is the conversationId a create returned or the trigger received. LivePerson said: ${saidIn(body)}.`,
			httpCode: status,
			effect: 'no',
		};
	}
	return statusFailure(status, body, READ, outcome.attempts);
}

/**
 * A GET of the Messaging REST API as `consumer`: `path` under `/messaging/v1`. Safe to repeat, so
 * 429s, 5xx and lost answers are retried; anything but a readable 2xx throws a LivePersonFailure
 * whose effect is `no` (a read changes nothing).
 */
export async function restGet(
	session: ConnectorSession,
	consumer: Consumer,
	path: string,
	qs: IDataObject,
	settings: RetrySettings,
): Promise<RestAnswer> {
	const base = await restBaseUrl(session, settings);
	const headers = {
		Accept: 'application/json',
		'LP-On-Behalf': consumer.consumerJws,
		'Brand-ID': session.credential.accountId,
		'Client-source': CLIENT_SOURCE,
		// One per read, the same on its retries, so LivePerson's traces show them as one.
		'Request-ID': randomUUID(),
	};
	const send = async (form: Form) =>
		await authenticatedRequest(
			session,
			{ method: 'GET', url: `${base}/messaging/v1${path}`, qs, headers, json: false },
			true,
			settings,
			form,
		).catch((error: unknown) => Promise.reject(asRead(error)));
	const known = workingForms.get(base);
	let form: Form = known ?? 'raw';
	let outcome = await send(form);
	let bothForms = false;
	if (!known && outcome.kind === 'answer' && refusesForm(outcome.response)) {
		const other: Form = form === 'raw' ? 'bearer' : 'raw';
		const second = await send(other);
		bothForms = true;
		if (!(second.kind === 'answer' && second.response.statusCode === 401)) {
			outcome = second;
			form = other;
		}
	}
	if (outcome.kind === 'noAnswer') {
		const { error } = outcome;
		if (error instanceof Cancelled || error instanceof LivePersonSetupError) throw asRead(error);
		throw new LivePersonFailure(noAnswerFailure(error, READ, settings.timeoutMs, outcome.attempts));
	}
	const { response } = outcome;
	if (response.statusCode < 200 || response.statusCode >= 300)
		throw new LivePersonFailure(restFailure(session, response, outcome, bothForms));
	workingForms.set(base, form);
	const body = parsed(response.body);
	if (!isPlainObject(body)) {
		throw new LivePersonFailure({
			reason: 'unreadableAnswer',
			message: "LivePerson's answer could not be read",
			description: `The Messaging REST API answered HTTP ${response.statusCode} with something that is not a JSON object: ${saidIn(body)}. This often means a proxy or gateway answered instead of LivePerson.`,
			httpCode: response.statusCode,
			effect: 'no',
		});
	}
	return { body, headers: response.headers ?? {} };
}

/** A read that failed, or was stopped midway, changed nothing: its effect is `no`. */
export function asRead(error: unknown): unknown {
	if (error instanceof Cancelled) return new Cancelled('no');
	if (error instanceof LivePersonFailure && error.facts.effect !== 'no')
		return new LivePersonFailure({ ...error.facts, effect: 'no' });
	return error;
}

/**
 * `work` as the item's consumer. A ConsumerJWS the node minted that LivePerson refuses (40103,
 * which proves nothing was processed) is forgotten, minted once more, and `work` runs again.
 */
export async function asConsumer<T>(
	session: ConnectorSession,
	choice: ConsumerChoice,
	settings: RetrySettings,
	onConsumer: (consumer: Consumer) => void,
	work: (consumer: Consumer) => Promise<T>,
): Promise<T> {
	let consumer = await resolveConsumer(session, choice, settings);
	onConsumer(consumer);
	const first = await work(consumer).then(
		(result) => ({ result }),
		(error: unknown) => ({ error }),
	);
	if ('result' in first) return first.result;
	const { error } = first;
	if (
		!(error instanceof LivePersonFailure) ||
		error.facts.reason !== 'consumerJwsRejected' ||
		!consumer.mintedFor
	)
		throw error;
	await forgetConsumerJws(session, consumer.mintedFor, settings);
	consumer = await resolveConsumer(session, choice, settings);
	onConsumer(consumer);
	return await work(consumer);
}
