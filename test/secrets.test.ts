import { distinctivePart, leakedSecrets } from './support/secrets';

// The scan every test file ends with (setup-secret-scan.ts) is only as good as this check.
describe('leakedSecrets', () => {
	const token =
		'eyJhbGciOiJSUzI1NiJ9.eyJhY2NvdW50X2lkIjoiMSJ9.c2lnbmF0dXJlLW9mLXRoaXMtdG9rZW4tb25seQ';
	const sibling =
		'eyJhbGciOiJSUzI1NiJ9.eyJhY2NvdW50X2lkIjoiMSJ9.YW5vdGhlci1zaWduYXR1cmUtZW50aXJlbHk';

	test.each([
		['the whole token', `Authorization: ${token}`],
		['a token cut short', `token was ${token.slice(0, -10)}`],
		['only the signature', `sig ${distinctivePart(token)}`],
		['a secret inside JSON', JSON.stringify({ error: `bad secret s3cr3t-value-abcdefgh-123` })],
	])('finds %s', (_case, text) => {
		expect(leakedSecrets(text, [token, 's3cr3t-value-abcdefgh-123']).length).toBe(1);
	});

	test('does not mistake another token of the same issuer for a leak', () => {
		expect(leakedSecrets(`consumerJws: ${sibling}`, [token])).toEqual([]);
	});
});
