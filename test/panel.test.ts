/**
 * What a user sees of the node before running it (issue 8's panel findings), read from the built
 * package as n8n loads it, with n8n's own expression engine for the canvas subtitle; and what the
 * node says when an unknown operation is chosen or a client secret is wrong.
 */
import {
	Workflow,
	type INode,
	type INodeProperties,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { startEmulator } from '../emulator/src';
import { loadNodesAndCredentials, REPO_ROOT, runWorkflow } from './harness';
import { clearNodeCaches } from './support/caches';
import { LP_NODE, LP_TYPE, clientCredential, lpWorkflow } from './support/workflows';

let description: INodeTypeDescription;
let nodeTypes: Awaited<ReturnType<typeof loadNodesAndCredentials>>['nodeTypes'];

beforeAll(async () => {
	({ nodeTypes } = await loadNodesAndCredentials(REPO_ROOT));
	description = nodeTypes.getByNameAndVersion(LP_TYPE, 1).description;
});

function subtitleFor(operation: string): unknown {
	const node: INode = {
		id: 'lp',
		name: 'LivePerson',
		type: LP_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource: 'conversation', operation },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(node, description.subtitle!, 'internal', {});
}

/** Every property of the panel, nested ones included. */
function allProperties(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => {
		const nested = (property.options ?? []).flatMap((option) =>
			'values' in option
				? allProperties(option.values)
				: 'displayName' in option && 'type' in option
					? allProperties([option as INodeProperties])
					: [],
		);
		return [property, ...nested];
	});
}

describe('the panel', () => {
	test('n8n offers no "Custom API Call": no credential of the package can authenticate a request for another node', async () => {
		// n8n adds it to Resource and Operation when a credential has `authenticate` or extends an OAuth type.
		const { credentialTypes } = await loadNodesAndCredentials(REPO_ROOT);
		for (const type of ['livePersonConnectorApi', 'livePersonProactiveApi']) {
			const credential = credentialTypes.getByName(type);
			expect(credential.authenticate).toBeUndefined();
			expect(credential.extends ?? []).toEqual([]);
		}
	});

	test('the canvas subtitle shows the operation as the panel names it, not its raw value', () => {
		const operations = description.properties.find((p) => p.name === 'operation')!
			.options as Array<{ name: string; value: string }>;
		for (const { name, value } of operations) expect(subtitleFor(value)).toBe(name);
		expect(subtitleFor('createAndSend')).toBe('Create and Send Message');
	});

	test('every action reads as a sentence a user would write', () => {
		const actions = (
			description.properties.find((p) => p.name === 'operation')!.options as Array<{
				action: string;
			}>
		).map((o) => o.action);
		expect(actions).toContain('Create a conversation with customer attributes');
		expect(actions.filter((action) => /\bsdes\b/.test(action))).toEqual([]);
	});

	test('no placeholder shows a literal "=" from an expression', () => {
		const placeholders = allProperties(description.properties)
			.map((p) => p.placeholder)
			.filter((p): p is string => typeof p === 'string');
		expect(placeholders.filter((placeholder) => placeholder.startsWith('='))).toEqual([]);
		expect(placeholders).toContain('e.g. {{ $json.contactId }}');
	});

	test('an untouched JSON field holds valid JSON, and says what to write in it', () => {
		for (const field of allProperties(description.properties).filter((p) => p.type === 'json')) {
			expect(() => JSON.parse(String(field.default))).not.toThrow();
			expect(field.hint ?? field.description).toMatch(/\{/);
		}
	});

	test('every operation is declared once: one selector option per operation, and each has fields', () => {
		const operations = (
			description.properties.find((p) => p.name === 'operation')!.options as Array<{
				value: string;
			}>
		).map((o) => o.value);
		expect(operations.sort()).toEqual([
			'close',
			'createAndSend',
			'createWithCampaign',
			'createWithSdes',
			'markAsRead',
			'sendMessage',
			'sendTyping',
			'shareLocation',
			'updateProfile',
		]);
		for (const operation of operations) {
			const shown = description.properties.filter((p) =>
				p.displayOptions?.show?.operation?.includes(operation),
			);
			expect(shown.map((p) => p.name)).toContain('options');
		}
	});
});

describe('at run time', () => {
	test('an operation the node does not have (e.g. an old "Custom API Call" choice) fails by name, sending nothing', async () => {
		const emulator = await startEmulator();
		try {
			const result = await runWorkflow(lpWorkflow({ resource: '__CUSTOM_API_CALL__' }), {
				credentials: clientCredential(emulator),
			});
			const error = result.nodeError(LP_NODE) as Error & { description?: string };
			expect(error.message).toMatch(/is not supported by the LivePerson Connector node$/);
			expect(error.description).toMatch(/Pick one of the operations/);
			expect(emulator.requests).toHaveLength(0);
		} finally {
			await emulator.close();
		}
	});

	test('a wrong client secret is tried at Sentinel once per run, not once per item', async () => {
		clearNodeCaches();
		const emulator = await startEmulator();
		try {
			const result = await runWorkflow(
				lpWorkflow(
					{ operation: 'createWithSdes', consumerId: '={{ $json.contactId }}' },
					{ onError: 'continueRegularOutput' },
				),
				{
					credentials: clientCredential(emulator, { clientSecret: 'a-wrong-secret-0000000' }),
					input: [1, 2, 3, 4, 5].map((n) => ({ contactId: `c${n}` })),
				},
			);
			expect(result.jsonOf(LP_NODE).map((item) => item.error)).toEqual(
				[0, 1, 2, 3, 4].map((i) => `LivePerson refused the Client ID or Client Secret [item ${i}]`),
			);
			expect(emulator.requestsTo('sentinel')).toHaveLength(1);
		} finally {
			await emulator.close();
		}
	});
});
