import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { AnswerError } from '../helpers/answers';
import { InputError } from '../helpers/inputError';
import { answerFailure, inputError, itemError, LivePersonSetupError, setupError } from '../transport';
import * as conversation from './conversation/Conversation.resource';

type Operation = (this: IExecuteFunctions, i: number) => Promise<IDataObject>;

const operations: Record<string, Record<string, { execute: Operation }>> = {
	conversation: {
		createAndSend: conversation.createAndSend,
		createWithCampaign: conversation.createWithCampaign,
		createWithSdes: conversation.createWithSdes,
	},
};

/** Every failure as a NodeError for item `i`, so the message names the item and nothing leaks. */
function asNodeError(this: IExecuteFunctions, error: unknown, i: number): NodeApiError | NodeOperationError {
	const node = this.getNode();
	if (error instanceof InputError) return inputError(node, i, error);
	if (error instanceof LivePersonSetupError) return setupError(node, i, error);
	if (error instanceof AnswerError) return itemError(node, i, answerFailure(error, 200, 'conversation'));
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= i;
		return error;
	}
	return new NodeOperationError(node, error as Error, { itemIndex: i });
}

/**
 * The item a failed input item becomes under Continue On Fail. Only `error` and `details` keys, so
 * n8n routes it to the error output; no `item.error`, because the engine would then replace the
 * json with the bare message and drop what the workflow needs to recover (e.g. the conversationId).
 */
function errorItem(error: NodeApiError | NodeOperationError, i: number): INodeExecutionData {
	const context = error.context as IDataObject;
	const details: IDataObject = {
		...(error.description ? { description: error.description } : {}),
		conversationCreated: (context.created as string | undefined) ?? 'unknown',
		itemIndex: i,
	};
	if (error instanceof NodeApiError && error.httpCode) details.httpCode = error.httpCode;
	if (context.field) details.field = context.field;
	Object.assign(details, (context.data as IDataObject | undefined) ?? {});
	return { json: { error: error.message, details }, pairedItem: { item: i } };
}

/** Runs the chosen operation once per input item: one output item per input item, paired to it. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const run = operations[resource]?.[operation];
	if (!run) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	const returnData: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const json = await run.execute.call(this, i);
			returnData.push({ json, pairedItem: { item: i } });
		} catch (caught) {
			const error = asNodeError.call(this, caught, i);
			if (this.continueOnFail()) {
				returnData.push(errorItem(error, i));
				continue;
			}
			throw error;
		}
	}
	return [returnData];
}
