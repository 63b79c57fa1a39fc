import { faultPresets, startEmulator, type Emulator } from '../emulator/src';
import { runWorkflow } from './harness';
import { leakedSecrets, visibleText } from './support/secrets';
import { LP_NODE, lpWorkflow, staticCredential } from './support/workflows';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => await emulator.close());
beforeEach(() => emulator.reset());

const withJws = { options: { consumerJws: '={{ $json.consumerJws }}' } };
const jwsFor = (consumer: string) => emulator.mintConsumerJws(consumer);

function secretsOf(credentials: ReturnType<typeof staticCredential>, ...more: string[]) {
	const { appJwt, consumerJws } = credentials.livePersonConnectorApi.data;
	return [appJwt, consumerJws, ...more].filter(Boolean) as string[];
}

describe('a consumer with an open conversation', () => {
	const input = () => [
		{ consumerJws: jwsFor('alice') },
		{ consumerJws: jwsFor('bob') },
		{ consumerJws: jwsFor('alice') },
	];

	test('stops the run with a message naming the item and what to do', async () => {
		const credentials = staticCredential(emulator);
		const items = input();
		const result = await runWorkflow(lpWorkflow({ operation: 'createWithSdes', ...withJws }), {
			credentials,
			input: items,
		});

		expect(result.status).toBe('error');
		const error = result.nodeError(LP_NODE) as Error & { description?: string };
		expect(error.message).toBe(
			'This consumer already has an open conversation in LivePerson [item 2]',
		);
		expect(error.description).toMatch(/Send into the open conversation, or close it first/);
		expect(error.description).toMatch(/already has open conversation/);
		expect(emulator.state.conversations()).toHaveLength(2);
		expect(
			leakedSecrets(
				visibleText(result),
				secretsOf(credentials, ...items.map((i) => i.consumerJws)),
			),
		).toEqual([]);
	});

	test('Continue On Fail (regular output): one item per input item, the failed one paired and explained', async () => {
		const result = await runWorkflow(
			lpWorkflow({ operation: 'createWithSdes', ...withJws }, { onError: 'continueRegularOutput' }),
			{ credentials: staticCredential(emulator), input: input() },
		);

		expect(result.status).toBe('success');
		const output = result.outputOf(LP_NODE);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json.conversationId).toBeDefined();
		expect(output[1].json.conversationId).toBeDefined();
		expect(output[2].json).toEqual({
			error: 'This consumer already has an open conversation in LivePerson [item 2]',
			details: expect.objectContaining({
				conversationCreated: 'no',
				itemIndex: 2,
				httpCode: '400',
			}),
		});
	});

	test('Continue On Fail (error output): the failed item goes to the error output, paired to its input', async () => {
		const items = input();
		const result = await runWorkflow(
			lpWorkflow({ operation: 'createWithSdes', ...withJws }, { onError: 'continueErrorOutput' }),
			{ credentials: staticCredential(emulator), input: items },
		);

		expect(result.status).toBe('success');
		expect(result.outputOf(LP_NODE).map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
		]);
		const errors = result.errorOutputOf(LP_NODE);
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 2 });
		expect(errors[0].json.error).toBe(
			'This consumer already has an open conversation in LivePerson [item 2]',
		);
		// n8n merges the failed item's input into the error item, so a workflow can retry or report it.
		expect(errors[0].json.consumerJws).toBe(items[2].consumerJws);
	});
});

describe('bad input is refused before anything is sent, naming the item, the field and the fix', () => {
	test.each([
		[
			'an empty Campaign ID',
			{
				operation: 'createWithCampaign',
				campaignId: '={{ $json.campaign }}',
				engagementId: '2739121912',
			},
			{ campaign: '  ' },
			'Campaign ID is empty [item 0]',
			/Campaigns/,
		],
		[
			'a balance that is not a number',
			{ operation: 'createWithSdes', customerInfo: { balance: '={{ $json.balance }}' } },
			{ balance: 'lots' },
			'Customer Info (SDE) › Balance must be a number, not "lots" [item 0]',
			/Enter a number/,
		],
		[
			'invalid SDE JSON',
			{ operation: 'createWithSdes', sdesJson: '={{ $json.sdes }}' },
			{ sdes: '[{"type": "ctmrinfo", ' },
			'Additional SDEs (JSON) is not valid JSON [item 0]',
			/JSON array of SDEs/,
		],
		[
			'an unknown gender',
			{ operation: 'createWithSdes', personalInfo: { gender: '={{ $json.gender }}' } },
			{ gender: 'robot' },
			'Personal Info (SDE) › Gender "robot" is not one of LivePerson\'s values [item 0]',
			/MALE, FEMALE, OTHER/,
		],
		[
			'an empty message',
			{ operation: 'createAndSend', message: '={{ $json.text }}' },
			{ text: '   ' },
			'Message is empty [item 0]',
			/Type the message/,
		],
		[
			"a message over LivePerson's 5000-character limit",
			{ operation: 'createAndSend', message: '={{ $json.text }}' },
			{ text: 'x'.repeat(5001) },
			/^Message brings the request to \d+ characters; LivePerson rejects requests over 5000 \[item 0\]$/,
			/Shorten the message/,
		],
		[
			'a ConsumerJWS that is not a JWS',
			{ operation: 'createWithSdes' },
			{ consumerJws: 'not-a-token' },
			'Options › ConsumerJWS is not a ConsumerJWS (a JWS has three dot-separated base64url parts) [item 0]',
			/Consumer ID/,
		],
	])('%s', async (_case, parameters, item, message, fix) => {
		const result = await runWorkflow(
			lpWorkflow(
				{ options: { consumerJws: '={{ $json.consumerJws }}' }, ...parameters },
				{ onError: 'continueRegularOutput' },
			),
			{
				credentials: staticCredential(emulator),
				input: [{ consumerJws: jwsFor('first'), ...item }, { consumerJws: jwsFor('second') }],
			},
		);

		const [failed, next] = result.outputOf(LP_NODE);
		if (typeof message === 'string') expect(failed.json.error).toBe(message);
		else expect(failed.json.error).toMatch(message);
		const details = failed.json.details as Record<string, unknown>;
		expect(details.description).toMatch(fix);
		expect(details.description).toMatch(/Nothing was sent to LivePerson for this item/);
		expect(details.conversationCreated).toBe('no');
		expect(failed.pairedItem).toEqual({ item: 0 });
		// Nothing reached LivePerson for item 0; item 1 still ran (when its own input is complete).
		const consumers = emulator
			.requestsTo('conversation')
			.map((request) => request.headers['x-lp-on-behalf']);
		expect(consumers).not.toContain(jwsFor('first'));
		expect(next.pairedItem).toEqual({ item: 1 });
	});
});

describe('LivePerson refusing the request', () => {
	test('an expired AppJWT names the token and the fix, without showing it', async () => {
		const credentials = staticCredential(emulator, {
			appJwt: emulator.mintAppJwt({ ttlSeconds: -10 }),
		});
		const result = await runWorkflow(lpWorkflow({ operation: 'createWithSdes', ...withJws }), {
			credentials,
			input: [{ consumerJws: jwsFor('carol') }],
		});

		const error = result.nodeError(LP_NODE) as Error & { description?: string; httpCode?: string };
		expect(error.message).toBe(
			'LivePerson rejected the AppJWT: it is invalid or has expired [item 0]',
		);
		expect(error.description).toMatch(/errorCode 40102/);
		expect(error.description).toMatch(/Client Credentials/);
		expect(error.httpCode).toBe('401');
		expect(leakedSecrets(visibleText(result), secretsOf(credentials, jwsFor('carol')))).toEqual([]);
	});

	test('a ConsumerJWS LivePerson does not accept', async () => {
		const forged = jwsFor('dan').replace(/\.[^.]+$/, '.c2lnbmF0dXJl');
		const result = await runWorkflow(lpWorkflow({ operation: 'createWithSdes', ...withJws }), {
			credentials: staticCredential(emulator),
			input: [{ consumerJws: forged }],
		});

		const error = result.nodeError(LP_NODE) as Error & { description?: string };
		expect(error.message).toBe('LivePerson rejected the ConsumerJWS [item 0]');
		expect(error.description).toMatch(/errorCode 40103/);
		expect(visibleText(result)).not.toContain(forged.split('.')[1]);
	});

	test('a non-OK result under HTTP 200 fails the item', async () => {
		emulator.faults.add(faultPresets.createAnswerRefusing('2', 'Routing rejected the skill'));
		const result = await runWorkflow(
			lpWorkflow({ operation: 'createWithSdes', ...withJws }, { onError: 'continueRegularOutput' }),
			{ credentials: staticCredential(emulator), input: [{ consumerJws: jwsFor('erin') }] },
		);

		const [item] = result.jsonOf(LP_NODE);
		expect(item.error).toBe('LivePerson refused cm.ConsumerRequestConversation [item 0]');
		expect((item.details as Record<string, unknown>).description).toMatch(
			/BAD_REQUEST.*Routing rejected the skill/,
		);
	});

	test('a first message refused after the conversation was created: the item fails, keeping the conversationId', async () => {
		emulator.faults.add(faultPresets.createAnswerRefusing('3', 'Message refused'));
		const result = await runWorkflow(
			lpWorkflow(
				{ operation: 'createAndSend', message: 'hello', ...withJws },
				{ onError: 'continueErrorOutput' },
			),
			{ credentials: staticCredential(emulator), input: [{ consumerJws: jwsFor('hana') }] },
		);

		const [item] = result.errorOutputOf(LP_NODE);
		expect(item.json.error).toBe(
			'The conversation was created, but LivePerson refused ms.PublishEvent in the same batch [item 0]',
		);
		const details = item.json.details as Record<string, unknown>;
		expect(details.conversationCreated).toBe('yes');
		expect(details.conversationId).toBe(emulator.state.conversations()[0].conversationId);
	});

	test('an HTML page instead of JSON is reported, not a crash', async () => {
		emulator.faults.add(faultPresets.htmlPage('conversation', 502));
		const result = await runWorkflow(
			lpWorkflow({ operation: 'createWithSdes', ...withJws }, { onError: 'continueRegularOutput' }),
			{ credentials: staticCredential(emulator), input: [{ consumerJws: jwsFor('finn') }] },
		);

		const [item] = result.jsonOf(LP_NODE);
		expect(item.error).toBe('LivePerson answered with a server error (HTTP 502) [item 0]');
		expect((item.details as Record<string, unknown>).conversationCreated).toBe('unknown');
	});

	test('answers are matched by reqId, not by position', async () => {
		emulator.faults.add({
			on: 'conversation',
			action: {
				type: 'rewrite',
				rewrite: (answer) => ({ ...answer, body: [...(answer.body as object[])].reverse() }),
			},
		});
		const result = await runWorkflow(lpWorkflow({ operation: 'createWithSdes', ...withJws }), {
			credentials: staticCredential(emulator),
			input: [{ consumerJws: jwsFor('gus') }],
		});

		const [item] = result.jsonOf(LP_NODE);
		expect(item.conversationId).toBe(emulator.state.conversations()[0].conversationId);
		expect((item.livePersonResponses as Array<{ reqId: string }>).map((r) => r.reqId)).toEqual([
			'1',
			'2',
		]);
	});
});
