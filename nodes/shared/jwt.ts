import type { IDataObject } from 'n8n-workflow';

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** A compact JWS: three base64url segments. Says nothing about whether LivePerson accepts it. */
export function looksLikeJws(token: string): boolean {
	const parts = token.split('.');
	return (
		parts.length === 3 &&
		SEGMENT.test(parts[0]) &&
		SEGMENT.test(parts[1]) &&
		/^[A-Za-z0-9_-]*$/.test(parts[2])
	);
}

/** The claims of a JWT/JWS, read without verifying it (the node only needs `exp` and consumer ids). */
export function readClaims(token: string): IDataObject | undefined {
	if (!looksLikeJws(token)) return undefined;
	try {
		const json = Buffer.from(token.split('.')[1], 'base64url').toString('utf8');
		const claims: unknown = JSON.parse(json);
		return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
			? (claims as IDataObject)
			: undefined;
	} catch {
		return undefined;
	}
}

/**
 * Whether a token should be replaced before it is used: less than `renewBeforeSeconds` (at most half
 * its lifetime, so a short-lived token is not replaced on every use) is left. A token without a
 * numeric `exp` never expires.
 */
export function renewalDue(token: string, nowSeconds: number, renewBeforeSeconds: number): boolean {
	return nowSeconds > renewalTime(token, renewBeforeSeconds);
}

/** When (epoch seconds) the token is due for renewal, by the rule of `renewalDue`; Infinity without `exp`. */
export function renewalTime(token: string, renewBeforeSeconds: number): number {
	const claims = readClaims(token);
	if (typeof claims?.exp !== 'number') return Infinity;
	const lifetime = typeof claims.iat === 'number' ? claims.exp - claims.iat : Infinity;
	return claims.exp - Math.min(renewBeforeSeconds, lifetime / 2);
}
