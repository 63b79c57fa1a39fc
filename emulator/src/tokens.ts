/** RS256 tokens: the AppJWT (Sentinel) and the ConsumerJWS (IDP), signed with a key made at start. */
import * as crypto from 'crypto';

/** Every token any emulator in this process signed, so a test can check none of them leaked. */
export const issuedTokens = new Set<string>();

export interface AppJwtClaims {
	aud: string;
	azp: string;
	scope: string;
	iss: string;
	iat: number;
	exp: number;
	jti: string;
}

export interface ConsumerJwsClaims {
	account_id: string;
	ext_consumer_id: string;
	lp_consumer_id: string;
}

export type TokenCheck<T> = { ok: true; claims: T } | { ok: false; reason: string };

const KEY_ID = 'lp-emulator-key';

function b64url(data: string | Buffer): string {
	return Buffer.from(data).toString('base64url');
}

/** Decodes a JWT's payload without verifying it (for logs and tests). */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
	const parts = token.split('.');
	if (parts.length !== 3) return undefined;
	try {
		const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
		return payload !== null && typeof payload === 'object' && !Array.isArray(payload)
			? (payload as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

/** A UUID-shaped id derived from a hash, so the same input always gives the same id. */
export function uuidFromHash(input: string): string {
	const h = crypto.createHash('sha256').update(input).digest();
	h[6] = (h[6] & 0x0f) | 0x50; // version 5 nibble: name-based
	h[8] = (h[8] & 0x3f) | 0x80;
	const hex = h.subarray(0, 16).toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export class TokenAuthority {
	private readonly privateKey: crypto.KeyObject;
	private readonly publicKey: crypto.KeyObject;
	private minted: string[] = [];
	private expired = new Set<string>();

	constructor(
		private readonly accountId: string,
		private readonly clientId: string,
		private readonly defaultTtlSeconds: number,
	) {
		const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
		this.privateKey = pair.privateKey;
		this.publicKey = pair.publicKey;
	}

	sign(payload: object): string {
		const token = this.signUnrecorded(payload);
		issuedTokens.add(token);
		return token;
	}

	private signUnrecorded(payload: object): string {
		const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: KEY_ID }));
		const body = b64url(JSON.stringify(payload));
		const signature = crypto.sign('sha256', Buffer.from(`${header}.${body}`), this.privateKey);
		return `${header}.${body}.${b64url(signature)}`;
	}

	/** Checks format, algorithm and signature; returns the payload. */
	verify(token: string): TokenCheck<Record<string, unknown>> {
		const parts = token.split('.');
		if (parts.length !== 3) return { ok: false, reason: 'not a JWT' };
		let header: unknown;
		try {
			header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
		} catch {
			return { ok: false, reason: 'unreadable header' };
		}
		if (
			header === null ||
			typeof header !== 'object' ||
			(header as { alg?: unknown }).alg !== 'RS256'
		) {
			return { ok: false, reason: 'algorithm is not RS256' };
		}
		const good = crypto.verify(
			'sha256',
			Buffer.from(`${parts[0]}.${parts[1]}`),
			this.publicKey,
			Buffer.from(parts[2], 'base64url'),
		);
		if (!good) return { ok: false, reason: 'bad signature' };
		const payload = decodeJwtPayload(token);
		if (!payload) return { ok: false, reason: 'unreadable payload' };
		return { ok: true, claims: payload };
	}

	mintAppJwt(opts: { ttlSeconds?: number; clientId?: string } = {}): string {
		const iat = Math.floor(Date.now() / 1000);
		const claims: AppJwtClaims = {
			aud: this.accountId,
			azp: opts.clientId ?? this.clientId,
			scope: 'msg.consumer',
			iss: 'Sentinel',
			iat,
			exp: iat + (opts.ttlSeconds ?? this.defaultTtlSeconds),
			// inferred: a unique token id. RS256 signatures are deterministic, so without it two tokens
			// minted in the same second would be identical and could not be expired one by one.
			jti: crypto.randomUUID(),
		};
		const token = this.sign(claims);
		this.minted.push(token);
		return token;
	}

	// inferred: an expireToken fault expires the presented token for good, as real expiry would, so a
	// retry with the same token fails again and only a freshly minted one passes.
	verifyAppJwt(token: string, forceExpired = false): TokenCheck<AppJwtClaims> {
		if (forceExpired) this.expired.add(token);
		const checked = this.verify(token);
		if (!checked.ok) return checked;
		const c = checked.claims;
		if (typeof c.exp !== 'number' || typeof c.iat !== 'number')
			return { ok: false, reason: 'missing exp/iat' };
		if (c.aud !== this.accountId)
			return { ok: false, reason: `aud is not account ${this.accountId}` };
		// inferred: a token of another kind (e.g. a ConsumerJWS) or scope is not an AppJWT.
		if (c.iss !== 'Sentinel' || c.scope !== 'msg.consumer')
			return { ok: false, reason: 'not an AppJWT' };
		if (c.exp <= Date.now() / 1000 || this.expired.has(token))
			return { ok: false, reason: 'expired' };
		return { ok: true, claims: c as unknown as AppJwtClaims };
	}

	mintConsumerJws(extConsumerId: string, lpConsumerId: string): string {
		const claims: ConsumerJwsClaims = {
			account_id: this.accountId,
			ext_consumer_id: extConsumerId,
			lp_consumer_id: lpConsumerId,
		};
		return this.sign(claims);
	}

	verifyConsumerJws(token: string): TokenCheck<ConsumerJwsClaims> {
		const checked = this.verify(token);
		if (!checked.ok) return checked;
		const c = checked.claims;
		if (typeof c.lp_consumer_id !== 'string' || typeof c.ext_consumer_id !== 'string') {
			return { ok: false, reason: 'missing consumer claims' };
		}
		// inferred: a ConsumerJWS of another account is invalid (40103).
		if (c.account_id !== this.accountId)
			return { ok: false, reason: `account_id is not ${this.accountId}` };
		return { ok: true, claims: c as unknown as ConsumerJwsClaims };
	}

	expireAllMinted(): void {
		for (const t of this.minted) this.expired.add(t);
	}

	// inferred: reset() forgets expiry marks; the key stays, so tokens minted before become valid again.
	reset(): void {
		this.expired.clear();
	}
}
