import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { InputError } from '../helpers/errors';
import { excerpt, redactOutput } from '../helpers/text';
import { openSession, retrySettings, sessionSecrets, type Session } from '../transport';
import * as conversation from './conversation/Conversation.resource';
import { errorItem, toNodeError, type ItemError } from './nodeErrors';
import type { Resource } from './node.type';
import type { ItemContext, OperationDefinition } from './operation';
import { memoryOf } from './retryMemory';

const resources: Record<Resource, Record<string, OperationDefinition>> = {
	conversation: conversation.operations,
};

/** The value n8n's editor gives Resource or Operation when the user picks "Custom API Call". */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

function chosenOperation(ctx: IExecuteFunctions): OperationDefinition {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = resource === CUSTOM_API_CALL ? CUSTOM_API_CALL : (ctx.getNodeParameter('operation', 0) as string);
	if (operation === CUSTOM_API_CALL) {
		throw new NodeOperationError(ctx.getNode(), 'Custom API Call is not an operation of the LivePerson Connector node', {
			description:
				'Pick one of the node\'s operations, or call any LivePerson endpoint with an HTTP Request node: Authentication "Predefined Credential Type", Credential Type "LivePerson Connector API" (it sends the AppJWT; add the X-LP-ON-BEHALF header yourself).',
		});
	}
	const definition = resources[resource as Resource]?.[operation];
	if (!definition) throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
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

function itemContext(ctx: IExecuteFunctions, index: number, session: Session, secrets: string[]): ItemContext {
	const parameter = <T>(name: string, label: string, fallback: T): T => {
		try {
			return ctx.getNodeParameter(name, index, fallback) as T;
		} catch (error) {
			throw unreadable(label, error);
		}
	};
	const options = parameter<Record<string, unknown>>('options', 'Options', {}) as ItemContext['options'];
	return { index, session, settings: retrySettings(options), options, secrets, parameter };
}

/** The description as the boundary wrote it, before this run added what it knows. */
function ownDescription(error: ItemError): string {
	error.context.ownDescription ??= error.description ?? '';
	return error.context.ownDescription as string;
}

/** On a retry, an item that may have been processed is reported again, never sent again. */
function notSentAgain(error: ItemError): ItemError {
	if (error.context.notSentAgain !== true) {
		error.context.ownDescription = `Not sent again by n8n's Retry On Fail: the first attempt may have been processed. ${ownDescription(error)}`.trim();
		error.context.notSentAgain = true;
		error.description = error.context.ownDescription as string;
	}
	return error;
}

/** Longest list of earlier items written into the description of an error that stops the run. */
const MAX_LISTED_ITEMS = 20;

/** What earlier items did, for the error that stops the run: what was done is reported, not lost. */
function reportDone(error: ItemError, done: Array<{ item: number; conversationId?: unknown }>): ItemError {
	if (done.length === 0) return error;
	error.context.processedItems = done;
	const listed = done
		.slice(0, MAX_LISTED_ITEMS)
		.map(({ item, conversationId }) => (typeof conversationId === 'string' ? `item ${item} (conversation ${conversationId})` : `item ${item}`));
	const more = done.length > MAX_LISTED_ITEMS ? ` and ${done.length - MAX_LISTED_ITEMS} more` : '';
	error.description = `${ownDescription(error)} Before it, these items were processed in this run: ${listed.join(', ')}${more}.`.trim();
	return error;
}

/** Runs the chosen operation once per input item: one output item per input item, paired to it. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const definition = chosenOperation(this);
	const memory = memoryOf(this);
	const signal = this.getExecutionCancelSignal();
	let session: Session | undefined;
	const returnData: INodeExecutionData[] = [];
	const done: Array<{ item: number; conversationId?: unknown }> = [];
	for (let i = 0; i < items.length; i++) {
		const remembered = memory.recall(i);
		if (remembered?.kind === 'done') {
			returnData.push({ json: remembered.json, pairedItem: { item: i } });
			done.push({ item: i, conversationId: remembered.json.conversationId });
			continue;
		}
		const secrets: string[] = [];
		try {
			if (remembered) throw notSentAgain(remembered.error);
			session ??= await openSession(this, signal);
			secrets.push(...sessionSecrets(session));
			const json = redactOutput(await definition.execute.call(this, itemContext(this, i, session, secrets)), secrets);
			memory.remember(i, { kind: 'done', json });
			returnData.push({ json, pairedItem: { item: i } });
			done.push({ item: i, conversationId: json.conversationId });
		} catch (caught) {
			if (session) secrets.push(...sessionSecrets(session));
			const error = remembered ? remembered.error : toNodeError(this.getNode(), caught, i, definition.outcome, secrets);
			if (error.context.effect !== 'no') memory.remember(i, { kind: 'uncertain', error });
			if (this.continueOnFail()) {
				returnData.push(errorItem(error, i, definition.outcome));
				continue;
			}
			throw reportDone(error, done);
		}
	}
	return [returnData];
}
