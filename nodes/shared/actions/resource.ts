import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeCredentialDescription,
	type INodeProperties,
} from 'n8n-workflow';

import type { LivePersonApi } from '../transport';
import type { OperationDefinition } from './operation';

/**
 * A resource owns what its operations share: the LivePerson API (and so the credential) they
 * talk to, the order its items must keep, and what identifies an item's work in a report. The
 * router reads this and names no resource itself.
 */
export interface ResourceDefinition {
	value: string;
	name: string;
	api: LivePersonApi;
	operations: Record<string, OperationDefinition>;
	defaultOperation: string;
	/**
	 * Who an item acts for, read before it runs: items with the same key keep their input order,
	 * items without one run freely. Values read here may be kept in `read` for the item to reuse.
	 */
	orderKey?(ctx: IExecuteFunctions, index: number, read: IDataObject): string | undefined;
	/** Output fields that identify what an item did (e.g. `conversationId`), named in a run-stopping error. */
	reportFields: string[];
	/** The API's own `details.reason` words, beside the shared ones. */
	reasons: readonly string[];
}

/** A node over the kernel: its name (for logs and messages) and its resources. */
export interface NodeDefinition {
	displayName: string;
	resources: ResourceDefinition[];
}

/** The Resource selector, then each resource's Operation selector and its operations' fields. */
export function nodeProperties(node: NodeDefinition): INodeProperties[] {
	const firstResource = node.resources[0].value;
	return [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: node.resources.map(({ name, value }) => ({ name, value })),
			default: firstResource,
		},
		...node.resources.flatMap(resourceProperties),
	];
}

function resourceProperties(resource: ResourceDefinition): INodeProperties[] {
	const definitions = Object.values(resource.operations);
	const defaultOperation = resource.defaultOperation;
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value] } },
			options: definitions
				.map(({ name, value, description, action }) => ({ name, value, description, action }))
				.sort((a, b) => a.name.localeCompare(b.name)),
			default: defaultOperation,
		},
		...definitions.flatMap((definition) =>
			updateDisplayOptions(
				{ show: { resource: [resource.value], operation: [definition.value] } },
				definition.properties,
			),
		),
	];
}

/** One credential entry per API the node's resources talk to, shown for those resources. */
export function nodeCredentials(node: NodeDefinition): INodeCredentialDescription[] {
	const byType = new Map<string, string[]>();
	for (const resource of node.resources) {
		const shown = byType.get(resource.api.credentialType) ?? [];
		byType.set(resource.api.credentialType, [...shown, resource.value]);
	}
	return [...byType].map(([name, resources]) =>
		byType.size === 1
			? { name, required: true }
			: { name, required: true, displayOptions: { show: { resource: resources } } },
	);
}

/**
 * The canvas subtitle: the chosen operation's name as the panel shows it, derived like the panel
 * (n8n's verification lint asks for a literal subtitle only of a node whose properties are
 * written out inline; test/panel.test.ts checks it through n8n's expression engine).
 */
export function subtitleOf(node: NodeDefinition): string {
	const names: Record<string, string> = {};
	for (const resource of node.resources)
		for (const operation of Object.values(resource.operations))
			names[`${resource.value}.${operation.value}`] = operation.name;
	return `={{ ${JSON.stringify(names)}[$parameter["resource"] + "." + $parameter["operation"]] ?? $parameter["operation"] }}`;
}
