import { createHash, randomBytes } from 'crypto';

import { Cancelled, InputError, LivePersonFailure, LivePersonSetupError } from '../helpers/errors';
import { looksLikeJws, readClaims } from '../helpers/jwt';
import { noAnswerFailure, statusFailure, type RequestRole } from './failures';
import type { RetrySettings } from './retry';
import { authenticatedRequest, serviceUrl, type Session } from './session';

/** Enough for a long CRM import; a ConsumerJWS never expires, so eviction only costs a re-mint. */
const MAX_CACHED_CONSUMERS = 10000;
const consumerJwsCache = new Map<string, string>();
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

const BEFORE_THE_REQUEST: RequestRole = { main: false, notDone: 'No ConsumerJWS was minted.' };

function describeConsumer(consumerJws: string, consumerId?: string): Consumer {
	const claims = readClaims(consumerJws) ?? {};
	const ext =
		consumerId ?? (typeof claims.ext_consumer_id === 'string' ? claims.ext_consumer_id : undefined);
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
	session: Session,
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
		const consumerJws = await consumerJwsFor(session, choice.consumerId, settings);
		return { ...describeConsumer(consumerJws, choice.consumerId), mintedFor: choice.consumerId };
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
	session: Session,
	consumerId: string,
	settings: RetrySettings,
): Promise<string> {
	// The scope is the same for every item of the run: worked out once.
	session.consumerCacheScope ??= cacheScope(session, settings).catch((error: unknown) => {
		session.consumerCacheScope = undefined;
		throw error;
	});
	return `${await session.consumerCacheScope}\u0000${consumerId}`;
}

async function cacheScope(session: Session, settings: RetrySettings): Promise<string> {
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
	session: Session,
	consumerId: string,
	settings: RetrySettings,
): Promise<void> {
	consumerJwsCache.delete(await cacheKey(session, consumerId, settings));
}

async function consumerJwsFor(
	session: Session,
	consumerId: string,
	settings: RetrySettings,
): Promise<string> {
	const key = await cacheKey(session, consumerId, settings);
	const cached = consumerJwsCache.get(key);
	if (cached) {
		// Re-inserting keeps the most recently used consumers in the bounded cache.
		consumerJwsCache.delete(key);
		consumerJwsCache.set(key, cached);
		return cached;
	}
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
		if (outcome.error instanceof LivePersonSetupError || outcome.error instanceof Cancelled)
			throw outcome.error;
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
		consumerJwsCache.set(key, token);
		if (consumerJwsCache.size > MAX_CACHED_CONSUMERS)
			consumerJwsCache.delete(consumerJwsCache.keys().next().value as string);
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
