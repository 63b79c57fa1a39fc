import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { LivePersonSetupError } from '../errors';
import { readClaims } from '../jwt';

export const DEFAULT_CSDS_HOST = 'api.liveperson.net';

export type AuthMode = 'clientCredentials' | 'staticTokens';

/**
 * A LivePerson credential as the kernel uses it, whatever the API: read and checked once, with
 * trimmed values and host fields as validated base URLs. Each API's credential adds its own fields.
 */
export interface LivePersonCredential {
	mode: AuthMode;
	accountId: string;
	clientId: string;
	clientSecret: string;
	/** Base URL of the Domain API (client credentials). */
	csdsBaseUrl: string;
	/** Base URLs set by hand instead of looked up, by Domain API service name (or the API's own host name). */
	hostOverrides: Record<string, string>;
	/** The AppJWT to send: the minted one (client credentials; may be empty) or a static one. */
	appJwt: string;
	/** Every secret the credential holds, to be taken out of anything the node reports. */
	secrets: string[];
	/** The stored values as n8n decrypted them, for handing back to n8n when a new AppJWT is stored. */
	raw: ICredentialDataDecryptedObject;
}

/** A credential field that overrides a looked-up host. */
export interface HostField {
	/** The Domain API service name (or the API's own name for a host it derives, e.g. `proactive`). */
	service: string;
	field: string;
	label: string;
}

export function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

/**
 * The client-credentials part every LivePerson credential shares: account, client ID and secret,
 * the Domain API host, host overrides (only when `overrideToggle` is on, if the credential has
 * one), and the AppJWT n8n stored after minting it.
 */
export function readClientCredentials(
	raw: ICredentialDataDecryptedObject,
	hostFields: HostField[],
	overrideToggle?: string,
): LivePersonCredential {
	const hostOverrides: Record<string, string> = {};
	if (overrideToggle === undefined || raw[overrideToggle] === true) {
		for (const { service, field, label } of hostFields) {
			const value = text(raw[field]);
			if (value) hostOverrides[service] = hostBaseUrl(label, value);
		}
	}
	const clientSecret = text(raw.clientSecret);
	const appJwt = text(raw.mintedAppJwt);
	return {
		mode: 'clientCredentials',
		accountId: text(raw.accountId),
		clientId: text(raw.clientId),
		clientSecret,
		csdsBaseUrl: hostBaseUrl('Domain API (CSDS) Host', text(raw.csdsHost) || DEFAULT_CSDS_HOST),
		hostOverrides,
		appJwt,
		secrets: [clientSecret, appJwt],
		raw,
	};
}

/**
 * An AppJWT names the account it was minted for (claim `aud`): a static one for another account
 * is a wrong Account ID (or a wrong token), which LivePerson's own answers do not say plainly.
 */
export function checkAppJwtAccount(appJwt: string, accountId: string): void {
	const aud = readClaims(appJwt)?.aud;
	if (aud === undefined || !accountId || String(aud) === accountId) return;
	throw new LivePersonSetupError(
		`The credential's AppJWT was minted for another account than its Account ID (${accountId})`,
		'Check the Account ID: it is the numeric site ID shown in LivePerson Conversational Cloud. Or mint an AppJWT for this account.',
	);
}

export function emptyField(label: string, credentialName: string): LivePersonSetupError {
	return new LivePersonSetupError(
		`The credential's ${label} is empty`,
		`Open the ${credentialName} credential and fill in ${label}.`,
	);
}

/**
 * A host field as a base URL: `va.msg.liveperson.net` -> `https://va.msg.liveperson.net`, full
 * `http(s)://host[:port]` URLs kept, trailing slashes dropped. Anything that can never work is
 * refused with what is wrong, instead of being retried for half a minute per item.
 */
export function hostBaseUrl(label: string, given: string): string {
	const problem = (
		what: string,
		fix = 'Give the host only, e.g. va.msg.liveperson.net, or a base URL such as http://127.0.0.1:8080.',
	) => new LivePersonSetupError(`The credential's ${label} ${what}`, fix);
	if (
		[...given].some(
			(char) => char.trim() === '' || char.charCodeAt(0) < 32 || char.charCodeAt(0) === 127,
		)
	) {
		throw problem('contains a space or a control character');
	}
	// `host/` and `host///` mean the host: a path is anything after the slashes.
	const value = given.replace(/\/+$/, '');
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
				`Write the scheme: http://${value} for a plain-HTTP host such as the local emulator, or https://….`,
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
