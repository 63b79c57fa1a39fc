import {
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { InputError } from '../errors';
import { excerpt, redactOutput } from '../text';
import { openSession, retrySettings, sessionSecrets, type Session } from '../transport';
import {
	errorItem,
	notSentAgain,
	reportProcessed,
	toNodeError,
	type ItemError,
	type Processed,
} from './nodeErrors';
import type { BatchDefinition, BatchMember, ItemContext, OperationDefinition } from './operation';
import type { NodeDefinition, ResourceDefinition } from './resource';
import { memoryOf } from './retryMemory';
import { AdaptiveLimit, concurrencyLimit, runItems } from './scheduler';

function chosen(
	ctx: IExecuteFunctions,
	node: NodeDefinition,
): { resource: ResourceDefinition; definition: OperationDefinition } {
	const value = ctx.getNodeParameter('resource', 0) as string;
	const resource = node.resources.find((candidate) => candidate.value === value);
	const operation = ctx.getNodeParameter('operation', 0, '') as string;
	const definition = resource?.operations[operation];
	if (!resource || !definition)
		throw new NodeOperationError(
			ctx.getNode(),
			`The operation "${operation}" of "${value}" is not supported by the ${node.displayName} node`,
			{ description: 'Pick one of the operations the node offers.' },
		);
	return { resource, definition };
}

/** A parameter whose expression fails is bad input: nothing was sent for the item. */
function unreadable(label: string, error: unknown): InputError {
	return new InputError(
		label,
		`could not be read: ${excerpt((error as Error)?.message ?? String(error), 200)}`,
		'Fix the expression in this field: it must evaluate without an error for every item.',
	);
}

/** Whether a parameter as stored holds an expression anywhere (`={{ … }}`), so it differs per item. */
function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (typeof value === 'object' && value !== null) return Object.values(value).some(hasExpression);
	return false;
}

/**
 * The run's parameters that hold no expression, read once (n8n resolves a parameter's whole tree
 * on every read): each item gets its own copy, so what one item does to it stays its own.
 */
class FixedParameters {
	private readonly values = new Map<string, { value: unknown } | undefined>();

	constructor(private readonly ctx: IExecuteFunctions) {}

	/** The value to use for every item, or undefined when the parameter differs per item. */
	get(name: string, fallback: unknown): { value: unknown } | undefined {
		if (!this.values.has(name)) {
			const stored = this.ctx.getNode().parameters[name];
			this.values.set(
				name,
				hasExpression(stored) ? undefined : { value: this.ctx.getNodeParameter(name, 0, fallback) },
			);
		}
		const fixed = this.values.get(name);
		return fixed && { value: copyOf(fixed.value) };
	}
}

function copyOf(value: unknown): unknown {
	return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}

function itemContext(
	ctx: IExecuteFunctions,
	index: number,
	session: Session,
	secrets: string[],
	safeToRepeat: boolean,
	earlierAttempt: boolean,
	fixed: FixedParameters,
	read: IDataObject = {},
): ItemContext {
	const parameter = <T>(name: string, label: string, fallback: T): T => {
		if (name in read) return read[name] as T;
		try {
			const same = fixed.get(name, fallback);
			return (same ? same.value : ctx.getNodeParameter(name, index, fallback)) as T;
		} catch (error) {
			throw unreadable(label, error);
		}
	};
	const value = <T>(property: INodeProperties): T =>
		parameter<T>(property.name, property.displayName, property.default as T);
	const options = parameter<Record<string, unknown>>(
		'options',
		'Options',
		{},
	) as ItemContext['options'];
	const settings = retrySettings(options);
	return {
		index,
		session,
		settings,
		options,
		safeToRepeat,
		earlierAttempt,
		secrets,
		parameter,
		value,
	};
}

type Result = { json: IDataObject } | { error: ItemError };

/** What an item did, or may have done, for the report of an error that stops the run. */
function processedBy(
	index: number,
	result: Result | undefined,
	fields: string[],
): Processed | undefined {
	if (result === undefined) return undefined;
	const json = 'json' in result ? result.json : undefined;
	const context = 'error' in result ? (result.error.context as IDataObject) : undefined;
	const effect = json ? 'yes' : context?.effect;
	if (effect !== 'yes' && effect !== 'unknown') return undefined;
	const facts = json ?? (context?.data as IDataObject | undefined) ?? {};
	const entry: Processed = { item: index, effect };
	for (const field of fields) if (facts[field] !== undefined) entry[field] = facts[field];
	return entry;
}

/**
 * Runs the chosen operation once per input item, several at a time (Options › Items in Parallel):
 * one output item per input item, in input order, paired to it. The resource says which API (and
 * credential) the run talks to, and which items must keep their order.
 */
export async function route(
	this: IExecuteFunctions,
	node: NodeDefinition,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { resource, definition } = chosen(this, node);
	const memory = memoryOf(this);
	const signal = this.getExecutionCancelSignal();
	const continueOnFail = this.continueOnFail();
	const logger = this.logger;
	const limit = new AdaptiveLimit(concurrencyOf(this), (from, to, why) =>
		logger.debug(
			`${node.displayName} "${this.getNode().name}": ${to} items in parallel (was ${from}): ${why}`,
		),
	);
	let session: Promise<Session> | undefined;
	const fixed = new FixedParameters(this);
	const results: Array<Result | undefined> = new Array(items.length);
	const readEarly: Array<IDataObject | undefined> = new Array(items.length);
	let failed = false;

	const open = async (): Promise<Session> => {
		session ??= openSession(this, resource.api, signal);
		return await session.catch((error: unknown) => {
			session = undefined;
			throw error;
		});
	};

	/** Records item i's output; what may be retried by n8n is remembered for its next attempt. */
	const succeed = (i: number, json: IDataObject, secrets: string[]): void => {
		const output = redactOutput(json, secrets);
		memory.remember(i, { kind: 'done', json: output });
		results[i] = { json: output };
	};
	const fail = (i: number, caught: unknown, secrets: string[]): void => {
		const recalled = memory.recall(i);
		const remembered = recalled?.kind === 'uncertain' ? recalled : undefined;
		const fresh =
			remembered && !definition.safeToRepeat
				? undefined
				: toNodeError(this.getNode(), caught, i, definition.outcome, secrets);
		// A retry that changed nothing leaves what an earlier attempt may have done as it was.
		const error =
			fresh && !(remembered && fresh.context.effect === 'no') ? fresh : remembered!.error;
		// Kept for n8n's retry: sent again only if safe to repeat, and never forgotten that it may have happened.
		if (error.context.effect !== 'no' || remembered)
			memory.remember(i, { kind: 'uncertain', error });
		results[i] = { error };
		if (!continueOnFail) failed = true;
	};

	/**
	 * Item i as the operation sees it, or undefined when it is settled already: done in an earlier
	 * attempt, or possibly processed there and not safe to send again.
	 */
	const prepare = async (i: number, secrets: string[]): Promise<ItemContext | undefined> => {
		const remembered = memory.recall(i);
		if (remembered?.kind === 'done') {
			results[i] = { json: remembered.json };
			return undefined;
		}
		// What may have been processed is sent again only when that can neither duplicate nor undo anything.
		if (remembered && !definition.safeToRepeat) throw notSentAgain(remembered.error);
		const opened = await open();
		secrets.push(...sessionSecrets(opened));
		const item = itemContext(
			this,
			i,
			opened,
			secrets,
			definition.safeToRepeat,
			remembered !== undefined,
			fixed,
			readEarly[i],
		);
		readEarly[i] = undefined;
		item.settings.onRateLimited = () => limit.rateLimited();
		item.settings.onAnswered = () => limit.answered();
		return item;
	};
	const stopped = () => failed || signal?.aborted === true;

	if (definition.batch) {
		await runBatched.call(this, items.length, definition.batch, {
			prepare,
			succeed,
			fail,
			stopped,
			limit,
		});
	} else {
		const execute = definition.execute!;
		const run = async (i: number): Promise<void> => {
			const secrets: string[] = [];
			try {
				const item = await prepare(i, secrets);
				if (item) succeed(i, await execute.call(this, item), secrets);
			} catch (caught) {
				fail(i, caught, [...secrets, ...(await sessionSecretsOf(session))]);
			}
		};
		// Never rejects: each item records its own result.
		await runItems(items.length, {
			keyOf: (i) => (limit.max > 1 ? resource.orderKey?.(this, i, (readEarly[i] = {})) : undefined),
			run,
			stopped,
			limit,
		});
	}

	const returnData: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const result = results[i];
		if (result === undefined) continue; // not started: the run was stopped
		if ('json' in result) {
			returnData.push({ json: result.json, pairedItem: { item: i } });
		} else if (continueOnFail) {
			returnData.push(errorItem(result.error, i, definition.outcome));
		} else {
			// The first failing item in input order stops the run; what every other item did (in this
			// attempt or an earlier one) or may have done is reported with it.
			const processed: Processed[] = [];
			for (let j = 0; j < items.length; j++) {
				if (j === i) continue;
				const remembered = memory.recall(j);
				const known =
					results[j] ??
					(remembered?.kind === 'done'
						? { json: remembered.json }
						: remembered
							? { error: remembered.error }
							: undefined);
				const entry = processedBy(j, known, resource.reportFields);
				if (entry) processed.push(entry);
			}
			memory.end('failed');
			throw reportProcessed(result.error, processed);
		}
	}
	// n8n retries a node whose first output item is an error item, as if it had thrown.
	memory.end(returnData[0]?.json.error === undefined ? 'succeeded' : 'failed');
	return [returnData];
}

/** Options › Items in Parallel, read once per run (from the first item: the limit is the run's). */
function concurrencyOf(ctx: IExecuteFunctions): number {
	try {
		return concurrencyLimit(ctx.getNodeParameter('options.concurrency', 0, undefined));
	} catch {
		return concurrencyLimit(undefined);
	}
}

/** The secrets of the run's session, if it opened (a token minted meanwhile included). */
async function sessionSecretsOf(session: Promise<Session> | undefined): Promise<string[]> {
	const opened = await session?.catch(() => undefined);
	return opened ? sessionSecrets(opened) : [];
}

interface Settle {
	prepare(i: number, secrets: string[]): Promise<ItemContext | undefined>;
	succeed(i: number, json: IDataObject, secrets: string[]): void;
	fail(i: number, caught: unknown, secrets: string[]): void;
	stopped(): boolean;
	limit: AdaptiveLimit;
}

/**
 * An operation that sends items together (e.g. up to 100 recipients per campaign request): each
 * item is read and checked first (bad input fails that item alone), then items are grouped by the
 * key the operation gives, in input order, in requests of at most `max`. A request goes out as soon
 * as it is full (the rest when every item is read), several at a time, so reading the items and
 * waiting on LivePerson overlap. Each item still gets its own result.
 */
/** Items read between two chances for requests in flight to move on. */
const YIELD_EVERY = 10;

async function runBatched(
	this: IExecuteFunctions,
	count: number,
	batch: BatchDefinition,
	settle: Settle,
): Promise<void> {
	const inFlight = new Set<Promise<void>>();
	const send = async (members: BatchMember[]): Promise<void> => {
		const outcomes = await batch.send
			.call(this, members)
			.catch((error: unknown) => members.map(() => ({ error })));
		members.forEach((member, m) => {
			const outcome = outcomes[m] ?? {
				error: new Error('The operation gave no result for this item'),
			};
			if ('json' in outcome) settle.succeed(member.item.index, outcome.json, member.item.secrets);
			else settle.fail(member.item.index, outcome.error, member.item.secrets);
		});
	};
	/** Starts a request when one is free (at most the limit in flight); never rejects. */
	const dispatch = async (members: BatchMember[]): Promise<void> => {
		while (inFlight.size >= settle.limit.current) await Promise.race(inFlight);
		if (settle.stopped()) return; // not started: a stop, or a failure with Continue On Fail off
		const task: Promise<void> = send(members).finally(() => inFlight.delete(task));
		inFlight.add(task);
	};
	const groups = new Map<string, BatchMember[]>();
	for (let i = 0; i < count && !settle.stopped(); i++) {
		// Reading items is CPU work that never waits on I/O: now and then, let the requests in flight
		// go out and their answers come in.
		if (i % YIELD_EVERY === 0 && inFlight.size > 0) await sleep(0);
		const secrets: string[] = [];
		try {
			const item = await settle.prepare(i, secrets);
			if (!item) continue;
			const { key, value } = await batch.prepare.call(this, item);
			const group = groups.get(key) ?? [];
			groups.set(key, group);
			group.push({ item, value });
			if (group.length === batch.max) {
				groups.delete(key);
				await dispatch(group);
			}
		} catch (caught) {
			settle.fail(i, caught, secrets);
		}
	}
	for (const group of groups.values()) await dispatch(group);
	await Promise.all(inFlight);
}
