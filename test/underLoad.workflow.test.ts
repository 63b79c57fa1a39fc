/**
 * The promises in their concurrent form: many executions at once with n8n's Retry On Fail, a long
 * wait between tries beside short runs, a second writer between an attempt and its retry, and the
 * report of a run stopped while other items were in flight. Each failed before its fix.
 */
import * as path from 'path';

import type { IDataObject } from 'n8n-workflow';

import { decodeJwtPayload, faultPresets, type RecordedRequest } from '../emulator/src';
import { runWorkflow } from './harness';
import { emulatorPerFile } from './support/emulatorPerFile';
import { LP_NODE, clientCredential, lpWorkflow } from './support/workflows';

const emulator = emulatorPerFile();

const consumerOf = (request: RecordedRequest) =>
	decodeJwtPayload(request.headers['x-lp-on-behalf'] ?? '')?.ext_consumer_id as string | undefined;
const conversationsOf = (consumer: string) =>
	emulator.state.conversations().filter((c) => c.extConsumerId === consumer);
const bodyOf = (request: RecordedRequest) => (request.json ?? {}) as IDataObject;
const eventOf = (request: RecordedRequest) =>
	((bodyOf(request).body as IDataObject | undefined)?.event ?? {}) as IDataObject;

/** The Retry On Fail memory of the very modules the harness loaded the node from. */
function retryMemorySize(): { runs: number; items: number } {
	const memory = path.join(__dirname, '..', 'dist', 'nodes', 'shared', 'actions', 'retryMemory');
	return require(memory).retryMemorySize();
}

async function openConversation(consumer: string): Promise<string> {
	const result = await runWorkflow(
		lpWorkflow({ operation: 'createWithSdes', consumerId: '={{ $json.contactId }}' }),
		{ credentials: clientCredential(emulator), input: [{ contactId: consumer }] },
	);
	expect(result.status).toBe('success');
	return result.jsonOf(LP_NODE)[0].conversationId as string;
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

const sendTwo = {
	operation: 'sendMessage',
	consumerId: '={{ $json.contactId }}',
	conversationId: '={{ $json.conversationId }}',
	message: '={{ $json.text }}',
	// One at a time within an execution, and a 429 fails the item at once: n8n's retry must take over.
	options: { concurrency: 1, rateLimitRetries: 0 },
};

describe("n8n's Retry On Fail with many executions at once", () => {
	test('25 executions, each with two messages and one 429 on the second: every message reaches the customer once', async () => {
		const contacts = Array.from({ length: 25 }, (_, i) => `load-retry-${i}`);
		const conversations = await Promise.all(contacts.map(openConversation));
		// One 429 per execution: on its first try of the second message.
		const refused = new Set<string>();
		emulator.faults.add(
			faultPresets.tooManyRequests('send', {
				retryAfter: 0,
				times: Infinity,
				match: (r) => {
					const consumer = consumerOf(r) ?? '';
					if (eventOf(r).message !== 'second' || refused.has(consumer)) return false;
					refused.add(consumer);
					return true;
				},
			}),
		);

		const results = await Promise.all(
			contacts.map((contactId, i) =>
				runWorkflow(lpWorkflow(sendTwo, { retryOnFail: { maxTries: 3, waitBetweenTries: 200 } }), {
					credentials: clientCredential(emulator),
					input: ['first', 'second'].map((text) => ({
						contactId,
						conversationId: conversations[i],
						text,
					})),
				}),
			),
		);

		for (const [i, result] of results.entries()) {
			expect(result.status).toBe('success');
			expect(result.jsonOf(LP_NODE).map((item) => item.sequence)).toEqual([0, 1]);
			const [conversation] = conversationsOf(contacts[i]);
			expect(conversation.messages.map((m) => m.event.message)).toEqual(['first', 'second']);
		}
		const sends = emulator.requestsTo('send');
		// Per execution: "first" once, "second" twice (the 429, then the retry).
		expect(sends.filter((r) => eventOf(r).message === 'first')).toHaveLength(25);
		expect(sends.filter((r) => eventOf(r).message === 'second')).toHaveLength(50);
		expect(retryMemorySize()).toEqual({ runs: 0, items: 0 });
	});

	test('a long wait between tries beside 21 short runs: the waiting execution still sends nothing twice', async () => {
		const [waiting, ...short] = Array.from({ length: 22 }, (_, i) => `long-wait-${i}`);
		const conversation = await openConversation(waiting);
		emulator.faults.add(
			faultPresets.tooManyRequests('send', {
				retryAfter: 0,
				match: (r) => consumerOf(r) === waiting && eventOf(r).message === 'second',
			}),
		);

		const slow = runWorkflow(
			lpWorkflow(sendTwo, { retryOnFail: { maxTries: 2, waitBetweenTries: 4000 } }),
			{
				credentials: clientCredential(emulator),
				input: ['first', 'second'].map((text) => ({
					contactId: waiting,
					conversationId: conversation,
					text,
				})),
			},
		);
		// Its first attempt has failed on the second message: it now waits 4 s before its retry.
		await until(
			() => emulator.requestsTo('send').some((r) => r.status === 429),
			'the first attempt to fail',
		);
		const quick = await Promise.all(
			short.map((contactId) =>
				runWorkflow(
					lpWorkflow(
						{ operation: 'createWithSdes', consumerId: '={{ $json.contactId }}' },
						{ retryOnFail: { maxTries: 3 } },
					),
					{ credentials: clientCredential(emulator), input: [{ contactId }] },
				),
			),
		);
		expect(quick.every((result) => result.status === 'success')).toBe(true);
		const result = await slow;

		expect(result.status).toBe('success');
		const [open] = conversationsOf(waiting);
		expect(open.messages.map((m) => m.event.message)).toEqual(['first', 'second']);
		expect(retryMemorySize()).toEqual({ runs: 0, items: 0 });
	}, 30_000);

	test('finished runs leave nothing in the memory, however many items they had', async () => {
		for (let run = 0; run < 3; run++) {
			const input = Array.from({ length: 150 }, (_, i) => ({ contactId: `finished-${run}-${i}` }));
			const result = await runWorkflow(
				lpWorkflow(
					{ operation: 'createWithSdes', consumerId: '={{ $json.contactId }}' },
					{ retryOnFail: { maxTries: 3 } },
				),
				{ credentials: clientCredential(emulator), input },
			);
			expect(result.status).toBe('success');
		}
		expect(retryMemorySize()).toEqual({ runs: 0, items: 0 });
	}, 60_000);
});

describe('a run stopped while other items were in flight', () => {
	test('the error names every item that did or may have done something, with its effect and conversationId', async () => {
		const [refused, created, uncertain, clean] = ['stop-0', 'stop-1', 'stop-2', 'stop-3'];
		await openConversation(refused); // so its create is refused: it already has one open
		// Item 1: its conversation is created, but the separate first message fails with a 500.
		emulator.faults.add(
			faultPresets.serverError('send', 500, { match: (r) => consumerOf(r) === created }),
		);
		// Item 2: its create is processed, the answer is lost.
		emulator.faults.add(
			faultPresets.drop('conversation', 'after', { match: (r) => consumerOf(r) === uncertain }),
		);
		// Everything waits a little, so all four are in flight when item 0's refusal comes back.
		emulator.faults.add({
			on: 'conversation',
			times: Infinity,
			action: { type: 'delay', ms: 150 },
		});

		const result = await runWorkflow(
			lpWorkflow({
				operation: 'createAndSend',
				consumerId: '={{ $json.contactId }}',
				message: 'Hello',
				options: { firstMessageDelivery: 'separateSend', concurrency: 4 },
			}),
			{
				credentials: clientCredential(emulator),
				input: [refused, created, uncertain, clean].map((contactId) => ({ contactId })),
			},
		);

		expect(result.status).toBe('error');
		const error = result.nodeError(LP_NODE) as Error & {
			description?: string;
			context?: IDataObject;
		};
		expect(error.message).toMatch(/\[item 0\]$/);
		const [createdConversation] = conversationsOf(created);
		const [cleanConversation] = conversationsOf(clean);
		expect(error.context?.processedItems).toEqual([
			{
				item: 1,
				effect: 'yes',
				conversationId: createdConversation.conversationId,
				ext_consumer_id: created,
			},
			{ item: 2, effect: 'unknown', ext_consumer_id: uncertain },
			{
				item: 3,
				effect: 'yes',
				conversationId: cleanConversation.conversationId,
				ext_consumer_id: clean,
			},
		]);
		expect(error.description).toContain(
			`item 1 (conversationId ${createdConversation.conversationId}`,
		);
		expect(error.description).toContain('item 2 (may have been processed');
	});
});

describe('a repeat never undoes a newer write', () => {
	test('a profile update whose answer was lost is not sent again after another execution updated the profile', async () => {
		const consumer = 'second-writer-profile';
		await openConversation(consumer);
		const profile = (firstName: string) => ({
			operation: 'updateProfile',
			consumerId: '={{ $json.contactId }}',
			userProfile: { firstName },
			options: { serverErrorRetryInterval: 0 },
		});
		// The old write is applied, its answer lost.
		emulator.faults.add(
			faultPresets.drop('send', 'after', {
				match: (r) =>
					consumerOf(r) === consumer &&
					(bodyOf(r).body as IDataObject | undefined)?.firstName === 'Old Name',
			}),
		);

		const old = runWorkflow(
			lpWorkflow(profile('Old Name'), {
				onError: 'continueRegularOutput',
				retryOnFail: { maxTries: 3, waitBetweenTries: 1500 },
			}),
			{ credentials: clientCredential(emulator), input: [{ contactId: consumer }] },
		);
		await until(
			() => emulator.requestsTo('send').some((r) => r.fault !== undefined),
			'the lost answer',
		);
		const newer = await runWorkflow(lpWorkflow(profile('New Name')), {
			credentials: clientCredential(emulator),
			input: [{ contactId: consumer }],
		});
		expect(newer.status).toBe('success');
		const [item] = (await old).jsonOf(LP_NODE) as Array<{ details?: IDataObject }>;

		expect(item.details).toMatchObject({ profileUpdated: 'unknown' });
		expect(conversationsOf(consumer)[0].profile).toMatchObject({ firstName: 'New Name' });
		const olds = emulator
			.requestsTo('send')
			.filter((r) => (bodyOf(r).body as IDataObject | undefined)?.firstName === 'Old Name');
		expect(olds).toHaveLength(1);
	}, 20_000);

	test('a COMPOSING answered 502 after it arrived is not repeated after a newer PAUSE', async () => {
		const consumer = 'second-writer-typing';
		const conversationId = await openConversation(consumer);
		const typing = (chatState: string) => ({
			operation: 'sendTyping',
			consumerId: '={{ $json.contactId }}',
			conversationId,
			chatState,
			options: { serverErrorRetryInterval: 0 },
		});
		emulator.faults.add({
			on: 'send',
			match: (r) => eventOf(r).chatState === 'COMPOSING',
			action: { type: 'raw', status: 502, body: 'Bad Gateway', when: 'after' },
		});

		const composing = runWorkflow(
			lpWorkflow(typing('COMPOSING'), {
				onError: 'continueRegularOutput',
				retryOnFail: { maxTries: 3, waitBetweenTries: 1500 },
			}),
			{ credentials: clientCredential(emulator), input: [{ contactId: consumer }] },
		);
		await until(() => emulator.requestsTo('send').some((r) => r.status === 502), 'the 502');
		const pause = await runWorkflow(lpWorkflow(typing('PAUSE')), {
			credentials: clientCredential(emulator),
			input: [{ contactId: consumer }],
		});
		expect(pause.status).toBe('success');
		const [item] = (await composing).jsonOf(LP_NODE) as Array<{ details?: IDataObject }>;

		expect(item.details).toMatchObject({ chatStateSent: 'unknown' });
		const states = conversationsOf(consumer)[0]
			.events.filter((e) => e.event.type === 'ChatStateEvent')
			.map((e) => e.event.chatState);
		expect(states).toEqual(['COMPOSING', 'PAUSE']);
	}, 20_000);

	test('a Close LivePerson applied but answered after the Timeout is reported closed, never "closed before"', async () => {
		const consumer = 'late-close';
		const conversationId = await openConversation(consumer);
		emulator.faults.add(faultPresets.delay('send', 1500));

		const result = await runWorkflow(
			lpWorkflow({
				operation: 'close',
				consumerId: '={{ $json.contactId }}',
				conversationId,
				options: { timeout: 1, serverErrorRetryInterval: 0 },
			}),
			{ credentials: clientCredential(emulator), input: [{ contactId: consumer }] },
		);

		expect(result.status).toBe('success');
		const [output] = result.jsonOf(LP_NODE);
		expect(output).toMatchObject({ conversationId, closed: true });
		expect(output).not.toHaveProperty('alreadyClosed');
		expect(conversationsOf(consumer)[0].state).toBe('CLOSE');
	});

	test('a Close retried by n8n after an uncertain first attempt does not claim the conversation was closed before', async () => {
		const consumer = 'late-close-retry';
		const conversationId = await openConversation(consumer);
		// Applied, answer lost; the node's own retries are used up, so n8n's Retry On Fail repeats it.
		emulator.faults.add(
			faultPresets.drop('send', 'after', { times: 4, match: (r) => consumerOf(r) === consumer }),
		);

		const result = await runWorkflow(
			lpWorkflow(
				{
					operation: 'close',
					consumerId: '={{ $json.contactId }}',
					conversationId,
					options: { serverErrorRetryInterval: 0 },
				},
				{ retryOnFail: { maxTries: 2 } },
			),
			{ credentials: clientCredential(emulator), input: [{ contactId: consumer }] },
		);

		expect(result.status).toBe('success');
		expect(result.jsonOf(LP_NODE)[0]).not.toHaveProperty('alreadyClosed');
	});
});
