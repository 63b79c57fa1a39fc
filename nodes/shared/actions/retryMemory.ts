import type { IBinaryKeyData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ItemError } from './nodeErrors';

/**
 * n8n's Retry On Fail re-runs the whole node, with all its items, in the same execution (also when
 * the first output item is an error item under Continue On Fail). What an earlier attempt of this
 * very node run did is remembered here, so a retry never sends again what LivePerson processed or
 * may have processed: a done item gives its output again, an uncertain one its error again.
 * A new execution is a new attempt and remembers nothing.
 *
 * An entry lives exactly as long as its node run can still be retried, whatever else runs in the
 * process: it is dropped when an attempt ends that n8n will not retry (it succeeded, or it was the
 * last try), and otherwise once the longest wait n8n allows before the next try (plus a margin) has
 * passed without one (the execution was stopped). So the memory holds the items of node runs
 * that are between tries, and nothing else.
 */
export type Remembered =
	| { kind: 'done'; json: IDataObject; binary?: IBinaryKeyData }
	| { kind: 'uncertain'; error: ItemError };

/** How an attempt of the node ended, as n8n's engine reads it to decide on a retry. */
export type AttemptEnd = 'succeeded' | 'failed';

export interface RunMemory {
	recall(index: number): Remembered | undefined;
	remember(index: number, what: Remembered): void;
	/** The attempt is over: forget the run unless n8n will try it again. */
	end(how: AttemptEnd): void;
}

interface Entry {
	items: Map<number, Remembered>;
	attempts: number;
	maxTries: number;
	/** While between tries: when the next try would have started at the latest. */
	idleUntil?: number;
}

/** Beyond n8n's own wait between tries: event-loop lag on a busy process, never a run's length. */
const GRACE_MS = 60_000;

const runs = new Map<string, Entry>();

/** n8n's own bounds on Retry On Fail (WorkflowExecute.getRetryParams): 2-5 tries, 0-5 s apart. */
function retryParams(node: { maxTries?: number; waitBetweenTries?: number }) {
	return {
		maxTries: Math.min(5, Math.max(2, node.maxTries || 3)),
		waitMs: Math.min(5000, Math.max(0, node.waitBetweenTries || 1000)),
	};
}

function forgetIdle(now: number): void {
	for (const [key, entry] of runs)
		if (entry.idleUntil !== undefined && entry.idleUntil < now) runs.delete(key);
}

const NONE: RunMemory = {
	recall: () => undefined,
	remember: () => undefined,
	end: () => undefined,
};

/** The memory of this node run, or one that keeps nothing when the node has no Retry On Fail. */
export function memoryOf(ctx: IExecuteFunctions): RunMemory {
	const node = ctx.getNode();
	const executionId = ctx.getExecutionId();
	if (node.retryOnFail !== true || !executionId) return NONE;
	const now = Date.now();
	forgetIdle(now);
	const { maxTries, waitMs } = retryParams(node);
	const runIndex = ctx.getWorkflowDataProxy(0).$runIndex;
	const key = [executionId, ctx.getWorkflow().id ?? '', node.name, runIndex].join('\u0000');
	let entry = runs.get(key);
	if (!entry) {
		entry = { items: new Map(), attempts: 0, maxTries };
		runs.set(key, entry);
	}
	entry.attempts++;
	entry.idleUntil = undefined;
	const run = entry;
	return {
		recall: (index) => run.items.get(index),
		remember: (index, what) => void run.items.set(index, what),
		end(how) {
			if (how === 'succeeded' || run.attempts >= run.maxTries) runs.delete(key);
			else run.idleUntil = Date.now() + waitMs + GRACE_MS;
		},
	};
}

/** For tests and the benchmark: the node runs and items held now. */
export function retryMemorySize(): { runs: number; items: number } {
	let items = 0;
	for (const entry of runs.values()) items += entry.items.size;
	return { runs: runs.size, items };
}
