/**
 * Texts the node passes on (error messages, descriptions, LivePerson's own words): bounded, and
 * with every token the node holds taken out, whatever their source.
 */

/** Longest excerpt of LivePerson's answer, or of an input value, quoted in an error. */
const MAX_EXCERPT = 300;
/** Longest list quoted in an error; the rest is counted. */
const MAX_LISTED = 10;

export function excerpt(text: string, max = MAX_EXCERPT): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** `a, b, c` or `a, b, c and 49,990 more`. */
export function listed(items: readonly string[], max = MAX_LISTED): string {
	const shown = items.slice(0, max).map((item) => excerpt(item, 60));
	const rest = items.length - shown.length;
	return rest > 0
		? `${shown.join(', ')} and ${rest.toLocaleString('en-US')} more`
		: shown.join(', ');
}

const REDACTED = '[redacted]';
/**
 * A JWS/JWT, or the start of one: its header is base64url JSON, so it begins `eyJ` (`{"`). Only
 * that shape: a consumer's own identifiers (an e-mail address, a host name with long dot-separated
 * parts) are what a workflow routes by, and stay as they are.
 */
const TOKEN_SHAPE = /eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}/g;
/** A piece this long of a secret is treated as the secret. */
const PIECE = 16;

/** `text` without the given secrets, without any piece of them, and without anything shaped like a token. */
export function redact(text: string, secrets: Iterable<string>): string {
	const pieces = new Set<string>();
	let out = text;
	for (const secret of secrets) {
		if (!secret || secret.length < 8) continue;
		if (out.includes(secret)) out = out.split(secret).join(REDACTED);
		for (let i = 0; i + PIECE <= secret.length; i++) pieces.add(secret.slice(i, i + PIECE));
	}
	out = out.replace(TOKEN_SHAPE, REDACTED);
	if (pieces.size === 0 || out.length < PIECE) return out;
	const hidden: boolean[] = new Array(out.length).fill(false);
	let found = false;
	for (let i = 0; i + PIECE <= out.length; i++) {
		if (!pieces.has(out.slice(i, i + PIECE))) continue;
		found = true;
		for (let j = i; j < i + PIECE; j++) hidden[j] = true;
	}
	if (!found) return out;
	let result = '';
	for (let i = 0; i < out.length; i++) {
		if (!hidden[i]) result += out[i];
		else if (i === 0 || !hidden[i - 1]) result += REDACTED;
	}
	return result;
}

/** For outputs: the full redaction only when a known secret or a token-like string is there at all. */
export function redactOutput<T>(value: T, secrets: string[]): T {
	const text = JSON.stringify(value);
	if (
		!secrets.some((secret) => secret.length >= 8 && text.includes(secret)) &&
		!/eyJ[A-Za-z0-9_-]{8,}\./.test(text)
	)
		return value;
	return JSON.parse(redact(text, secrets)) as T;
}
