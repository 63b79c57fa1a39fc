import type {
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { Cancelled, LivePersonSetupError } from '../helpers/errors';
import { appJwtServesUntil, latestAppJwt, mintAppJwtOnce, stillValid } from './appJwt';
import {
	CREDENTIAL_TYPE,
	emptyField,
	readCredential,
	type LivePersonCredential,
	type ServiceName,
} from './credential';
import { serviceBaseUrl, type FullResponse } from './hosts';
import { repeatingRequest, sendWithRetries, type Outcome, type RetrySettings } from './retry';

/** Any n8n context that can read the credential and send requests: execute, hooks, webhooks, load options. */
export type LivePersonContext =
	IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions | IWebhookFunctions;

/**
 * What one node run shares across its items: the credential, read once, and the AppJWT it uses.
 * Requests go through n8n's helpers, so n8n's proxy and TLS settings apply.
 */
export interface Session {
	readonly ctx: LivePersonContext;
	credential: LivePersonCredential;
	readonly signal?: AbortSignal;
	/** An AppJWT minted by the node and not yet stored with the credential. */
	unstoredAppJwt?: string;
	/** A mint in progress, so items in flight together mint once. */
	minting?: Promise<void>;
	/** A credential problem already found in this run: later items fail at once, without a request. */
	setupFailure?: LivePersonSetupError;
	/** The AppJWT last checked, and until when (epoch seconds) it serves: checked once, not per request. */
	checkedAppJwt?: { token: string; until: number };
	/** Where cached ConsumerJWSs of this credential and its hosts are kept (see consumer.ts). */
	consumerCacheScope?: Promise<string>;
}

export async function openSession(ctx: LivePersonContext, signal?: AbortSignal): Promise<Session> {
	const raw = await ctx.getCredentials(CREDENTIAL_TYPE);
	return { ctx, credential: readCredential(raw), signal };
}

/** One plain request through n8n's helper: never follows redirects, never throws on a status. */
function plainSend(session: Session, settings: RetrySettings) {
	return async (options: IHttpRequestOptions): Promise<FullResponse> =>
		(await session.ctx.helpers.httpRequest({
			...options,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: settings.timeoutMs,
			abortSignal: session.signal,
		})) as FullResponse;
}

export async function serviceUrl(
	session: Session,
	service: ServiceName,
	settings: RetrySettings,
): Promise<string> {
	const { credential } = session;
	if (credential.mode === 'staticTokens') {
		const url = credential.hostOverrides[service];
		if (!url)
			throw new LivePersonSetupError(
				`Static Tokens cannot reach LivePerson's ${service}`,
				'Switch the credential to Client Credentials.',
			);
		return url;
	}
	// The Domain API is safe to ask again, so its 5xx and lost answers follow LivePerson's retry policy.
	return await serviceBaseUrl(
		repeatingRequest(plainSend(session, settings), settings, session.signal),
		credential,
		service,
	);
}

/**
 * Makes sure the session holds an AppJWT fit to send. With client credentials it is minted here
 * (with the node's timeout, retries and Stop) and stored with the credential on the next request.
 * `rejected` is a token LivePerson just refused (40102), which must be replaced.
 */
async function ensureAppJwt(
	session: Session,
	settings: RetrySettings,
	rejected?: string,
): Promise<void> {
	const { credential } = session;
	if (credential.mode === 'staticTokens') {
		if (!credential.appJwt) throw emptyField('AppJWT');
		return;
	}
	if (session.setupFailure) throw session.setupFailure;
	const current = credential.appJwt;
	if (current && current !== rejected) {
		if (session.checkedAppJwt?.token !== current)
			session.checkedAppJwt = { token: current, until: appJwtServesUntil(current, credential) };
		if (Date.now() / 1000 <= session.checkedAppJwt.until) return;
	}
	// Another execution of this process may have minted one n8n has not stored for this one yet.
	const shared = latestAppJwt(credential, rejected ?? current);
	if (shared) return useAppJwt(session, shared);
	if (session.minting) return await session.minting;
	session.minting = mintNewAppJwt(
		session,
		settings,
		current && current !== rejected ? current : undefined,
	).finally(() => {
		session.minting = undefined;
	});
	await session.minting;
}

/** Uses a token n8n has not stored with this credential yet: the next request stores it. */
function useAppJwt(session: Session, token: string): void {
	session.credential = { ...session.credential, appJwt: token };
	session.unstoredAppJwt = token;
}

async function mintNewAppJwt(
	session: Session,
	settings: RetrySettings,
	stillUsable?: string,
): Promise<void> {
	const mint = () =>
		mintAppJwtOnce(
			repeatingRequest(plainSend(session, settings), settings, session.signal),
			session.credential,
		);
	const minted = await mint()
		// A mint shared with an execution that was stopped meanwhile: this one mints for itself.
		.catch((error: unknown) =>
			error instanceof Cancelled && !session.signal?.aborted ? mint() : Promise.reject(error),
		)
		.then(
			(token) => ({ token }),
			(error: unknown) => ({ error }),
		);
	if ('token' in minted) return useAppJwt(session, minted.token);
	const { error } = minted;
	if (
		error instanceof LivePersonSetupError &&
		error.transient &&
		stillUsable &&
		stillValid(stillUsable)
	) {
		// Renewing early failed, but the stored token still works: keep using it.
		session.ctx.logger.warn(
			`LivePerson AppJWT renewal failed (${error.message}); the current AppJWT is still valid and stays in use`,
		);
		return;
	}
	if (error instanceof LivePersonSetupError && !error.transient) session.setupFailure = error;
	throw error;
}

/** Sends with the session's AppJWT; a newly minted one goes through n8n's authentication once, which stores it. */
async function sendWithAppJwt(
	session: Session,
	options: IHttpRequestOptions,
	settings: RetrySettings,
): Promise<FullResponse> {
	const request = {
		...options,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: settings.timeoutMs,
	};
	const unstored = session.unstoredAppJwt;
	if (unstored) {
		session.unstoredAppJwt = undefined;
		const reference = session.ctx.getNode().credentials?.[CREDENTIAL_TYPE];
		const credentialsDecrypted = {
			id: reference?.id ?? '',
			name: reference?.name ?? '',
			type: CREDENTIAL_TYPE,
			// The credential's preAuthentication stores this token instead of minting one.
			data: { ...session.credential.raw, mintedAppJwt: '', pendingAppJwt: unstored },
		};
		return (await session.ctx.helpers.httpRequestWithAuthentication.call(
			session.ctx as IExecuteFunctions,
			CREDENTIAL_TYPE,
			{ ...request, abortSignal: session.signal },
			{
				credentialsDecrypted,
			},
		)) as FullResponse;
	}
	return (await session.ctx.helpers.httpRequest({
		...request,
		headers: { ...(options.headers ?? {}), Authorization: session.credential.appJwt },
		abortSignal: session.signal,
	})) as FullResponse;
}

function isExpiredAppJwtAnswer(response: FullResponse): boolean {
	const body = response.body as { body?: { errorCode?: unknown } } | undefined;
	const parsed = typeof response.body === 'string' ? safeJson(response.body) : body;
	return response.statusCode === 401 && (parsed as typeof body)?.body?.errorCode === 40102;
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/**
 * Sends one request with the credential's AppJWT. A 401 with errorCode 40102 (which proves the
 * request was not processed) re-mints the AppJWT once and resends. 429s, and for `repeatable`
 * requests 5xx and lost answers, are retried per `settings`. Status errors never throw; the
 * caller reads the outcome.
 */
export async function authenticatedRequest(
	session: Session,
	options: IHttpRequestOptions,
	repeatable: boolean,
	settings: RetrySettings,
): Promise<Outcome> {
	let remintedAfter401 = false;
	const send = async () => {
		await ensureAppJwt(session, settings);
		const used = session.credential.appJwt;
		const response = await sendWithAppJwt(session, options, settings);
		if (
			!remintedAfter401 &&
			session.credential.mode === 'clientCredentials' &&
			isExpiredAppJwtAnswer(response)
		) {
			remintedAfter401 = true;
			await ensureAppJwt(session, settings, used);
			return await sendWithAppJwt(session, options, settings);
		}
		return response;
	};
	return await sendWithRetries(send, settings, repeatable, session.signal);
}

/** Every secret the session holds, to be taken out of anything the node reports. */
export function sessionSecrets(session: Session): string[] {
	const { credential } = session;
	const raw = credential.raw;
	return [
		credential.clientSecret,
		credential.appJwt,
		credential.defaultConsumerJws,
		credential.webhookSecret,
		raw.appJwt,
		raw.mintedAppJwt,
	].filter((value): value is string => typeof value === 'string' && value.length > 0);
}
