// A stand-in for n8n's Data table node (`n8n-nodes-base.dataTable`, n8n 1.113 and newer), so the
// importable examples run in the harness unchanged. Same node type name, versions and parameters as
// n8n 2.41's node; only the operations the examples use:
//  - Table › Create (`resource: 'table'`, `tableName`, `columns.column[{name, type}]`,
//    `options.createIfNotExists`, default true: an existing table of that name is returned);
//  - Row › Get (`matchType`, `filters.conditions[{keyName, condition, keyValue}]`, `returnAll`,
//    `limit`), Row › Upsert and Row › Update (`columns`: a resource mapper, `defineBelow` or
//    `autoMapInputData`).
// The table is picked with `dataTableId` (a resource locator: `id`, `list` or `name`). The rows live
// in memory, in one store per process (n8n keeps them in its database): `dataTables.reset()` empties
// it, `dataTables.rows(name)` reads a table. As in n8n, every row has the system columns `id`,
// `createdAt` and `updatedAt` (after its own columns); filters, values and column names are checked
// as n8n checks them.
import { randomBytes } from 'crypto';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

export const DATA_TABLE_TYPE = 'n8n-nodes-base.dataTable';

type ColumnType = 'string' | 'number' | 'boolean' | 'date';
type Value = string | number | boolean | null;

interface Table {
	id: string;
	name: string;
	columns: Array<{ name: string; type: ColumnType; index: number }>;
	rows: Array<Record<string, Value>>;
	nextRowId: number;
	createdAt: string;
	updatedAt: string;
}

const SYSTEM_COLUMNS = ['id', 'createdAt', 'updatedAt'];
const COLUMN_NAME = /^[a-zA-Z][a-zA-Z0-9_]*$/;

class DataTableStore {
	private readonly tables = new Map<string, Table>();

	reset(): void {
		this.tables.clear();
	}

	/** Every table, newest update first (n8n lists them in that order). */
	list(): Table[] {
		return [...this.tables.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
	}

	byId(id: string): Table | undefined {
		return this.tables.get(id);
	}

	/** n8n's name filter: case-insensitive "contains", newest update first. */
	findByName(name: string): Table | undefined {
		return this.list().find((t) => t.name.toLowerCase().includes(name.toLowerCase()));
	}

	create(name: string, columns: Array<{ name: string; type: ColumnType }>): Table {
		if (this.list().some((t) => t.name === name))
			throw new Error(`Data table with name '${name}' already exists in this project`);
		for (const column of columns)
			if (!COLUMN_NAME.test(column.name) || SYSTEM_COLUMNS.includes(column.name))
				throw new Error(`Invalid column name '${column.name}'`);
		const now = new Date().toISOString();
		const table: Table = {
			id: randomBytes(8).toString('hex'),
			name,
			columns: columns.map((c, index) => ({ name: c.name, type: c.type, index })),
			rows: [],
			nextRowId: 1,
			createdAt: now,
			updatedAt: now,
		};
		this.tables.set(table.id, table);
		return table;
	}

	/** A table's rows as the Get operation outputs them. */
	rows(name: string): IDataObject[] {
		const table = this.list().find((t) => t.name === name);
		return table ? table.rows.map((row) => ({ ...row })) : [];
	}
}

/** The stand-in's rows, for tests and the demo. */
export const dataTables = new DataTableStore();

interface Condition {
	keyName: string;
	condition?: string;
	keyValue?: unknown;
}

function matches(row: Record<string, Value>, { keyName, condition = 'eq', keyValue }: Condition) {
	const value = row[keyName];
	switch (condition) {
		case 'eq':
			return keyValue === null ? value === null : value !== null && value === keyValue;
		case 'neq':
			return keyValue === null ? value !== null : value === null || value !== keyValue;
		case 'isEmpty':
			return value === null || value === '';
		case 'isNotEmpty':
			return value !== null && value !== '';
		default:
			throw new Error(
				`The harness Data table stand-in does not support the "${condition}" condition`,
			);
	}
}

export class HarnessDataTable implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Data table (harness stand-in)',
		name: 'dataTable',
		group: ['input', 'transform'],
		version: [1, 1.1],
		description: "Keeps rows in memory, like n8n's Data table node keeps them in its database",
		defaults: { name: 'Data table' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Row', value: 'row' },
					{ name: 'Table', value: 'table' },
				],
				default: 'row',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['row'] } },
				options: [
					{ name: 'Get', value: 'get' },
					{ name: 'Update', value: 'update' },
					{ name: 'Upsert', value: 'upsert' },
				],
				default: 'get',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['table'] } },
				options: [{ name: 'Create', value: 'create' }],
				default: 'create',
			},
			{
				displayName: 'Data Table',
				name: 'dataTableId',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				modes: [
					{ displayName: 'From List', name: 'list', type: 'list' },
					{ displayName: 'By Name', name: 'name', type: 'string' },
					{ displayName: 'ID', name: 'id', type: 'string' },
				],
				displayOptions: { show: { resource: ['row'] } },
			},
			{
				displayName: 'Must Match',
				name: 'matchType',
				type: 'options',
				options: [
					{ name: 'Any Condition', value: 'anyCondition' },
					{ name: 'All Conditions', value: 'allConditions' },
				],
				default: 'anyCondition',
				displayOptions: { show: { resource: ['row'] } },
			},
			{
				displayName: 'Conditions',
				name: 'filters',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				displayOptions: { show: { resource: ['row'] } },
				options: [
					{
						displayName: 'Conditions',
						name: 'conditions',
						values: [
							{ displayName: 'Column', name: 'keyName', type: 'string', default: 'id' },
							{ displayName: 'Condition', name: 'condition', type: 'string', default: 'eq' },
							{ displayName: 'Value', name: 'keyValue', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'Return All',
				name: 'returnAll',
				type: 'boolean',
				default: false,
				displayOptions: { show: { resource: ['row'], operation: ['get'] } },
			},
			{
				displayName: 'Limit',
				name: 'limit',
				type: 'number',
				default: 50,
				displayOptions: { show: { resource: ['row'], operation: ['get'], returnAll: [false] } },
			},
			{
				displayName: 'Columns',
				name: 'columns',
				type: 'resourceMapper',
				noDataExpression: true,
				default: { mappingMode: 'defineBelow', value: null },
				typeOptions: {
					resourceMapper: { resourceMapperMethod: 'getDataTables', mode: 'add' },
				},
				displayOptions: { show: { resource: ['row'], operation: ['update', 'upsert'] } },
			},
			{
				displayName: 'Name',
				name: 'tableName',
				type: 'string',
				default: '',
				displayOptions: { show: { resource: ['table'], operation: ['create'] } },
			},
			{
				displayName: 'Columns',
				name: 'columns',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				displayOptions: { show: { resource: ['table'], operation: ['create'] } },
				options: [
					{
						name: 'column',
						displayName: 'Column',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'Type', name: 'type', type: 'string', default: 'string' },
						],
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				default: {},
				displayOptions: { show: { resource: ['table'], operation: ['create'] } },
				options: [
					{
						displayName: 'Reuse Existing Tables',
						name: 'createIfNotExists',
						type: 'boolean',
						default: true,
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const fail = (message: string, itemIndex: number) =>
			new NodeOperationError(this.getNode(), message, { itemIndex });
		const output: INodeExecutionData[] = [];
		const items = this.getInputData();

		for (let i = 0; i < items.length; i++) {
			try {
				const results =
					resource === 'table'
						? [createTable.call(this, i)]
						: rowOperation.call(this, operation, i, fail);
				output.push(...results.map((json) => ({ json, pairedItem: { item: i } })));
			} catch (error) {
				const failure =
					error instanceof NodeOperationError ? error : fail((error as Error).message, i);
				if (!this.continueOnFail()) throw failure;
				output.push({ json: items[i].json, error: failure, pairedItem: { item: i } });
			}
		}
		return [output];
	}
}

function tableJson(table: Table): IDataObject {
	return {
		id: table.id,
		name: table.name,
		columns: table.columns.map((c) => ({ ...c })),
		createdAt: table.createdAt,
		updatedAt: table.updatedAt,
	};
}

function createTable(this: IExecuteFunctions, i: number): IDataObject {
	if (this.getNodeParameter('operation', i) !== 'create')
		throw new Error('The harness Data table stand-in only creates tables');
	const name = this.getNodeParameter('tableName', i) as string;
	const columns = this.getNodeParameter('columns.column', i, []) as Array<{
		name: string;
		type: ColumnType;
	}>;
	const options = this.getNodeParameter('options', i, {}) as { createIfNotExists?: boolean };
	if (options.createIfNotExists) {
		// As n8n does: the newest table whose name contains this one, kept only if the name is equal.
		const existing = dataTables.findByName(name);
		if (existing && existing.name === name) return tableJson(existing);
	}
	return tableJson(dataTables.create(name, columns));
}

function rowOperation(
	this: IExecuteFunctions,
	operation: string,
	i: number,
	fail: (message: string, itemIndex: number) => NodeOperationError,
): IDataObject[] {
	const locator = this.getNodeParameter('dataTableId', i) as { mode: string; value: string };
	const table =
		locator.mode === 'name'
			? dataTables.findByName(String(locator.value))
			: dataTables.byId(String(locator.value));
	if (!table) {
		throw fail(
			locator.mode === 'name'
				? `Data table with name "${locator.value}" not found`
				: `Could not find the data table '${locator.value}'`,
			i,
		);
	}
	const types: Record<string, string> = {
		id: 'number',
		createdAt: 'date',
		updatedAt: 'date',
		...Object.fromEntries(table.columns.map((c) => [c.name, c.type])),
	};
	const conditions = this.getNodeParameter('filters.conditions', i, []) as Condition[];
	const unknown = conditions.filter((c) => !types[c.keyName]).map((c) => c.keyName);
	if (unknown.length > 0)
		throw fail(
			`Filter validation failed: Column(s) "${unknown.join(', ')}" do not exist in the selected table.`,
			i,
		);
	const all = this.getNodeParameter('matchType', i, 'anyCondition') === 'allConditions';
	const selected = (row: Record<string, Value>) =>
		conditions.length === 0 ||
		(all ? conditions.every((c) => matches(row, c)) : conditions.some((c) => matches(row, c)));

	if (operation === 'get') {
		const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
		const limit = returnAll ? Infinity : (this.getNodeParameter('limit', i, 50) as number);
		return table.rows
			.filter(selected)
			.slice(0, limit)
			.map((row) => ({ ...row }));
	}
	if (operation !== 'update' && operation !== 'upsert')
		throw new Error(
			`The harness Data table stand-in does not support the "${operation}" operation`,
		);
	if (conditions.length === 0) throw fail('At least one condition is required', i);

	const data = rowValues.call(this, i, table, fail);
	const now = new Date().toISOString();
	const hits = table.rows.filter(selected);
	for (const row of hits) Object.assign(row, data, { updatedAt: now });
	if (hits.length > 0 || operation === 'update') {
		table.updatedAt = now;
		return hits.map((row) => ({ ...row }));
	}
	// As n8n outputs a row: its columns, then the system columns.
	const row: Record<string, Value> = {
		...Object.fromEntries(table.columns.map((c) => [c.name, null])),
		...data,
		id: table.nextRowId++,
		createdAt: now,
		updatedAt: now,
	};
	table.rows.push(row);
	table.updatedAt = now;
	return [{ ...row }];
}

/** The resource mapper's values, checked against the table's columns as n8n checks them. */
function rowValues(
	this: IExecuteFunctions,
	i: number,
	table: Table,
	fail: (message: string, itemIndex: number) => NodeOperationError,
): Record<string, Value> {
	const mode = this.getNodeParameter('columns.mappingMode', i) as string;
	const raw: IDataObject =
		mode === 'autoMapInputData'
			? { ...this.getInputData()[i].json }
			: (this.getNodeParameter('columns.value', i, {}) as IDataObject);
	if (mode === 'autoMapInputData') for (const column of SYSTEM_COLUMNS) delete raw[column];
	if (Object.keys(raw).length === 0) throw fail('Data columns must not be empty', i);
	const data: Record<string, Value> = {};
	for (const [name, value] of Object.entries(raw)) {
		const column = table.columns.find((c) => c.name === name);
		if (!column) throw fail(`unknown column name '${name}'`, i);
		if (value === undefined || value === null) {
			data[name] = null;
			continue;
		}
		const ok =
			(column.type === 'string' && typeof value === 'string') ||
			(column.type === 'number' && typeof value === 'number') ||
			(column.type === 'boolean' && typeof value === 'boolean') ||
			(column.type === 'date' && typeof value === 'string' && !isNaN(Date.parse(value)));
		if (!ok)
			throw fail(
				`value '${JSON.stringify(value)}' does not match column type '${column.type}': '${name}'`,
				i,
			);
		data[name] = value as Value;
	}
	return data;
}
