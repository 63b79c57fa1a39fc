import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
} from 'n8n-workflow';

import type { LivePersonApi } from './api';
import { appJwtNeedsReplacing, mintAppJwt } from './appJwt';
import { repeatingRequest, retrySettings } from './retry';

/**
 * A LivePerson credential's preAuthentication: with client credentials, mints the AppJWT n8n stores
 * (field `mintedAppJwt`), or stores the one the node minted and hands over (`pendingAppJwt`). Reading
 * the credential first also checks its host fields, so a value that can never work fails the
 * credential test by name.
 */
export async function preAuthenticateAppJwt(
	helpers: IHttpRequestHelper['helpers'],
	credentials: ICredentialDataDecryptedObject,
	api: LivePersonApi,
): Promise<IDataObject> {
	const credential = api.read(credentials);
	if (credential.mode !== 'clientCredentials') return {};
	const pending = typeof credentials.pendingAppJwt === 'string' ? credentials.pendingAppJwt : '';
	if (pending && !appJwtNeedsReplacing(pending, credential))
		return { mintedAppJwt: pending, pendingAppJwt: '' };
	const settings = retrySettings();
	const send = async (options: IHttpRequestOptions) =>
		(await helpers.httpRequest({
			...options,
			timeout: settings.timeoutMs,
			disableFollowRedirect: true,
		})) as { statusCode: number; body: unknown };
	const mintedAppJwt = await mintAppJwt(repeatingRequest(send, settings), credential, api);
	return { mintedAppJwt, pendingAppJwt: '' };
}
