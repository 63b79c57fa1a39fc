import type { IDataObject } from 'n8n-workflow';

import { decodeJwtPayload, faultPresets, startEmulator } from '../emulator/src';
import { runWorkflow } from '../test/harness';
import { clientCredential, LP_NODE, lpWorkflow } from '../test/support/workflows';

export interface LoadOptions {
	items: number;
	/** Share of CONVERSATION requests answered 429 (Retry-After: 0), at random with a fixed seed. */
	rateLimitShare: number;
	seed?: number;
}

export interface LoadReport {
	items: number;
	outputItems: number;
	succeeded: number;
	failed: number;
	unpaired: number;
	conversations: number;
	consumersWithTwoConversations: number;
	rateLimitedAnswers: number;
	createRequests: number;
	durationMs: number;
	peakRssMb: number;
	peakHeapMb: number;
}

/**
 * One execution of `items` items (each its own consumer) against the emulator with random 429s.
 * Counts what happened to every item; measures, never asserts, time and memory.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
	const emulator = await startEmulator({ seed: options.seed ?? 7 });
	let peakRss = 0;
	let peakHeap = 0;
	const sample = () => {
		const usage = process.memoryUsage();
		peakRss = Math.max(peakRss, usage.rss);
		peakHeap = Math.max(peakHeap, usage.heapUsed);
	};
	const sampler = setInterval(sample, 25);
	try {
		if (options.rateLimitShare > 0) {
			emulator.faults.add(
				faultPresets.tooManyRequests('conversation', {
					retryAfter: 0,
					probability: options.rateLimitShare,
				}),
			);
		}
		const input = Array.from({ length: options.items }, (_, i) => ({ contactId: `load-${i}` }));
		const started = Date.now();
		const result = await runWorkflow(
			lpWorkflow(
				{
					operation: 'createWithSdes',
					consumerId: '={{ $json.contactId }}',
					customerInfo: { ctype: 'vip' },
				},
				{ onError: 'continueRegularOutput' },
			),
			{ credentials: clientCredential(emulator), input, timeoutMs: 30 * 60 * 1000 },
		);
		const durationMs = Date.now() - started;
		sample();
		const output = result.outputOf(LP_NODE);
		const paired = new Set(output.map((item) => (item.pairedItem as { item: number }).item));
		const perConsumer = new Map<string, number>();
		for (const c of emulator.state.conversations())
			perConsumer.set(c.extConsumerId, (perConsumer.get(c.extConsumerId) ?? 0) + 1);
		const creates = emulator.requestsTo('conversation');
		return {
			items: options.items,
			outputItems: output.length,
			succeeded: output.filter(
				(item) => typeof (item.json as IDataObject).conversationId === 'string',
			).length,
			failed: output.filter((item) => (item.json as IDataObject).error !== undefined).length,
			unpaired: options.items - input.filter((_, i) => paired.has(i)).length,
			conversations: emulator.state.conversations().length,
			consumersWithTwoConversations: [...perConsumer.values()].filter((count) => count > 1).length,
			rateLimitedAnswers: creates.filter((r) => r.status === 429).length,
			createRequests: creates.length,
			durationMs,
			peakRssMb: Math.round(peakRss / 1024 / 1024),
			peakHeapMb: Math.round(peakHeap / 1024 / 1024),
		};
	} finally {
		clearInterval(sampler);
		await emulator.close();
	}
}

/** The consumer a recorded request acted for (for checks that read the emulator's log). */
export function consumerOfJws(jws: string | undefined): string | undefined {
	return jws ? (decodeJwtPayload(jws)?.ext_consumer_id as string | undefined) : undefined;
}
