// The benchmark's instrument (bench/): its raw baseline client must send exactly the requests the
// node sends, or the node/raw ratios mean nothing. Checked here against an in-process emulator.
// No timing is measured or asserted.
import { parseOptions } from '../bench/bench';
import { runNodeClient } from '../bench/nodeClient';
import { summariseProfile } from '../bench/profile';
import { runRawClient } from '../bench/rawClient';
import {
	benchInput,
	DEFAULT_CONCURRENCY,
	type ClientKind,
	type RunSpec,
	type Workload,
} from '../bench/spec';
import { startEmulator } from '../emulator/src';
import type { Emulator, RecordedRequest } from '../emulator/src';
import { REPO_ROOT } from './harness';
import { clearNodeCaches } from './support/caches';

/** What must be equal between the two clients: everything but the connection handling and the AppJWT's value. */
function comparable(request: RecordedRequest) {
	const { host: _host, connection: _connection, authorization, ...headers } = request.headers;
	return {
		method: request.method,
		path: request.path,
		query: request.query,
		headers: { ...headers, authorization: authorization === undefined ? undefined : 'an AppJWT' },
		body: request.json ?? request.rawBody,
	};
}

describe('bench: the raw client sends what the node sends', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(() => emu.close());

	async function run(
		client: ClientKind,
		workload: Workload,
		jws?: string[],
		rawConnections?: RunSpec['rawConnections'],
	) {
		// Each bench run is a fresh process: no host or ConsumerJWS cached from an earlier run.
		clearNodeCaches();
		emu.reset();
		const spec: RunSpec = {
			client,
			workload,
			items: 3,
			concurrency: 1,
			baseUrl: emu.baseUrl,
			accountId: emu.accountId,
			clientId: emu.clientId,
			clientSecret: emu.clientSecret,
			consumerPrefix: `same-${workload}-`,
			packageDir: REPO_ROOT,
			rawConnections,
		};
		const input = benchInput(spec, jws);
		const outcome =
			client === 'node' ? await runNodeClient(spec, input) : await runRawClient(spec, input);
		const connectionHeaders = emu.requests.map((r) => r.headers.connection);
		return {
			outcome,
			requests: emu.requests.map(comparable),
			stats: emu.stats(),
			conversations: emu.state.conversations(),
			connectionHeaders,
		};
	}

	it('can open a new connection per request, as n8n does, to price connection reuse', async () => {
		const raw = await run('raw', 'newConsumers', undefined, 'perRequest');
		expect(raw.outcome).toMatchObject({ succeeded: 3, failed: 0 });
		expect(raw.stats).toMatchObject({ connections: 8, requests: 8 });
		expect(new Set(raw.connectionHeaders)).toEqual(new Set(['close']));
	});

	it.each<Workload>(['newConsumers', 'perItemJws'])(
		'%s: same requests, same output, one connection for the raw client',
		async (workload) => {
			const jws =
				workload === 'perItemJws'
					? [0, 1, 2].map((i) => emu.mintConsumerJws(`same-${workload}-${i}`))
					: undefined;
			const node = await run('node', workload, jws);
			const raw = await run('raw', workload, jws);

			expect(node.outcome).toMatchObject({ outputItems: 3, succeeded: 3, failed: 0, unpaired: 0 });
			expect(raw.outcome).toMatchObject({ outputItems: 3, succeeded: 3, failed: 0, unpaired: 0 });
			expect(raw.requests).toEqual(node.requests);
			expect(raw.requests.map((r) => r.path.split('/').pop())).toEqual(
				workload === 'newConsumers'
					? [
							'baseURI.json',
							'token',
							'consumer',
							'conversation',
							'consumer',
							'conversation',
							'consumer',
							'conversation',
						]
					: ['baseURI.json', 'token', 'conversation', 'conversation', 'conversation'],
			);
			expect(raw.stats.connections).toBe(1);
			expect(raw.conversations.map((c) => c.extConsumerId)).toEqual(
				node.conversations.map((c) => c.extConsumerId),
			);

			// The same output items, conversation ids aside.
			const nodeJson = (
				node.outcome.output as { outputOf(n: string): Array<{ json: Record<string, unknown> }> }
			)
				.outputOf('LivePerson')
				.map((item) => ({ ...item.json, conversationId: typeof item.json.conversationId }));
			const rawJson = (raw.outcome.output as Array<{ json: Record<string, unknown> }>).map(
				(item) => ({
					...item.json,
					conversationId: typeof item.json.conversationId,
				}),
			);
			const withoutIds = (items: Array<Record<string, unknown>>) =>
				JSON.parse(
					JSON.stringify(items).replace(/"conversationId":"[^"]+"/g, '"conversationId":"x"'),
				);
			expect(withoutIds(rawJson)).toEqual(withoutIds(nodeJson));
		},
	);
});

describe('bench: options and the profile summary', () => {
	it('reads the flags, with the documented defaults', () => {
		expect(parseOptions([])).toMatchObject({
			sizes: [1000, 5000, 20000],
			jwsSizes: [5000],
			latencies: [0, 100],
			concurrencies: [1, DEFAULT_CONCURRENCY],
			repeat: 1,
			rateLimitShare: 0,
			clients: ['node', 'raw'],
		});
		expect(
			parseOptions([
				'--sizes',
				'1000',
				'--jws-sizes',
				'none',
				'--latency=100',
				'--concurrency',
				'default',
				'--repeat',
				'3',
			]),
		).toMatchObject({
			sizes: [1000],
			jwsSizes: [],
			latencies: [100],
			concurrencies: [DEFAULT_CONCURRENCY],
			repeat: 3,
		});
		expect(() => parseOptions(['--sizes', 'many'])).toThrow('--sizes');
	});

	it('attributes samples to packages, by self time and on the stack, within the window', () => {
		const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
			id,
			callFrame: { functionName, url, lineNumber: 0 },
			children,
		});
		const profile = {
			nodes: [
				frame(1, '(root)', '', [2, 5]),
				frame(2, 'execute', 'file:///repo/dist/nodes/LivePersonConnector/x.js', [3]),
				frame(3, 'request', 'file:///repo/node_modules/axios/lib/core.js', [4]),
				frame(4, 'write', 'node:net'),
				frame(5, '(idle)', ''),
			],
			startTime: 0,
			endTime: 100,
			samples: [4, 3, 2, 5, 4],
			timeDeltas: [0, 10, 10, 10, 10],
		};
		// Samples at t=0,10,20,30,40; each weighs the time to the next: 10, 10, 10, (idle), 0.
		const all = summariseProfile(profile as never);
		expect(all.selfByArea).toEqual(
			expect.arrayContaining([
				{ area: 'Node http/net/streams', percent: 33.3 },
				{ area: 'axios', percent: 33.3 },
				{ area: 'the node (dist/)', percent: 33.3 },
			]),
		);
		expect(all.onStackByArea.find((a) => a.area === 'the node (dist/)')?.percent).toBe(100);
		const window = summariseProfile(profile as never, 5, 25);
		expect(window.selfByArea.map((a) => a.area).sort()).toEqual(['axios', 'the node (dist/)']);
	});
});
