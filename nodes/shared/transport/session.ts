import type {
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { Cancelled, LivePersonSetupError } from '../errors';
import { authorizationOf, type LivePersonApi } from './api';
import { appJwtServesUntil, latestAppJwt, mintAppJwtOnce, stillValid } from './appJwt';
import { emptyField, type LivePersonCredential } from './credential';
import { serviceBaseUrl, type FullResponse } from './hosts';
import { repeatingRequest, sendWithRetries, type Outcome, type RetrySettings } from './retry';

/** Any n8n context that can read a credential and send requests: execute, hooks, webhooks, load options. */
export type LivePersonContext =
	IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions | IWebhookFunctions;

/**
 * What one node run shares across its items: the API it talks to, the credential, read once, and
 * the AppJWT it uses. Requests go through n8n's helpers, so n8n's proxy and TLS settings apply.
 */
export interface Session<C extends LivePersonCredential = LivePersonCredential> {
	readonly ctx: LivePersonContext;
	readonly api: LivePersonApi<C>;
	credential: C;
	readonly signal?: AbortSignal;
	/** An AppJWT minted by the node and not yet stored with the credential. */
	unstoredAppJwt?: string;
	/** A mint in progress, so items in flight together mint once. */
	minting?: Promise<void>;
	/**
	 * A setup problem already found in this run (a wrong secret, or LivePerson's Domain API or
	 * Sentinel still failing after their retries): later items fail at once, without a request.
	 */
	setupFailure?: LivePersonSetupError;
	/** The AppJWT last checked, and until when (epoch seconds) it serves: checked once, not per request. */
	checkedAppJwt?: { token: string; until: number };
	/** Values worked out once per run by the API's own code (see `once`). */
	readonly memo: Map<string, Promise<unknown>>;
}

/**
 * Reads the API's credential for this run. A credential n8n cannot give (deleted, or an imported
 * workflow's credential that does not exist here) is a setup problem: nothing was sent.
 */
export async function openSession<C extends LivePersonCredential>(
	ctx: LivePersonContext,
	api: LivePersonApi<C>,
	signal?: AbortSignal,
): Promise<Session<C>> {
	const loaded = await ctx.getCredentials(api.credentialType).then(
		(raw) => ({ raw }),
		(error: unknown) => ({ error }),
	);
	if ('error' in loaded) {
		const why = (loaded.error as Error)?.message ?? String(loaded.error);
		throw new LivePersonSetupError(
			`The ${api.credentialName} credential could not be loaded`,
			`${why}. Select a ${api.credentialName} credential in the node (an imported workflow keeps the ID of a credential that may not exist here).`,
		);
	}
	return { ctx, api, credential: api.read(loaded.raw), signal, memo: new Map() };
}

/** A value the API's code works out once per run and shares between items (a failed one is asked again). */
export async function once<T>(session: Session, key: string, work: () => Promise<T>): Promise<T> {
	let running = session.memo.get(key) as Promise<T> | undefined;
	if (!running) {
		running = work();
		session.memo.set(key, running);
		running.catch(() => {
			if (session.memo.get(key) === running) session.memo.delete(key);
		});
	}
	return await running;
}

/**
 * One request through n8n's helper with the run's cancel signal: never follows redirects, never
 * throws on a status. Each request gets its own abort controller, forwarded from the execution's
 * signal only while it is in flight: n8n's helper listens on the signal it is given and does not
 * let go, so handing every request the one long-lived signal would keep every request (and its
 * answer) alive until the execution ends.
 */
export async function sendRequest(
	session: Session,
	options: IHttpRequestOptions,
	settings: RetrySettings,
	viaCredential?: { credentialsDecrypted: unknown },
): Promise<FullResponse> {
	const { signal } = session;
	if (signal?.aborted) throw new Cancelled();
	const controller = new AbortController();
	const stopForwarding = forwardAbort(signal, controller);
	const request: IHttpRequestOptions = {
		...options,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: settings.timeoutMs,
		abortSignal: controller.signal,
	};
	try {
		if (viaCredential) {
			return (await session.ctx.helpers.httpRequestWithAuthentication.call(
				session.ctx as IExecuteFunctions,
				session.api.credentialType,
				request,
				viaCredential as never,
			)) as FullResponse;
		}
		return (await session.ctx.helpers.httpRequest(request)) as FullResponse;
	} finally {
		stopForwarding();
	}
}

/**
 * Aborts `controller` when `signal` aborts, until the returned function is called. In a scope of its
 * own: the listener the long-lived signal holds must reach the controller and nothing of the request.
 */
function forwardAbort(signal: AbortSignal | undefined, controller: AbortController): () => void {
	if (!signal) return () => undefined;
	const forward = () => controller.abort();
	signal.addEventListener('abort', forward, { once: true });
	return () => signal.removeEventListener('abort', forward);
}

/**
 * A run-wide setup step (a host lookup, a mint) that fails after its own retries fails the run's
 * later items at once: LivePerson is not asked again for every item.
 */
async function settled<T>(session: Session, step: () => Promise<T>): Promise<T> {
	if (session.setupFailure) throw session.setupFailure;
	return await step().catch((error: unknown) => {
		if (error instanceof LivePersonSetupError) session.setupFailure ??= error;
		return Promise.reject(error);
	});
}

/** The base URL of a Domain API service: the credential's override, or the (cached) lookup. */
export async function serviceUrl(
	session: Session,
	service: string,
	settings: RetrySettings,
): Promise<string> {
	const { credential } = session;
	const override = credential.hostOverrides[service];
	if (override) return override;
	if (credential.mode === 'staticTokens') {
		throw new LivePersonSetupError(
			`Static Tokens cannot reach LivePerson's ${service}`,
			'Switch the credential to Client Credentials.',
		);
	}
	// The Domain API is safe to ask again, so its 5xx and lost answers follow LivePerson's retry policy.
	return await settled(session, () =>
		serviceBaseUrl(plainRequest(session, settings), credential, service),
	);
}

/** A request function for requests that are safe to repeat and carry no AppJWT (Domain API, Sentinel, storage). */
export function plainRequest(
	session: Session,
	settings: RetrySettings,
): (options: IHttpRequestOptions) => Promise<FullResponse> {
	return repeatingRequest(
		async (options) => await sendRequest(session, options, settings),
		settings,
		session.signal,
	);
}

/**
 * Makes sure the session holds an AppJWT fit to send. With client credentials it is minted here
 * (with the node's timeout, retries and Stop) and stored with the credential on the next request.
 * `rejected` is a token LivePerson just refused, which must be replaced.
 */
async function ensureAppJwt(
	session: Session,
	settings: RetrySettings,
	rejected?: string,
): Promise<void> {
	const { credential } = session;
	if (credential.mode === 'staticTokens') {
		if (!credential.appJwt) throw emptyField('AppJWT', session.api.credentialName);
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
		mintAppJwtOnce(plainRequest(session, settings), session.credential, session.api);
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
	if (error instanceof LivePersonSetupError) session.setupFailure ??= error;
	throw error;
}

/** Sends with the session's AppJWT; a newly minted one goes through n8n's credential once, which stores it. */
async function sendWithAppJwt(
	session: Session,
	options: IHttpRequestOptions,
	settings: RetrySettings,
): Promise<FullResponse> {
	const { api, credential } = session;
	const request = {
		...options,
		headers: { ...(options.headers ?? {}), Authorization: authorizationOf(api, credential.appJwt) },
	};
	const unstored = session.unstoredAppJwt;
	if (!unstored) return await sendRequest(session, request, settings);
	session.unstoredAppJwt = undefined;
	const reference = session.ctx.getNode().credentials?.[api.credentialType];
	return await sendRequest(session, request, settings, {
		credentialsDecrypted: {
			id: reference?.id ?? '',
			name: reference?.name ?? '',
			type: api.credentialType,
			// The credential's preAuthentication stores this token instead of minting one.
			data: { ...credential.raw, mintedAppJwt: '', pendingAppJwt: unstored },
		},
	});
}

/**
 * Sends one request with the credential's AppJWT. An answer that says the AppJWT expired (which
 * proves the request was not processed) re-mints it once and resends. 429s, and for `repeatable`
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
			session.api.isExpiredAppJwt(response)
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
	return [...credential.secrets, credential.appJwt].filter(
		(value): value is string => typeof value === 'string' && value.length > 0,
	);
}
