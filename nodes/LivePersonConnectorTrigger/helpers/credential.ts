import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { readClaims } from '../../shared/jwt';
import { readConnectorCredential } from '../../LivePersonConnector/transport/api';

export { CREDENTIAL_TYPE } from '../../LivePersonConnector/transport/api';

/** What the trigger needs from the credential to recognise LivePerson's webhooks. */
export interface WebhookKey {
	accountId: string;
	/** The connector app installation; unknown with static tokens whose AppJWT cannot be read. */
	clientId?: string;
	/** LivePerson signs each webhook with the installation's client secret. */
	hmacSecret: string;
}

/** A field the trigger needs is empty. Names the field, never its value. */
export class WebhookKeyMissing extends Error {
	constructor(
		readonly field: string,
		readonly fix: string,
	) {
		super(
			`The credential's ${field} is empty: the LivePerson Connector Trigger cannot check LivePerson's signatures`,
		);
		this.name = 'WebhookKeyMissing';
	}
}

/**
 * The webhook key from the package's typed credential. Client Credentials: the client secret is
 * the HMAC key. Static Tokens: the Webhook Secret is, and the client ID is the AppJWT's `azp`
 * claim (the installation it was minted for) when it can be read.
 */
export function webhookKeyFrom(raw: ICredentialDataDecryptedObject): WebhookKey {
	const credential = readConnectorCredential(raw);
	const { accountId } = credential;
	if (!accountId)
		throw new WebhookKeyMissing(
			'Account ID',
			'Enter your LivePerson account (site) ID in the credential.',
		);
	if (credential.mode === 'clientCredentials') {
		if (!credential.webhookSecret)
			throw new WebhookKeyMissing(
				'Client Secret',
				'Enter the client secret of your connector app installation.',
			);
		return credential.clientId
			? { accountId, clientId: credential.clientId, hmacSecret: credential.webhookSecret }
			: { accountId, hmacSecret: credential.webhookSecret };
	}
	if (!credential.webhookSecret) {
		throw new WebhookKeyMissing(
			'Webhook Secret',
			'With Static Tokens, enter the client secret of your connector app installation as the Webhook Secret (LivePerson signs its webhooks with it), or switch the credential to Client Credentials.',
		);
	}
	const azp = readClaims(credential.appJwt)?.azp;
	const clientId = typeof azp === 'string' && azp !== '' ? azp : undefined;
	return clientId
		? { accountId, clientId, hmacSecret: credential.webhookSecret }
		: { accountId, hmacSecret: credential.webhookSecret };
}
