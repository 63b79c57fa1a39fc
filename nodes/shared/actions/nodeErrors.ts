import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import {
	Cancelled,
	InputError,
	LivePersonFailure,
	LivePersonSetupError,
	type Effect,
	type FailureReason,
} from '../errors';
import { excerpt, redact } from '../text';
import type { OutcomeWords } from './operation';

/** Bounds for what a user reads: a message line and its description. */
const MAX_MESSAGE = 300;
const MAX_DESCRIPTION = 1500;

export type ItemError = NodeApiError | NodeOperationError;

interface Facts {
	message: string;
	description: string;
	effect: Effect;
	reason: FailureReason | 'unexpected';
	httpCode?: number;
	field?: string;
	data?: IDataObject;
}

function factsOf(error: unknown, outcome: OutcomeWords): Facts {
	if (error instanceof InputError) {
		return {
			message: `${error.field} ${error.problem}`,
			description: `${error.fix} Nothing was sent to LivePerson for this item.`,
			effect: 'no',
			reason: 'invalidInput',
			field: error.field,
		};
	}
	if (error instanceof LivePersonSetupError) {
		return {
			message: error.message,
			description: `${outcome.notDone} ${error.description}`,
			effect: 'no',
			reason: 'invalidCredential',
		};
	}
	if (error instanceof Cancelled) {
		return {
			message: 'The execution was stopped',
			description:
				error.effect === 'no'
					? `${outcome.notDone} Nothing was waiting on LivePerson's answer when it stopped.`
					: `${outcome.maybe} ${outcome.check}`,
			effect: error.effect,
			reason: 'cancelled',
		};
	}
	if (error instanceof LivePersonFailure) {
		const { facts } = error;
		const said =
			facts.effect === 'no'
				? outcome.notDone
				: facts.effect === 'unknown'
					? `${outcome.maybe} ${outcome.check}`
					: '';
		return { ...facts, description: [said, facts.description].filter(Boolean).join(' ') };
	}
	return {
		message: (error as Error)?.message ?? String(error),
		description: `${outcome.maybe} ${outcome.check}`,
		effect: 'unknown',
		reason: 'unexpected',
	};
}

function clean(text: string, max: number, secrets: string[]): string {
	return excerpt(redact(text, secrets), max);
}

/**
 * Every failure of item `i` as one NodeError: the item in the message, the operation's words for
 * what happened, every token the item held taken out, and texts bounded. The only place where
 * the node's failures become n8n errors.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	i: number,
	outcome: OutcomeWords,
	secrets: string[],
): ItemError {
	const facts = factsOf(error, outcome);
	const message = `${clean(facts.message, MAX_MESSAGE, secrets)} [item ${i}]`;
	const description = clean(facts.description, MAX_DESCRIPTION, secrets);
	const nodeError =
		error instanceof LivePersonFailure
			? new NodeApiError(node, { message } as JsonObject, {
					message,
					description,
					httpCode: facts.httpCode === undefined ? undefined : String(facts.httpCode),
					itemIndex: i,
				})
			: new NodeOperationError(node, message, { description, itemIndex: i });
	nodeError.context.effect = facts.effect;
	nodeError.context.reason = facts.reason;
	if (facts.field) nodeError.context.field = facts.field;
	if (facts.data)
		nodeError.context.data = JSON.parse(redact(JSON.stringify(facts.data), secrets)) as IDataObject;
	return nodeError;
}

/**
 * The item a failed input item becomes under Continue On Fail. Only `error` and `details` keys, so
 * n8n routes it to the error output; no `item.error`, because the engine would then replace the
 * json with the bare message and drop what the workflow needs to recover (e.g. the conversationId).
 */
export function errorItem(error: ItemError, i: number, outcome: OutcomeWords): INodeExecutionData {
	const context = error.context as IDataObject;
	const details: IDataObject = {
		...(error.description ? { description: error.description } : {}),
		reason: context.reason,
		[outcome.field]: context.effect,
		itemIndex: i,
	};
	if (error instanceof NodeApiError && error.httpCode) details.httpCode = error.httpCode;
	if (context.field) details.field = context.field;
	Object.assign(details, (context.data as IDataObject | undefined) ?? {});
	return { json: { error: error.message, details }, pairedItem: { item: i } };
}

/** The description as the boundary wrote it, before this run added what it knows. */
function ownDescription(error: ItemError): string {
	error.context.ownDescription ??= error.description ?? '';
	return error.context.ownDescription as string;
}

/** On a retry, an item that may have been processed is reported again, never sent again. */
export function notSentAgain(error: ItemError): ItemError {
	if (error.context.notSentAgain !== true) {
		error.context.ownDescription =
			`Not sent again by n8n's Retry On Fail: the first attempt may have been processed. ${ownDescription(error)}`.trim();
		error.context.notSentAgain = true;
		error.description = error.context.ownDescription as string;
	}
	return error;
}

/** Longest list of items written into the description of an error that stops the run. */
const MAX_LISTED_ITEMS = 20;

/** An item that did, or may have done, what its operation does: named when the run stops. */
export interface Processed extends IDataObject {
	item: number;
	/** `yes`: done; `unknown`: LivePerson may have processed it. */
	effect: Effect;
}

/**
 * The error that stops the run, with every other item that did or may have done something (in
 * input order, with what identifies its work): re-running "the items not listed" never repeats them.
 */
export function reportProcessed(error: ItemError, processed: Processed[]): ItemError {
	if (processed.length === 0) return error;
	error.context.processedItems = processed;
	const listed = processed.slice(0, MAX_LISTED_ITEMS).map((entry) => {
		const ids = Object.entries(entry)
			.filter(([key, value]) => key !== 'item' && key !== 'effect' && typeof value === 'string')
			.map(([key, value]) => `${key} ${value as string}`);
		const what = [entry.effect === 'yes' ? '' : 'may have been processed', ...ids]
			.filter(Boolean)
			.join(', ');
		return what ? `item ${entry.item} (${what})` : `item ${entry.item}`;
	});
	const more =
		processed.length > MAX_LISTED_ITEMS ? ` and ${processed.length - MAX_LISTED_ITEMS} more` : '';
	error.description =
		`${ownDescription(error)} Other items of this run did, or may have done, their work: ${listed.join(', ')}${more}. Do not run them again as they were.`.trim();
	return error;
}
