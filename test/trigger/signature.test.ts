/**
 * The LivePerson Connector Trigger's signature check, table-driven and apart from the node (as n8n's Zendesk
 * and Twilio triggers test theirs): every case is raw bytes, a header and a key, and the verdict.
 */
import { createHmac } from 'crypto';

import {
	verifySignature,
	type SignatureVerdict,
} from '../../nodes/LivePersonConnectorTrigger/helpers/signature';

const SECRET = 'installation-secret-0123456789';
const OTHER_SECRET = 'another-installation-secret-987';

const sign = (algorithm: 'sha1' | 'sha256', body: Buffer | string, secret = SECRET) =>
	`${algorithm}=${createHmac(algorithm, secret)
		.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
		.digest('base64')}`;

const ascii = Buffer.from(
	'{"kind":"notification","type":"ms.MessagingEventNotification","body":{"changes":[]}}',
);
const emoji = Buffer.from(
	'{"body":{"changes":[{"event":{"message":"Danke 🙂 Grüße, 日本語, é (e + ́)"}}]}}',
	'utf8',
);
// JSON.stringify(JSON.parse(x)) gives other bytes: escapes decoded, 1.0 -> 1, spacing and the repeated key dropped.
const reserialisable = Buffer.from(
	'{ "message": "caf\\u00e9 \\ud83d\\ude42", "n": 1.0, "n": 2 }',
	'utf8',
);
const reserialised = JSON.stringify(JSON.parse(reserialisable.toString('utf8')));
// Not UTF-8 at all: a check that turns the bytes into text first hashes other bytes.
const notUtf8 = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);

const valid = (algorithm: 'sha1' | 'sha256'): SignatureVerdict => ({ valid: true, algorithm });
const refused = (reason: string): SignatureVerdict =>
	({ valid: false, reason }) as SignatureVerdict;

const cases: Array<[string, Buffer, string | string[] | undefined, SignatureVerdict]> = [
	['sha1 over the raw bytes', ascii, sign('sha1', ascii), valid('sha1')],
	['sha256 over the raw bytes', ascii, sign('sha256', ascii), valid('sha256')],
	['emoji and other multi-byte characters, sha1', emoji, sign('sha1', emoji), valid('sha1')],
	['emoji and other multi-byte characters, sha256', emoji, sign('sha256', emoji), valid('sha256')],
	[
		'a body JSON re-serialisation would change, signed as sent',
		reserialisable,
		sign('sha1', reserialisable),
		valid('sha1'),
	],
	['bytes that are not UTF-8, signed as sent', notUtf8, sign('sha256', notUtf8), valid('sha256')],
	['base64 without its padding', ascii, sign('sha1', ascii).replace(/=+$/, ''), valid('sha1')],
	['surrounding spaces in the header', ascii, ` ${sign('sha1', ascii)} `, valid('sha1')],
	[
		'signature of the re-serialised JSON instead of the bytes sent',
		reserialisable,
		sign('sha1', reserialised),
		refused('mismatch'),
	],
	[
		'signature of the UTF-8 text decoded from non-UTF-8 bytes',
		notUtf8,
		sign('sha256', notUtf8.toString('utf8')),
		refused('mismatch'),
	],
	[
		'a valid signature made with another secret, sha1',
		ascii,
		sign('sha1', ascii, OTHER_SECRET),
		refused('mismatch'),
	],
	[
		'a valid signature made with another secret, sha256',
		emoji,
		sign('sha256', emoji, OTHER_SECRET),
		refused('mismatch'),
	],
	[
		'the signature of another body (one byte changed)',
		ascii,
		sign('sha1', Buffer.from(ascii.toString().replace('[]', '[ ]'))),
		refused('mismatch'),
	],
	[
		'truncated signature (last 4 characters cut)',
		ascii,
		sign('sha1', ascii).slice(0, -4),
		refused('mismatch'),
	],
	[
		'truncated signature (half of it)',
		ascii,
		sign('sha256', ascii).slice(0, 29),
		refused('mismatch'),
	],
	['truncated to the prefix only', ascii, 'sha1=', refused('malformed')],
	[
		'wrong prefix: sha256 digest under sha1=',
		ascii,
		sign('sha256', ascii).replace('sha256=', 'sha1='),
		refused('mismatch'),
	],
	[
		'wrong prefix: sha1 digest under sha256=',
		ascii,
		sign('sha1', ascii).replace('sha1=', 'sha256='),
		refused('mismatch'),
	],
	[
		'wrong prefix: md5=',
		ascii,
		sign('sha1', ascii).replace('sha1=', 'md5='),
		refused('unsupportedAlgorithm'),
	],
	[
		'wrong prefix: upper case SHA1=',
		ascii,
		sign('sha1', ascii).replace('sha1=', 'SHA1='),
		refused('unsupportedAlgorithm'),
	],
	['no prefix at all', ascii, sign('sha1', ascii).slice('sha1='.length), refused('malformed')],
	[
		'hex digest instead of base64',
		ascii,
		`sha1=${createHmac('sha1', SECRET).update(ascii).digest('hex')}`,
		refused('mismatch'),
	],
	[
		'characters outside base64',
		ascii,
		`${sign('sha1', ascii).slice(0, -2)}$=`,
		refused('malformed'),
	],
	[
		'the header sent twice',
		ascii,
		[sign('sha1', ascii), sign('sha1', ascii)],
		refused('malformed'),
	],
	['missing header', ascii, undefined, refused('missing')],
	['empty header', ascii, '', refused('missing')],
	[
		'empty body with the signature of the empty body',
		Buffer.alloc(0),
		sign('sha1', ''),
		refused('emptyBody'),
	],
	['empty body without a signature', Buffer.alloc(0), undefined, refused('emptyBody')],
];

describe('verifySignature', () => {
	it.each(cases)('%s', (_case, body, header, expected) => {
		expect(verifySignature(body, header, SECRET)).toEqual(expected);
	});

	it('keys the HMAC with the secret as UTF-8, as LivePerson documents', () => {
		const secret = 'sécret-🙂-key';
		expect(verifySignature(emoji, sign('sha256', emoji, secret), secret)).toEqual(valid('sha256'));
	});

	it('refuses to check without a key rather than accept everything', () => {
		expect(() => verifySignature(ascii, sign('sha1', ascii, ''), '')).toThrow('non-empty key');
	});

	it('shows why re-serialising breaks the check: the bytes differ', () => {
		expect(Buffer.from(reserialised).equals(reserialisable)).toBe(false);
	});
});
