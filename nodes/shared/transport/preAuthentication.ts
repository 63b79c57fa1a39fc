import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import type { LivePersonApi } from './api';
import { appJwtNeedsReplacing, mintAppJwt } from './appJwt';
import { repeatingRequest, retrySettings } from './retry';

/** The LivePerson account every credential is for. */
export const ACCOUNT_ID_FIELD: INodeProperties = {
	displayName: 'Account ID',
	name: 'accountId',
	type: 'string',
	required: true,
	default: '',
	placeholder: '12345678',
	description: 'Your LivePerson account (site) ID, shown in Conversational Cloud',
};

/** The hidden fields every LivePerson credential holds its AppJWT in. */
export const STORED_APP_JWT_FIELDS: INodeProperties[] = [
	{
		// The AppJWT preAuthentication minted, stored by n8n. A password, so n8n blanks it before the
		// credential reaches the browser: a working bearer token must never leave the server.
		displayName: 'Minted AppJWT',
		name: 'mintedAppJwt',
		type: 'hidden',
		typeOptions: { expirable: true, password: true },
		default: '',
	},
	{
		// Only in transit: an AppJWT the node minted (with its own timeout, retries and Stop), handed
		// to preAuthentication so n8n stores it like one minted there. Always stored empty.
		displayName: 'Pending AppJWT',
		name: 'pendingAppJwt',
		type: 'hidden',
		default: '',
	},
];

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
