import type { IDataObject } from 'n8n-workflow';

import { faultPresets, startEmulator, type Emulator } from '../emulator/src';
import { HarnessCredentialsHelper, runWorkflow } from './harness';
import { clearNodeCaches } from './support/caches';
import { leakedSecrets, visibleText } from './support/secrets';
import { LP_NODE, clientCredential, lpWorkflow } from './support/workflows';

/** Plays the agents: every conversation is closed as soon as it is created, so a consumer can open the next. */
async function emulatorWithAgentsClosing(options: Parameters<typeof startEmulator>[0] = {}) {
	const emulator: Emulator = await startEmulator({
		...options,
		onRequest: (request) => {
			if (request.endpoint !== 'conversation' || request.status !== 200 || !request.responseBody)
				return;
			const answers = JSON.parse(request.responseBody) as Array<{
				body?: { conversationId?: string };
			}>;
			const conversationId = answers.find((answer) => answer.body?.conversationId)?.body
				?.conversationId;
			if (conversationId) void emulator.agent.closeConversation(conversationId);
		},
	});
	return emulator;
}

const createForConsumer = (extra: object = {}) =>
	lpWorkflow({
		operation: 'createWithSdes',
		consumerId: '={{ $json.contactId }}',
		customerInfo: { ctype: 'vip' },
		...extra,
	});

describe('Client Credentials', () => {
	test("500 items for 50 consumers: 1 host lookup, 1 AppJWT, 50 ConsumerJWSs, 500 conversations, each consumer's in order", async () => {
		const emulator = await emulatorWithAgentsClosing();
		try {
			const input = Array.from({ length: 500 }, (_, i) => ({ contactId: `crm-${i % 50}` }));
			const result = await runWorkflow(createForConsumer(), {
				credentials: clientCredential(emulator),
				input,
			});

			expect(result.status).toBe('success');
			const counts = {
				csds: emulator.requestsTo('csds').length,
				sentinel: emulator.requestsTo('sentinel').length,
				idp: emulator.requestsTo('idp').length,
				conversation: emulator.requestsTo('conversation').length,
			};
			expect(counts).toEqual({ csds: 1, sentinel: 1, idp: 50, conversation: 500 });
			const output = result.outputOf(LP_NODE);
			expect(output.map((item) => item.pairedItem)).toEqual(input.map((_, item) => ({ item })));
			// Items of one consumer go in input order (items of different consumers run side by side).
			const conversations = emulator.state.conversations();
			for (let consumer = 0; consumer < 50; consumer++) {
				const own = input.flatMap((item, i) =>
					item.contactId === `crm-${consumer}` ? [output[i].json.conversationId] : [],
				);
				expect(
					conversations
						.filter((c) => c.extConsumerId === `crm-${consumer}`)
						.map((c) => c.conversationId),
				).toEqual(own);
			}
			expect(new Set(output.map((item) => item.json.conversationId)).size).toBe(500);
			expect(output[7].json).toMatchObject({
				ext_consumer_id: 'crm-7',
				lp_consumer_id: emulator.lpConsumerIdFor('crm-7'),
			});
			// The secret travels in the form body, never in the URL.
			const [mint] = emulator.requestsTo('sentinel');
			expect(mint.query).not.toHaveProperty('client_secret');
			expect(new URLSearchParams(mint.rawBody).get('client_secret')).toBe(emulator.clientSecret);
		} finally {
			await emulator.close();
		}
	});

	test('an AppJWT expiring mid-run is re-minted once, and no create is sent twice', async () => {
		const emulator = await emulatorWithAgentsClosing();
		try {
			emulator.faults.add(faultPresets.expiredToken('conversation', { nth: 8 }));
			const input = Array.from({ length: 20 }, (_, i) => ({ contactId: `expiry-${i}` }));
			const result = await runWorkflow(createForConsumer(), {
				credentials: clientCredential(emulator),
				input,
			});

			expect(result.status).toBe('success');
			// One new AppJWT, however many requests in flight carried the old one (each 401 is resent once).
			expect(emulator.requestsTo('sentinel')).toHaveLength(2);
			const creates = emulator.requestsTo('conversation');
			const refused = creates.filter((r) => r.status === 401).length;
			expect(refused).toBeGreaterThanOrEqual(1);
			expect(creates).toHaveLength(20 + refused);
			expect(creates.filter((r) => r.processed)).toHaveLength(20);
			const perConsumer = new Map<string, number>();
			for (const c of emulator.state.conversations())
				perConsumer.set(c.extConsumerId, (perConsumer.get(c.extConsumerId) ?? 0) + 1);
			expect([...perConsumer.values()].every((count) => count === 1)).toBe(true);
			expect(perConsumer.size).toBe(20);
		} finally {
			await emulator.close();
		}
	});

	test('a second execution reuses the stored AppJWT, and renews it when it is near expiry', async () => {
		const emulator = await emulatorWithAgentsClosing({ appJwtTtlSeconds: 3600 });
		try {
			const helper = await HarnessCredentialsHelper.create(clientCredential(emulator));
			const run = (contactId: string) =>
				runWorkflow(createForConsumer(), { credentialsHelper: helper, input: [{ contactId }] });

			expect((await run('first')).status).toBe('success');
			expect((await run('second')).status).toBe('success');
			expect(emulator.requestsTo('sentinel')).toHaveLength(1);
			const stored = helper.stored('livePersonConnectorApi')!;
			expect(typeof stored.mintedAppJwt).toBe('string');

			// 56 minutes later (for the node and the emulator alike) the stored token has 4 minutes
			// left: the next execution renews it before using it, instead of waiting for a 401.
			const later = Date.now() + 56 * 60 * 1000;
			const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
			try {
				expect((await run('third')).status).toBe('success');
				expect((await run('fourth')).status).toBe('success');
			} finally {
				clock.mockRestore();
			}
			expect(emulator.requestsTo('sentinel')).toHaveLength(2);
			expect(emulator.requestsTo('conversation').map((r) => r.status)).toEqual([
				200, 200, 200, 200,
			]);
			expect(helper.stored('livePersonConnectorApi')!.mintedAppJwt).not.toBe(stored.mintedAppJwt);
		} finally {
			await emulator.close();
		}
	});
});

/** What n8n stored with the credential after one successful execution for `contactId`. */
async function storedAfterOneRun(emulator: Emulator, contactId: string): Promise<IDataObject> {
	const helper = await HarnessCredentialsHelper.create(clientCredential(emulator));
	const result = await runWorkflow(createForConsumer(), {
		credentialsHelper: helper,
		input: [{ contactId }],
	});
	expect(result.status).toBe('success');
	return helper.stored('livePersonConnectorApi')!;
}

test('an AppJWT minted before the secret was changed is not used: the node mints with the new values', async () => {
	const emulator = await startEmulator();
	try {
		const stored = await storedAfterOneRun(emulator, 'before');
		expect(emulator.requestsTo('sentinel')).toHaveLength(1);

		// The same stored token, but the secret was changed (to a wrong one) since it was minted.
		const wrong = await runWorkflow(createForConsumer(), {
			credentials: clientCredential(emulator, {
				mintedAppJwt: stored.mintedAppJwt,
				clientSecret: 'a-wrong-new-secret-000',
			}),
			input: [{ contactId: 'after' }],
		});
		expect(wrong.nodeError(LP_NODE)?.message).toBe(
			'LivePerson refused the Client ID or Client Secret [item 0]',
		);
		expect(emulator.requestsTo('sentinel')).toHaveLength(2);
		expect(emulator.requestsTo('conversation')).toHaveLength(1);
	} finally {
		await emulator.close();
	}
});

test('an AppJWT minted for another client ID is not used, whatever process minted it', async () => {
	const emulator = await startEmulator();
	const other = await startEmulator({ clientId: 'another-installation' });
	try {
		const result = await runWorkflow(createForConsumer(), {
			credentials: clientCredential(emulator, { mintedAppJwt: other.mintAppJwt() }),
			input: [{ contactId: 'other-client' }],
		});
		expect(result.status).toBe('success');
		expect(emulator.requestsTo('sentinel')).toHaveLength(1);
		expect(emulator.requestsTo('conversation').map((r) => r.status)).toEqual([200]);
	} finally {
		await Promise.all([emulator.close(), other.close()]);
	}
});

test('nothing derived from the client secret is stored with the credential (the editor loads it)', async () => {
	const emulator = await startEmulator();
	try {
		const stored = await storedAfterOneRun(emulator, 'stored');
		const given = clientCredential(emulator).livePersonConnectorApi.data as IDataObject;
		const added = Object.fromEntries(Object.entries(stored).filter(([key]) => !(key in given)));
		expect(Object.keys(added).sort()).toEqual(['mintedAppJwt', 'pendingAppJwt']);
		expect(added.pendingAppJwt).toBe('');
		expect(
			emulator.requestsTo('sentinel').map((r) => JSON.parse(r.responseBody!).access_token),
		).toEqual([added.mintedAppJwt]);
	} finally {
		await emulator.close();
	}
});

describe('Client Credentials errors name the cause and show no secret', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startEmulator();
	});
	afterAll(async () => await emulator.close());
	beforeEach(() => emulator.reset());

	beforeEach(() => clearNodeCaches());

	async function failure(data: IDataObject, prepare?: () => void, options: IDataObject = {}) {
		prepare?.();
		const credentials = clientCredential(emulator, data);
		const result = await runWorkflow(createForConsumer({ options }), {
			credentials,
			input: [{ contactId: 'someone' }],
		});
		expect(result.status).toBe('error');
		const error = result.nodeError(LP_NODE) as Error & { description?: string };
		const text = visibleText(result);
		const minted = emulator
			.requestsTo('sentinel')
			.map((r) => JSON.parse(r.responseBody ?? '{}').access_token)
			.filter(Boolean);
		expect(
			leakedSecrets(text, [
				credentials.livePersonConnectorApi.data.clientSecret as string,
				'emulator-client-secret',
				...minted,
			]),
		).toEqual([]);
		expect(emulator.requestsTo('conversation')).toHaveLength(0);
		return error;
	}

	test('a wrong client secret', async () => {
		const error = await failure({ clientSecret: 'wrong-secret-value-123456' });
		expect(error.message).toBe('LivePerson refused the Client ID or Client Secret [item 0]');
		expect(error.description).toMatch(/Connector App Hub/);
		expect(error.description).not.toMatch(/wrong-secret/);
	});

	test('an unknown account', async () => {
		const error = await failure({ accountId: '99999999' });
		expect(error.message).toBe(
			'LivePerson\'s Domain API does not know account "99999999" [item 0]',
		);
		expect(error.description).toMatch(/Account ID/);
	});

	test('a Domain API answer without the service the node needs', async () => {
		const error = await failure({}, () => emulator.setServices({ idp: null }));
		expect(error.message).toBe(
			`LivePerson's Domain API lists no "idp" service for account ${emulator.accountId} [item 0]`,
		);
		expect(error.description).toMatch(/host overrides/);
		emulator.setServices({ idp: emulator.host });
	});

	test('an IDP failure', async () => {
		const error = await failure(
			{},
			() => emulator.faults.add(faultPresets.serverError('idp', 500, { times: Infinity })),
			{ serverErrorRetryInterval: 0 },
		);
		expect(error.message).toBe('LivePerson answered with a server error (HTTP 500) [item 0]');
		expect(error.description).toMatch(
			/The conversation was not created\. No ConsumerJWS was minted\./,
		);
		expect(error.description).toMatch(/retried 3 time\(s\) after server errors/);
		expect(emulator.requestsTo('idp')).toHaveLength(4);
		emulator.faults.clear();
	});

	test('Consumer ID with a Static Tokens credential', async () => {
		const result = await runWorkflow(createForConsumer(), {
			credentials: {
				livePersonConnectorApi: {
					id: 'lp-1',
					name: 'LivePerson account',
					data: {
						authentication: 'staticTokens',
						accountId: emulator.accountId,
						domain: emulator.baseUrl,
						appJwt: emulator.mintAppJwt(),
					},
				},
			},
			input: [{ contactId: 'someone' }],
		});
		expect(result.nodeError(LP_NODE)?.message).toBe(
			'Consumer ID needs a credential in Client Credentials mode, which can mint ConsumerJWSs [item 0]',
		);
		expect(emulator.requests).toHaveLength(0);
	});
});

test('executions that start before n8n has stored an AppJWT share one mint (queue mode: one per worker, not per execution)', async () => {
	clearNodeCaches();
	const emulator = await startEmulator({ seed: 3 });
	try {
		emulator.faults.add(faultPresets.delay('sentinel', 300));
		// Five executions with their own credential stores, none holding a token yet.
		const runs = await Promise.all(
			[1, 2, 3, 4, 5].map(async (n) =>
				runWorkflow(createForConsumer(), {
					credentialsHelper: await HarnessCredentialsHelper.create(clientCredential(emulator)),
					input: [{ contactId: `shared-${n}` }],
				}),
			),
		);
		expect(runs.map((run) => run.status)).toEqual([
			'success',
			'success',
			'success',
			'success',
			'success',
		]);
		expect(emulator.requestsTo('sentinel')).toHaveLength(1);
		// Each execution's credential now holds that token, as n8n stores it.
		expect(
			new Set(
				runs.map((run) => run.credentialsHelper.stored('livePersonConnectorApi')?.mintedAppJwt),
			).size,
		).toBe(1);
	} finally {
		await emulator.close();
	}
});

test('a credential problem is an n8n UserError of level warning, so n8n logs a failed credential test without a stack trace', () => {
	const { LivePersonSetupError } = require('../dist/nodes/shared/errors');
	const { UserError } = require('n8n-workflow');
	const error = new LivePersonSetupError(
		'LivePerson refused the Client ID or Client Secret',
		'Copy them again.',
	);
	expect(error).toBeInstanceOf(UserError);
	expect(error.level).toBe('warning');
	expect(error.description).toBe('Copy them again.');
});
