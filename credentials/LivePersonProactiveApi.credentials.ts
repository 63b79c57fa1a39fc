import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { checkProactiveAccess } from '../nodes/LivePersonProactiveMessaging/transport/access';
import { proactiveApi } from '../nodes/LivePersonProactiveMessaging/transport/api';
import { DEFAULT_CSDS_HOST } from '../nodes/shared/transport/credential';
import {
	ACCOUNT_ID_FIELD,
	preAuthenticateAppJwt,
	STORED_APP_JWT_FIELDS,
} from '../nodes/shared/transport/preAuthentication';

const overridden = { show: { overrideHosts: [true] } };
const accountId = '$credentials.accountId.trim()';
const csds = `($credentials.csdsHost || "${DEFAULT_CSDS_HOST}").trim()`;

export class LivePersonProactiveApi implements ICredentialType {
	name = 'livePersonProactiveApi';

	displayName = 'LivePerson Proactive Messaging API';

	icon: Icon = {
		light: 'file:../nodes/LivePersonProactiveMessaging/liveperson.svg',
		dark: 'file:../nodes/LivePersonProactiveMessaging/liveperson.dark.svg',
	};

	documentationUrl = 'https://developers.liveperson.com/proactive-messaging-api.html';

	properties: INodeProperties[] = [
		ACCOUNT_ID_FIELD,
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			required: true,
			default: '',
			description:
				"From LivePerson's Proactive Web Tool, Settings › Show Secrets (an admin or LPA enables Proactive there first). Not a Connector app's client ID.",
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The secret shown beside it in the Proactive Web Tool',
		},
		{
			displayName: 'Domain API (CSDS) Host',
			name: 'csdsHost',
			type: 'string',
			default: DEFAULT_CSDS_HOST,
			description:
				"Where the account's hosts are looked up. Keep the default; for the local emulator use its URL, e.g. http://127.0.0.1:8080.",
		},
		{
			displayName: 'Override Hosts',
			name: 'overrideHosts',
			type: 'boolean',
			default: false,
			description:
				"Whether to set Proactive's hosts by hand instead of deriving them from the account's zone (North America, EMEA, APAC)",
		},
		{
			displayName: 'Proactive Host',
			name: 'proactiveHost',
			type: 'string',
			default: '',
			placeholder: 'proactive-messaging.z1.fs.liveperson.com',
			displayOptions: overridden,
			description: 'Proactive Messaging 2.0 (campaigns). Empty: from the zone.',
		},
		{
			displayName: 'Outbound Configuration Host',
			name: 'handoffHost',
			type: 'string',
			default: '',
			placeholder: 'va.handoff.liveperson.net',
			displayOptions: overridden,
			description: 'The Outbound Configuration API (the template list). Empty: from the zone.',
		},
		...STORED_APP_JWT_FIELDS,
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const stored = await preAuthenticateAppJwt(this.helpers, credentials, proactiveApi);
		// A token minted here (a credential test, not the node storing its own): check that
		// Proactive takes it, so the test names what is wrong.
		if (!credentials.pendingAppJwt && typeof stored.mintedAppJwt === 'string')
			await checkProactiveAccess(this.helpers, credentials, stored.mintedAppJwt);
		return stored;
	}

	// No `authenticate`: the node sends the AppJWT itself, as `Bearer`.

	// preAuthentication mints the AppJWT (a wrong ID or secret fails there, naming the value) and
	// checks Proactive takes it; the request then checks the account with the Domain API.
	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			baseURL: `={{ ${csds}.includes("://") ? ${csds} : "https://" + ${csds} }}`,
			url: `={{ "/api/account/" + ${accountId} + "/service/baseURI.json?version=1.0" }}`,
			ignoreHttpStatusErrors: { ignore: true, except: [400, 401, 403, 404, 500, 502, 503, 504] },
		},
	};
}
