import { startEmulator, type Emulator } from '../emulator/src';
import { seedExamples, seedParameters } from './fixtures/seedExamples';
import { runWorkflow } from './harness';
import { LP_NODE, lpWorkflow, receivedBatches, staticCredential } from './support/workflows';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => await emulator.close());
beforeEach(() => emulator.reset());

const jwsFor = (consumer: string) => emulator.mintConsumerJws(consumer);
const withJws = { options: { consumerJws: '={{ $json.consumerJws }}' } };

describe('each operation sends what its LivePerson documentation page shows', () => {
	const cases = Object.keys(seedParameters) as Array<keyof typeof seedParameters>;

	test.each(cases)('%s', async (example) => {
		const credentials = staticCredential(emulator);
		const result = await runWorkflow(lpWorkflow({ ...seedParameters[example], ...withJws }), {
			credentials,
			input: [{ consumerJws: jwsFor(`seed-${example}`) }],
		});

		expect(result.status).toBe('success');
		expect(receivedBatches(emulator)).toEqual([seedExamples(emulator.accountId)[example]]);
		const [sent] = emulator.requestsTo('conversation');
		const ids = (JSON.parse(sent.rawBody) as Array<{ id: string }>).map((request) => request.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(sent.headers.authorization).toBe(credentials.livePersonConnectorApi.data.appJwt);
		expect(sent.headers['x-lp-on-behalf']).toBe(jwsFor(`seed-${example}`));

		const [output] = result.jsonOf(LP_NODE);
		const conversation = emulator.state.conversations()[0];
		expect(output.conversationId).toBe(conversation.conversationId);
		expect(output.livePersonResponses).toEqual(
			JSON.parse(sent.responseBody ?? '[]').map(
				(answer: { reqId: string; code: string; body: object }, index: number) => ({
					type: seedExamples(emulator.accountId)[example][index].type,
					reqId: answer.reqId,
					code: answer.code,
					body: answer.body,
				}),
			),
		);
		if (example === 'createAndSend') expect(output.sequence).toBe(0);
		else expect(output).not.toHaveProperty('sequence');
	});
});

test('the first message can go as a separate SEND right after the create', async () => {
	const result = await runWorkflow(
		lpWorkflow({
			...seedParameters.createAndSend,
			options: { consumerJws: '={{ $json.consumerJws }}', firstMessageDelivery: 'separateSend' },
		}),
		{ credentials: staticCredential(emulator), input: [{ consumerJws: jwsFor('separate') }] },
	);

	expect(result.status).toBe('success');
	const expected = seedExamples(emulator.accountId).createAndSend;
	expect(receivedBatches(emulator)).toEqual([expected.slice(0, 2)]);
	const [send] = emulator.requestsTo('send');
	const [output] = result.jsonOf(LP_NODE);
	expect(JSON.parse(send.rawBody)).toEqual({
		kind: 'req',
		id: '1',
		type: 'ms.PublishEvent',
		body: { dialogId: output.conversationId, event: expected[2].body.event },
	});
	expect(output.sequence).toBe(0);
	expect((output.livePersonResponses as unknown[]).length).toBe(3);
	expect(emulator.state.conversations()[0].messages.map((m) => m.event.message)).toEqual([
		'Hi from Example Happy Flow - Create & Send',
	]);
});

test('many items in one run each get their own conversation, with expressions from their item', async () => {
	const people = ['ana', 'ben', 'chloe', 'dev', 'eve'].map((name, index) => ({
		name,
		tier: index % 2 ? 'gold' : 'vip',
		consumerJws: jwsFor(name),
	}));
	const result = await runWorkflow(
		lpWorkflow(
			{
				operation: 'createAndSend',
				message: '=Hello, this is {{ $json.name }}',
				customerInfo: { ctype: '={{ $json.tier }}' },
				personalInfo: { firstname: '={{ $json.name }}' },
				...withJws,
			},
			{ withConsumerOfOutput: true },
		),
		{ credentials: staticCredential(emulator), input: people },
	);

	expect(result.status).toBe('success');
	const output = result.outputOf(LP_NODE);
	expect(output.map((item) => item.pairedItem)).toEqual(people.map((_, item) => ({ item })));
	const conversations = emulator.state.conversations();
	expect(new Set(output.map((item) => item.json.conversationId)).size).toBe(people.length);
	expect(output.map((item) => item.json.conversationId)).toEqual(
		conversations.map((c) => c.conversationId),
	);
	expect(conversations.map((c) => c.messages[0].event.message)).toEqual(
		people.map((p) => `Hello, this is ${p.name}`),
	);
	expect(receivedBatches(emulator).map((batch) => batch[0].body)).toEqual(
		people.map((p) => ({
			authenticatedData: {
				lp_sdes: [
					{ type: 'ctmrinfo', info: { ctype: p.tier } },
					{ type: 'personal', personal: { firstname: p.name } },
				],
			},
		})),
	);
	expect(result.jsonOf('Use Conversation').map((json) => json.link)).toEqual(
		output.map((item) => `conversation:${item.json.conversationId}`),
	);
});

test("the credential's default ConsumerJWS is used when the item gives none", async () => {
	const result = await runWorkflow(lpWorkflow({ operation: 'createWithSdes' }), {
		credentials: staticCredential(emulator, { consumerJws: jwsFor('default-consumer') }),
	});

	expect(result.status).toBe('success');
	expect(emulator.requestsTo('conversation')[0].headers['x-lp-on-behalf']).toBe(
		jwsFor('default-consumer'),
	);
	expect(result.jsonOf(LP_NODE)[0]).toMatchObject({
		ext_consumer_id: 'default-consumer',
		lp_consumer_id: emulator.lpConsumerIdFor('default-consumer'),
	});
});

test('Client-Properties is sent when automatic messages are enabled', async () => {
	await runWorkflow(
		lpWorkflow({
			operation: 'createAndSend',
			message: 'hi',
			options: {
				consumerJws: '={{ $json.consumerJws }}',
				autoMessages: true,
				firstMessageDelivery: 'separateSend',
			},
		}),
		{ credentials: staticCredential(emulator), input: [{ consumerJws: jwsFor('auto') }] },
	);

	const sent = [...emulator.requestsTo('conversation'), ...emulator.requestsTo('send')];
	expect(sent).toHaveLength(2);
	for (const request of sent) {
		expect(JSON.parse(request.headers['client-properties'])).toEqual({
			type: '.ClientProperties',
			features: ['AUTO_MESSAGES'],
		});
	}
});
