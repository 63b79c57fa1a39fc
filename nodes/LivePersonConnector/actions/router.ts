import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { InputError } from '../helpers/errors';
import { excerpt, redactOutput } from '../helpers/text';
import { openSession, retrySettings, sessionSecrets, type Session } from '../transport';
import * as conversation from './conversation/Conversation.resource';
import { errorItem, toNodeError, type ItemError } from './nodeErrors';
import type { Resource } from './node.type';
import type { ItemContext, OperationDefinition } from './operation';
import { memoryOf } from './retryMemory';
import { AdaptiveLimit, DEFAULT_CONCURRENCY, runItems } from './scheduler';

const resources: Record<Resource, Record<string, OperationDefinition>> = {
	conversation: conversation.operations,
};

/** The value n8n's editor gives Resource or Operation when the user picks "Custom API Call". */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

function chosenOperation(ctx: IExecuteFunctions): OperationDefinition {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation =
		resource === CUSTOM_API_CALL
			? CUSTOM_API_CALL
			: (ctx.getNodeParameter('operation', 0) as string);
	if (operation === CUSTOM_API_CALL) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Custom API Call is not an operation of the LivePerson Connector node',
			{
				description:
					'Pick one of the node\'s operations, or call any LivePerson endpoint with an HTTP Request node: Authentication "Predefined Credential Type", Credential Type "LivePerson Connector API" (it sends the AppJWT; add the X-LP-ON-BEHALF header yourself).',
			},
		);
	}
	const definition = resources[resource as Resource]?.[operation];
	if (!definition)
		throw new NodeOperationError(
			ctx.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	return definition;
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
	const options = parameter<Record<string, unknown>>(
		'options',
		'Options',
		{},
	) as ItemContext['options'];
	const settings = retrySettings(options);
	return { index, session, settings, options, safeToRepeat, secrets, parameter };
}

/** The description as the boundary wrote it, before this run added what it knows. */
function ownDescription(error: ItemError): string {
	error.context.ownDescription ??= error.description ?? '';
	return error.context.ownDescription as string;
}

/** On a retry, an item that may have been processed is reported again, never sent again. */
function notSentAgain(error: ItemError): ItemError {
	if (error.context.notSentAgain !== true) {
		error.context.ownDescription =
			`Not sent again by n8n's Retry On Fail: the first attempt may have been processed. ${ownDescription(error)}`.trim();
		error.context.notSentAgain = true;
		error.description = error.context.ownDescription as string;
	}
	return error;
}

/** Longest list of processed items written into the description of an error that stops the run. */
const MAX_LISTED_ITEMS = 20;

interface Done {
	item: number;
	conversationId?: unknown;
}

/** What the run did (in input order), for the error that stops it: what was done, before or after it, is reported, not lost. */
function reportDone(error: ItemError, done: Done[]): ItemError {
	if (done.length === 0) return error;
	error.context.processedItems = done;
	const listed = done
		.slice(0, MAX_LISTED_ITEMS)
		.map(({ item, conversationId }) =>
			typeof conversationId === 'string'
				? `item ${item} (conversation ${conversationId})`
				: `item ${item}`,
		);
	const more = done.length > MAX_LISTED_ITEMS ? ` and ${done.length - MAX_LISTED_ITEMS} more` : '';
	error.description =
		`${ownDescription(error)} These items were processed in this run: ${listed.join(', ')}${more}.`.trim();
	return error;
}

/**
 * Who an item acts for, read before it runs: items of one consumer keep their input order. The
 * Consumer ID read here is kept in `read`, so its expression is evaluated once per item.
 */
function consumerKey(ctx: IExecuteFunctions, index: number, read: IDataObject): string {
	try {
		const consumerId = ctx.getNodeParameter('consumerId', index, '') as unknown;
		read.consumerId = consumerId as IDataObject[string];
		const consumerJws = ctx.getNodeParameter('options.consumerJws', index, '') as unknown;
		const parts = [consumerId, consumerJws].map((value) =>
			typeof value === 'string' || typeof value === 'number' ? String(value).trim() : undefined,
		);
		if (parts.includes(undefined)) return `#${index}`; // refused later as bad input: no consumer to share
		return JSON.stringify(parts);
	} catch {
		return `#${index}`;
	}
}

type Result = { json: IDataObject } | { error: ItemError };

/**
 * Runs the chosen operation once per input item, several at a time (Options › Items in Parallel):
 * one output item per input item, in input order, paired to it.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const definition = chosenOperation(this);
	const memory = memoryOf(this);
	const signal = this.getExecutionCancelSignal();
	const continueOnFail = this.continueOnFail();
	const logger = this.logger;
	const limit = new AdaptiveLimit(concurrencyOf(this), (from, to, why) =>
		logger.debug(
			`LivePerson Connector "${this.getNode().name}": ${to} items in parallel (was ${from}): ${why}`,
		),
	);
	let session: Promise<Session> | undefined;
	const results: Array<Result | undefined> = new Array(items.length);
	const readEarly: Array<IDataObject | undefined> = new Array(items.length);
	let failed = false;

	const run = async (i: number): Promise<void> => {
		const remembered = memory.recall(i);
		if (remembered?.kind === 'done') {
			results[i] = { json: remembered.json };
			return;
		}
		const secrets: string[] = [];
		let opened: Session | undefined;
		try {
			if (remembered) throw notSentAgain(remembered.error);
			session ??= openSession(this, signal);
			opened = await session.catch((error: unknown) => {
				session = undefined;
				throw error;
			});
			secrets.push(...sessionSecrets(opened));
			const item = itemContext(this, i, opened, secrets, definition.safeToRepeat, readEarly[i]);
			readEarly[i] = undefined;
			item.settings.onRateLimited = () => limit.rateLimited();
			item.settings.onAnswered = () => limit.answered();
			const json = redactOutput(await definition.execute.call(this, item), secrets);
			memory.remember(i, { kind: 'done', json });
			results[i] = { json };
		} catch (caught) {
			if (opened) secrets.push(...sessionSecrets(opened));
			const error = remembered
				? remembered.error
				: toNodeError(this.getNode(), caught, i, definition.outcome, secrets);
			// A request that is safe to repeat may be sent again by n8n's retry; anything else that may have happened may not.
			if (error.context.effect !== 'no' && !definition.safeToRepeat)
				memory.remember(i, { kind: 'uncertain', error });
			results[i] = { error };
			if (!continueOnFail) failed = true;
		}
	};

	await runItems(items.length, {
		keyOf: (i) => (limit.max > 1 ? consumerKey(this, i, (readEarly[i] = {})) : ''),
		run,
		stopped: () => failed || signal?.aborted === true,
		limit,
	});

	const returnData: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const result = results[i];
		if (result === undefined) continue; // not started: the run was stopped
		if ('json' in result) {
			returnData.push({ json: result.json, pairedItem: { item: i } });
		} else if (continueOnFail) {
			returnData.push(errorItem(result.error, i, definition.outcome));
		} else {
			// The first failing item in input order stops the run; items done in an earlier attempt count too.
			const done: Done[] = [];
			for (let j = 0; j < items.length; j++) {
				const remembered = memory.recall(j);
				const json =
					(results[j] as { json?: IDataObject } | undefined)?.json ??
					(remembered?.kind === 'done' ? remembered.json : undefined);
				if (json) done.push({ item: j, conversationId: json.conversationId });
			}
			throw reportDone(result.error, done);
		}
	}
	return [returnData];
}

/** Options › Items in Parallel, read once per run (from the first item: the limit is the run's). */
function concurrencyOf(ctx: IExecuteFunctions): number {
	try {
		const value = Number(ctx.getNodeParameter('options.concurrency', 0, DEFAULT_CONCURRENCY));
		return Number.isInteger(value) && value >= 1 ? Math.min(value, 100) : DEFAULT_CONCURRENCY;
	} catch {
		return DEFAULT_CONCURRENCY;
	}
}
