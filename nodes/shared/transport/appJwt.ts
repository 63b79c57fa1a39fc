import { createHash, randomBytes } from 'crypto';

import { LivePersonSetupError } from '../errors';
import { readClaims, renewalTime } from '../jwt';
import { tryParseJson } from '../values';
import type { LivePersonApi } from './api';
import { emptyField, type LivePersonCredential } from './credential';
import { serviceBaseUrl, unreachable, type FullResponse, type HttpRequest } from './hosts';

/** Renew the minted AppJWT this long before its `exp`, so no request goes out with a dying token. */
const RENEW_SECONDS_BEFORE_EXPIRY = 5 * 60;

/**
 * Which values each AppJWT of this process was minted with, as a salted hash that never leaves
 * memory: the stored credential (which the editor loads) holds nothing derived from the secret.
 */
const PROCESS_SALT = randomBytes(16);
const MAX_REMEMBERED_MINTS = 1000;
const mintedWith = new Map<string, string>();

function mintValues(credential: LivePersonCredential): string {
	return createHash('sha256')
		.update(PROCESS_SALT)
		.update([credential.accountId, credential.clientId, credential.clientSecret].join('\u0000'))
		.digest('hex');
}

function remember(token: string, credential: LivePersonCredential): void {
	mintedWith.set(token, mintValues(credential));
	if (mintedWith.size > MAX_REMEMBERED_MINTS)
		mintedWith.delete(mintedWith.keys().next().value as string);
}

/**
 * The AppJWT this process minted last for each credential (same account, client, secret and
 * hosts), and the mint in progress: executions that start before n8n has stored a token use it
 * instead of minting their own (in queue mode, one mint per worker instead of one per execution).
 */
const MAX_LATEST = 100;
const latest = new Map<string, string>();
const minting = new Map<string, Promise<string>>();

function processKey(credential: LivePersonCredential): string {
	return `${mintValues(credential)}\u0000${credential.csdsBaseUrl}\u0000${credential.hostOverrides.sentinel ?? ''}`;
}

/** A token this process minted for the credential that still serves it, other than `rejected`. */
export function latestAppJwt(
	credential: LivePersonCredential,
	rejected?: string,
): string | undefined {
	const token = latest.get(processKey(credential));
	if (!token || token === rejected) return undefined;
	return Date.now() / 1000 <= appJwtServesUntil(token, credential) ? token : undefined;
}

/** `mintAppJwt`, joined by every execution of this process that needs a token for the same credential meanwhile. */
export async function mintAppJwtOnce(
	request: HttpRequest,
	credential: LivePersonCredential,
	api: LivePersonApi,
): Promise<string> {
	const key = processKey(credential);
	const running = minting.get(key);
	if (running) return await running;
	const mint = mintAppJwt(request, credential, api)
		.then((token) => {
			latest.delete(key);
			latest.set(key, token);
			if (latest.size > MAX_LATEST) latest.delete(latest.keys().next().value as string);
			return token;
		})
		.finally(() => minting.delete(key));
	minting.set(key, mint);
	return await mint;
}

/**
 * Whether a stored AppJWT cannot serve this credential: minted for another account or client
 * (its claims say so), minted in this process with another secret, or due for renewal.
 */
export function appJwtNeedsReplacing(
	token: string,
	credential: LivePersonCredential,
	nowSeconds = Date.now() / 1000,
): boolean {
	return nowSeconds > appJwtServesUntil(token, credential);
}

/** Until when (epoch seconds) a stored AppJWT can serve this credential; 0 when it cannot at all. */
export function appJwtServesUntil(token: string, credential: LivePersonCredential): number {
	const claims = readClaims(token);
	if (!claims) return 0;
	if (claims.aud !== undefined && String(claims.aud) !== credential.accountId) return 0;
	if (claims.azp !== undefined && String(claims.azp) !== credential.clientId) return 0;
	const minted = mintedWith.get(token);
	if (minted !== undefined && minted !== mintValues(credential)) return 0;
	return renewalTime(token, RENEW_SECONDS_BEFORE_EXPIRY);
}

/** Whether the token can still be sent at all (not expired), for when renewing it failed. */
export function stillValid(token: string, nowSeconds = Date.now() / 1000): boolean {
	const exp = readClaims(token)?.exp;
	return typeof exp !== 'number' || exp > nowSeconds + 5;
}

/**
 * Mints an AppJWT at Sentinel with the client credentials. The secret travels in the form body,
 * never in the URL, so it stays out of proxy and access logs. `request` carries the retries.
 */
export async function mintAppJwt(
	request: HttpRequest,
	credential: LivePersonCredential,
	api: LivePersonApi,
): Promise<string> {
	const required = (value: string, label: string) => {
		if (!value) throw emptyField(label, api.credentialName);
		return value;
	};
	const accountId = required(credential.accountId, 'Account ID');
	const clientId = required(credential.clientId, 'Client ID');
	const clientSecret = required(credential.clientSecret, 'Client Secret');
	const sentinel = await serviceBaseUrl(request, credential, 'sentinel');
	const response = (await request({
		method: 'POST',
		url: `${sentinel}/sentinel/api/account/${encodeURIComponent(accountId)}/app/token`,
		qs: { v: '1.0' },
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: clientId,
			client_secret: clientSecret,
		}).toString(),
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: false,
	}).catch((error: Error) =>
		unreachable(error, `LivePerson's Sentinel at ${sentinel}`),
	)) as FullResponse;
	if (response.statusCode === 401 || response.statusCode === 403) {
		throw new LivePersonSetupError(
			'LivePerson refused the Client ID or Client Secret',
			`Sentinel answered HTTP ${response.statusCode} for client ID "${clientId}" on account ${accountId}. ${api.clientSource} Check that the Account ID is the account the client belongs to.`,
		);
	}
	const token = readAccessToken(response.body);
	if (response.statusCode !== 200 || !token) {
		throw new LivePersonSetupError(
			`LivePerson's Sentinel did not mint an AppJWT (HTTP ${response.statusCode})`,
			response.statusCode === 429 || response.statusCode >= 500
				? 'LivePerson is busy or having trouble: try again later.'
				: `Check the Account ID (${accountId}) and the Client ID; if they are right, try again later.`,
			response.statusCode === 429 || response.statusCode >= 500,
		);
	}
	remember(token, credential);
	return token;
}

function readAccessToken(body: unknown): string | undefined {
	const parsed = typeof body === 'string' ? tryParseJson(body)?.value : body;
	const token = (parsed as { access_token?: unknown } | undefined)?.access_token;
	return typeof token === 'string' && token !== '' ? token : undefined;
}

/** For tests and long-lived processes: forget the AppJWTs this process minted. */
export function clearAppJwtCache(): void {
	latest.clear();
}
