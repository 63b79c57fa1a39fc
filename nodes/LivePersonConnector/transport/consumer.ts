import { createHash, randomBytes } from 'crypto';

import {
	Cancelled,
	InputError,
	LivePersonFailure,
	LivePersonSetupError,
} from '../../shared/errors';
import { looksLikeJws, readClaims } from '../../shared/jwt';
import { noAnswerFailure, statusFailure, type RequestRole } from '../../shared/transport/failures';
import type { RetrySettings } from '../../shared/transport/retry';
import { authenticatedRequest, once, serviceUrl } from '../../shared/transport/session';
import type { ConnectorSession } from './api';

/** Enough for a long CRM import; a ConsumerJWS never expires, so eviction only costs a re-mint. */
const MAX_CACHED_CONSUMERS = 10000;
/** Each cached consumer, described once from its ConsumerJWS's claims (not decoded again per item). */
const consumerJwsCache = new Map<string, Consumer>();
/** Cache keys are hashes that include the client secret, salted so they mean nothing outside this process. */
const KEY_SALT = randomBytes(16);

/** Who an item acts for, as the node panel gives it (already checked to be text). */
export interface ConsumerChoice {
	consumerId?: string;
	consumerJws?: string;
}

export interface Consumer {
	consumerJws: string;
	ext_consumer_id?: string;
	lp_consumer_id?: string;
	/** Set when the node minted (or reused a minted) ConsumerJWS, so a refused one can be replaced. */
	mintedFor?: string;
}

/** Common front-end limits on a request's headers (nginx: 8 KB); LivePerson documents none. */
export const MAX_HEADER_BYTES = 8 * 1024;
/** What the other headers of a request take at most (a typical AppJWT is ~700 characters). */
export const OTHER_HEADER_BYTES = 1024 + 300;

/**
 * How long the ConsumerJWS LivePerson mints for a consumer ID will be: an RS256 JWS whose payload
 * holds the account, the ID and a 36-character LivePerson ID, as base64url (4 characters per 3 bytes).
 */
function expectedJwsLength(consumerId: string): number {
	const payloadBytes = Buffer.byteLength(JSON.stringify(consumerId)) + 120;
	return 80 + Math.ceil((payloadBytes * 4) / 3) + 1 + 342;
}

/** A Consumer ID whose ConsumerJWS could never be sent is refused before a consumer is registered for it. */
function checkMintable(consumerId: string): void {
	const length = expectedJwsLength(consumerId);
	if (length + OTHER_HEADER_BYTES <= MAX_HEADER_BYTES) return;
	throw new InputError(
		'Consumer ID',
		`is ${consumerId.length} characters long: its ConsumerJWS (about ${length} characters) would not fit the ${MAX_HEADER_BYTES}-byte limit on request headers`,
		"Use a shorter consumer ID, e.g. the CRM contact's ID rather than a whole record.",
	);
}

const BEFORE_THE_REQUEST: RequestRole = { main: false, notDone: 'No ConsumerJWS was minted.' };

/** The consumer a ConsumerJWS names, from its claims: what the node acts as, whatever was asked. */
function describeConsumer(consumerJws: string): Consumer {
	const claims = readClaims(consumerJws) ?? {};
	const ext =
		typeof claims.ext_consumer_id === 'string' || typeof claims.ext_consumer_id === 'number'
			? String(claims.ext_consumer_id)
			: undefined;
	const lp = typeof claims.lp_consumer_id === 'string' ? claims.lp_consumer_id : undefined;
	return {
		consumerJws,
		...(ext ? { ext_consumer_id: ext } : {}),
		...(lp ? { lp_consumer_id: lp } : {}),
	};
}

function checkedJws(consumerJws: string, field: string): string {
	if (!looksLikeJws(consumerJws)) {
		throw new InputError(
			field,
			'is not a ConsumerJWS (a JWS has three dot-separated base64url parts)',
			"Map the token LivePerson's IDP returned, or give a Consumer ID so the node mints one.",
		);
	}
	return consumerJws;
}

/**
 * The consumer an item acts for: a ConsumerJWS given on the item, one minted from the item's
 * Consumer ID (client credentials), or the credential's default ConsumerJWS (static tokens).
 */
export async function resolveConsumer(
	session: ConnectorSession,
	choice: ConsumerChoice,
	settings: RetrySettings,
): Promise<Consumer> {
	if (choice.consumerJws)
		return describeConsumer(checkedJws(choice.consumerJws, 'Options › ConsumerJWS'));
	const { credential } = session;
	if (choice.consumerId) {
		if (credential.mode !== 'clientCredentials') {
			throw new InputError(
				'Consumer ID',
				'needs a credential in Client Credentials mode, which can mint ConsumerJWSs',
				'Switch the credential to Client Credentials, or clear Consumer ID and give a ConsumerJWS in Options.',
			);
		}
		checkMintable(choice.consumerId);
		// Minting comes before the item's own request: stopped there, nothing of the item happened.
		const consumer = await consumerFor(session, choice.consumerId, settings).catch(
			(error: unknown) => Promise.reject(error instanceof Cancelled ? new Cancelled('no') : error),
		);
		return { ...consumer, mintedFor: choice.consumerId };
	}
	if (!credential.defaultConsumerJws) {
		throw new InputError(
			'Consumer ID',
			'is empty, and there is no ConsumerJWS to fall back on',
			credential.mode === 'clientCredentials'
				? "Map the customer's ID from your CRM, e.g. {{ $json.contactId }}."
				: 'Give a ConsumerJWS in Options (e.g. {{ $json.consumerJws }}), or a Default ConsumerJWS in the credential.',
		);
	}
	return describeConsumer(
		checkedJws(credential.defaultConsumerJws, 'Credential › Default ConsumerJWS'),
	);
}

/**
 * A cached ConsumerJWS serves only the credential that minted it (same account, client and
 * secret) and only the hosts it was minted for (same IDP and messaging host): in a shared n8n,
 * another credential must never receive it.
 */
async function cacheKey(
	session: ConnectorSession,
	consumerId: string,
	settings: RetrySettings,
): Promise<string> {
	// The scope is the same for every item of the run: worked out once.
	const scope = await once(session, 'consumerCacheScope', () => cacheScope(session, settings));
	return `${scope}\u0000${consumerId}`;
}

async function cacheScope(session: ConnectorSession, settings: RetrySettings): Promise<string> {
	const { credential } = session;
	const idp = await serviceUrl(session, 'idp', settings);
	const messaging = await serviceUrl(session, 'asyncMessagingEnt', settings);
	return createHash('sha256')
		.update(KEY_SALT)
		.update(
			[credential.accountId, credential.clientId, credential.clientSecret, idp, messaging].join(
				'\u0000',
			),
		)
		.digest('base64');
}

/** Forgets a ConsumerJWS LivePerson refused (40103), so the next one is minted afresh. */
export async function forgetConsumerJws(
	session: ConnectorSession,
	consumerId: string,
	settings: RetrySettings,
): Promise<void> {
	consumerJwsCache.delete(await cacheKey(session, consumerId, settings));
}

/** Mints in progress in this process, by cache key: executions that need the same consumer at once share one. */
const minting = new Map<string, Promise<Consumer>>();

async function consumerFor(
	session: ConnectorSession,
	consumerId: string,
	settings: RetrySettings,
): Promise<Consumer> {
	const key = await cacheKey(session, consumerId, settings);
	const cached = consumerJwsCache.get(key);
	if (cached) {
		// Re-inserting keeps the most recently used consumers in the bounded cache.
		consumerJwsCache.delete(key);
		consumerJwsCache.set(key, cached);
		return cached;
	}
	const running = minting.get(key);
	if (running) {
		// A mint shared with an execution that was stopped meanwhile: this one mints for itself.
		const shared = await running.then(
			(consumer) => ({ consumer }),
			(error: unknown) => ({ error }),
		);
		if ('consumer' in shared) return shared.consumer;
		if (!(shared.error instanceof Cancelled) || session.signal?.aborted) throw shared.error;
	}
	const mint = mintConsumerJws(session, consumerId, settings).then((token) => {
		const consumer = describeConsumer(token);
		consumerJwsCache.set(key, consumer);
		if (consumerJwsCache.size > MAX_CACHED_CONSUMERS)
			consumerJwsCache.delete(consumerJwsCache.keys().next().value as string);
		return consumer;
	});
	minting.set(key, mint);
	try {
		return await mint;
	} finally {
		if (minting.get(key) === mint) minting.delete(key);
	}
}

/**
 * A ConsumerJWS from LivePerson's IDP, checked to name the consumer asked for: one that names
 * another (an IDP or a proxy before it answering for someone else) is never cached or used, or
 * one customer's messages would land in another's conversation.
 */
async function mintConsumerJws(
	session: ConnectorSession,
	consumerId: string,
	settings: RetrySettings,
): Promise<string> {
	const idp = await serviceUrl(session, 'idp', settings);
	const outcome = await authenticatedRequest(
		session,
		{
			method: 'POST',
			url: `${idp}/api/account/${encodeURIComponent(session.credential.accountId)}/consumer`,
			qs: { v: '1.0' },
			body: { ext_consumer_id: consumerId },
			json: true,
		},
		// The same ext_consumer_id always maps to the same consumer: safe to ask again.
		true,
		settings,
	);
	if (outcome.kind === 'noAnswer') {
		if (outcome.error instanceof LivePersonSetupError) throw outcome.error;
		throw new LivePersonFailure({
			...noAnswerFailure(outcome.error, BEFORE_THE_REQUEST, settings.timeoutMs, outcome.attempts),
			message: `LivePerson's IDP did not mint a ConsumerJWS for consumer "${consumerId}"`,
		});
	}
	const response = outcome.response;
	const token = (response.body as { token?: unknown } | undefined)?.token;
	if (
		(response.statusCode === 200 || response.statusCode === 201) &&
		typeof token === 'string' &&
		looksLikeJws(token)
	) {
		const named = describeConsumer(token).ext_consumer_id;
		if (named !== consumerId) {
			throw new LivePersonFailure({
				reason: 'consumerMismatch',
				message: `LivePerson's IDP answered consumer "${consumerId}" with a ConsumerJWS for ${named === undefined ? 'no named consumer' : `consumer "${named}"`}`,
				description:
					'No ConsumerJWS was used, and nothing was sent for this item. Check the IDP host in the credential (and any proxy between n8n and LivePerson): the answer names someone else.',
				httpCode: response.statusCode,
				effect: 'no',
			});
		}
		return token;
	}
	if (response.statusCode === 429 || response.statusCode >= 500) {
		throw new LivePersonFailure(
			statusFailure(response.statusCode, response.body, BEFORE_THE_REQUEST, outcome.attempts),
		);
	}
	throw new LivePersonFailure({
		reason: response.statusCode === 401 ? 'unauthorized' : 'refused',
		message: `LivePerson's IDP did not mint a ConsumerJWS for consumer "${consumerId}"`,
		description: `No ConsumerJWS was minted: IDP answered HTTP ${response.statusCode}${
			response.statusCode === 401 ? ' (the AppJWT was refused)' : ''
		}. Check the Consumer ID and try again.`,
		httpCode: response.statusCode,
		effect: 'no',
	});
}

export function clearConsumerCache(): void {
	consumerJwsCache.clear();
}
