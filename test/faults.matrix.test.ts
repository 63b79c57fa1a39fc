/**
 * The reliability contract, cell by cell: each fault x (Continue On Fail off / regular output /
 * error output) x (one item / six items with the fault on two of them). In every cell: one output
 * item per input item, paired to it; no consumer with two conversations; and what the user is told
 * (created / not created / unknown) matches what the emulator really did.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { decodeJwtPayload, faultPresets, startEmulator, type Emulator, type FaultSpec, type RecordedRequest } from './emulator';
import { runWorkflow } from './harness';
import { clearNodeCaches } from './support/caches';
import { leakedSecrets, visibleText } from './support/secrets';
import { LP_NODE, clientCredential, lpWorkflow } from './support/workflows';

type Expect = 'created' | 'notCreated' | 'unknown';

interface FaultCase {
	name: string;
	fault: (match: (req: RecordedRequest) => boolean) => FaultSpec;
	/** What the faulted item ends as. */
	expect: Expect;
	/** What the error says, for failed items. */
	message?: RegExp;
	options?: IDataObject;
	/** How many CONVERSATION requests the faulted item may cause (1 = never resent). */
	createRequests: number;
}

const FAULTS: FaultCase[] = [
	{
		name: '429 with Retry-After',
		fault: (match) => faultPresets.tooManyRequests('conversation', { retryAfter: 1, match }),
		expect: 'created',
		createRequests: 2,
	},
	{
		name: '429 without Retry-After',
		fault: (match) => faultPresets.tooManyRequests('conversation', { match }),
		expect: 'created',
		createRequests: 2,
	},
	{
		name: '429 beyond the retry limit',
		fault: (match) => faultPresets.tooManyRequests('conversation', { retryAfter: 0, match, times: Infinity }),
		options: { rateLimitRetries: 2 },
		expect: 'notCreated',
		message: /rate-limited the request \(HTTP 429\)/,
		createRequests: 3,
	},
	{
		name: '500',
		fault: (match) => faultPresets.serverError('conversation', 500, { match }),
		expect: 'unknown',
		message: /server error \(HTTP 500\)/,
		createRequests: 1,
	},
	{
		name: '503',
		fault: (match) => faultPresets.serverError('conversation', 503, { match }),
		expect: 'unknown',
		message: /server error \(HTTP 503\)/,
		createRequests: 1,
	},
	{
		name: 'timeout',
		fault: (match) => faultPresets.delay('conversation', 1500, { match }),
		options: { timeout: 1 },
		expect: 'unknown',
		message: /did not answer within 1 s/,
		createRequests: 1,
	},
	{
		name: 'connection dropped before the create was processed',
		fault: (match) => faultPresets.drop('conversation', 'before', { match }),
		expect: 'unknown',
		message: /connection to LivePerson dropped/,
		createRequests: 1,
	},
	{
		name: 'connection dropped after the create was processed',
		fault: (match) => faultPresets.drop('conversation', 'after', { match }),
		expect: 'unknown',
		message: /connection to LivePerson dropped/,
		createRequests: 1,
	},
	{
		name: 'expired AppJWT',
		fault: (match) => faultPresets.expiredToken('conversation', { match }),
		expect: 'created',
		createRequests: 2,
	},
	{
		name: 'HTML page instead of JSON, after processing',
		fault: (match) => faultPresets.htmlPage('conversation', 200, { at: 'after', match }),
		expect: 'unknown',
		message: /answer could not be read/,
		createRequests: 1,
	},
	{
		name: 'answer with an item missing',
		fault: (match) => faultPresets.createAnswerMissingItem({ match }),
		expect: 'unknown',
		message: /answer could not be read/,
		createRequests: 1,
	},
	{
		name: 'answer without reqId',
		fault: (match) => faultPresets.createAnswerWithoutReqId({ match }),
		expect: 'unknown',
		message: /answer could not be read/,
		createRequests: 1,
	},
	{
		name: 'answer without conversationId',
		fault: (match) => faultPresets.createAnswerWithoutConversationId({ match }),
		expect: 'unknown',
		message: /answer could not be read|no conversationId/,
		createRequests: 1,
	},
	{
		name: 'non-OK item under HTTP 200',
		fault: (match) => faultPresets.createAnswerRefusing('2', 'Routing refused', { match }),
		// The emulator did create it; the answer says it did not. The node believes the answer.
		expect: 'notCreated',
		message: /refused cm\.ConsumerRequestConversation/,
		createRequests: 1,
	},
];

const MODES = ['stop', 'continueRegularOutput', 'continueErrorOutput'] as const;
const SIZES = [
	{ name: '1 item', items: 1, faulted: [0] },
	{ name: '6 items, fault on items 2 and 4', items: 6, faulted: [2, 4] },
];

let emulator: Emulator;
const observed: string[] = [];

beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => await emulator.close());

function consumerOf(req: RecordedRequest): string | undefined {
	const jws = req.headers['x-lp-on-behalf'];
	return jws ? (decodeJwtPayload(jws)?.ext_consumer_id as string | undefined) : undefined;
}

describe.each(FAULTS)('$name', (fault) => {
	describe.each(SIZES)('$name', (size) => {
		test.each(MODES)('%s', async (mode) => {
			emulator.reset();
			clearNodeCaches();
			const tag = `${fault.name}|${size.name}|${mode}`.replace(/\W+/g, '-');
			const consumers = Array.from({ length: size.items }, (_, i) => `${tag}-${i}`);
			const faulted = new Set(size.faulted.map((i) => consumers[i]));
			for (const consumer of faulted) emulator.faults.add(fault.fault((req) => consumerOf(req) === consumer));

			const credentials = clientCredential(emulator);
			const result = await runWorkflow(
				lpWorkflow(
					{ operation: 'createWithSdes', consumerId: '={{ $json.contactId }}', options: { serverErrorRetryInterval: 0, ...fault.options } },
					mode === 'stop' ? {} : { onError: mode },
				),
				{ credentials, input: consumers.map((contactId) => ({ contactId })) },
			);

			// No consumer ever has two conversations, and no create is resent beyond what the fault allows.
			const conversationsOf = (consumer: string) => emulator.state.conversations().filter((c) => c.extConsumerId === consumer);
			for (const consumer of consumers) expect(conversationsOf(consumer).length).toBeLessThanOrEqual(1);
			const createsOf = (consumer: string) => emulator.requestsTo('conversation').filter((r) => consumerOf(r) === consumer);
			for (const consumer of faulted) expect(createsOf(consumer).length).toBeLessThanOrEqual(fault.createRequests);

			const firstFaulted = size.faulted[0];
			if (mode === 'stop' && fault.expect !== 'created') {
				// The run stops at the first faulted item, naming it; items before it were created, none after it was tried.
				expect(result.status).toBe('error');
				const error = result.nodeError(LP_NODE)!;
				expect(error.message).toMatch(fault.message!);
				expect(error.message).toMatch(new RegExp(`\\[item ${firstFaulted}\\]$`));
				consumers.slice(0, firstFaulted).forEach((c) => expect(conversationsOf(c)).toHaveLength(1));
				consumers.slice(firstFaulted + 1).forEach((c) => expect(createsOf(c)).toHaveLength(0));
				observed.push(`${fault.name} | ${size.name} | ${mode} | run stopped at item ${firstFaulted}`);
				return;
			}

			expect(result.status).toBe('success');
			const regular = result.outputOf(LP_NODE);
			const errors: INodeExecutionData[] = mode === 'continueErrorOutput' ? result.errorOutputOf(LP_NODE) : [];
			const all = [...regular, ...errors];
			expect(all).toHaveLength(size.items);
			const byItem = new Map(all.map((item) => [(item.pairedItem as { item: number }).item, item]));
			expect([...byItem.keys()].sort((a, b) => a - b)).toEqual(consumers.map((_, i) => i));

			consumers.forEach((consumer, i) => {
				const item = byItem.get(i)!;
				const truth = conversationsOf(consumer).length === 1;
				if (!faulted.has(consumer) || fault.expect === 'created') {
					expect(item.json.conversationId).toBe(conversationsOf(consumer)[0]?.conversationId);
					expect(errors).not.toContain(item);
					return;
				}
				expect(item.json.error).toMatch(fault.message!);
				expect(item.json.error).toMatch(new RegExp(`\\[item ${i}\\]$`));
				if (mode === 'continueErrorOutput') expect(errors).toContain(item);
				const told = (item.json.details as IDataObject).conversationCreated;
				expect(told).toBe(fault.expect === 'notCreated' ? 'no' : 'unknown');
				// "no" must be true; "unknown" is honest either way.
				if (told === 'no' && fault.name !== 'non-OK item under HTTP 200') expect(truth).toBe(false);
			});
			const minted = emulator.requestsTo('sentinel').map((r) => JSON.parse(r.responseBody ?? '{}').access_token);
			const jwss = consumers.map((c) => emulator.mintConsumerJws(c));
			expect(leakedSecrets(visibleText(result), [emulator.clientSecret, ...minted, ...jwss])).toEqual([]);
			observed.push(
				`${fault.name} | ${size.name} | ${mode} | ${consumers.map((c, i) => (faulted.has(c) ? `#${i}:${byItem.get(i)!.json.conversationId ? 'created' : (byItem.get(i)!.json.details as IDataObject).conversationCreated}` : '')).filter(Boolean).join(' ')}`,
			);
		});
	});
});

afterAll(() => {
	if (process.env.PRINT_FAULT_MATRIX) console.log(observed.join('\n'));
});
