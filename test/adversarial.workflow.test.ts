/**
 * What an adversarial run found (issue 11), each finding as an engine test against the emulator:
 * secrets and identity, outcomes reported wrongly, tokens, hosts and retries, inputs silently
 * changed, and unbounded texts. Every test here failed before its fix.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject } from 'n8n-workflow';

import { faultPresets, startEmulator, type Emulator, type EmulatorAnswer } from '../emulator/src';
import { HarnessCredentialsHelper, runWorkflow, type CredentialsInput } from './harness';
import { emulatorPerFile } from './support/emulatorPerFile';
import { leakedSecrets } from './support/secrets';
import { LP_NODE, clientCredential, lpWorkflow, staticCredential } from './support/workflows';

const emulator = emulatorPerFile();

const create = (extra: IDataObject = {}) =>
	lpWorkflow(
		{ operation: 'createWithSdes', consumerId: '={{ $json.contactId }}', ...extra },
		{ onError: 'continueRegularOutput' },
	);

async function run(
	workflow: ReturnType<typeof lpWorkflow>,
	input: IDataObject[],
	credentials: CredentialsInput = clientCredential(emulator),
) {
	const result = await runWorkflow(workflow, { credentials, input });
	expect(result.status).toBe('success');
	return result.jsonOf(LP_NODE) as Array<IDataObject & { error?: string; details?: IDataObject }>;
}

describe('secrets and identity', () => {
	test('1. a cached ConsumerJWS serves only the credential that minted it, and only its hosts', async () => {
		// B: same account and client ID as A, another secret, its own Sentinel and messaging host.
		const elsewhere = await startEmulator({ clientSecret: 'another-installations-secret-000' });
		try {
			await run(create(), [{ contactId: 'victim' }]);
			const victimJws = emulator.mintConsumerJws('victim');
			const credentialB = clientCredential(emulator, {
				clientSecret: elsewhere.clientSecret,
				overrideHosts: true,
				sentinelHost: elsewhere.baseUrl,
				idpHost: emulator.baseUrl,
				messagingHost: elsewhere.baseUrl,
			});
			await run(create(), [{ contactId: 'victim' }], credentialB);

			expect(
				elsewhere.requests.map((r) => r.headers['x-lp-on-behalf']).filter(Boolean),
			).not.toContain(victimJws);
			// B asked the IDP itself (with its own AppJWT, which A's IDP refuses) instead of taking A's token from the cache.
			const minted = new Set(
				elsewhere
					.requestsTo('sentinel')
					.map((r) => JSON.parse(r.responseBody ?? '{}').access_token),
			);
			expect(
				emulator.requestsTo('idp').filter((r) => minted.has(r.headers.authorization)).length,
			).toBeGreaterThan(0);
		} finally {
			await elsewhere.close();
		}
	});

	test.each<[string, IDataObject[string]]>([
		['an object', { name: 'Alice' }],
		['a list', ['a', 'b']],
		['a one-element list', ['x']],
		['true', true],
		['a fraction', 47.11],
		['an unsafe integer', Number.MAX_SAFE_INTEGER + 2],
	])('2. a Consumer ID that is %s is refused, never turned into text', async (_name, contactId) => {
		const [item] = await run(create(), [{ contactId }]);
		expect(item.error).toMatch(/^Consumer ID must be text or a whole number, not /);
		expect(item.details).toMatchObject({
			reason: 'invalidInput',
			field: 'Consumer ID',
			conversationCreated: 'no',
		});
		expect(emulator.requests).toHaveLength(0);
	});

	test('2. two contacts given as objects do not become one LivePerson consumer', async () => {
		const items = await run(create(), [
			{ contactId: { name: 'Alice' } },
			{ contactId: { name: 'Bob' } },
		]);
		expect(items.map((item) => item.details?.reason)).toEqual(['invalidInput', 'invalidInput']);
		expect(emulator.state.consumers()).toEqual([]);
		// A whole number is an identity, written as its digits.
		const [numeric] = await run(create(), [{ contactId: 4711 }]);
		expect(numeric.ext_consumer_id).toBe('4711');
	});

	test('3. a ConsumerJWS LivePerson quotes back in its error text is taken out', async () => {
		const jws = emulator.mintConsumerJws('quoted');
		emulator.faults.add({
			on: 'conversation',
			action: {
				type: 'rewrite',
				rewrite: (answer: EmulatorAnswer) => ({
					...answer,
					status: 400,
					body: [
						{ code: 'OK', body: { msg: 'OK User Profile set successfully' }, reqId: '1' },
						{
							code: 'BAD_REQUEST',
							body: { msg: `Consumer with token ${jws} and half ${jws.slice(-40)} is not allowed` },
							reqId: '2',
						},
					],
				}),
			},
		});
		const [item] = await run(
			lpWorkflow(
				{ operation: 'createWithSdes', options: { consumerJws: '={{ $json.jws }}' } },
				{ onError: 'continueRegularOutput' },
			),
			[{ jws }],
			staticCredential(emulator),
		);
		expect(item.details?.reason).toBe('refused');
		expect(String(item.details?.description)).toMatch(/Consumer with token \[redacted\]/);
		expect(leakedSecrets(JSON.stringify(item), [jws])).toEqual([]);
	});

	test('4. a Domain API host with a user name and password is refused, and nothing is sent', async () => {
		const [item] = await run(
			create(),
			[{ contactId: 'basic' }],
			clientCredential(emulator, { csdsHost: `http://user:pa55word@${emulator.host}` }),
		);
		expect(item.error).toBe(
			"The credential's Domain API (CSDS) Host contains a user name or password [item 0]",
		);
		expect(JSON.stringify(item)).not.toMatch(/pa55word/);
		expect(emulator.requests).toHaveLength(0);
	});
});

describe('outcomes reported as they are', () => {
	test.each([201, 202])(
		'5. a create answered HTTP %i after it was processed is reported created',
		async (status) => {
			emulator.faults.add({
				on: 'conversation',
				action: { type: 'rewrite', rewrite: (answer: EmulatorAnswer) => ({ ...answer, status }) },
			});
			const [item] = await run(create(), [{ contactId: `status-${status}` }]);
			expect(item.conversationId).toBe(emulator.state.conversations()[0].conversationId);
		},
	);

	test('5. a create answered HTTP 204 without a body is unknown, not "no"', async () => {
		emulator.faults.add({
			on: 'conversation',
			action: { type: 'raw', status: 204, body: '', when: 'after' },
		});
		const [item] = await run(create(), [{ contactId: 'status-204' }]);
		expect(item.details).toMatchObject({
			reason: 'unreadableAnswer',
			conversationCreated: 'unknown',
		});
		expect(emulator.state.conversations()).toHaveLength(1);
	});

	test.each([307, 302])(
		'5b. a redirect (%i) is not followed: the create is sent once and reported unknown',
		async (status) => {
			const target = await startEmulator();
			try {
				emulator.faults.add({
					on: 'conversation',
					action: {
						type: 'status',
						status,
						headers: {
							Location: `${target.baseUrl}/api/account/${target.accountId}/messaging/consumer/conversation?v=3`,
						},
					},
				});
				const [item] = await run(create(), [{ contactId: `redirect-${status}` }]);
				expect(item.details).toMatchObject({
					reason: 'redirected',
					conversationCreated: 'unknown',
					httpCode: String(status),
				});
				expect(item.details?.description).toMatch(/Check the consumer's open conversations/);
				expect(emulator.requestsTo('conversation')).toHaveLength(1);
				expect(target.requests).toHaveLength(0);
			} finally {
				await target.close();
			}
		},
	);

	test('6. an item whose parameters cannot be read (an expression with a syntax error) is "no": nothing was sent', async () => {
		const [item] = await run(create({ customerInfo: { ctype: '={{ $json.tier. }}' } }), [
			{ contactId: 'syntax', tier: 'vip' },
		]);
		expect(item.details).toMatchObject({
			reason: 'invalidInput',
			conversationCreated: 'no',
			field: 'Customer Info (SDE)',
		});
		expect(item.error).toMatch(/^Customer Info \(SDE\) could not be read: /);
		expect(emulator.requestsTo('conversation')).toHaveLength(0);
	});

	test('7. a Consumer ID that makes the headers too large is refused before a consumer is minted for it', async () => {
		const [item] = await run(create(), [{ contactId: 'x'.repeat(20_000) }]);
		expect(item.details).toMatchObject({
			reason: 'invalidInput',
			conversationCreated: 'no',
			field: 'Consumer ID',
		});
		expect(item.error).toMatch(/would not fit the 8192-byte limit on request headers/);
		expect(emulator.requestsTo('idp')).toHaveLength(0);
		expect(emulator.requestsTo('conversation')).toHaveLength(0);
	});
});

describe('tokens, hosts and retries', () => {
	test('8. a cached ConsumerJWS LivePerson refuses (40103) is dropped and minted once more', async () => {
		const helper = await HarnessCredentialsHelper.create(clientCredential(emulator));
		expect(
			(
				await runWorkflow(create(), {
					credentialsHelper: helper,
					input: [{ contactId: 'refused-jws' }],
				})
			).status,
		).toBe('success');
		await emulator.agent.closeConversation(emulator.state.conversations()[0].conversationId);
		emulator.faults.add({
			on: 'conversation',
			action: {
				type: 'status',
				status: 401,
				body: {
					kind: 'resp',
					code: 401,
					body: {
						title: 'Invalid ConsumerJWS',
						details: 'ConsumerJWS is invalid',
						errorCode: 40103,
					},
					type: '.ReqBody$ErrorResp',
				},
			},
		});
		const second = await runWorkflow(create(), {
			credentialsHelper: helper,
			input: [{ contactId: 'refused-jws' }],
		});
		expect(second.jsonOf(LP_NODE)[0].conversationId).toBe(
			emulator.state.conversations()[1].conversationId,
		);
		expect(emulator.requestsTo('idp')).toHaveLength(2);
		expect(emulator.requestsTo('conversation').map((r) => r.status)).toEqual([200, 401, 200]);
	});

	test('9. Sentinel answering 429 with Retry-After is waited out and asked again', async () => {
		emulator.faults.add(faultPresets.tooManyRequests('sentinel', { retryAfter: 1 }));
		const [item] = await run(create(), [{ contactId: 'sentinel-429' }]);
		expect(typeof item.conversationId).toBe('string');
		expect(emulator.requestsTo('sentinel').map((r) => r.status)).toEqual([429, 200]);
	});

	test('10. an AppJWT due for renewal keeps being used while Sentinel is down, and only the log says so', async () => {
		const helper = await HarnessCredentialsHelper.create(clientCredential(emulator));
		expect(
			(
				await runWorkflow(create(), {
					credentialsHelper: helper,
					input: [{ contactId: 'renew-1' }],
				})
			).status,
		).toBe('success');
		emulator.faults.add(faultPresets.serverError('sentinel', 503, { times: Infinity }));
		const warnings = jest.spyOn(Container.get(Logger), 'warn');
		const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 56 * 60 * 1000);
		try {
			const result = await runWorkflow(create({ options: { serverErrorRetryInterval: 0 } }), {
				credentialsHelper: helper,
				input: [{ contactId: 'renew-2' }],
			});
			expect(result.jsonOf(LP_NODE)[0]).toMatchObject({ ext_consumer_id: 'renew-2' });
			expect(result.jsonOf(LP_NODE)[0].error).toBeUndefined();
		} finally {
			clock.mockRestore();
		}
		expect(warnings.mock.calls.map(([message]) => message).join('\n')).toMatch(
			/AppJWT renewal failed .*still valid/,
		);
		warnings.mockRestore();
	});

	test('11. the Timeout option bounds the AppJWT mint: a slow Sentinel is given up on and asked again', async () => {
		emulator.faults.add(faultPresets.delay('sentinel', 4000));
		const started = Date.now();
		const [item] = await run(create({ options: { timeout: 1, serverErrorRetryInterval: 0 } }), [
			{ contactId: 'slow-mint' },
		]);
		expect(typeof item.conversationId).toBe('string');
		// Measured, not a benchmark: the first mint's answer would have taken 4 s.
		expect(Date.now() - started).toBeLessThan(3900);
		expect(emulator.requestsTo('sentinel')).toHaveLength(2);
	});

	test('12. a Domain API answer without a service is not cached: the next execution asks again', async () => {
		emulator.setServices({ idp: null });
		const [failed] = await run(create(), [{ contactId: 'partial' }]);
		expect(failed.error).toMatch(/lists no "idp" service/);
		emulator.setServices({ idp: emulator.host });
		const [item] = await run(create(), [{ contactId: 'partial' }]);
		expect(typeof item.conversationId).toBe('string');
		expect(emulator.requestsTo('csds')).toHaveLength(2);
	});

	test.each<[string, (emulator: Emulator) => IDataObject, RegExp]>([
		[
			'a javascript: URL',
			() => ({ csdsHost: 'javascript:alert(1)' }),
			/Domain API \(CSDS\) Host uses the javascript: scheme/,
		],
		[
			'a file: URL',
			() => ({ csdsHost: 'file:///etc/passwd' }),
			/Domain API \(CSDS\) Host uses the file: scheme/,
		],
		[
			'a URL with a space',
			(e) => ({ csdsHost: `${e.baseUrl} /x` }),
			/Domain API \(CSDS\) Host contains a space/,
		],
		[
			'a plain-HTTP port without a scheme',
			(e) => ({ csdsHost: e.host }),
			/Domain API \(CSDS\) Host has a port \(\d+\) but no scheme/,
		],
		[
			'a path on the Domain API host',
			(e) => ({ csdsHost: `${e.baseUrl}/api` }),
			/Domain API \(CSDS\) Host has a path \(\/api\)/,
		],
		[
			'a query on the Domain API host',
			(e) => ({ csdsHost: `${e.baseUrl}?account=1` }),
			/Domain API \(CSDS\) Host has a query or fragment/,
		],
		[
			'an IDP host override with a path',
			(e) => ({ overrideHosts: true, idpHost: `${e.baseUrl}/idp` }),
			/IDP Host has a path/,
		],
	])(
		'13. %s fails at once, naming what is wrong, with nothing sent',
		async (_name, hosts, message) => {
			const started = Date.now();
			const [item] = await run(
				create(),
				[{ contactId: 'hosts' }],
				clientCredential(emulator, hosts(emulator)),
			);
			expect(item.error).toMatch(message);
			expect(item.details).toMatchObject({
				reason: 'invalidCredential',
				conversationCreated: 'no',
			});
			expect(emulator.requests).toHaveLength(0);
			expect(Date.now() - started).toBeLessThan(5000);
		},
	);
});

describe('inputs never silently changed, texts bounded', () => {
	test.each<[string, IDataObject, RegExp]>([
		[
			'a hexadecimal balance',
			{ customerInfo: { balance: '0x1A' } },
			/^Customer Info \(SDE\) › Balance must be a number, not "0x1A"/,
		],
		[
			'a binary login status',
			{ customerInfo: { loginStatus: '0b101' } },
			/^Customer Info \(SDE\) › Login Status must be a number/,
		],
		[
			'an octal company size',
			{ customerInfo: { companySize: '0o17' } },
			/^Customer Info \(SDE\) › Company Size must be a number/,
		],
		[
			'a company size past exact integers',
			{ customerInfo: { companySize: '9007199254740993' } },
			/^Customer Info \(SDE\) › Company Size "9007199254740993" is too large to be sent exactly/,
		],
		[
			'a negative age',
			{ personalInfo: { age: -5 } },
			/^Personal Info \(SDE\) › Age must be between 0 and 150, not -5/,
		],
		[
			'a date with an impossible time',
			{ customerInfo: { registrationDate: '2024-03-01T25:99' } },
			/^Customer Info \(SDE\) › Registration Date "2024-03-01T25:99" is not a date/,
		],
		[
			'a date followed by garbage',
			{ customerInfo: { lastPaymentDate: '2024-03-01 garbage' } },
			/^Customer Info \(SDE\) › Last Payment Date "2024-03-01 garbage" is not a date/,
		],
	])('14/15. %s is refused, not sent as something else', async (_name, parameters, message) => {
		const [item] = await run(create(parameters), [{ contactId: 'numbers' }]);
		expect(item.error).toMatch(message);
		expect(emulator.requestsTo('conversation')).toHaveLength(0);
	});

	test('16. a request pushed over 5,000 characters by JSON escaping is blamed on the message, which grew', async () => {
		const [item] = await run(
			lpWorkflow(
				{
					operation: 'createAndSend',
					consumerId: 'escaping',
					message: '"'.repeat(2600),
					userProfile: { firstName: 'Jane' },
				},
				{ onError: 'continueRegularOutput' },
			),
			[{}],
		);
		expect(item.error).toMatch(
			/^Message brings the request to \d+ characters; LivePerson rejects requests over 5000/,
		);
		expect(emulator.requests).toHaveLength(0);
	});

	test('17. an error about 50,000 unknown SDE keys stays a few hundred characters, with a count of the rest', async () => {
		const info = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`unknown${i}`, 'x']));
		const [item] = await run(create({ sdesJson: '={{ JSON.stringify($json.sdes) }}' }), [
			{ contactId: 'keys', sdes: [{ type: 'ctmrinfo', info }] },
		]);
		expect(item.error!.length).toBeLessThan(400);
		expect(String(item.details?.description).length).toBeLessThan(1600);
		expect(item.error).toMatch(/and 49,990 more/);
	});
});
