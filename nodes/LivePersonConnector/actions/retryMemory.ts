import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ItemError } from './nodeErrors';

/**
 * n8n's Retry On Fail re-runs the whole node, with all its items, in the same execution (also when
 * the first output item is an error item under Continue On Fail). What an earlier attempt of this
 * very node run did is remembered here, so a retry never sends again what LivePerson processed or
 * may have processed: a done item gives its output again, an uncertain one its error again.
 * A new execution is a new attempt and remembers nothing.
 */
export type Remembered =
	{ kind: 'done'; json: IDataObject } | { kind: 'uncertain'; error: ItemError };

/** Node runs kept; older ones (finished executions, as far as the node can tell) are dropped. */
const MAX_RUNS = 20;
const runs = new Map<string, Map<number, Remembered>>();

export interface RunMemory {
	recall(index: number): Remembered | undefined;
	remember(index: number, what: Remembered): void;
}

const NONE: RunMemory = { recall: () => undefined, remember: () => undefined };

/** The memory of this node run, or one that keeps nothing when the node has no Retry On Fail. */
export function memoryOf(ctx: IExecuteFunctions): RunMemory {
	if (ctx.getNode().retryOnFail !== true) return NONE;
	const runIndex = ctx.getWorkflowDataProxy(0).$runIndex;
	const key = [ctx.getExecutionId(), ctx.getNode().name, runIndex].join('\u0000');
	let items = runs.get(key);
	if (!items) {
		items = new Map();
		runs.set(key, items);
		if (runs.size > MAX_RUNS) runs.delete(runs.keys().next().value as string);
	}
	const memory = items;
	return {
		recall: (index) => memory.get(index),
		remember: (index, what) => void memory.set(index, what),
	};
}
