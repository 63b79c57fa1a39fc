/**
 * n8n's own Retry On Fail, as n8n-core's WorkflowExecute implements it: the whole node runs again,
 * with all its items, in the same execution. A retry never sends again what LivePerson processed
 * or may have processed, and never loses a conversation.
 */
import type { IDataObject } from 'n8n-workflow';

import { decodeJwtPayload, faultPresets, type RecordedRequest } from '../emulator/src';
import { runWorkflow } from './harness';
import { emulatorPerFile } from './support/emulatorPerFile';
import { LP_NODE, clientCredential, lpWorkflow } from './support/workflows';

const emulator = emulatorPerFile();

const consumerOf = (request: RecordedRequest) =>
	decodeJwtPayload(request.headers['x-lp-on-behalf'] ?? '')?.ext_consumer_id as string | undefined;
const createsFor = (consumer: string) =>
	emulator.requestsTo('conversation').filter((r) => consumerOf(r) === consumer);
const conversationsOf = (consumer: string) =>
	emulator.state.conversations().filter((c) => c.extConsumerId === consumer);

const retrying = { retryOnFail: { maxTries: 3 } };
/** One item after the other, so "item 3 was never tried" holds; the parallel case is tested below. */
const create = {
	operation: 'createWithSdes',
	consumerId: '={{ $json.contactId }}',
	options: { serverErrorRetryInterval: 0, concurrency: 1 },
};

function threeContacts(tag: string) {
	return ['a', 'b', 'c'].map((letter) => ({ contactId: `${tag}-${letter}` }));
}

describe.each([
	[
		"a 500 on item 2's create (LivePerson did not process it)",
		(match: (r: RecordedRequest) => boolean) =>
			faultPresets.serverError('conversation', 500, { match }),
	],
	[
		"the connection dropped after item 2's create was processed",
		(match: (r: RecordedRequest) => boolean) =>
			faultPresets.drop('conversation', 'after', { match }),
	],
])('3 items, %s, Retry On Fail on', (_name, fault) => {
	test('item 1 is created once and reported; item 2 is never sent again; no consumer has two conversations', async () => {
		const input = threeContacts(_name.includes('500') ? 'retry-500' : 'retry-drop');
		emulator.faults.add(fault((request) => consumerOf(request) === input[1].contactId));

		const result = await runWorkflow(lpWorkflow(create, retrying), {
			credentials: clientCredential(emulator),
			input,
		});

		// n8n ran the node three times; the run ends with item 2's error.
		expect(result.status).toBe('error');
		const error = result.nodeError(LP_NODE) as Error & {
			description?: string;
			context?: IDataObject;
		};
		expect(error.message).toMatch(/\[item 1\]$/);
		expect(error.description).toMatch(/^Not sent again by n8n's Retry On Fail/);
		expect(error.description).toMatch(/may or may not have been created/);
		const [first] = conversationsOf(input[0].contactId);
		expect(error.description).toContain(`item 0 (conversationId ${first.conversationId}`);
		expect(error.context?.processedItems).toEqual([
			{
				item: 0,
				effect: 'yes',
				conversationId: first.conversationId,
				ext_consumer_id: input[0].contactId,
			},
		]);

		expect(createsFor(input[0].contactId)).toHaveLength(1);
		expect(createsFor(input[1].contactId)).toHaveLength(1);
		expect(createsFor(input[2].contactId)).toHaveLength(0);
		for (const { contactId } of input)
			expect(conversationsOf(contactId).length).toBeLessThanOrEqual(1);
		// What LivePerson did with item 2 is what the fault made of it: the node only says "unknown".
		expect(conversationsOf(input[1].contactId)).toHaveLength(_name.includes('500') ? 0 : 1);
	});
});

test('an item proven not processed is sent again on the retry; done items are not', async () => {
	const input = threeContacts('retry-idp');
	// Item 2's ConsumerJWS cannot be minted on the first run (4 server errors: the first try and 3 retries).
	emulator.faults.add(
		faultPresets.serverError('idp', 500, {
			times: 4,
			match: (r) => (r.json as IDataObject | undefined)?.ext_consumer_id === input[1].contactId,
		}),
	);

	const result = await runWorkflow(lpWorkflow(create, retrying), {
		credentials: clientCredential(emulator),
		input,
	});

	expect(result.status).toBe('success');
	const output = result.jsonOf(LP_NODE);
	expect(output.map((item) => item.conversationId)).toEqual(
		input.map(({ contactId }) => conversationsOf(contactId)[0].conversationId),
	);
	expect(result.outputOf(LP_NODE).map((item) => item.pairedItem)).toEqual([
		{ item: 0 },
		{ item: 1 },
		{ item: 2 },
	]);
	for (const { contactId } of input) expect(createsFor(contactId)).toHaveLength(1);
});

test('with Continue On Fail, n8n retries when the first item failed: only that item is sent again', async () => {
	const input = threeContacts('retry-cof');
	emulator.faults.add(
		faultPresets.tooManyRequests('conversation', {
			retryAfter: 0,
			times: 3,
			match: (r) => consumerOf(r) === input[0].contactId,
		}),
	);

	const result = await runWorkflow(
		lpWorkflow(
			{ ...create, options: { ...create.options, rateLimitRetries: 1 } },
			{ ...retrying, onError: 'continueRegularOutput' },
		),
		{ credentials: clientCredential(emulator), input },
	);

	expect(result.status).toBe('success');
	const output = result.jsonOf(LP_NODE);
	expect(output.every((item) => typeof item.conversationId === 'string')).toBe(true);
	expect(createsFor(input[0].contactId).map((r) => r.status)).toEqual([429, 429, 429, 200]);
	expect(createsFor(input[1].contactId)).toHaveLength(1);
	expect(createsFor(input[2].contactId)).toHaveLength(1);
});

test('a new execution is a new attempt: nothing is remembered from an earlier one', async () => {
	const input = [{ contactId: 'retry-new-execution' }];
	emulator.faults.add(faultPresets.serverError('conversation', 500));
	const failed = await runWorkflow(lpWorkflow(create, retrying), {
		credentials: clientCredential(emulator),
		input,
	});
	expect(failed.status).toBe('error');

	const again = await runWorkflow(lpWorkflow(create, retrying), {
		credentials: clientCredential(emulator),
		input,
	});
	expect(again.status).toBe('success');
	expect(createsFor('retry-new-execution')).toHaveLength(2);
});

test('items in parallel: the run still stops at item 2, and item 3, sent meanwhile, is reported and not sent again on the retry', async () => {
	const input = threeContacts('retry-parallel');
	emulator.faults.add(
		faultPresets.serverError('conversation', 500, {
			match: (request) => consumerOf(request) === input[1].contactId,
		}),
	);

	const result = await runWorkflow(
		lpWorkflow({ ...create, options: { ...create.options, concurrency: 3 } }, retrying),
		{
			credentials: clientCredential(emulator),
			input,
		},
	);

	expect(result.status).toBe('error');
	const error = result.nodeError(LP_NODE) as Error & { context?: IDataObject };
	expect(error.message).toMatch(/\[item 1\]$/);
	const [first] = conversationsOf(input[0].contactId);
	const [third] = conversationsOf(input[2].contactId);
	expect(error.context?.processedItems).toEqual([
		{
			item: 0,
			effect: 'yes',
			conversationId: first.conversationId,
			ext_consumer_id: input[0].contactId,
		},
		{
			item: 2,
			effect: 'yes',
			conversationId: third.conversationId,
			ext_consumer_id: input[2].contactId,
		},
	]);
	for (const { contactId } of input) expect(createsFor(contactId)).toHaveLength(1);
});
