/**
 * What a second adversarial run found, each finding as an engine test against the emulator:
 * identity (who an item acts as), outcomes and messages, and the run-wide setup. Every test here
 * failed before its fix. (Retry On Fail under load, the stop report and late repeats are in
 * underLoad.workflow.test.ts.)
 */
import type { IDataObject } from 'n8n-workflow';

import { faultPresets, startEmulator, type RecordedRequest } from '../emulator/src';
import { runWorkflow, type CredentialsInput } from './harness';
import { emulatorPerFile } from './support/emulatorPerFile';
import { LP_NODE, clientCredential, lpWorkflow } from './support/workflows';

const emulator = emulatorPerFile();

type Item = IDataObject & { error?: string; details?: IDataObject };

const conversationsOf = (consumer: string) =>
	emulator.state.conversations().filter((c) => c.extConsumerId === consumer);
const eventOf = (request: RecordedRequest) =>
	(((request.json ?? {}) as IDataObject).body as IDataObject | undefined)?.event as
		IDataObject | undefined;

async function run(
	parameters: IDataObject,
	input: IDataObject[],
	credentials: CredentialsInput = clientCredential(emulator),
): Promise<Item[]> {
	const result = await runWorkflow(lpWorkflow(parameters, { onError: 'continueRegularOutput' }), {
		credentials,
		input,
	});
	expect(result.status).toBe('success');
	return result.jsonOf(LP_NODE) as Item[];
}

async function openConversation(consumer: string): Promise<string> {
	const [item] = await run({ operation: 'createWithSdes', consumerId: consumer }, [{}]);
	return item.conversationId as string;
}

const send = (extra: IDataObject = {}) => ({
	operation: 'sendMessage',
	consumerId: '={{ $json.contactId }}',
	conversationId: '={{ $json.conversationId }}',
	message: '={{ $json.text }}',
	...extra,
});

describe('identity', () => {
	test('4. a consumer named by Consumer ID on one item and by ConsumerJWS on the next keeps its order', async () => {
		const conversationId = await openConversation('dual');
		// The first message is slow to arrive: run in parallel, the second would overtake it.
		emulator.faults.add(
			faultPresets.delay('send', 400, { match: (r) => eventOf(r)?.message === 'one' }),
		);
		const items = await run(
			send({ options: { consumerJws: '={{ $json.consumerJws }}', concurrency: 10 } }),
			[
				{ contactId: 'dual', conversationId, text: 'one' },
				{ consumerJws: emulator.mintConsumerJws('dual'), conversationId, text: 'two' },
			],
		);

		expect(items.map((item) => item.error)).toEqual([undefined, undefined]);
		expect(conversationsOf('dual')[0].messages.map((m) => m.event.message)).toEqual(['one', 'two']);
	});

	test('5. a ConsumerJWS the IDP mints for someone else is refused, never cached or used', async () => {
		const bobs = emulator.mintConsumerJws('bob-7');
		emulator.faults.add({
			on: 'idp',
			match: (r) => (r.json as IDataObject | undefined)?.ext_consumer_id === 'alice-12',
			action: { type: 'rewrite', rewrite: (answer) => ({ ...answer, body: { token: bobs } }) },
		});
		const [first] = await run({ operation: 'createWithSdes', consumerId: 'alice-12' }, [{}]);

		expect(first.details).toMatchObject({ reason: 'consumerMismatch', conversationCreated: 'no' });
		expect(first.error).toContain('alice-12');
		expect(emulator.requestsTo('conversation')).toHaveLength(0);
		// Not cached: the next run mints again, gets Alice's own token, and opens Alice's conversation.
		const [second] = await run({ operation: 'createWithSdes', consumerId: 'alice-12' }, [{}]);
		expect(second).toMatchObject({ ext_consumer_id: 'alice-12' });
		expect(emulator.requestsTo('idp')).toHaveLength(2);
		expect(conversationsOf('bob-7')).toHaveLength(0);
	});

	test('6. an e-mail address as Consumer ID is reported as it is, not redacted', async () => {
		const email = 'anna@marketing.bigcompany.de';
		await openConversation(email);
		const [refused] = await run({ operation: 'createWithSdes', consumerId: email }, [{}]);
		expect(refused.details).toMatchObject({
			reason: 'consumerHasOpenConversation',
			ext_consumer_id: email,
		});

		emulator.faults.add(faultPresets.serverError('idp', 400));
		const [unminted] = await run(
			{ operation: 'createWithSdes', consumerId: 'bob@sales.bigcompany.de' },
			[{}],
		);
		expect(unminted.error).toContain('bob@sales.bigcompany.de');
	});
});

describe('outcomes and messages', () => {
	test('7. Stop during a 429 wait, nothing in flight: the item is cancelled, not done', async () => {
		emulator.faults.add(faultPresets.tooManyRequests('conversation', { retryAfter: 30 }));
		const result = await runWorkflow(
			lpWorkflow({ operation: 'createWithSdes', consumerId: 'stopped' }),
			{ credentials: clientCredential(emulator), cancelAfterMs: 1500 },
		);
		const error = result.nodeError(LP_NODE) as Error & { context?: IDataObject };
		expect(error.message).toBe('The execution was stopped [item 0]');
		expect(error.context).toMatchObject({ reason: 'cancelled', effect: 'no' });
	});

	test('8. an Event (JSON) nested 20,000 levels deep is bad input, not a crash', async () => {
		const conversationId = await openConversation('deep');
		const deep = '{"type":"ContentEvent","a":' + '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_001);
		const [item] = await run(send({ options: { event: '={{ $json.event }}' } }), [
			{ contactId: 'deep', conversationId, event: deep },
		]);
		expect(item.details).toMatchObject({ reason: 'invalidInput', messageSent: 'no' });
		expect(item.details?.field).toBe('Options › Event (JSON)');
		expect(emulator.requestsTo('send')).toHaveLength(0);
	});

	test.each([
		[2.5, 2],
		[0, 1],
		[-3, 1],
	])(
		'9. Items in Parallel of %s runs at most %s at once, never the default',
		async (given, most) => {
			const slow = await startEmulator({ latencyMs: 150 });
			try {
				const result = await runWorkflow(
					lpWorkflow({
						operation: 'createWithSdes',
						consumerId: '={{ $json.contactId }}',
						options: { concurrency: `={{ ${given} }}` },
					}),
					{
						credentials: clientCredential(slow),
						input: Array.from({ length: 6 }, (_, i) => ({ contactId: `parallel-${i}` })),
					},
				);
				expect(result.status).toBe('success');
				expect(slow.requestsTo('conversation')).toHaveLength(6);
				// Each item mints its ConsumerJWS, then creates: at most `most` requests wait at once.
				expect(slow.stats().maxInFlight).toBeLessThanOrEqual(most);
			} finally {
				await slow.close();
			}
		},
	);

	test.each<[string, IDataObject, IDataObject, string]>([
		[
			'1,500 sequences in Mark as Read',
			{ operation: 'markAsRead', sequences: '={{ $json.list }}' },
			{ list: Array.from({ length: 1500 }, (_, i) => i) },
			'Sequences',
		],
		[
			'a 6,000-character Event (JSON)',
			{ operation: 'sendMessage', options: { event: '={{ $json.event }}' } },
			{
				event: JSON.stringify({
					type: 'ContentEvent',
					contentType: 'text/plain',
					message: 'x'.repeat(6000),
				}),
			},
			'Options › Event (JSON)',
		],
		[
			'a 6,000-character Conversation ID in Close',
			{ operation: 'close', conversationId: '={{ $json.longId }}' },
			{ longId: 'c'.repeat(6000) },
			'Conversation ID',
		],
	])(
		'10. the size error names the part that is too large: %s',
		async (_name, parameters, input, field) => {
			const items = await run(
				{ consumerId: 'sizes', conversationId: 'c', message: 'Hi', ...parameters },
				[input],
			);
			expect(items[0].details).toMatchObject({ reason: 'invalidInput', field });
			expect(items[0].error).toMatch(
				new RegExp(`^${field.replace(/[()]/g, '\\$&')} brings the request to \\d+ characters`),
			);
			expect(emulator.requests).toHaveLength(0);
		},
	);

	test.each(['{}', '{ }', '{\n}', '  {  }  '])(
		'11. an empty Event (JSON) %j means "no event": the Message is sent',
		async (event) => {
			const conversationId = await openConversation('empty-event');
			const [item] = await run(send({ options: { event } }), [
				{ contactId: 'empty-event', conversationId, text: 'Plain text' },
			]);
			expect(item.error).toBeUndefined();
			expect(conversationsOf('empty-event')[0].messages.at(-1)?.event.message).toBe('Plain text');
		},
	);

	test('12. a Domain API answering 503 to everything is asked once per run (with its retries), not per item', async () => {
		emulator.faults.add(faultPresets.serverError('csds', 503, { times: Infinity }));
		const items = await run(
			{
				operation: 'createWithSdes',
				consumerId: '={{ $json.contactId }}',
				options: { serverErrorRetryInterval: 0 },
			},
			Array.from({ length: 40 }, (_, i) => ({ contactId: `down-${i}` })),
		);
		expect(items.every((item) => item.details?.reason === 'invalidCredential')).toBe(true);
		expect(items.every((item) => item.details?.conversationCreated === 'no')).toBe(true);
		// The first lookup and LivePerson's three retries; then every item fails at once.
		expect(emulator.requestsTo('csds')).toHaveLength(4);
	});

	test('13. five executions starting together for one new consumer mint one ConsumerJWS', async () => {
		emulator.faults.add(faultPresets.delay('idp', 300));
		const results = await Promise.all(
			Array.from({ length: 5 }, () =>
				runWorkflow(
					lpWorkflow(
						{ operation: 'updateProfile', consumerId: 'together', userProfile: { firstName: 'A' } },
						{ onError: 'continueRegularOutput' },
					),
					{ credentials: clientCredential(emulator) },
				),
			),
		);
		expect(results.map((r) => r.status)).toEqual(Array(5).fill('success'));
		expect(emulator.requestsTo('idp')).toHaveLength(1);
	});

	test('14. a 7,000-character Consumer ID is refused before a consumer is registered for it', async () => {
		const [item] = await run({ operation: 'createWithSdes', consumerId: 'x'.repeat(7000) }, [{}]);
		expect(item.details).toMatchObject({ reason: 'invalidInput', field: 'Consumer ID' });
		expect(emulator.requestsTo('idp')).toHaveLength(0);
		expect(emulator.state.consumers()).toHaveLength(0);
	});

	test('15. Mark as Read takes a list of padded numbers, as `.split(",")` gives it', async () => {
		const conversationId = await openConversation('padded');
		const [item] = await run(
			{
				operation: 'markAsRead',
				consumerId: 'padded',
				conversationId,
				sequences: '={{ $json.csv.split(",") }}',
			},
			[{ csv: ' 7 , 8' }],
		);
		expect(item).toMatchObject({ sequences: [7, 8] });
	});

	test('16. a re-minted AppJWT refused too tells a Client Credentials user what to check, not to switch modes', async () => {
		const refusal = {
			kind: 'resp',
			code: 401,
			body: {
				title: 'Invalid AppJWT',
				details: 'AppJWT has expired or is invalid',
				errorCode: 40102,
			},
			type: '.ReqBody$ErrorResp',
		};
		emulator.faults.add({
			on: 'conversation',
			times: 2,
			action: { type: 'status', status: 401, body: refusal },
		});
		const [item] = await run({ operation: 'createWithSdes', consumerId: 'refused-twice' }, [{}]);
		expect(item.details).toMatchObject({ reason: 'unauthorized', conversationCreated: 'no' });
		expect(`${item.error} ${item.details?.description}`).not.toMatch(/switch the credential/i);
		expect(item.details?.description).toMatch(/Account ID/);
		expect(emulator.requestsTo('sentinel')).toHaveLength(2);
	});
});

describe('the credential', () => {
	test('18. a credential n8n cannot load is invalidCredential with nothing sent, not "may have been created"', async () => {
		const result = await runWorkflow(
			lpWorkflow(
				{ operation: 'createWithSdes', consumerId: 'no-credential' },
				{ onError: 'continueRegularOutput' },
			),
			{ credentials: {} },
		);
		expect(result.status).toBe('success');
		const [item] = result.jsonOf(LP_NODE) as Item[];
		expect(item.details).toMatchObject({ reason: 'invalidCredential', conversationCreated: 'no' });
		expect(item.error).toMatch(/credential could not be loaded/);
		expect(emulator.requests).toHaveLength(0);
	});

	test.each(['/', '///'])('a host ending in %j is the host: one slash or many', async (slashes) => {
		const [item] = await run(
			{ operation: 'createWithSdes', consumerId: `slashes-${slashes.length}` },
			[{}],
			clientCredential(emulator, { csdsHost: `${emulator.baseUrl}${slashes}` }),
		);
		expect(item.error).toBeUndefined();
	});
});
