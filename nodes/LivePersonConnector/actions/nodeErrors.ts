import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import {
	InputError,
	LivePersonFailure,
	LivePersonSetupError,
	type Effect,
	type FailureReason,
} from '../helpers/errors';
import { excerpt, redact } from '../helpers/text';
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
