/**
 * Items in flight together (Options › Items in Parallel): really in parallel, yet output in input
 * order and paired, one consumer's items in input order, a limit that backs off on 429, and a Stop
 * that starts nothing new.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

import { AdaptiveLimit } from '../nodes/shared/actions/scheduler';
import { decodeJwtPayload, faultPresets, type RecordedRequest } from '../emulator/src';
import { runWorkflow } from './harness';
import { emulatorPerFile } from './support/emulatorPerFile';
import { LP_NODE, clientCredential, lpWorkflow } from './support/workflows';

const emulator = emulatorPerFile();

const create = (concurrency: number) => ({
	operation: 'createWithSdes',
	consumerId: '={{ $json.contactId }}',
	options: { concurrency },
});
const contacts = (tag: string, count: number) =>
	Array.from({ length: count }, (_, i) => ({ contactId: `${tag}-${i}` }));
const consumerOf = (request: RecordedRequest) =>
	decodeJwtPayload(request.headers['x-lp-on-behalf'] ?? '')?.ext_consumer_id;

test('ten items are in flight at once, and the output keeps input order and pairing', async () => {
	// Every create is answered after 2 s: in parallel, all ten arrive before the first answer.
	emulator.faults.add(faultPresets.delay('conversation', 2000, { times: Infinity }));
	const input = contacts('parallel', 10);
	const result = await runWorkflow(lpWorkflow(create(10)), {
		credentials: clientCredential(emulator),
		input,
	});

	expect(result.status).toBe('success');
	const creates = emulator.requestsTo('conversation');
	expect(creates).toHaveLength(10);
	const firstAnswered = Math.min(...creates.map((r) => r.at)) + 2000;
	expect(creates.every((r) => r.at < firstAnswered)).toBe(true);
	const output = result.outputOf(LP_NODE);
	expect(output.map((item) => item.pairedItem)).toEqual(input.map((_, item) => ({ item })));
	expect(output.map((item) => item.json.ext_consumer_id)).toEqual(
		input.map((item) => item.contactId),
	);
});

test('the items of one consumer go one after the other, in input order', async () => {
	const opened = await runWorkflow(lpWorkflow(create(1)), {
		credentials: clientCredential(emulator),
		input: [{ contactId: 'ordered' }],
	});
	const conversationId = opened.jsonOf(LP_NODE)[0].conversationId as string;
	const input = Array.from({ length: 12 }, (_, i) => ({
		contactId: 'ordered',
		text: `message ${i + 1}`,
	}));

	const result = await runWorkflow(
		lpWorkflow({
			operation: 'sendMessage',
			consumerId: '={{ $json.contactId }}',
			conversationId,
			message: '={{ $json.text }}',
			options: { concurrency: 10 },
		}),
		{ credentials: clientCredential(emulator), input },
	);

	expect(result.status).toBe('success');
	const messages = emulator.state.conversation(conversationId)!.messages;
	expect(messages.map((m) => m.event.message)).toEqual(input.map((item) => item.text));
	expect(result.jsonOf(LP_NODE).map((item) => item.sequence)).toEqual(input.map((_, i) => i));
});

test.each([
	['on 10 % of creates (stray 429s)', 0.1, false],
	['on most creates (LivePerson throttling)', 0.6, true],
])(
	'with 429s %s, every item is accounted for and none duplicated; the limit backs off only when throttled',
	async (_name, share, backsOff) => {
		emulator.faults.add(
			faultPresets.tooManyRequests('conversation', { retryAfter: 0, probability: share }),
		);
		const debug = jest.spyOn(Container.get(Logger), 'debug');
		const input = contacts('limited', 200);
		try {
			const result = await runWorkflow(
				lpWorkflow(
					{
						...create(10),
						options: { concurrency: 10, rateLimitRetries: 20, maxRateLimitWait: 600 },
					},
					{ onError: 'continueRegularOutput' },
				),
				{ credentials: clientCredential(emulator), input },
			);

			expect(result.status).toBe('success');
			const output = result.jsonOf(LP_NODE);
			expect(output).toHaveLength(200);
			expect(output.filter((item) => item.error)).toEqual([]);
			const conversations = emulator.state.conversations();
			expect(new Set(conversations.map((c) => c.extConsumerId)).size).toBe(200);
			expect(conversations).toHaveLength(200);
			expect(
				emulator.requestsTo('conversation').filter((r) => r.status === 429).length,
			).toBeGreaterThan(5);
			const changes = debug.mock.calls
				.map(([message]) => String(message))
				.filter((message) => message.includes('items in parallel'));
			const limits = changes.map((message) => Number(/(\d+) items in parallel/.exec(message)?.[1]));
			if (backsOff)
				expect(
					changes.some((message) =>
						/\d+ items in parallel \(was 10\): LivePerson answered 429 to \d+ of the last \d+ requests/.test(
							message,
						),
					),
				).toBe(true);
			// Stray 429s are waited out and retried; they do not throttle the run.
			else expect(limits).toEqual([]);
		} finally {
			debug.mockRestore();
		}
	},
);

test('Stop starts no new item: what was not started is never sent', async () => {
	emulator.faults.add(faultPresets.delay('conversation', 400, { times: Infinity }));
	const stop = new AbortController();
	let stoppedAt = 0;
	emulator.faults.add({
		on: 'conversation',
		action: { type: 'delay', ms: 400 },
		match: (request) => {
			if (consumerOf(request) === 'stop-3' && !stoppedAt) {
				setTimeout(() => {
					stoppedAt = Date.now();
					stop.abort();
				}, 50);
			}
			return false;
		},
	});
	const result = await runWorkflow(lpWorkflow(create(2)), {
		credentials: clientCredential(emulator),
		input: contacts('stop', 30),
		signal: stop.signal,
	});

	expect(result.status).toBe('canceled');
	expect(emulator.requestsTo('conversation').length).toBeLessThan(10);
	expect(emulator.requests.filter((r) => r.at > stoppedAt + 100)).toEqual([]);
});

describe('AdaptiveLimit', () => {
	test('random 429s (one answer in ten) never halve it, over 20,000 answers', () => {
		const changes: string[] = [];
		const limit = new AdaptiveLimit(10, (from, to) => changes.push(`${from}->${to}`));
		let seed = 7;
		const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
		for (let i = 0; i < 20_000; i++) {
			if (random() < 0.1) limit.rateLimited(i * 10);
			else limit.answered();
		}
		expect(changes).toEqual([]);
		expect(limit.current).toBe(10);
	});

	test('throttling (most answers 429) halves it within a few dozen answers, once per burst, and calm grows it back by one per four rounds', () => {
		const changes: string[] = [];
		const limit = new AdaptiveLimit(8, (from, to) => changes.push(`${from}->${to}`));
		for (let i = 0; i < 15; i++) limit.rateLimited(1000 + i);
		expect(limit.current).toBe(8);
		limit.rateLimited(1015);
		expect(limit.current).toBe(4);
		for (let i = 0; i < 10; i++) limit.rateLimited(1500 + i); // the same burst
		expect(limit.current).toBe(4);
		limit.rateLimited(2600);
		expect(limit.current).toBe(2);
		// No growth while more than 8 of the last 40 answers were 429s, then one step per four times the limit.
		for (let i = 0; i < 18; i++) limit.answered();
		expect(limit.current).toBe(2);
		for (let i = 0; i < 200; i++) limit.answered();
		expect(limit.current).toBe(8);
		expect(changes).toEqual(['8->4', '4->2', '2->3', '3->4', '4->5', '5->6', '6->7', '7->8']);
	});
});
