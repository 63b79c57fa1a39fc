import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../helpers/inputError';
import { looksLikeJws, readClaims } from '../helpers/jwt';
import { itemError, noAnswerFailure, statusFailure } from './errors';
import { LivePersonSetupError } from './hosts';
import { authenticatedRequest, serviceUrl, type Session } from './session';

/** Enough for a long CRM import; a ConsumerJWS never expires, so eviction only costs a re-mint. */
const MAX_CACHED_CONSUMERS = 10000;
const consumerJwsCache = new Map<string, string>();

export interface Consumer {
	consumerJws: string;
	ext_consumer_id?: string;
	lp_consumer_id?: string;
}

export interface ConsumerChoice {
	consumerId?: string;
	consumerJws?: string;
}

function describeConsumer(consumerJws: string, consumerId?: string): Consumer {
	const claims = readClaims(consumerJws) ?? {};
	const ext = consumerId ?? (typeof claims.ext_consumer_id === 'string' ? claims.ext_consumer_id : undefined);
	const lp = typeof claims.lp_consumer_id === 'string' ? claims.lp_consumer_id : undefined;
	return { consumerJws, ...(ext ? { ext_consumer_id: ext } : {}), ...(lp ? { lp_consumer_id: lp } : {}) };
}

function checkedJws(consumerJws: string, field: string): string {
	if (!looksLikeJws(consumerJws)) {
		throw new InputError(
			field,
			'is not a ConsumerJWS (a JWS has three dot-separated base64url parts)',
			'Map the token LivePerson\'s IDP returned, or give a Consumer ID so the node mints one.',
		);
	}
	return consumerJws;
}

/**
 * The consumer an item acts for: a ConsumerJWS given on the item, one minted from the item's
 * Consumer ID (client credentials), or the credential's default ConsumerJWS (static tokens).
 */
export async function resolveConsumer(
	this: IExecuteFunctions,
	session: Session,
	choice: ConsumerChoice,
	itemIndex: number,
): Promise<Consumer> {
	if (choice.consumerJws) return describeConsumer(checkedJws(choice.consumerJws, 'Options › ConsumerJWS'));
	if (choice.consumerId) {
		if (session.mode !== 'clientCredentials') {
			throw new InputError(
				'Consumer ID',
				'needs a credential in Client Credentials mode, which can mint ConsumerJWSs',
				'Switch the credential to Client Credentials, or clear Consumer ID and give a ConsumerJWS in Options.',
			);
		}
		return describeConsumer(await consumerJwsFor.call(this, session, choice.consumerId, itemIndex), choice.consumerId);
	}
	const fallback = session.mode === 'staticTokens' ? String(session.credentials.consumerJws ?? '').trim() : '';
	if (!fallback) {
		throw new InputError(
			'Consumer ID',
			'is empty, and there is no ConsumerJWS to fall back on',
			session.mode === 'clientCredentials'
				? 'Map the customer\'s ID from your CRM, e.g. {{ $json.contactId }}.'
				: 'Give a ConsumerJWS in Options (e.g. {{ $json.consumerJws }}), or a Default ConsumerJWS in the credential.',
		);
	}
	return describeConsumer(checkedJws(fallback, 'Credential › Default ConsumerJWS'));
}

async function consumerJwsFor(
	this: IExecuteFunctions,
	session: Session,
	consumerId: string,
	itemIndex: number,
): Promise<string> {
	const idp = await serviceUrl.call(this, session, 'idp');
	const key = [session.accountId, idp, session.credentials.clientId, consumerId].join('\u0000');
	const cached = consumerJwsCache.get(key);
	if (cached) {
		// Re-inserting keeps the most recently used consumers in the bounded cache.
		consumerJwsCache.delete(key);
		consumerJwsCache.set(key, cached);
		return cached;
	}
	const outcome = await authenticatedRequest.call(
		this,
		session,
		{
			method: 'POST',
			url: `${idp}/api/account/${encodeURIComponent(session.accountId)}/consumer`,
			qs: { v: '1.0' },
			body: { ext_consumer_id: consumerId },
			json: true,
		},
		// The same ext_consumer_id always maps to the same consumer: safe to ask again.
		true,
	);
	if (outcome.kind === 'noAnswer') {
		if (outcome.error instanceof LivePersonSetupError) throw outcome.error;
		throw itemError(this.getNode(), itemIndex, {
			...noAnswerFailure(outcome.error, 'idp', session.retry.timeoutMs, outcome.attempts),
			message: `LivePerson's IDP did not mint a ConsumerJWS for consumer "${consumerId}"`,
		});
	}
	const response = outcome.response;
	if (response.statusCode === 429 || response.statusCode >= 500) {
		throw itemError(this.getNode(), itemIndex, statusFailure(response.statusCode, response.body, 'idp', outcome.attempts));
	}
	const token = (response.body as { token?: unknown } | undefined)?.token;
	if ((response.statusCode === 200 || response.statusCode === 201) && typeof token === 'string' && looksLikeJws(token)) {
		consumerJwsCache.set(key, token);
		if (consumerJwsCache.size > MAX_CACHED_CONSUMERS) {
			consumerJwsCache.delete(consumerJwsCache.keys().next().value as string);
		}
		return token;
	}
	throw itemError(this.getNode(), itemIndex, {
		message: `LivePerson's IDP did not mint a ConsumerJWS for consumer "${consumerId}"`,
		description: `IDP answered HTTP ${response.statusCode}${
			response.statusCode === 401 ? ' (the AppJWT was refused)' : ''
		}. Nothing was sent to create a conversation for this item. Check the Consumer ID and try again.`,
		httpCode: response.statusCode,
		created: 'no',
	});
}

export function clearConsumerCache(): void {
	consumerJwsCache.clear();
}
