import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { LivePersonApi } from '../../shared/transport/api';
import {
	readClientCredentials,
	type HostField,
	type LivePersonCredential,
} from '../../shared/transport/credential';
import type { FullResponse } from '../../shared/transport/hosts';
import type { Session } from '../../shared/transport/session';
import { tryParseJson } from '../../shared/values';

export const CREDENTIAL_TYPE = 'livePersonProactiveApi';
export const CREDENTIAL_NAME = 'LivePerson Proactive Messaging API';

export type ProactiveSession = Session<LivePersonCredential>;

/**
 * Hosts an admin may set by hand (Override Hosts). Neither has a Domain API service of its own:
 * both are derived from the account's zone (see hosts.ts).
 */
export const PROACTIVE_HOSTS: HostField[] = [
	{ service: 'proactive', field: 'proactiveHost', label: 'Proactive Host' },
	{ service: 'handoff', field: 'handoffHost', label: 'Outbound Configuration Host' },
];

export function readProactiveCredential(raw: ICredentialDataDecryptedObject): LivePersonCredential {
	return readClientCredentials(raw, PROACTIVE_HOSTS, 'overrideHosts');
}

/**
 * Proactive answers an expired or refused token with `{"code":0,"message":"jwt expired"}` (its
 * page); the HTTP status is not documented, so the body decides. A refused token proves nothing
 * was processed: minted once more and sent again.
 */
function isExpiredAppJwt(response: FullResponse): boolean {
	if (response.statusCode < 400 || response.statusCode >= 500) return false;
	const body =
		typeof response.body === 'string' ? tryParseJson(response.body)?.value : response.body;
	const message = (body as { message?: unknown } | undefined)?.message;
	return typeof message === 'string' && /\bjwt\b|bearer/i.test(message);
}

/** LivePerson's Proactive Messaging 2.0 and Outbound Configuration APIs: a `Bearer` AppJWT. */
export const proactiveApi: LivePersonApi = {
	credentialType: CREDENTIAL_TYPE,
	credentialName: CREDENTIAL_NAME,
	authorization: 'bearer',
	clientSource:
		"Copy the client ID and secret again from LivePerson's Proactive Web Tool (Settings › Show Secrets, as an admin): they are not the Connector app's.",
	read: readProactiveCredential,
	isExpiredAppJwt,
};
