// The benchmark's instrument (bench/): its raw baseline client and n8n's floor (a bare node in the
// engine) must send exactly the requests the node sends, or the node/raw and node/floor ratios mean
// nothing. Checked here against an in-process emulator. No timing is measured or asserted.
import { pairedRatios, parseOptions, parseThrottleWindow, perSecond } from '../bench/bench';
import { runFloorClient } from '../bench/floorNode';
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
import { faultPresets, startEmulator } from '../emulator/src';
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
		floorSignal?: RunSpec['floorSignal'],
		floorExpression?: boolean,
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
			floorSignal,
			floorExpression,
		};
		const input = benchInput(spec, jws);
		const outcome =
			client === 'node'
				? await runNodeClient(spec, input)
				: client === 'floor'
					? await runFloorClient(spec, input)
					: await runRawClient(spec, input);
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

	/** The output items' json, conversation ids aside. */
	function outputJson(client: ClientKind, outcome: { output: unknown }) {
		const items =
			client === 'raw'
				? (outcome.output as Array<{ json: Record<string, unknown> }>)
				: (
						outcome.output as {
							outputOf(n: string): Array<{ json: Record<string, unknown> }>;
						}
					).outputOf(client === 'node' ? 'LivePerson' : 'Floor');
		return JSON.parse(
			JSON.stringify(items.map((item) => item.json)).replace(
				/"conversationId":"[^"]+"/g,
				'"conversationId":"x"',
			),
		) as unknown;
	}

	it.each<Workload>(['newConsumers', 'perItemJws'])(
		'%s: the raw client and the floor send the same requests and output the same items as the node',
		async (workload) => {
			const jws =
				workload === 'perItemJws'
					? [0, 1, 2].map((i) => emu.mintConsumerJws(`same-${workload}-${i}`))
					: undefined;
			const node = await run('node', workload, jws);
			const raw = await run('raw', workload, jws);
			const floor = await run('floor', workload, jws);

			for (const client of [node, raw, floor])
				expect(client.outcome).toMatchObject({
					outputItems: 3,
					succeeded: 3,
					failed: 0,
					unpaired: 0,
				});
			expect(raw.requests).toEqual(node.requests);
			expect(floor.requests).toEqual(node.requests);
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
			// The floor goes through n8n's helpers, as the node: a connection per request.
			expect(floor.stats.connections).toBe(node.stats.connections);
			for (const client of [raw, floor])
				expect(client.conversations.map((c) => c.extConsumerId)).toEqual(
					node.conversations.map((c) => c.extConsumerId),
				);

			const nodeJson = outputJson('node', node.outcome);
			expect(outputJson('raw', raw.outcome)).toEqual(nodeJson);
			expect(outputJson('floor', floor.outcome)).toEqual(nodeJson);
		},
	);

	it.each(['shared', 'perRequest'] as const)(
		'the floor with a cancel signal (%s) sends the same requests',
		async (floorSignal) => {
			const node = await run('node', 'newConsumers');
			const floor = await run('floor', 'newConsumers', undefined, undefined, floorSignal);
			expect(floor.outcome).toMatchObject({ succeeded: 3, failed: 0 });
			expect(floor.requests).toEqual(node.requests);
		},
	);

	it('the floor reading the consumer ID through the expression sends the same requests', async () => {
		const node = await run('node', 'newConsumers');
		const floor = await run('floor', 'newConsumers', undefined, undefined, undefined, true);
		expect(floor.outcome).toMatchObject({ succeeded: 3, failed: 0 });
		expect(floor.requests).toEqual(node.requests);
	});

	it('the floor retries a 429 as the node does: after Retry-After, then answers', async () => {
		clearNodeCaches();
		emu.reset();
		emu.faults.add(faultPresets.tooManyRequests('conversation', { retryAfter: 0, times: 2 }));
		const floor = await runFloorClient(
			{
				client: 'floor',
				workload: 'newConsumers',
				items: 1,
				concurrency: 1,
				baseUrl: emu.baseUrl,
				accountId: emu.accountId,
				clientId: emu.clientId,
				clientSecret: emu.clientSecret,
				consumerPrefix: 'retry-',
				packageDir: REPO_ROOT,
			},
			[{ contactId: 'retry-0' }],
		);
		expect(floor).toMatchObject({ succeeded: 1, failed: 0 });
		expect(emu.requests.map((r) => [r.path.split('/').pop(), r.status])).toEqual([
			['baseURI.json', 200],
			['token', 200],
			['consumer', 201],
			['conversation', 429],
			['conversation', 429],
			['conversation', 200],
		]);
	});
});

describe('bench: options and the profile summary', () => {
	it('reads the flags, with the documented defaults', () => {
		expect(parseOptions([])).toMatchObject({
			sizes: [1000, 5000, 20000, 40000],
			jwsSizes: [5000],
			latencies: [0, 100],
			concurrencies: [1, DEFAULT_CONCURRENCY],
			repeat: 1,
			rateLimitShare: 0,
			retryAfter: 1,
			clients: ['node', 'floor', 'raw'],
			packageDir: REPO_ROOT,
			floorSignal: 'none',
		});
		expect(parseOptions([])).not.toHaveProperty('throttleWindow', expect.anything());
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
		expect(
			parseOptions([
				'--clients',
				'raw,node',
				'--package-dir',
				'/somewhere/else',
				'--floor-signal',
				'--throttle-window',
				'2s-8s:0.9',
			]),
		).toMatchObject({
			clients: ['node', 'raw'],
			packageDir: '/somewhere/else',
			floorSignal: 'shared',
			throttleWindow: { fromMs: 2000, toMs: 8000, share: 0.9 },
		});
		expect(parseOptions(['--floor-signal', 'per-request']).floorSignal).toBe('perRequest');
		expect(parseOptions(['--floor-signal=none']).floorSignal).toBe('none');
		expect(() => parseOptions(['--clients', 'node,fast'])).toThrow('--clients');
		expect(parseThrottleWindow('500ms-2.5:0.5')).toEqual({ fromMs: 500, toMs: 2500, share: 0.5 });
		for (const bad of ['8s-2s:0.9', '2s-8s', '2s-8s:1.5'])
			expect(() => parseThrottleWindow(bad)).toThrow('--throttle-window');
	});

	it('pairs runs for ratios, and turns the emulator counters into figures per second', () => {
		const run = (wallMs: number, cpuMs: number, rss: number) =>
			({
				wallMs,
				cpuUserMs: cpuMs,
				cpuSystemMs: 0,
				items: 1,
				maxRssMb: rss,
				rssAtStartMb: 100,
			}) as never;
		expect(
			pairedRatios([run(200, 10, 300), run(100, 10, 200)], [run(100, 5, 200), run(100, 10, 200)]),
		).toEqual({
			wall: '1.50x (1.00–2.00)',
			cpu: '1.50x (1.00–2.00)',
			rss: '1.25x (1.00–1.50)',
			growth: '1.50x (1.00–2.00)',
		});
		// Samples every 250 ms; the first second starts at the first request.
		expect(
			perSecond([0, 2, 4, 4, 4, 4, 1, 1, 1, 1, 0], [0, 3, 10, 20, 30, 40, 42, 44, 46, 48, 48]),
		).toEqual([
			{ inFlight: 3.5, requests: 30 },
			{ inFlight: 1.75, requests: 16 },
			{ inFlight: 0.5, requests: 2 },
		]);
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
