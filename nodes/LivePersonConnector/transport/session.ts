import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import { expiresAt } from '../helpers/jwt';
import { hostSettings } from './appJwt';
import { serviceBaseUrl, toBaseUrl, type ServiceName } from './hosts';

export const CREDENTIAL_TYPE = 'livePersonConnectorApi';

/** Renew the minted AppJWT this long before its `exp`, so no request goes out with a dying token. */
const RENEW_SECONDS_BEFORE_EXPIRY = 5 * 60;

export type AuthMode = 'clientCredentials' | 'staticTokens';

export interface Session {
	mode: AuthMode;
	accountId: string;
	credentials: ICredentialDataDecryptedObject;
}

export async function openSession(this: IExecuteFunctions): Promise<Session> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	return {
		mode: credentials.authentication === 'clientCredentials' ? 'clientCredentials' : 'staticTokens',
		accountId: String(credentials.accountId ?? '').trim(),
		credentials,
	};
}

export async function serviceUrl(this: IExecuteFunctions, session: Session, service: ServiceName): Promise<string> {
	if (session.mode === 'staticTokens') return toBaseUrl(String(session.credentials.domain ?? ''));
	return await serviceBaseUrl(
		async (options) => await this.helpers.httpRequest({ ...options, abortSignal: this.getExecutionCancelSignal() }),
		hostSettings(session.credentials),
		service,
	);
}

function needsNewAppJwt(session: Session): boolean {
	if (session.mode !== 'clientCredentials') return false;
	const token = String(session.credentials.mintedAppJwt ?? '');
	if (!token) return false; // n8n's preAuthentication mints it when the field is empty
	const exp = expiresAt(token);
	return exp !== undefined && exp - Date.now() / 1000 < RENEW_SECONDS_BEFORE_EXPIRY;
}

function isExpiredAppJwtAnswer(response: IN8nHttpFullResponse): boolean {
	const body = response.body as { body?: { errorCode?: unknown } } | undefined;
	return response.statusCode === 401 && body?.body?.errorCode === 40102;
}

/**
 * Sends one request with the credential's AppJWT through n8n's authentication, which runs the
 * credential's preAuthentication (AppJWT minting, stored with the credential) when needed.
 * On top of n8n's mechanism: the minted AppJWT is renewed a few minutes before it expires, and a
 * 401 with errorCode 40102 (which proves the request was not processed) re-mints it once and
 * resends. Status errors never throw here; the caller reads the full response.
 */
export async function authenticatedRequest(
	this: IExecuteFunctions,
	session: Session,
	options: IHttpRequestOptions,
): Promise<IN8nHttpFullResponse> {
	let renew = needsNewAppJwt(session);
	for (let attempt = 0; ; attempt++) {
		const response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			{ ...options, returnFullResponse: true, ignoreHttpStatusErrors: true },
			renew ? { credentialsDecrypted: withoutMintedAppJwt.call(this, session) } : undefined,
		)) as IN8nHttpFullResponse;
		if (renew) session.credentials = await this.getCredentials(CREDENTIAL_TYPE);
		if (attempt === 0 && session.mode === 'clientCredentials' && isExpiredAppJwtAnswer(response)) {
			renew = true;
			continue;
		}
		return response;
	}
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
