import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { LivePersonSetupError } from '../helpers/errors';
import { readClaims } from '../helpers/jwt';

export const CREDENTIAL_TYPE = 'livePersonConnectorApi';

export const DEFAULT_CSDS_HOST = 'api.liveperson.net';

export type AuthMode = 'clientCredentials' | 'staticTokens';

/** The Domain API service names of the hosts this package talks to. */
export type ServiceName = 'sentinel' | 'idp' | 'asyncMessagingEnt';

/** The credential, read and checked once: trimmed values and host fields as validated base URLs. */
export interface LivePersonCredential {
	mode: AuthMode;
	accountId: string;
	clientId: string;
	clientSecret: string;
	/** Base URL of the Domain API (client credentials). */
	csdsBaseUrl: string;
	/** Base URLs set by hand instead of looked up (client credentials), or the messaging domain (static tokens). */
	hostOverrides: Partial<Record<ServiceName, string>>;
	/** The AppJWT to send: the minted one (client credentials; may be empty) or the static one. */
	appJwt: string;
	defaultConsumerJws: string;
	webhookSecret: string;
	/** The stored values as n8n decrypted them, for handing back to n8n when a new AppJWT is stored. */
	raw: ICredentialDataDecryptedObject;
}

const HOST_LABELS: Record<ServiceName, { field: string; label: string }> = {
	sentinel: { field: 'sentinelHost', label: 'Sentinel Host' },
	idp: { field: 'idpHost', label: 'IDP Host' },
	asyncMessagingEnt: { field: 'messagingHost', label: 'Messaging Host' },
};

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

export function readCredential(raw: ICredentialDataDecryptedObject): LivePersonCredential {
	const mode: AuthMode =
		raw.authentication === 'staticTokens' ? 'staticTokens' : 'clientCredentials';
	const hostOverrides: Partial<Record<ServiceName, string>> = {};
	let csdsBaseUrl = '';
	if (mode === 'clientCredentials') {
		csdsBaseUrl = hostBaseUrl('Domain API (CSDS) Host', text(raw.csdsHost) || DEFAULT_CSDS_HOST);
		if (raw.overrideHosts === true) {
			for (const [service, { field, label }] of Object.entries(HOST_LABELS)) {
				const value = text(raw[field]);
				if (value) hostOverrides[service as ServiceName] = hostBaseUrl(label, value);
			}
		}
	} else {
		const domain = text(raw.domain);
		if (!domain) throw emptyField('Messaging Domain');
		hostOverrides.asyncMessagingEnt = hostBaseUrl('Messaging Domain', domain);
	}
	const accountId = text(raw.accountId);
	if (mode === 'staticTokens') checkAppJwtAccount(text(raw.appJwt), accountId);
	return {
		mode,
		accountId,
		clientId: text(raw.clientId),
		clientSecret: text(raw.clientSecret),
		csdsBaseUrl,
		hostOverrides,
		appJwt: text(mode === 'clientCredentials' ? raw.mintedAppJwt : raw.appJwt),
		defaultConsumerJws: mode === 'staticTokens' ? text(raw.consumerJws) : '',
		webhookSecret: text(mode === 'clientCredentials' ? raw.clientSecret : raw.webhookSecret),
		raw,
	};
}

/**
 * An AppJWT names the account it was minted for (claim `aud`): a static one for another account
 * is a wrong Account ID (or a wrong token), which LivePerson's own answers do not say plainly.
 */
function checkAppJwtAccount(appJwt: string, accountId: string): void {
	const aud = readClaims(appJwt)?.aud;
	if (aud === undefined || !accountId || String(aud) === accountId) return;
	throw new LivePersonSetupError(
		`The credential's AppJWT was minted for another account than its Account ID (${accountId})`,
		'Check the Account ID: it is the numeric site ID shown in LivePerson Conversational Cloud. Or mint an AppJWT for this account.',
	);
}

export function emptyField(label: string): LivePersonSetupError {
	return new LivePersonSetupError(
		`The credential's ${label} is empty`,
		`Open the LivePerson Connector API credential and fill in ${label}.`,
	);
}

/** The value, or a setup error naming the empty field. */
export function required(value: string, label: string): string {
	if (!value) throw emptyField(label);
	return value;
}

/**
 * A host field as a base URL: `va.msg.liveperson.net` -> `https://va.msg.liveperson.net`, full
 * `http(s)://host[:port]` URLs kept. Anything that can never work is refused with what is wrong,
 * instead of being retried for half a minute per item.
 */
export function hostBaseUrl(label: string, value: string): string {
	const problem = (
		what: string,
		fix = 'Give the host only, e.g. va.msg.liveperson.net, or a base URL such as http://127.0.0.1:8080.',
	) => new LivePersonSetupError(`The credential's ${label} ${what}`, fix);
	if (
		[...value].some(
			(char) => char.trim() === '' || char.charCodeAt(0) < 32 || char.charCodeAt(0) === 127,
		)
	) {
		throw problem('contains a space or a control character');
	}
	const scheme = /^([a-z][a-z0-9+.-]*):(\/\/)?/i.exec(value);
	let candidate = value;
	if (scheme && scheme[2]) {
		if (!/^https?$/i.test(scheme[1]))
			throw problem(`uses the ${scheme[1]}: scheme; LivePerson hosts use https`);
	} else if (scheme && !/^\d/.test(value.slice(scheme[0].length))) {
		throw problem(`uses the ${scheme[1]}: scheme; LivePerson hosts use https`);
	} else {
		const port = /:(\d+)(?:[/?#]|$)/.exec(value)?.[1];
		if (port !== undefined && port !== '443') {
			throw problem(
				`has a port (${port}) but no scheme, so https would be assumed`,
				`Write the scheme: http://${value.replace(/\/+$/, '')} for a plain-HTTP host such as the local emulator, or https://….`,
			);
		}
		candidate = `https://${value}`;
	}
	let url: URL;
	try {
		url = new URL(candidate);
	} catch {
		throw problem('is not a host name or URL');
	}
	if (url.username || url.password) {
		throw problem(
			'contains a user name or password',
			'LivePerson hosts take no login in the URL: remove the "user:password@" part.',
		);
	}
	if (url.pathname !== '/' && url.pathname !== '')
		throw problem(`has a path (${url.pathname.slice(0, 60)})`);
	if (url.search || url.hash) throw problem('has a query or fragment');
	if (!url.hostname) throw problem('has no host name');
	return `${url.protocol}//${url.host}`;
}
