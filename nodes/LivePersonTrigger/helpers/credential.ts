import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'livePersonConnectorApi';

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
		super(`The credential's ${field} is empty: the LivePerson Trigger cannot check LivePerson's signatures`);
		this.name = 'WebhookKeyMissing';
	}
}

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

/** The `azp` claim of an AppJWT is the installation (client) ID it was minted for. */
function installationOf(appJwt: string): string | undefined {
	const payload = appJwt.split('.')[1];
	if (!payload) return undefined;
	try {
		const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
		const azp = (claims as { azp?: unknown } | null)?.azp;
		return typeof azp === 'string' && azp !== '' ? azp : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Every credential field the trigger reads, read here only (the package's typed credential reader
 * will replace this). Client Credentials: the client secret is the HMAC key. Static Tokens: the
 * Webhook Secret is, and the client ID is taken from the AppJWT when it can be read.
 */
export function webhookKeyFrom(credentials: ICredentialDataDecryptedObject): WebhookKey {
	const accountId = text(credentials.accountId);
	if (!accountId) throw new WebhookKeyMissing('Account ID', 'Enter your LivePerson account (site) ID in the credential.');
	if (credentials.authentication === 'clientCredentials') {
		const hmacSecret = text(credentials.clientSecret);
		if (!hmacSecret) throw new WebhookKeyMissing('Client Secret', 'Enter the client secret of your connector app installation.');
		const clientId = text(credentials.clientId);
		return clientId ? { accountId, clientId, hmacSecret } : { accountId, hmacSecret };
	}
	const hmacSecret = text(credentials.webhookSecret);
	if (!hmacSecret) {
		throw new WebhookKeyMissing(
			'Webhook Secret',
			'With Static Tokens, enter the client secret of your connector app installation as the Webhook Secret (LivePerson signs its webhooks with it), or switch the credential to Client Credentials.',
		);
	}
	const clientId = installationOf(text(credentials.appJwt));
	return clientId ? { accountId, clientId, hmacSecret } : { accountId, hmacSecret };
}
