import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import { renewalDue } from '../helpers/jwt';
import { hostSettings, mintFingerprint } from './appJwt';
import { LivePersonSetupError, serviceBaseUrl, toBaseUrl, type ServiceName } from './hosts';
import { retrySettings, sendWithRetries, type Outcome, type RetrySettings } from './retry';

export const CREDENTIAL_TYPE = 'livePersonConnectorApi';

/** Renew the minted AppJWT this long before its `exp`, so no request goes out with a dying token. */
const RENEW_SECONDS_BEFORE_EXPIRY = 5 * 60;

export type AuthMode = 'clientCredentials' | 'staticTokens';

export interface Session {
	mode: AuthMode;
	accountId: string;
	credentials: ICredentialDataDecryptedObject;
	retry: RetrySettings;
}

export async function openSession(this: IExecuteFunctions, options: IDataObject = {}): Promise<Session> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	return {
		mode: credentials.authentication === 'clientCredentials' ? 'clientCredentials' : 'staticTokens',
		accountId: String(credentials.accountId ?? '').trim(),
		credentials,
		retry: retrySettings(options),
	};
}

export async function serviceUrl(this: IExecuteFunctions, session: Session, service: ServiceName): Promise<string> {
	if (session.mode === 'staticTokens') return toBaseUrl(String(session.credentials.domain ?? ''));
	const signal = this.getExecutionCancelSignal();
	// The Domain API is safe to ask again, so its 5xx and lost answers follow LivePerson's retry policy.
	const request = async (options: IHttpRequestOptions) => {
		const outcome = await sendWithRetries(
			async () =>
				(await this.helpers.httpRequest({
					...options,
					timeout: session.retry.timeoutMs,
					abortSignal: signal,
				})) as IN8nHttpFullResponse,
			session.retry,
			true,
			signal,
		);
		if (outcome.kind === 'noAnswer') throw outcome.error;
		return outcome.response;
	};
	return await serviceBaseUrl(request, hostSettings(session.credentials), service);
}

function needsNewAppJwt(session: Session): boolean {
	if (session.mode !== 'clientCredentials') return false;
	const token = String(session.credentials.mintedAppJwt ?? '');
	if (!token) return false; // n8n's preAuthentication mints it when the field is empty
	// Minted with an account, client ID or secret the credential no longer has.
	if (session.credentials.mintedFor !== mintFingerprint(session.credentials)) return true;
	return renewalDue(token, Date.now() / 1000, RENEW_SECONDS_BEFORE_EXPIRY);
}

function isExpiredAppJwtAnswer(response: IN8nHttpFullResponse): boolean {
	const body = response.body as { body?: { errorCode?: unknown } } | undefined;
	return response.statusCode === 401 && body?.body?.errorCode === 40102;
}

/** A credential problem found while n8n ran the credential's preAuthentication (AppJWT minting). */
function setupErrorIn(error: unknown): LivePersonSetupError | undefined {
	for (let current = error as { cause?: unknown } | undefined, depth = 0; current && depth < 5; depth++) {
		if (current instanceof LivePersonSetupError) return current;
		current = current.cause as typeof current;
	}
	return undefined;
}

/**
 * Sends one request with the credential's AppJWT through n8n's authentication, which runs the
 * credential's preAuthentication (AppJWT minting, stored with the credential) when needed.
 * On top of n8n's mechanism: the minted AppJWT is renewed a few minutes before it expires, and a
 * 401 with errorCode 40102 (which proves the request was not processed) re-mints it once and
 * resends. 429s, and for `repeatable` requests 5xx and lost answers, are retried per the session's
 * settings. Status errors never throw; the caller reads the outcome.
 */
export async function authenticatedRequest(
	this: IExecuteFunctions,
	session: Session,
	options: IHttpRequestOptions,
	repeatable: boolean,
): Promise<Outcome> {
	let remintedAfter401 = false;
	const sendOnce = async (renew: boolean): Promise<IN8nHttpFullResponse> => {
		const response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			{ ...options, returnFullResponse: true, ignoreHttpStatusErrors: true, timeout: session.retry.timeoutMs },
			renew ? { credentialsDecrypted: withoutMintedAppJwt.call(this, session) } : undefined,
		)) as IN8nHttpFullResponse;
		if (renew) session.credentials = await this.getCredentials(CREDENTIAL_TYPE);
		return response;
	};
	const send = async () => {
		const setupProblem = (error: unknown) => {
			const setup = setupErrorIn(error);
			if (setup) throw setup;
			throw error;
		};
		const response = await sendOnce(needsNewAppJwt(session)).catch(setupProblem);
		if (!remintedAfter401 && session.mode === 'clientCredentials' && isExpiredAppJwtAnswer(response)) {
			remintedAfter401 = true;
			return await sendOnce(true).catch(setupProblem);
		}
		return response;
	};
	return await sendWithRetries(send, session.retry, repeatable, this.getExecutionCancelSignal());
}

function withoutMintedAppJwt(this: IExecuteFunctions, session: Session) {
	const reference = this.getNode().credentials?.[CREDENTIAL_TYPE];
	return {
		id: reference?.id ?? '',
		name: reference?.name ?? '',
		type: CREDENTIAL_TYPE,
		data: { ...session.credentials, mintedAppJwt: '' },
	};
}
