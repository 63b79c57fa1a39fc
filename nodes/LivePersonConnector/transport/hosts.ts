import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

/**
 * Finding an account's hosts through LivePerson's Domain API (CSDS). Shared by the credential
 * (to mint the AppJWT at Sentinel) and the node (IDP, messaging), so one lookup serves both.
 */
export type ServiceName = 'sentinel' | 'idp' | 'asyncMessagingEnt';

export const DEFAULT_CSDS_HOST = 'api.liveperson.net';

/** LivePerson's own SDK keeps the map 60 s; hosts change rarely, so a few minutes is safe. */
const CACHE_MILLISECONDS = 10 * 60 * 1000;

export interface HostSettings {
	accountId: string;
	csdsHost?: string;
	overrides?: Partial<Record<ServiceName, string>>;
}

export type HttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

/** A credential or Domain API problem that the user must fix; its message names the value. */
export class LivePersonSetupError extends Error {
	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
		this.name = 'LivePersonSetupError';
	}
}

/** `va.msg.liveperson.net` -> `https://va.msg.liveperson.net`; full URLs are kept (minus a trailing slash). */
export function toBaseUrl(hostOrUrl: string, defaultScheme = 'https'): string {
	const trimmed = hostOrUrl.trim().replace(/\/+$/, '');
	return /^https?:\/\//i.test(trimmed) ? trimmed : `${defaultScheme}://${trimmed}`;
}

function schemeOf(baseUrl: string): string {
	return baseUrl.toLowerCase().startsWith('http://') ? 'http' : 'https';
}

const cache = new Map<string, { expires: number; hosts: Promise<Record<string, string>> }>();

function csdsBaseUrl(settings: HostSettings): string {
	const host = settings.csdsHost?.trim() ? settings.csdsHost : DEFAULT_CSDS_HOST;
	return toBaseUrl(host);
}

/**
 * The base URL of one service. Discovered hosts take the CSDS URL's scheme, so a CSDS on
 * `http://127.0.0.1:8080` (the emulator) leads to plain-HTTP hosts, and the real one to HTTPS.
 */
export async function serviceBaseUrl(
	request: HttpRequest,
	settings: HostSettings,
	service: ServiceName,
): Promise<string> {
	const override = settings.overrides?.[service]?.trim();
	if (override) return toBaseUrl(override);
	const csds = csdsBaseUrl(settings);
	const hosts = await lookUpHosts(request, csds, settings.accountId);
	const host = hosts[service];
	if (!host) {
		throw new LivePersonSetupError(
			`LivePerson's Domain API lists no "${service}" service for account ${settings.accountId}`,
			`The Domain API at ${csds} answered without the "${service}" host this node needs. Check that the account ID is right and that the account has Connector API messaging enabled, or set the host in the credential's host overrides.`,
		);
	}
	return toBaseUrl(host, schemeOf(csds));
}

async function lookUpHosts(request: HttpRequest, csds: string, accountId: string) {
	const key = `${csds}|${accountId}`;
	const cached = cache.get(key);
	if (cached && cached.expires > Date.now()) return await cached.hosts;
	const hosts = fetchHosts(request, csds, accountId);
	cache.set(key, { expires: Date.now() + CACHE_MILLISECONDS, hosts });
	// A failed lookup is not cached: the next item asks again.
	hosts.catch(() => cache.delete(key));
	return await hosts;
}

/** A request that got no answer at all: turned into a setup error naming the service. */
export function unreachable(error: Error, service: string): never {
	throw new LivePersonSetupError(
		`Could not reach ${service}`,
		`${error.message}. Check the credential's hosts and the network between n8n and LivePerson.`,
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
	}).catch((error: Error) => unreachable(error, `LivePerson's Domain API at ${csds}`))) as {
		statusCode: number;
		body: unknown;
	};
	if (response.statusCode === 404 || response.statusCode === 400) {
		throw new LivePersonSetupError(
			`LivePerson's Domain API does not know account "${accountId}"`,
			'Check the Account ID in the credential: it is the numeric site ID shown in LivePerson Conversational Cloud.',
		);
	}
	const body = response.body as { baseURIs?: IDataObject[] } | undefined;
	if (response.statusCode !== 200 || !Array.isArray(body?.baseURIs)) {
		throw new LivePersonSetupError(
			`LivePerson's Domain API answered HTTP ${response.statusCode} for account "${accountId}"`,
			'The Domain API did not return the account\'s hosts. Try again later, or set the hosts in the credential\'s host overrides.',
		);
	}
	const hosts: Record<string, string> = {};
	for (const entry of body.baseURIs) {
		if (typeof entry.service === 'string' && typeof entry.baseURI === 'string') hosts[entry.service] = entry.baseURI;
	}
	return hosts;
}

/** For tests and long-lived processes: forget every looked-up host. */
export function clearHostCache(): void {
	cache.clear();
}
