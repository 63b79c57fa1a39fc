import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { LivePersonSetupError } from '../errors';
import type { LivePersonCredential } from './credential';

/**
 * Finding an account's hosts through LivePerson's Domain API (CSDS). Shared by the credentials
 * (to mint the AppJWT at Sentinel) and the nodes (IDP, messaging, storage, ...), so one lookup
 * serves them all.
 */

/** LivePerson's own SDK keeps the map 60 s; hosts change rarely, so a few minutes is safe. */
const CACHE_MILLISECONDS = 10 * 60 * 1000;

export type HttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

/** A full answer, as n8n's helpers return it with `returnFullResponse`. */
export interface FullResponse {
	statusCode: number;
	headers?: IDataObject;
	body: unknown;
}

/** `va.msg.liveperson.net` -> `https://va.msg.liveperson.net`, for hosts the Domain API answered. */
export function toBaseUrl(host: string, scheme: string): string {
	const trimmed = host.trim().replace(/\/+$/, '');
	return /^https?:\/\//i.test(trimmed) ? trimmed : `${scheme}://${trimmed}`;
}

function schemeOf(baseUrl: string): string {
	return baseUrl.toLowerCase().startsWith('http://') ? 'http' : 'https';
}

/**
 * The base URL of a service: the credential's override, or the Domain API's answer, which is
 * cached. Looked-up hosts take the Domain API's own scheme, so a CSDS on `http://127.0.0.1:8080`
 * (the emulator) leads to plain-HTTP hosts, and the real one to HTTPS.
 */
export async function serviceBaseUrl(
	request: HttpRequest,
	credential: LivePersonCredential,
	service: string,
): Promise<string> {
	const override = credential.hostOverrides[service];
	if (override) return override;
	const csds = credential.csdsBaseUrl;
	const key = `${csds}|${credential.accountId}`;
	const entry = cacheEntry(request, key, csds, credential.accountId);
	const host = (await entry.hosts)[service];
	if (!host) {
		// A map without a needed host is asked again next time: the account may be set up meanwhile.
		if (cache.get(key) === entry) cache.delete(key);
		throw new LivePersonSetupError(
			`LivePerson's Domain API lists no "${service}" service for account ${credential.accountId}`,
			`The Domain API at ${csds} answered without the "${service}" host this node needs. Check that the Account ID is right and that the feature is enabled on the account, or set the host in the credential's host overrides.`,
		);
	}
	return toBaseUrl(host, schemeOf(csds));
}

interface CacheEntry {
	expires: number;
	hosts: Promise<Record<string, string>>;
}

const cache = new Map<string, CacheEntry>();

function cacheEntry(request: HttpRequest, key: string, csds: string, accountId: string) {
	const cached = cache.get(key);
	if (cached && cached.expires > Date.now()) return cached;
	const entry: CacheEntry = {
		expires: Date.now() + CACHE_MILLISECONDS,
		hosts: fetchHosts(request, csds, accountId),
	};
	cache.set(key, entry);
	// A failed lookup is asked again by the next request.
	entry.hosts.catch(() => {
		if (cache.get(key) === entry) cache.delete(key);
	});
	return entry;
}

/** A request that got no answer at all: turned into a setup error naming the service. */
export function unreachable(error: Error, service: string): never {
	throw new LivePersonSetupError(
		`Could not reach ${service}`,
		`${error.message}. Check the credential's hosts and the network between n8n and LivePerson.`,
		true,
	);
}

async function fetchHosts(request: HttpRequest, csds: string, accountId: string) {
	const url = `${csds}/api/account/${encodeURIComponent(accountId)}/service/baseURI.json`;
	const response = (await request({
		method: 'GET',
		url,
		qs: { version: '1.0' },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	}).catch((error: Error) =>
		unreachable(error, `LivePerson's Domain API at ${csds}`),
	)) as FullResponse;
	if ([400, 401, 403, 404].includes(response.statusCode)) {
		throw new LivePersonSetupError(
			`LivePerson's Domain API does not know account "${accountId}"`,
			`It answered HTTP ${response.statusCode}. Check the Account ID in the credential: it is the numeric site ID shown in LivePerson Conversational Cloud.`,
		);
	}
	const body = response.body as { baseURIs?: IDataObject[] } | undefined;
	if (response.statusCode !== 200 || !Array.isArray(body?.baseURIs)) {
		throw new LivePersonSetupError(
			`LivePerson's Domain API answered HTTP ${response.statusCode} for account "${accountId}"`,
			"The Domain API did not return the account's hosts. Try again later, or set the hosts in the credential's host overrides.",
			response.statusCode === 429 || response.statusCode >= 500,
		);
	}
	const hosts: Record<string, string> = {};
	for (const entry of body.baseURIs) {
		if (typeof entry.service === 'string' && typeof entry.baseURI === 'string')
			hosts[entry.service] = entry.baseURI;
	}
	return hosts;
}

/** For tests and long-lived processes: forget every looked-up host. */
export function clearHostCache(): void {
	cache.clear();
}
