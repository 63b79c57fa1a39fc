// Proves the workflow harness (test/harness) with a throwaway fixture package
// (test/harness/fixtures/fixture-package) against a local HTTP server on 127.0.0.1.
import type { IConnections, INode, INodeParameters } from 'n8n-workflow';
import * as path from 'node:path';

import {
	FIXTURE_PACKAGE_DIR,
	HarnessCredentialsHelper,
	loadNodesAndCredentials,
	runWorkflow,
	type WorkflowDefinition,
} from './harness';
import { startEchoServer, type EchoServer } from './harness/fixtures/echo-server';

const packageDir = FIXTURE_PACKAGE_DIR;
const TRIGGER = 'When clicking ‘Execute workflow’';

let server: EchoServer;
beforeAll(async () => {
	server = await startEchoServer();
});
afterAll(async () => {
	await server.close();
});
beforeEach(() => server.reset());

/** Manual trigger -> "Fixture" (fixture HTTP node) [-> further nodes on its outputs]. */
function fixtureWorkflow(
	fixture: Partial<INode> & { parameters: INodeParameters },
	outputs: Array<{ output: number; node: INode }> = [],
): WorkflowDefinition {
	const nodes: INode[] = [
		{
			id: 't',
			name: TRIGGER,
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'f',
			name: 'Fixture',
			type: 'n8n-nodes-harness-fixture.fixtureHttp',
			typeVersion: 1,
			position: [200, 0],
			credentials: { fixtureApi: { id: '1', name: 'Fixture account' } },
			...fixture,
		},
		...outputs.map(({ node }) => node),
	];
	const fixtureMain: Array<Array<{ node: string; type: 'main'; index: number }>> = [];
	for (const { output, node } of outputs) {
		(fixtureMain[output] ??= []).push({ node: node.name, type: 'main', index: 0 });
	}
	const connections: IConnections = {
		[TRIGGER]: { main: [[{ node: 'Fixture', type: 'main', index: 0 }]] },
		...(outputs.length ? { Fixture: { main: fixtureMain } } : {}),
	};
	return { nodes, connections, settings: { executionOrder: 'v1' } };
}

const noOp = (name: string): INode => ({
	id: name,
	name,
	type: 'n8n-nodes-base.noOp',
	typeVersion: 1,
	position: [400, 0],
	parameters: {},
});

const credentials = () => ({
	// No `region`: the credential type's default ('eu') must be applied, as for an old saved credential.
	fixtureApi: {
		id: '1',
		name: 'Fixture account',
		data: { baseUrl: server.baseUrl, apiKey: 'k-123' },
	},
});

const requestsTo = (p: string) => server.requests.filter((r) => r.path === p);

describe('loading', () => {
	test('loads the package through n8n-core and keys node types as n8n does', async () => {
		const { packages, nodeTypes, credentialTypes } = await loadNodesAndCredentials(packageDir);
		expect(packages.map((p) => p.nodes)).toEqual([['n8n-nodes-harness-fixture.fixtureHttp']]);
		expect(nodeTypes.getByNameAndVersion('n8n-nodes-base.manualTrigger', 1).trigger).toBeDefined();
		expect(credentialTypes.getSupportedNodes('fixtureApi')).toEqual([
			'n8n-nodes-harness-fixture.fixtureHttp',
		]);
	});
});

describe('credentials helper', () => {
	test('merges `extends` properties, resolves parent types and applies defaults on read', async () => {
		const helper = await HarnessCredentialsHelper.create(
			{ fixtureChildApi: { id: '7', data: { baseUrl: 'http://x', apiKey: 'k' } } },
			packageDir,
		);
		expect(helper.getParentTypes('fixtureChildApi')).toEqual(['fixtureApi']);
		const properties = helper.getCredentialsProperties('fixtureChildApi');
		expect(properties.map((p) => p.name)).toEqual([
			'sessionToken',
			'baseUrl',
			'apiKey',
			'region',
			'tenant',
		]);
		expect(properties.find((p) => p.name === 'region')?.default).toBe('us');

		const decrypted = await helper.getDecrypted(
			{} as never,
			{ id: '7', name: 'x' },
			'fixtureChildApi',
			'manual',
		);
		expect(decrypted).toEqual({
			sessionToken: '',
			baseUrl: 'http://x',
			apiKey: 'k',
			region: 'us',
			tenant: 'main',
		});
		await expect(
			helper.getDecrypted({} as never, { id: '8', name: 'x' }, 'fixtureChildApi', 'manual'),
		).rejects.toThrow('Credential with ID "8" does not exist');
	});
});

describe('running workflows', () => {
	test('generic auth headers and qs, property defaults, expressions from input items, one item out per item in', async () => {
		const result = await runWorkflow(
			fixtureWorkflow({
				parameters: { path: '/echo', value: '={{ $json.name }}-{{ $itemIndex }}' },
			}),
			{
				packageDir,
				credentials: credentials(),
				input: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
			},
		);

		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.executedNodes).toEqual([TRIGGER, 'Fixture']);
		const out = result.outputOf('Fixture');
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out.map((i) => i.json.body)).toEqual([
			{ value: 'a-0' },
			{ value: 'b-1' },
			{ value: 'c-2' },
		]);

		const echoes = requestsTo('/echo');
		expect(echoes).toHaveLength(3);
		for (const request of echoes) {
			expect(request.headers.authorization).toBe('Bearer token-1');
			expect(request.headers['x-region']).toBe('eu');
			expect(request.query.api_key).toBe('k-123');
		}
		// The token was minted once for the whole execution, with the credential's own data.
		expect(requestsTo('/token')).toEqual([expect.objectContaining({ body: { apiKey: 'k-123' } })]);
	});

	test('function authenticators are applied', async () => {
		const result = await runWorkflow(
			fixtureWorkflow({
				parameters: { authentication: 'function', path: '/fn', method: 'GET' },
				credentials: { fixtureFnApi: { id: '2', name: 'Fn account' } },
			}),
			{
				packageDir,
				credentials: {
					fixtureFnApi: { id: '2', data: { baseUrl: server.baseUrl, key: 's3cret' } },
				},
			},
		);
		expect(result.status).toBe('success');
		expect(result.jsonOf('Fixture')).toEqual([
			expect.objectContaining({ method: 'GET', fnKey: 'fn:s3cret' }),
		]);
	});

	test('preAuthentication runs once, its token is stored and reused by the next execution', async () => {
		const helper = await HarnessCredentialsHelper.create(credentials(), packageDir);
		const workflow = fixtureWorkflow({ parameters: { path: '/echo', value: 'x' } });

		const first = await runWorkflow(workflow, {
			packageDir,
			credentialsHelper: helper,
			input: [{}, {}],
		});
		expect(first.status).toBe('success');
		expect(helper.preAuthenticationRuns('fixtureApi')).toBe(1);
		expect(helper.stored('fixtureApi')).toEqual({
			baseUrl: server.baseUrl,
			apiKey: 'k-123',
			sessionToken: 'token-1',
		});
		expect(helper.updates).toHaveLength(1);

		const second = await runWorkflow(workflow, { packageDir, credentialsHelper: helper });
		expect(second.status).toBe('success');
		expect(helper.preAuthenticationRuns('fixtureApi')).toBe(1);
		expect(helper.preAuthenticationCalls.every((c) => !c.credentialsExpired)).toBe(true);
		expect(server.tokensIssued).toBe(1);
		expect(requestsTo('/echo').map((r) => r.headers.authorization)).toEqual(
			Array(3).fill('Bearer token-1'),
		);
	});

	test('a 401 makes the engine call preAuthentication again (credentialsExpired) and retry once', async () => {
		const helper = await HarnessCredentialsHelper.create(
			{
				fixtureApi: {
					id: '1',
					data: { baseUrl: server.baseUrl, apiKey: 'k-123', sessionToken: 'stale' },
				},
			},
			packageDir,
		);
		const result = await runWorkflow(
			fixtureWorkflow({ parameters: { path: '/echo', value: 'x' } }),
			{
				packageDir,
				credentialsHelper: helper,
			},
		);

		expect(result.status).toBe('success');
		expect(server.requests.map((r) => `${r.path} ${r.headers.authorization ?? ''}`.trim())).toEqual(
			['/echo Bearer stale', '/token', '/echo Bearer token-1'],
		);
		expect(
			helper.preAuthenticationCalls.map(({ credentialsExpired, ran }) => ({
				credentialsExpired,
				ran,
			})),
		).toEqual([
			{ credentialsExpired: false, ran: false },
			{ credentialsExpired: true, ran: true },
		]);
		expect(helper.stored('fixtureApi')?.sessionToken).toBe('token-1');
	});

	test('a 401 after the refresh is not retried again and fails the node', async () => {
		const helper = await HarnessCredentialsHelper.create(credentials(), packageDir);
		server.acceptTokens = false;
		const result = await runWorkflow(
			fixtureWorkflow({ parameters: { path: '/echo', value: 'x' } }),
			{
				packageDir,
				credentialsHelper: helper,
			},
		);
		expect(result.status).toBe('error');
		expect(requestsTo('/echo')).toHaveLength(2);
		expect(helper.preAuthenticationRuns()).toBe(2);
		expect(result.nodeError('Fixture')?.message).toMatch(/401|Authorization failed/i);
		expect(result.error?.message).toBe(result.nodeError('Fixture')?.message);
	});

	test('continueRegularOutput: failed items become { error } items with their pairedItem', async () => {
		server.failItems.add(1);
		const result = await runWorkflow(
			fixtureWorkflow({ parameters: { path: '/fail' }, onError: 'continueRegularOutput' }),
			{ packageDir, credentials: credentials(), input: [{ n: 0 }, { n: 1 }, { n: 2 }] },
		);
		expect(result.status).toBe('success');
		const out = result.outputOf('Fixture');
		expect(out).toHaveLength(3);
		expect(out[1]).toEqual({
			json: { error: expect.stringMatching(/not able to process/) },
			pairedItem: { item: 1 },
		});
		expect(out[0].json).toEqual({ ok: true, item: 0 });
		expect(result.nodeError('Fixture')).toBeUndefined();
	});

	test('continueErrorOutput: failed items go to the error output, with pairedItem, and on to its branch', async () => {
		server.failItems.add(1);
		const result = await runWorkflow(
			fixtureWorkflow({ parameters: { path: '/fail' }, onError: 'continueErrorOutput' }, [
				{ output: 0, node: noOp('Success') },
				{ output: 1, node: noOp('Errors') },
			]),
			{ packageDir, credentials: credentials(), input: [{ n: 0 }, { n: 1 }, { n: 2 }] },
		);
		expect(result.status).toBe('success');
		expect(result.outputOf('Fixture').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		const errors = result.errorOutputOf('Fixture');
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 1 });
		expect(errors[0].json.error).toMatch(/not able to process/);
		expect(result.jsonOf('Success')).toEqual([
			{ ok: true, item: 0 },
			{ ok: true, item: 2 },
		]);
		expect(result.jsonOf('Errors')).toHaveLength(1);
	});

	test('without continueOnFail a failing item stops the workflow with a node error', async () => {
		server.failItems.add(1);
		const result = await runWorkflow(
			fixtureWorkflow({ parameters: { path: '/fail' } }, [{ output: 0, node: noOp('Next') }]),
			{
				packageDir,
				credentials: credentials(),
				input: [{}, {}],
			},
		);
		expect(result.status).toBe('error');
		expect(result.nodeError('Fixture')).toMatchObject({ name: 'NodeApiError', httpCode: '500' });
		expect(result.taskDataOf('Next')).toEqual([]);
		expect(() => result.outputOf('Fixture')).toThrow(/Node "Fixture" failed/);
	});

	test('retryOnFail re-runs the node', async () => {
		server.flakyFailures = 1;
		// Note: the engine reads `waitBetweenTries: 0` as the default 1000 ms (`|| 1000`), so use 10.
		const result = await runWorkflow(
			fixtureWorkflow({
				parameters: { path: '/flaky' },
				retryOnFail: true,
				maxTries: 3,
				waitBetweenTries: 10,
			}),
			{ packageDir, credentials: credentials() },
		);
		expect(result.status).toBe('success');
		expect(requestsTo('/flaky')).toHaveLength(2);
	});

	test('runs an exported workflow file: credentials by id/name, expressions, $() paired items', async () => {
		const result = await runWorkflow(
			path.join(__dirname, 'harness/fixtures/workflows/echo-and-set.workflow.json'),
			{
				packageDir,
				credentials: credentials(),
				input: [
					{ conversationId: 'c-1', customer: 'ann' },
					{ conversationId: 'c-2', customer: 'bob' },
				],
			},
		);
		expect(result.status).toBe('success');
		expect(result.executedNodes).toEqual([TRIGGER, 'Fixture', 'Use conversation', 'Done']);
		expect(result.jsonOf('Done')).toEqual([
			{ conversationId: 'c-1', customer: 'ann' },
			{ conversationId: 'c-2', customer: 'bob' },
		]);
		expect(result.outputOf('Done').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('cancellation aborts the request the node is waiting on', async () => {
		const result = await runWorkflow(
			fixtureWorkflow({ parameters: { path: '/echo', delayMs: 10_000 } }),
			{
				packageDir,
				credentials: credentials(),
				cancelAfterMs: 300,
				timeoutMs: 5_000,
			},
		);
		expect(result.status).toBe('canceled');
		expect(result.cancelled?.engineStoppedAfterMs).toBeLessThan(2_000);
		expect(result.durationMs).toBeLessThan(3_000);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(server.abortedRequests).toBe(1);
	});

	test('an AbortSignal cancels too; timeoutMs bounds a run', async () => {
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 200);
		const cancelled = await runWorkflow(
			fixtureWorkflow({ parameters: { path: '/echo', delayMs: 10_000 } }),
			{
				packageDir,
				credentials: credentials(),
				signal: controller.signal,
			},
		);
		expect(cancelled.status).toBe('canceled');

		await expect(
			runWorkflow(fixtureWorkflow({ parameters: { path: '/echo', delayMs: 10_000 } }), {
				packageDir,
				credentials: credentials(),
				timeoutMs: 300,
			}),
		).rejects.toThrow('did not finish within 300 ms');
	});
});
