import type { IDataObject } from 'n8n-workflow';

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** A compact JWS: three base64url segments. Says nothing about whether LivePerson accepts it. */
export function looksLikeJws(token: string): boolean {
	const parts = token.split('.');
	return parts.length === 3 && SEGMENT.test(parts[0]) && SEGMENT.test(parts[1]) && /^[A-Za-z0-9_-]*$/.test(parts[2]);
}

/** The claims of a JWT/JWS, read without verifying it (the node only needs `exp` and consumer ids). */
export function readClaims(token: string): IDataObject | undefined {
	if (!looksLikeJws(token)) return undefined;
	try {
		const json = Buffer.from(token.split('.')[1], 'base64url').toString('utf8');
		const claims: unknown = JSON.parse(json);
		return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as IDataObject) : undefined;
	} catch {
		return undefined;
	}
}

/** Seconds since the epoch at which the token expires, if it says. */
export function expiresAt(token: string): number | undefined {
	const exp = readClaims(token)?.exp;
	return typeof exp === 'number' ? exp : undefined;
}
