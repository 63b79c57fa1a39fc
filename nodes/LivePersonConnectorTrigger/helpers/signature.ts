import { createHmac, timingSafeEqual } from 'crypto';

export type SignatureAlgorithm = 'sha1' | 'sha256';

/** Why a request was refused; none of them says anything about the key. */
export type SignatureRefusal =
	'emptyBody' | 'missing' | 'malformed' | 'unsupportedAlgorithm' | 'mismatch';

export type SignatureVerdict =
	{ valid: true; algorithm: SignatureAlgorithm } | { valid: false; reason: SignatureRefusal };

export const REFUSAL_MESSAGES: Record<SignatureRefusal, string> = {
	emptyBody: 'the request has no body',
	missing: 'the x-liveperson-signature header is missing',
	malformed: 'the x-liveperson-signature header is not "sha1=" or "sha256=" followed by base64',
	unsupportedAlgorithm:
		'the x-liveperson-signature header names an algorithm other than sha1 or sha256',
	mismatch: 'the signature does not match the body',
};

const DIGEST_BYTES: Record<SignatureAlgorithm, number> = { sha1: 20, sha256: 32 };
const HEADER = /^([A-Za-z0-9-]+)=([A-Za-z0-9+/]+={0,2})$/;

function isAlgorithm(name: string): name is SignatureAlgorithm {
	return name === 'sha1' || name === 'sha256';
}

/**
 * Checks LivePerson's `x-liveperson-signature` ("sha1=" or "sha256=" + base64 of the HMAC of the
 * body keyed with the client secret) against the raw bytes of the request. The bytes, not a
 * re-serialised JSON: parsing and stringifying changes escapes, number forms and spacing, and so the
 * signature. The comparison takes the same time wherever the first differing byte is.
 */
export function verifySignature(
	rawBody: Buffer,
	header: string | string[] | undefined,
	secret: string,
): SignatureVerdict {
	if (secret === '') throw new Error('verifySignature needs a non-empty key');
	if (rawBody.length === 0) return { valid: false, reason: 'emptyBody' };
	if (header === undefined || header === '') return { valid: false, reason: 'missing' };
	// A repeated header cannot be LivePerson's single signature.
	const match = typeof header === 'string' ? HEADER.exec(header.trim()) : null;
	if (!match) return { valid: false, reason: 'malformed' };
	const [, algorithm, encoded] = match;
	if (!isAlgorithm(algorithm)) return { valid: false, reason: 'unsupportedAlgorithm' };

	const expected = createHmac(algorithm, secret).update(rawBody).digest();
	const received = Buffer.from(encoded, 'base64');
	// A length differing from the algorithm's digest (truncated, or another algorithm's digest under
	// this prefix) is public knowledge and may be refused before comparing.
	if (received.length !== DIGEST_BYTES[algorithm]) return { valid: false, reason: 'mismatch' };
	return timingSafeEqual(received, expected)
		? { valid: true, algorithm }
		: { valid: false, reason: 'mismatch' };
}
