/** CSDS (domain lookup), Sentinel (AppJWT) and IDP (ConsumerJWS). */
import { json, missingParameter, notFound } from './answers';
import type { ConversationStore } from './conversations';
import { checkAppJwt } from './messaging';
import type { TokenAuthority } from './tokens';
import type { EmulatorAnswer, RecordedRequest } from './types';
import { isObj } from './validation';

export const DEFAULT_SERVICE_NAMES = [
	'sentinel',
	'idp',
	'asyncMessagingEnt',
	'messagingRestApiDomain',
	'swift',
] as const;

/**
 * CSDS `agentVep`: LivePerson's Proactive page maps its first label to the Proactive zone (va. → z1,
 * lo. → z2, sy. → z3). inferred: the emulator serves no agentVep host; it answers a North America
 * name so a client's zone rule can be tested, and the client reaches the emulator's Proactive
 * service through a host override. `POST /_emulator/services {"agentVep":"lo.agentvep.liveperson.net"}`
 * tests the other zones.
 */
export const AGENT_VEP_HOST = 'va.agentvep.liveperson.net';

/** The CSDS map: every known service answers the emulator's own host unless overridden. */
export class ServiceDirectory {
	private overrides: Record<string, string | null> = {};

	constructor(private readonly host: string) {}

	set(services: Partial<Record<string, string | null>>): void {
		for (const [name, value] of Object.entries(services)) {
			if (value !== undefined) this.overrides[name] = value;
		}
	}

	all(): Record<string, string> {
		const map: Record<string, string> = {};
		for (const name of DEFAULT_SERVICE_NAMES) map[name] = this.host;
		map.agentVep = AGENT_VEP_HOST;
		for (const [name, value] of Object.entries(this.overrides)) {
			if (value === null) delete map[name];
			else map[name] = value;
		}
		return map;
	}

	reset(): void {
		this.overrides = {};
	}
}

export function handleCsds(
	record: RecordedRequest,
	accountId: string,
	directory: ServiceDirectory,
	service?: string,
): EmulatorAnswer {
	const map = directory.all();
	if (service === undefined) {
		return json(200, {
			baseURIs: Object.entries(map).map(([name, baseURI]) => ({
				service: name,
				account: accountId,
				baseURI,
			})),
		});
	}
	// Names are case sensitive, as in the real CSDS.
	const baseURI = Object.prototype.hasOwnProperty.call(map, service) ? map[service] : undefined;
	if (baseURI === undefined)
		return notFound(`service ${service} is not defined for account ${accountId}`);
	return json(200, { service, account: accountId, baseURI });
}

export interface IdentityContext {
	record: RecordedRequest;
	accountId: string;
	clientId: string;
	clientSecret: string;
	tokens: TokenAuthority;
	store: ConversationStore;
	forceExpired: boolean;
	lpConsumerIdFor(extConsumerId: string): string;
	/** Further Sentinel clients (the Proactive one), each minting its own kind of token. */
	otherClients?: Array<{
		matches(clientId: string, clientSecret: string): boolean;
		mint(): string;
	}>;
}

// inferred: OAuth-style error bodies; Sentinel's real ones are undocumented. Missing or wrong credentials are 401.
function oauthError(status: number, error: string, description: string): EmulatorAnswer {
	return json(status, { error, error_description: description });
}

export function handleSentinel(ctx: IdentityContext): EmulatorAnswer {
	const { record } = ctx;
	const form = new URLSearchParams(record.rawBody);
	// inferred: grant_type is also read from the form body, as OAuth clients often put it there.
	const grantType = record.query.grant_type ?? form.get('grant_type') ?? undefined;
	if (grantType === undefined || grantType === '')
		return oauthError(400, 'invalid_request', 'grant_type is missing');
	if (grantType !== 'client_credentials') {
		return oauthError(
			400,
			'unsupported_grant_type',
			`grant_type ${grantType} is not supported; use client_credentials`,
		);
	}
	// Form body first; the query string (old clients) is still accepted and stays visible in the log.
	const clientId = form.get('client_id') ?? record.query.client_id;
	const clientSecret = form.get('client_secret') ?? record.query.client_secret;
	if (!clientId || !clientSecret)
		return oauthError(401, 'invalid_client', 'client_id and client_secret are required');
	const other = ctx.otherClients?.find((c) => c.matches(clientId, clientSecret));
	if (other) {
		record.processed = true;
		return json(200, { access_token: other.mint(), token_type: 'Bearer' });
	}
	if (clientId !== ctx.clientId || clientSecret !== ctx.clientSecret) {
		return oauthError(
			401,
			'invalid_client',
			'Client authentication failed: unknown client_id or wrong client_secret',
		);
	}
	const token = ctx.tokens.mintAppJwt();
	record.processed = true;
	return json(200, { access_token: token, token_type: 'Bearer' });
}

export function handleIdp(ctx: IdentityContext): EmulatorAnswer {
	const authProblem = checkAppJwt(ctx);
	if (authProblem) return authProblem;
	const body = ctx.record.json;
	// inferred: a body that is not a JSON object is answered like a missing parameter (40001).
	if (!isObj(body))
		return missingParameter(
			'the body must be a JSON object {"ext_consumer_id": "..."}; ext_consumer_id is missing',
		);
	const ext = body.ext_consumer_id;
	if (typeof ext !== 'string' || ext.trim() === '')
		return missingParameter('ext_consumer_id is missing');
	const lp = ctx.lpConsumerIdFor(ext);
	ctx.store.registerConsumer(ext, lp);
	ctx.record.processed = true;
	return json(201, { token: ctx.tokens.mintConsumerJws(ext, lp) });
}
