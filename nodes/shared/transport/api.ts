import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { LivePersonCredential } from './credential';
import type { FullResponse } from './hosts';

/**
 * One LivePerson API as the kernel serves it: which n8n credential holds its client, how its
 * AppJWT is sent, and how its answers say the AppJWT expired. A node binds the kernel to it once
 * (as n8n's Microsoft nodes bind the Graph transport to their credential type), and everything
 * else (hosts, minting, renewing, storing the token, retries) is the kernel's.
 */
export interface LivePersonApi<C extends LivePersonCredential = LivePersonCredential> {
	/** The n8n credential type, e.g. `livePersonConnectorApi`. */
	credentialType: string;
	/** The credential as the user sees it, e.g. `LivePerson Connector API`. */
	credentialName: string;
	/** The AppJWT as LivePerson's Connector API wants it (`raw`), or as `Bearer <token>`. */
	authorization: 'raw' | 'bearer';
	/** Where an admin finds the client ID and secret again, said when Sentinel refuses them. */
	clientSource: string;
	/** Reads the stored credential; throws a LivePersonSetupError naming a field that can never work. */
	read(raw: ICredentialDataDecryptedObject): C;
	/** Whether an answer says the AppJWT expired or is invalid, which proves nothing was processed. */
	isExpiredAppJwt(response: FullResponse): boolean;
}

/** The `Authorization` header value for a token, in the API's style. */
export function authorizationOf(api: Pick<LivePersonApi, 'authorization'>, token: string): string {
	return api.authorization === 'bearer' ? `Bearer ${token}` : token;
}
