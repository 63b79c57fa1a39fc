import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestMethods,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { checkMessagingDomain, connectorApi } from '../nodes/LivePersonConnector/transport/api';
import { DEFAULT_CSDS_HOST } from '../nodes/shared/transport/credential';
import {
	ACCOUNT_ID_FIELD,
	preAuthenticateAppJwt,
	STORED_APP_JWT_FIELDS,
} from '../nodes/shared/transport/preAuthentication';

const clientCredentials = { show: { authentication: ['clientCredentials'] } };
const staticTokens = { show: { authentication: ['staticTokens'] } };
const isClientCredentials = '$credentials.authentication === "clientCredentials"';
const testHost = `(${isClientCredentials} ? ($credentials.csdsHost || "${DEFAULT_CSDS_HOST}") : $credentials.domain).trim()`;
const accountId = '$credentials.accountId.trim()';

export class LivePersonConnectorApi implements ICredentialType {
	name = 'livePersonConnectorApi';

	displayName = 'LivePerson Connector API';

	icon: Icon = {
		light: 'file:../nodes/LivePersonConnector/liveperson.svg',
		dark: 'file:../nodes/LivePersonConnector/liveperson.dark.svg',
	};

	documentationUrl =
		'https://developers.liveperson.com/connector-api-send-api-authorization-and-authentication.html';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{
					name: 'Client Credentials (Recommended)',
					value: 'clientCredentials',
					description:
						'Client ID and secret of your connector app installation: tokens are minted and renewed automatically',
				},
				{
					name: 'Static Tokens',
					value: 'staticTokens',
					description:
						'An AppJWT and ConsumerJWS you minted yourself. An AppJWT expires after one hour.',
				},
			],
			default: 'clientCredentials',
		},
		ACCOUNT_ID_FIELD,
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			required: true,
			default: '',
			displayOptions: clientCredentials,
			description: 'The app installation ID of your connector app (Connector App Hub)',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			displayOptions: clientCredentials,
			description: 'The secret of the same app installation',
		},
		{
			displayName: 'Domain API (CSDS) Host',
			name: 'csdsHost',
			type: 'string',
			default: DEFAULT_CSDS_HOST,
			displayOptions: clientCredentials,
			description:
				"Where the account's hosts are looked up. Keep the default; for the local emulator use its URL, e.g. http://127.0.0.1:8080.",
		},
		{
			displayName: 'Override Service Hosts',
			name: 'overrideHosts',
			type: 'boolean',
			default: false,
			displayOptions: clientCredentials,
			description:
				'Whether to set the Sentinel, IDP and messaging hosts by hand instead of looking them up',
		},
		{
			displayName: 'Sentinel Host',
			name: 'sentinelHost',
			type: 'string',
			default: '',
			placeholder: 'va.sentinel.liveperson.net',
			displayOptions: { show: { authentication: ['clientCredentials'], overrideHosts: [true] } },
			description: 'Host that mints AppJWTs (service "sentinel"). Empty: looked up.',
		},
		{
			displayName: 'IDP Host',
			name: 'idpHost',
			type: 'string',
			default: '',
			placeholder: 'va.idp.liveperson.net',
			displayOptions: { show: { authentication: ['clientCredentials'], overrideHosts: [true] } },
			description: 'Host that mints ConsumerJWSs (service "idp"). Empty: looked up.',
		},
		{
			displayName: 'Messaging Host',
			name: 'messagingHost',
			type: 'string',
			default: '',
			placeholder: 'va.msg.liveperson.net',
			displayOptions: { show: { authentication: ['clientCredentials'], overrideHosts: [true] } },
			description: 'Host of the Connector API (service "asyncMessagingEnt"). Empty: looked up.',
		},
		{
			displayName: 'Messaging REST API Host',
			name: 'restHost',
			type: 'string',
			default: '',
			placeholder: "the Domain API's messagingRestApiDomain host",
			displayOptions: { show: { authentication: ['clientCredentials'], overrideHosts: [true] } },
			description:
				'Host of the Messaging REST API (service "messagingRestApiDomain"), for Get Conversation and Get Messages. Empty: looked up.',
		},
		{
			displayName: 'File Storage Host',
			name: 'storageHost',
			type: 'string',
			default: '',
			placeholder: 'z2.objectstorage.liveperson.net',
			displayOptions: { show: { authentication: ['clientCredentials'], overrideHosts: [true] } },
			description:
				'Host that stores shared files (service "swift"), for Send File and Download File. Empty: looked up.',
		},
		{
			displayName: 'Messaging Domain',
			name: 'domain',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'va.msg.liveperson.net',
			displayOptions: staticTokens,
			description:
				"The account's asyncMessagingEnt host from the Domain API, or a full base URL such as http://127.0.0.1:8080 for the local emulator",
		},
		{
			displayName: 'Messaging REST API Domain',
			name: 'restDomain',
			type: 'string',
			default: '',
			placeholder: "the Domain API's messagingRestApiDomain host",
			displayOptions: staticTokens,
			description:
				"Only for Get Conversation and Get Messages: the account's messagingRestApiDomain host from the Domain API, or a base URL such as http://127.0.0.1:8080",
		},
		{
			displayName: 'File Storage Domain',
			name: 'storageDomain',
			type: 'string',
			default: '',
			placeholder: 'z2.objectstorage.liveperson.net',
			displayOptions: staticTokens,
			description:
				"Only for Send File and Download File: the account's swift host from the Domain API, or a base URL such as http://127.0.0.1:8080",
		},
		// Bearer tokens: whoever holds them can act for the app or the consumer, so they are masked.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'AppJWT',
			name: 'appJwt',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			displayOptions: staticTokens,
			description: 'Sent as the Authorization header. It expires one hour after it was minted.',
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Default ConsumerJWS',
			name: 'consumerJws',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: staticTokens,
			description:
				'Sent as X-LP-ON-BEHALF when the node gives no ConsumerJWS of its own. One ConsumerJWS is one consumer, so set it per item in the node when you open conversations for many people.',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: staticTokens,
			description:
				'Only for the LivePerson Connector Trigger: the client secret of your connector app installation, which LivePerson uses to sign its webhooks. With Client Credentials the Client Secret is used.',
		},
		...STORED_APP_JWT_FIELDS,
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		// Static Tokens: only a credential test gets here (executions send the token as it is).
		if (credentials.authentication === 'staticTokens')
			return await checkMessagingDomain(this.helpers, credentials);
		return await preAuthenticateAppJwt(this.helpers, credentials, connectorApi);
	}

	// No `authenticate`: the node sets the AppJWT itself (raw, as the Connector API wants it), and
	// a credential type with one makes n8n offer "Custom API Call", which cannot work here (the
	// ConsumerJWS is per consumer).

	// With client credentials, preAuthentication mints an AppJWT when none is stored (a wrong ID or
	// secret fails there, naming the value); the request then checks the account with the Domain API.
	// With static tokens, an empty SEND is refused for its body only if both tokens are valid.
	test: ICredentialTestRequest = {
		request: {
			method: `={{ ${isClientCredentials} ? "GET" : "POST" }}` as IHttpRequestMethods,
			baseURL: `={{ ${testHost}.includes("://") ? ${testHost} : "https://" + ${testHost} }}`,
			url: `={{ ${isClientCredentials} ? "/api/account/" + ${accountId} + "/service/asyncMessagingEnt/baseURI.json?version=1.0" : "/api/account/" + ${accountId} + "/messaging/consumer/conversation/send?v=3" }}`,
			headers: {
				Authorization: `={{ ${isClientCredentials} ? "" : $credentials.appJwt }}`,
				'X-LP-ON-BEHALF': `={{ ${isClientCredentials} ? "" : $credentials.consumerJws }}`,
			},
			body: {},
			// 401 answers carry LivePerson's errorCode, read by the rules below; an unknown account or
			// host (404) and server errors fail the test as they are.
			ignoreHttpStatusErrors: { ignore: true, except: [403, 404, 405, 500, 502, 503, 504] },
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'body.errorCode',
					value: 40102,
					message:
						'LivePerson rejected the AppJWT: it is invalid, expired (one hour after minting) or for another account',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'body.errorCode',
					value: 40103,
					message:
						'LivePerson rejected the Default ConsumerJWS: it is invalid or belongs to another account',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'body.errorCode',
					value: 40105,
					message: 'The AppJWT is missing',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'body.errorCode',
					value: 40001,
					message:
						'LivePerson refused the account ID or token claims: check that the Account ID matches the tokens',
				},
			},
		],
	};
}
