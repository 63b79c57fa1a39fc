import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper } from 'n8n-workflow';

import { LivePersonSetupError } from '../../shared/errors';

import type { LivePersonApi } from '../../shared/transport/api';
import {
	checkAppJwtAccount,
	emptyField,
	hostBaseUrl,
	readClientCredentials,
	text,
	type HostField,
	type LivePersonCredential,
} from '../../shared/transport/credential';
import type { FullResponse } from '../../shared/transport/hosts';
import type { Session } from '../../shared/transport/session';
import { tryParseJson } from '../../shared/values';

export const CREDENTIAL_TYPE = 'livePersonConnectorApi';
const CREDENTIAL_NAME = 'LivePerson Connector API';

/** The Connector credential: the shared client part, plus what only this API uses. */
export interface ConnectorCredential extends LivePersonCredential {
	/** Static Tokens: the ConsumerJWS used when an item gives none. */
	defaultConsumerJws: string;
	/** The key LivePerson signs its webhooks with (the client secret, or the Webhook Secret). */
	webhookSecret: string;
}

export type ConnectorSession = Session<ConnectorCredential>;

/** The hosts an admin may set by hand (Override Service Hosts), by Domain API service. */
export const CONNECTOR_HOSTS: HostField[] = [
	{ service: 'sentinel', field: 'sentinelHost', label: 'Sentinel Host' },
	{ service: 'idp', field: 'idpHost', label: 'IDP Host' },
	{ service: 'asyncMessagingEnt', field: 'messagingHost', label: 'Messaging Host' },
	{ service: 'messagingRestApiDomain', field: 'restHost', label: 'Messaging REST API Host' },
	{ service: 'swift', field: 'storageHost', label: 'File Storage Host' },
];

/** Static Tokens: the hosts besides the Messaging Domain, for the operations that need them. */
const STATIC_HOSTS: HostField[] = [
	{ service: 'messagingRestApiDomain', field: 'restDomain', label: 'Messaging REST API Domain' },
	{ service: 'swift', field: 'storageDomain', label: 'File Storage Domain' },
];

/** The Static Tokens field that sets a service's host, for a message that names it. */
export function staticHostField(service: string): string | undefined {
	return STATIC_HOSTS.find((host) => host.service === service)?.label;
}

export function readConnectorCredential(raw: ICredentialDataDecryptedObject): ConnectorCredential {
	if (raw.authentication !== 'staticTokens') {
		const credential = readClientCredentials(raw, CONNECTOR_HOSTS, 'overrideHosts');
		return { ...credential, defaultConsumerJws: '', webhookSecret: credential.clientSecret };
	}
	const domain = text(raw.domain);
	if (!domain) throw emptyField('Messaging Domain', CREDENTIAL_NAME);
	const accountId = text(raw.accountId);
	const appJwt = text(raw.appJwt);
	checkAppJwtAccount(appJwt, accountId);
	const defaultConsumerJws = text(raw.consumerJws);
	const webhookSecret = text(raw.webhookSecret);
	const hostOverrides: Record<string, string> = {
		asyncMessagingEnt: hostBaseUrl('Messaging Domain', domain),
	};
	for (const { service, field, label } of STATIC_HOSTS) {
		const value = text(raw[field]);
		if (value) hostOverrides[service] = hostBaseUrl(label, value);
	}
	return {
		mode: 'staticTokens',
		accountId,
		clientId: text(raw.clientId),
		clientSecret: '',
		csdsBaseUrl: '',
		hostOverrides,
		appJwt,
		defaultConsumerJws,
		webhookSecret,
		secrets: [appJwt, defaultConsumerJws, webhookSecret, text(raw.mintedAppJwt)],
		raw,
	};
}

/** A 401 whose body says errorCode 40102: the AppJWT expired or is invalid, nothing was processed. */
function isExpiredAppJwt(response: FullResponse): boolean {
	if (response.statusCode !== 401) return false;
	const body =
		typeof response.body === 'string' ? tryParseJson(response.body)?.value : response.body;
	return (body as { body?: { errorCode?: unknown } } | undefined)?.body?.errorCode === 40102;
}

/** LivePerson's Connector API (CONVERSATION, SEND, IDP) as the kernel serves it: the raw AppJWT. */
export const connectorApi: LivePersonApi<ConnectorCredential> = {
	credentialType: CREDENTIAL_TYPE,
	credentialName: CREDENTIAL_NAME,
	authorization: 'raw',
	clientSource:
		"Copy the app installation's client ID and secret again from LivePerson's Connector App Hub; the secret changes when it is regenerated.",
	read: readConnectorCredential,
	isExpiredAppJwt,
};

/**
 * For a Static Tokens credential test: a Messaging Domain (or Account ID) LivePerson does not know
 * answers 404, which n8n would show as a bare "Not Found". Checked first, so the test names the
 * fields; the test request then checks the tokens.
 */
export async function checkMessagingDomain(
	helpers: IHttpRequestHelper['helpers'],
	raw: ICredentialDataDecryptedObject,
): Promise<IDataObject> {
	const credential = readConnectorCredential(raw);
	const base = credential.hostOverrides.asyncMessagingEnt;
	const response = (await helpers.httpRequest({
		method: 'POST',
		url: `${base}/api/account/${encodeURIComponent(credential.accountId)}/messaging/consumer/conversation/send`,
		qs: { v: '3' },
		body: {},
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
	})) as FullResponse;
	if (response.statusCode === 404)
		throw new LivePersonSetupError(
			`LivePerson's Messaging Domain ${base} does not know account "${credential.accountId}" (HTTP 404)`,
			"Check the Messaging Domain: it is the account's asyncMessagingEnt host from LivePerson's Domain API (e.g. va.msg.liveperson.net). Check the Account ID too.",
		);
	return {};
}
