// The harness's own small node types, so workflows need no n8n-nodes-base:
//  - `n8n-nodes-base.manualTrigger`: a real trigger node (runs through n8n's manual-trigger path) that
//    emits the items the test passes as `input` (one `{}` item by default, as n8n's own does);
//  - `n8n-nodes-base.noOp`: passes its input through unchanged (as n8n's No Operation node);
//  - `n8n-nodes-base.set` (3.3, 3.4): a stand-in for n8n's Edit Fields (Set) node, manual mode only
//    (`assignments.assignments[{name, value, type}]`, `includeOtherFields`), so the importable
//    example workflows run here unchanged;
//  - `n8n-nodes-base.if` (2, 2.1, 2.2): a stand-in for n8n's If node, for the conditions the examples
//    use (string equals / not equals / empty / not empty / exists, and / or), true and false outputs;
//  - `n8n-nodes-base.switch` (3 to 3.2): a stand-in for n8n's Switch node in Rules mode: one output per
//    routing rule, an item goes to the first rule it matches (or to none); the rules' conditions are
//    evaluated by n8n-workflow's own filter code, as in n8n;
//  - `n8n-nodes-base.dataTable` (1, 1.1): a stand-in for n8n's Data table node, rows in memory
//    (./data-table.ts);
//  - `n8n-nodes-base.wait` (1.1): a stand-in for n8n's Wait node, "After Time Interval" only, for
//    the short waits n8n itself holds in memory (under 65 s); it waits for real;
//  - `n8n-nodes-harness.setFields`: sets fields from (expression) values on every item, e.g.
//    `{ name: 'conversationId', value: '={{ $json.conversationId }}' }`;
//  - `n8n-nodes-base.convertToFile` (1, 1.1), operation "Move Base64 String to File" (`toBinary`) only:
//    a base64 field becomes binary data, with n8n-core's own binary helpers;
//  - `n8n-nodes-base.readWriteFile` (1, 1.1), operation "Write File to Disk" only: writes nothing,
//    records each file (path, bytes, MIME type) in `writtenFiles()` and outputs the item as n8n's does.
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { DATA_TABLE_TYPE, HarnessDataTable } from './data-table';

export const MANUAL_TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';
export const NO_OP_TYPE = 'n8n-nodes-base.noOp';
export const SET_FIELDS_TYPE = 'n8n-nodes-harness.setFields';
export const EDIT_FIELDS_TYPE = 'n8n-nodes-base.set';
export const IF_TYPE = 'n8n-nodes-base.if';
export const SWITCH_TYPE = 'n8n-nodes-base.switch';
export const CONVERT_TO_FILE_TYPE = 'n8n-nodes-base.convertToFile';
export const READ_WRITE_FILE_TYPE = 'n8n-nodes-base.readWriteFile';
export const WAIT_TYPE = 'n8n-nodes-base.wait';

const triggerInputs = new Map<string, IDataObject[]>();

/** Items the manual trigger of execution `executionId` will emit (the runner sets and clears this). */
export function setTriggerInput(executionId: string, items: IDataObject[] | undefined) {
	if (items === undefined) triggerInputs.delete(executionId);
	else triggerInputs.set(executionId, items);
}

export class HarnessManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow with the items the test passes as `input`',
		maxNodes: 1,
		defaults: { name: 'When clicking ‘Execute workflow’' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const items = triggerInputs.get(this.getExecutionId()) ?? [{}];
		// `emit` is replaced by the engine after trigger() returns, so look it up when called.
		const manualTriggerFunction = async () => {
			this.emit([this.helpers.returnJsonArray(structuredClone(items))]);
		};
		return { manualTriggerFunction };
	}
}

export class HarnessNoOp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'No Operation, do nothing',
		name: 'noOp',
		group: ['organization'],
		version: 1,
		description: 'No Operation',
		defaults: { name: 'No Operation, do nothing' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export class HarnessSetFields implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Set Fields (harness)',
		name: 'setFields',
		group: ['transform'],
		version: 1,
		description: 'Sets fields on every item from (expression) values',
		defaults: { name: 'Set Fields' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Fields',
				name: 'fields',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						displayName: 'Field',
						name: 'field',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'Keep Input Fields',
				name: 'keepInput',
				type: 'boolean',
				default: true,
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		return [
			items.map((item, i) => {
				const fields = this.getNodeParameter('fields.field', i, []) as Array<{
					name: string;
					value: unknown;
				}>;
				const keepInput = this.getNodeParameter('keepInput', i, true) as boolean;
				const json: IDataObject = keepInput ? { ...item.json } : {};
				for (const { name, value } of fields) json[name] = value as IDataObject[string];
				return { json, pairedItem: { item: i } };
			}),
		];
	}
}

export class HarnessEditFields implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Edit Fields (Set) (harness stand-in)',
		name: 'set',
		group: ['input'],
		version: [3.3, 3.4],
		description: "Sets fields from assignments, like n8n's Edit Fields node in manual mode",
		defaults: { name: 'Edit Fields' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Fields to Set',
				name: 'assignments',
				type: 'assignmentCollection',
				default: {},
			},
			{
				displayName: 'Include Other Input Fields',
				name: 'includeOtherFields',
				type: 'boolean',
				default: false,
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((item, i) => {
				const { assignments = [] } = this.getNodeParameter('assignments', i, {}) as {
					assignments?: Array<{ name: string; value: unknown }>;
				};
				const json: IDataObject = this.getNodeParameter('includeOtherFields', i, false)
					? { ...item.json }
					: {};
				for (const { name, value } of assignments) json[name] = value as IDataObject[string];
				return { json, pairedItem: { item: i } };
			}),
		];
	}
}

interface Condition {
	leftValue?: unknown;
	rightValue?: unknown;
	operator?: { type?: string; operation?: string };
}

const blank = (value: unknown) => value === undefined || value === null || value === '';

/** One condition of n8n's filter parameter, for the operations the harness supports. */
function holds({ leftValue, rightValue, operator }: Condition): boolean {
	const operation = operator?.operation;
	switch (operation) {
		case 'equals':
			return String(leftValue ?? '') === String(rightValue ?? '');
		case 'notEquals':
			return String(leftValue ?? '') !== String(rightValue ?? '');
		case 'empty':
			return blank(leftValue);
		case 'notEmpty':
			return !blank(leftValue);
		case 'exists':
			return leftValue !== undefined && leftValue !== null;
		case 'notExists':
			return leftValue === undefined || leftValue === null;
		default:
			throw new Error(
				`The harness If stand-in does not support the "${String(operation)}" operation`,
			);
	}
}

export class HarnessIf implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'If (harness stand-in)',
		name: 'if',
		group: ['transform'],
		version: [2, 2.1, 2.2],
		description: "Routes items to true or false, like n8n's If node, for simple string conditions",
		defaults: { name: 'If' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['true', 'false'],
		properties: [
			{ displayName: 'Conditions', name: 'conditions', type: 'filter', default: {} },
			{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const kept: INodeExecutionData[] = [];
		const discarded: INodeExecutionData[] = [];
		this.getInputData().forEach((item, i) => {
			const { conditions = [], combinator = 'and' } = this.getNodeParameter(
				'conditions',
				i,
				{},
			) as {
				conditions?: Condition[];
				combinator?: 'and' | 'or';
			};
			const pass = combinator === 'or' ? conditions.some(holds) : conditions.every(holds);
			(pass ? kept : discarded).push({
				json: item.json,
				...(item.binary ? { binary: item.binary } : {}),
				pairedItem: { item: i },
			});
		});
		return [kept, discarded];
	}
}

/** n8n's Switch outputs: one per routing rule (Rules mode), named by the rule's Output Name. */
const switchOutputs = (parameters: {
	rules?: { values?: Array<{ outputKey?: string }> };
}): Array<{ type: string; displayName: string }> =>
	(parameters.rules?.values ?? []).map((rule, index) => ({
		type: 'main',
		displayName: rule.outputKey || String(index),
	}));

export class HarnessSwitch implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Switch (harness stand-in)',
		name: 'switch',
		group: ['transform'],
		version: [3, 3.1, 3.2],
		description: "Routes each item to the first routing rule it matches, like n8n's Switch node",
		defaults: { name: 'Switch' },
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${switchOutputs.toString()})($parameter)}}`,
		properties: [
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Rules', value: 'rules' }],
				default: 'rules',
			},
			{
				displayName: 'Routing Rules',
				name: 'rules',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true, sortable: true },
				default: {},
				options: [
					{
						name: 'values',
						displayName: 'Routing Rule',
						values: [
							{
								displayName: 'Conditions',
								name: 'conditions',
								type: 'filter',
								default: {},
								typeOptions: {
									filter: { caseSensitive: true, typeValidation: 'strict', version: 2 },
								},
							},
							{
								displayName: 'Rename Output',
								name: 'renameOutput',
								type: 'boolean',
								default: false,
							},
							{ displayName: 'Output Name', name: 'outputKey', type: 'string', default: '' },
						],
					},
				],
			},
			{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (this.getNodeParameter('mode', 0) !== 'rules')
			throw new Error('The harness Switch stand-in supports Rules mode only');
		const rules = this.getNodeParameter('rules.values', 0, []) as unknown[];
		const outputs: INodeExecutionData[][] = rules.map(() => []);
		this.getInputData().forEach((item, i) => {
			const matched = rules.findIndex(
				(_rule, r) =>
					this.getNodeParameter(`rules.values[${r}].conditions`, i, false, {
						extractValue: true,
					}) === true,
			);
			if (matched >= 0)
				outputs[matched].push({
					json: item.json,
					...(item.binary ? { binary: item.binary } : {}),
					pairedItem: { item: i },
				});
		});
		return outputs;
	}
}

export class HarnessConvertToFile implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Convert to File (harness stand-in)',
		name: 'convertToFile',
		group: ['input'],
		version: [1, 1.1],
		description: "Moves a base64 field into binary data, like n8n's Convert to File (toBinary)",
		defaults: { name: 'Convert to File' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Operation', name: 'operation', type: 'string', default: 'csv' },
			{ displayName: 'Base64 Input Field', name: 'sourceProperty', type: 'string', default: '' },
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				default: {},
				options: [
					{ displayName: 'File Name', name: 'fileName', type: 'string', default: '' },
					{ displayName: 'MIME Type', name: 'mimeType', type: 'string', default: '' },
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const operation = this.getNodeParameter('operation', i) as string;
			if (operation !== 'toBinary')
				throw new Error(
					`The harness Convert to File stand-in does only toBinary, not ${operation}`,
				);
			const source = this.getNodeParameter('sourceProperty', i) as string;
			const field = this.getNodeParameter('binaryPropertyName', i, 'data') as string;
			const options = this.getNodeParameter('options', i, {}) as IDataObject;
			const bytes = Buffer.from(String(items[i].json[source] ?? ''), 'base64');
			const data = await this.helpers.prepareBinaryData(
				bytes,
				(options.fileName as string) || undefined,
				(options.mimeType as string) || undefined,
			);
			out.push({
				json: items[i].json,
				binary: { ...(items[i].binary ?? {}), [field]: data },
				pairedItem: { item: i },
			});
		}
		return [out];
	}
}

export interface WrittenFile {
	fileName: string;
	bytes: Buffer;
	mimeType: string;
}

const written: WrittenFile[] = [];

/** Every file the Read/Write Files stand-in was asked to write since the last `clearWrittenFiles()`. */
export function writtenFiles(): WrittenFile[] {
	return [...written];
}

export function clearWrittenFiles(): void {
	written.length = 0;
}

export class HarnessReadWriteFile implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Read/Write Files from Disk (harness stand-in)',
		name: 'readWriteFile',
		group: ['input'],
		version: [1, 1.1],
		description: "Records the files it would write, like n8n's Read/Write Files from Disk (write)",
		defaults: { name: 'Read/Write Files from Disk' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Operation', name: 'operation', type: 'string', default: 'read' },
			{ displayName: 'File Path and Name', name: 'fileName', type: 'string', default: '' },
			{
				displayName: 'Input Binary Field',
				name: 'dataPropertyName',
				type: 'string',
				default: 'data',
			},
			{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const operation = this.getNodeParameter('operation', i) as string;
			if (operation !== 'write')
				throw new Error(`The harness Read/Write Files stand-in does only write, not ${operation}`);
			const fileName = this.getNodeParameter('fileName', i) as string;
			const field = this.getNodeParameter('dataPropertyName', i, 'data') as string;
			const data = this.helpers.assertBinaryData(i, field);
			const bytes = await this.helpers.getBinaryDataBuffer(i, field);
			written.push({ fileName, bytes, mimeType: data.mimeType });
			out.push({
				json: { ...items[i].json, fileName },
				...(items[i].binary ? { binary: items[i].binary } : {}),
				pairedItem: { item: i },
			});
		}
		return [out];
	}
}

const SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

export class HarnessWait implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Wait (harness stand-in)',
		name: 'wait',
		group: ['organization'],
		version: [1, 1.1],
		description: "Waits, like n8n's Wait node after a time interval, in memory",
		defaults: { name: 'Wait' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Resume', name: 'resume', type: 'string', default: 'timeInterval' },
			{ displayName: 'Amount', name: 'amount', type: 'number', default: 1 },
			{ displayName: 'Unit', name: 'unit', type: 'string', default: 'hours' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resume = this.getNodeParameter('resume', 0) as string;
		const seconds =
			(this.getNodeParameter('amount', 0) as number) *
			(SECONDS[this.getNodeParameter('unit', 0) as string] ?? NaN);
		// n8n holds a wait under 65 s in memory; a longer one needs its database, which the harness has not.
		if (resume !== 'timeInterval' || !(seconds >= 0 && seconds < 65))
			throw new Error('The harness Wait stand-in waits only a time interval under 65 s');
		await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
		return [this.getInputData().map((item, i) => ({ json: item.json, pairedItem: { item: i } }))];
	}
}

export const BUILTIN_NODE_TYPES: Record<string, () => INodeType> = {
	[DATA_TABLE_TYPE]: () => new HarnessDataTable(),
	[WAIT_TYPE]: () => new HarnessWait(),
	[CONVERT_TO_FILE_TYPE]: () => new HarnessConvertToFile(),
	[READ_WRITE_FILE_TYPE]: () => new HarnessReadWriteFile(),
	[IF_TYPE]: () => new HarnessIf(),
	[SWITCH_TYPE]: () => new HarnessSwitch(),
	[MANUAL_TRIGGER_TYPE]: () => new HarnessManualTrigger(),
	[NO_OP_TYPE]: () => new HarnessNoOp(),
	[SET_FIELDS_TYPE]: () => new HarnessSetFields(),
	[EDIT_FIELDS_TYPE]: () => new HarnessEditFields(),
};
