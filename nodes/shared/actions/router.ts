import {
	NodeOperationError,
	type IBinaryKeyData,
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
import {
	BinaryOutput,
	type ItemBinary,
	type ItemContext,
	type OperationDefinition,
} from './operation';
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

function itemContext(
	ctx: IExecuteFunctions,
	index: number,
	session: Session,
	secrets: string[],
	safeToRepeat: boolean,
	earlierAttempt: boolean,
	read: IDataObject = {},
): ItemContext {
	const parameter = <T>(name: string, label: string, fallback: T): T => {
		if (name in read) return read[name] as T;
		try {
			return ctx.getNodeParameter(name, index, fallback) as T;
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
		binary: async (propertyName, label) => await binaryOf(ctx, index, propertyName, label),
	};
}

const BINARY_FIX =
	"Give the name of the input item's binary field that holds the file: `data` is the name n8n's Read/Write Files from Disk and HTTP Request nodes use by default.";

/** The item's file in binary field `propertyName`; a missing one is bad input: nothing was sent. */
async function binaryOf(
	ctx: IExecuteFunctions,
	index: number,
	propertyName: unknown,
	label: string,
): Promise<ItemBinary> {
	const name = typeof propertyName === 'string' ? propertyName.trim() : '';
	if (!name) throw new InputError(label, 'is empty', BINARY_FIX);
	const found = attempt(() => ctx.helpers.assertBinaryData(index, name));
	if ('error' in found) throw noSuchBinary(ctx, index, name, label);
	const read = await ctx.helpers.getBinaryDataBuffer(index, name).then(
		(bytes) => ({ bytes }),
		(error: unknown) => ({ error }),
	);
	if ('error' in read) throw unreadableBinary(label, read.error);
	return { data: found.value, bytes: read.bytes };
}

function attempt<T>(work: () => T): { value: T } | { error: unknown } {
	try {
		return { value: work() };
	} catch (error) {
		return { error };
	}
}

function noSuchBinary(ctx: IExecuteFunctions, index: number, name: string, label: string) {
	const fields = Object.keys(ctx.getInputData()[index]?.binary ?? {});
	const has = fields.length
		? `it has ${fields.map((field) => `"${excerpt(field, 60)}"`).join(', ')}`
		: 'it has no binary data';
	return new InputError(
		label,
		`names the binary field "${excerpt(name, 60)}", which this item does not have (${has})`,
		`${BINARY_FIX} Check that the node before this one outputs the file.`,
	);
}

function unreadableBinary(label: string, error: unknown) {
	return new InputError(
		label,
		`names a file n8n could not read: ${excerpt((error as Error)?.message ?? String(error), 200)}`,
		'Run the node before this one again: its binary data may have been removed.',
	);
}

type Result = { json: IDataObject; binary?: IBinaryKeyData } | { error: ItemError };

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
	const results: Array<Result | undefined> = new Array(items.length);
	const readEarly: Array<IDataObject | undefined> = new Array(items.length);
	let failed = false;

	const run = async (i: number): Promise<void> => {
		const remembered = memory.recall(i);
		if (remembered?.kind === 'done') {
			results[i] = { json: remembered.json, binary: remembered.binary };
			return;
		}
		const secrets: string[] = [];
		let opened: Session | undefined;
		try {
			// What may have been processed is sent again only when that can neither duplicate nor undo anything.
			if (remembered && !definition.safeToRepeat) throw notSentAgain(remembered.error);
			session ??= openSession(this, resource.api, signal);
			opened = await session.catch((error: unknown) => {
				session = undefined;
				throw error;
			});
			secrets.push(...sessionSecrets(opened));
			const item = itemContext(
				this,
				i,
				opened,
				secrets,
				definition.safeToRepeat,
				remembered !== undefined,
				readEarly[i],
			);
			readEarly[i] = undefined;
			item.settings.onRateLimited = () => limit.rateLimited();
			item.settings.onAnswered = () => limit.answered();
			const output = await definition.execute.call(this, item);
			const json = redactOutput(output instanceof BinaryOutput ? output.json : output, secrets);
			const binary = output instanceof BinaryOutput ? output.binary : undefined;
			memory.remember(i, { kind: 'done', json, binary });
			results[i] = { json, binary };
		} catch (caught) {
			if (opened) secrets.push(...sessionSecrets(opened));
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
		}
	};

	// Never rejects: each item records its own result.
	await runItems(items.length, {
		keyOf: (i) => (limit.max > 1 ? resource.orderKey?.(this, i, (readEarly[i] = {})) : undefined),
		run,
		stopped: () => failed || signal?.aborted === true,
		limit,
	});

	const returnData: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const result = results[i];
		if (result === undefined) continue; // not started: the run was stopped
		if ('json' in result) {
			returnData.push({
				json: result.json,
				...(result.binary ? { binary: result.binary } : {}),
				pairedItem: { item: i },
			});
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
