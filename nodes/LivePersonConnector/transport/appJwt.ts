import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { LivePersonSetupError, serviceBaseUrl, unreachable, type HostSettings, type HttpRequest } from './hosts';

export function hostSettings(credentials: ICredentialDataDecryptedObject): HostSettings {
	const overrides = credentials.overrideHosts
		? {
				sentinel: credentials.sentinelHost as string | undefined,
				idp: credentials.idpHost as string | undefined,
				asyncMessagingEnt: credentials.messagingHost as string | undefined,
			}
		: undefined;
	return {
		accountId: String(credentials.accountId ?? '').trim(),
		csdsHost: credentials.csdsHost as string | undefined,
		overrides,
	};
}

function requireValue(credentials: ICredentialDataDecryptedObject, name: string, label: string): string {
	const value = String(credentials[name] ?? '').trim();
	if (!value) {
		throw new LivePersonSetupError(
			`The credential's ${label} is empty`,
			`Open the LivePerson Connector API credential and fill in ${label}.`,
		);
	}
	return value;
}

/**
 * Mints an AppJWT at Sentinel with the client credentials. The secret travels in the form body,
 * never in the URL, so it stays out of proxy and access logs.
 */
export async function mintAppJwt(
	request: HttpRequest,
	credentials: ICredentialDataDecryptedObject,
): Promise<string> {
	const accountId = requireValue(credentials, 'accountId', 'Account ID');
	const clientId = requireValue(credentials, 'clientId', 'Client ID');
	const clientSecret = requireValue(credentials, 'clientSecret', 'Client Secret');
	const sentinel = await serviceBaseUrl(request, hostSettings(credentials), 'sentinel');
	const response = (await request({
			method: 'POST',
			url: `${sentinel}/sentinel/api/account/${encodeURIComponent(accountId)}/app/token`,
		qs: { v: '1.0', grant_type: 'client_credentials' },
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret }).toString(),
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			json: false,
		}).catch((error: Error) => unreachable(error, `LivePerson's Sentinel at ${sentinel}`))) as {
		statusCode: number;
		body: unknown;
	};
	if (response.statusCode === 401 || response.statusCode === 403) {
		throw new LivePersonSetupError(
			'LivePerson refused the Client ID or Client Secret',
			`Sentinel answered HTTP ${response.statusCode} for client ID "${clientId}" on account ${accountId}. Copy the app installation's client ID and secret again from LivePerson's Connector App Hub; the secret changes when it is regenerated.`,
		);
	}
	const token = readAccessToken(response.body);
	if (response.statusCode !== 200 || !token) {
		throw new LivePersonSetupError(
			`LivePerson's Sentinel did not mint an AppJWT (HTTP ${response.statusCode})`,
			`Check the Account ID (${accountId}) and Client ID; if they are right, LivePerson may be having trouble: try again later.`,
		);
	}
	return token;
}

function readAccessToken(body: unknown): string | undefined {
	let parsed = body;
	if (typeof body === 'string') {
		try {
			parsed = JSON.parse(body);
		} catch {
			return undefined;
		}
	}
	const token = (parsed as { access_token?: unknown } | undefined)?.access_token;
	return typeof token === 'string' && token !== '' ? token : undefined;
}

/** Identifies the values an AppJWT was minted with, without revealing the secret. */
export function mintFingerprint(credentials: ICredentialDataDecryptedObject): string {
	const values = ['accountId', 'clientId', 'clientSecret'].map((name) => String(credentials[name] ?? '').trim());
	return createHash('sha256').update(values.join('\u0000')).digest('hex');
}
