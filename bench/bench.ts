/**
 * npm run bench [-- --sizes 1000,5000,20000] [--jws-sizes 5000|none] [--latency 0,100]
 *                  [--concurrency 1,default] [--repeat 1] [--rate-limit-share 0.1] [--retry-after 0]
 *                  [--clients node,raw] [--raw-connections keep-alive|per-request]
 *                  [--max-case-minutes 10] [--cpu-prof] [--json FILE]
 * npm run bench -- --from-json FILE      (prints the tables of a saved run again)
 *
 * Issue 10's benchmark. The emulator runs as a separate process (one per latency), so its CPU and
 * memory are not counted. For each case, the node (one execution in n8n-core's WorkflowExecute,
 * Client Credentials) and a minimal raw keep-alive client (bench/rawClient.ts: the same requests)
 * run alternately, each in its own child process, which measures its wall and CPU time from the
 * first request to the last answer, and its peak RSS. The emulator counts requests and TCP
 * connections. Prints a table of medians over --repeat runs, with node/raw ratios, and checks that
 * every item is accounted for and no consumer got two conversations. Figures only: nothing here
 * asserts a timing. See bench/README.md.
 */
import { spawn } from 'child_process';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { EmulatorStats } from '../emulator/src/types';
import { RESULT_PREFIX } from './child';
import { startEmulatorProcess, type EmulatorProcess } from './emulatorProcess';
import { formatProfileSummary, summariseProfileFile, type ProfileSummary } from './profile';
import {
	DEFAULT_CONCURRENCY,
	type ClientKind,
	type RunResult,
	type RunSpec,
	type Workload,
} from './spec';

const PACKAGE_DIR = path.resolve(__dirname, '..', '..');

interface Options {
	sizes: number[];
	jwsSizes: number[];
	latencies: number[];
	concurrencies: number[];
	repeat: number;
	rateLimitShare: number;
	/** Retry-After (seconds) on the injected 429s. */
	retryAfter: number;
	clients: ClientKind[];
	maxCaseMinutes: number;
	/** per-request: the raw client opens a new connection per request, as n8n's helpers do. */
	rawConnections: 'keepAlive' | 'perRequest';
	cpuProf: boolean;
	json?: string;
}

function argument(argv: string[], name: string): string | undefined {
	const i = argv.indexOf(`--${name}`);
	if (i >= 0) return argv[i + 1];
	return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function numbers(text: string | undefined, fallback: number[], name: string): number[] {
	if (text === undefined) return fallback;
	if (text === 'none') return [];
	const values = text
		.split(',')
		.map((v) => (v.trim() === 'default' ? DEFAULT_CONCURRENCY : Number(v)));
	if (values.some((v) => !Number.isFinite(v) || v < 0))
		throw new Error(`--${name}: expected numbers separated by commas, got "${text}"`);
	return values;
}

export function parseOptions(argv: string[]): Options {
	const clients = (argument(argv, 'clients') ?? 'node,raw').split(',') as ClientKind[];
	if (clients.some((c) => c !== 'node' && c !== 'raw'))
		throw new Error('--clients: node, raw or node,raw');
	return {
		sizes: numbers(argument(argv, 'sizes'), [1000, 5000, 20000], 'sizes'),
		jwsSizes: numbers(argument(argv, 'jws-sizes'), [5000], 'jws-sizes'),
		latencies: numbers(argument(argv, 'latency'), [0, 100], 'latency'),
		concurrencies: numbers(
			argument(argv, 'concurrency'),
			[1, DEFAULT_CONCURRENCY],
			'concurrency',
		).map((c) => Math.max(1, c)),
		repeat: Math.max(1, Number(argument(argv, 'repeat') ?? 1)),
		rateLimitShare: Number(argument(argv, 'rate-limit-share') ?? 0),
		retryAfter: Number(argument(argv, 'retry-after') ?? 0),
		clients,
		maxCaseMinutes: Number(argument(argv, 'max-case-minutes') ?? 10),
		rawConnections:
			argument(argv, 'raw-connections') === 'per-request' ? 'perRequest' : 'keepAlive',
		cpuProf: argv.includes('--cpu-prof'),
		json: argument(argv, 'json'),
	};
}

interface Case {
	workload: Workload;
	items: number;
	latencyMs: number;
	concurrency: number;
}

interface Checks {
	/** Every input item has exactly one output item, paired to it, a success or a failure. */
	accounted: boolean;
	/** Conversations the emulator holds vs the client's successes. */
	conversations: number;
	consumersWithTwoConversations: number;
	/** Answered 429 (by the fault), from the emulator's request count. */
	rateLimited: number;
}

interface Measured extends RunResult {
	stats: EmulatorStats;
	checks: Checks;
	/** Requests in flight at the emulator, sampled every 250 ms during the run. */
	inFlightSamples: number[];
	profile?: ProfileSummary;
}

interface CaseReport {
	case: Case;
	skipped?: string;
	runs: Record<ClientKind, Measured[]>;
}

const caseLabel = (c: Case) =>
	`${c.items} ${c.workload === 'newConsumers' ? 'new consumers' : 'per-item JWS'}`;

/** Requests a client must send for the case when nothing is refused. */
function expectedRequests(c: Case): number {
	return 2 + c.items * (c.workload === 'newConsumers' ? 2 : 1);
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function mintConsumerJwss(
	emulator: EmulatorProcess,
	count: number,
	prefix: string,
): Promise<string[]> {
	const { appJwt } = (await emulator.control('POST', 'tokens', {
		extConsumerId: `${prefix}setup`,
	})) as { appJwt: string };
	const out: string[] = new Array(count);
	let next = 0;
	const worker = async () => {
		for (let i = next++; i < count; i = next++) {
			const response = await fetch(
				`${emulator.baseUrl}/api/account/${emulator.accountId}/consumer?v=1.0`,
				{
					method: 'POST',
					headers: { 'Content-Type': 'application/json', Authorization: appJwt },
					body: JSON.stringify({ ext_consumer_id: `${prefix}${i}` }),
				},
			);
			out[i] = ((await response.json()) as { token: string }).token;
		}
	};
	await Promise.all(Array.from({ length: 4 }, worker));
	return out;
}

function runChild(spec: RunSpec, specFile: string, profileDir?: string): Promise<RunResult> {
	writeFileSync(specFile, JSON.stringify(spec));
	const args = [
		'--expose-gc',
		...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
		path.join(__dirname, 'child.js'),
		specFile,
	];
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.once('error', reject);
		child.once('exit', (code) => {
			const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
			if (code !== 0 || !line)
				return reject(new Error(`${spec.client} child exited ${code}: ${stderr.slice(-2000)}`));
			resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as RunResult);
		});
	});
}

async function checkRun(
	emulator: EmulatorProcess,
	c: Case,
	result: RunResult,
	stats: EmulatorStats,
): Promise<Checks> {
	const state = (await emulator.control('GET', 'state')) as {
		conversations: Array<{ extConsumerId: string }>;
	};
	const perConsumer = new Map<string, number>();
	for (const conversation of state.conversations) {
		perConsumer.set(
			conversation.extConsumerId,
			(perConsumer.get(conversation.extConsumerId) ?? 0) + 1,
		);
	}
	return {
		accounted:
			result.outputItems === c.items &&
			result.unpaired === 0 &&
			result.succeeded + result.failed === c.items &&
			state.conversations.length === result.succeeded,
		conversations: state.conversations.length,
		consumersWithTwoConversations: [...perConsumer.values()].filter((n) => n > 1).length,
		rateLimited: Math.max(0, stats.requests - expectedRequests(c)),
	};
}

async function measure(
	emulator: EmulatorProcess,
	c: Case,
	client: ClientKind,
	options: Options,
	workDir: string,
	jwsFile: string | undefined,
	runNumber: number,
): Promise<Measured> {
	await emulator.reset();
	if (options.rateLimitShare > 0) {
		await emulator.control('POST', 'faults', {
			on: 'conversation',
			probability: options.rateLimitShare,
			action: {
				type: 'status',
				status: 429,
				body: { code: 429, error: 'Too Many Requests' },
				headers: { 'Retry-After': String(options.retryAfter) },
			},
		});
	}
	const spec: RunSpec = {
		client,
		workload: c.workload,
		items: c.items,
		concurrency: c.concurrency,
		baseUrl: emulator.baseUrl,
		accountId: emulator.accountId,
		clientId: emulator.clientId,
		clientSecret: emulator.clientSecret,
		consumerPrefix: c.workload === 'perItemJws' ? 'bench-jws-' : `bench-${runNumber}-`,
		jwsFile,
		packageDir: PACKAGE_DIR,
		rawConnections: options.rawConnections,
	};
	const profileDir =
		options.cpuProf && client === 'node' ? mkdtempSync(path.join(workDir, 'cpuprof-')) : undefined;
	const inFlightSamples: number[] = [];
	const sampler = setInterval(() => {
		emulator.stats().then(
			(s) => inFlightSamples.push(s.inFlight),
			() => undefined,
		);
	}, 250);
	let result: RunResult;
	try {
		result = await runChild(spec, path.join(workDir, `spec-${client}.json`), profileDir);
	} finally {
		clearInterval(sampler);
	}
	const stats = await emulator.stats();
	const checks = await checkRun(emulator, c, result, stats);
	const measured: Measured = { ...result, stats, checks, inFlightSamples };
	if (profileDir) {
		const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
		if (file) {
			const kept = path.join(
				PACKAGE_DIR,
				`.bench-profile-${c.items}-${c.workload}-l${c.latencyMs}-c${c.concurrency}.cpuprofile`,
			);
			const summary = summariseProfileFile(
				path.join(profileDir, file),
				result.windowStartUs,
				result.windowEndUs,
			);
			writeFileSync(kept, readFileSync(path.join(profileDir, file)));
			measured.profile = summary;
			console.log(
				`\n${caseLabel(c)}, ${c.latencyMs} ms, concurrency ${c.concurrency}: node child profile (${kept})`,
			);
			console.log(formatProfileSummary(summary));
		}
	}
	return measured;
}

/**
 * Minutes a client would need for the case: from the fastest time per request it showed so far at
 * the same latency and concurrency (any workload), else an optimistic guess from the latency.
 */
function estimateMinutes(c: Case, client: ClientKind, reports: CaseReport[]): number {
	const perRequestMs = reports
		.filter((r) => r.case.latencyMs === c.latencyMs && r.case.concurrency === c.concurrency)
		.flatMap((r) => r.runs[client].map((m) => m.wallMs / expectedRequests(r.case)));
	const requests = expectedRequests(c);
	const ms = perRequestMs.length
		? requests * Math.min(...perRequestMs)
		: (requests * Math.max(c.latencyMs, 1)) / c.concurrency;
	return ms / 60_000;
}

function cases(options: Options): Case[] {
	const list: Case[] = [];
	for (const latencyMs of options.latencies) {
		for (const concurrency of options.concurrencies) {
			for (const items of [...options.sizes].sort((a, b) => a - b))
				list.push({ workload: 'newConsumers', items, latencyMs, concurrency });
			for (const items of [...options.jwsSizes].sort((a, b) => a - b))
				list.push({ workload: 'perItemJws', items, latencyMs, concurrency });
		}
	}
	return list;
}

const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : '-');

interface Row {
	itemsPerSecond: number;
	wallS: number;
	cpuMsPerItem: number;
	maxRssMb: number;
	requestsPerItem: number;
	connections: number;
	/** Resident set when the window started: the runtime and what the client loaded. */
	rssAtStartMb: number;
	wallRange: string;
	cpuRange: string;
}

function summarise(runs: Measured[]): Row | undefined {
	if (!runs.length) return undefined;
	const walls = runs.map((r) => r.wallMs / 1000);
	const cpus = runs.map((r) => (r.cpuUserMs + r.cpuSystemMs) / r.items);
	const range = (v: number[], d: number) =>
		v.length > 1 ? `${fixed(Math.min(...v), d)}–${fixed(Math.max(...v), d)}` : '';
	return {
		itemsPerSecond: median(runs.map((r) => r.items / (r.wallMs / 1000))),
		wallS: median(walls),
		cpuMsPerItem: median(cpus),
		maxRssMb: median(runs.map((r) => r.maxRssMb)),
		requestsPerItem: median(runs.map((r) => r.stats.requests / r.items)),
		connections: median(runs.map((r) => r.stats.connections)),
		rssAtStartMb: median(runs.map((r) => r.rssAtStartMb)),
		wallRange: range(walls, 1),
		cpuRange: range(cpus, 3),
	};
}

export function formatTable(reports: CaseReport[], repeat: number): string {
	const header = [
		'case',
		'latency',
		'conc.',
		'client',
		'items/s',
		'wall s',
		'CPU ms/item',
		'peak RSS MB (at start)',
		'req/item',
		'TCP conns',
		'max in flight',
		'wall node/raw',
		'CPU node/raw',
		'RSS node/raw',
		'RSS growth node/raw',
	];
	const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
	for (const report of reports) {
		const c = report.case;
		const head = [
			caseLabel(c),
			`${c.latencyMs} ms`,
			c.concurrency === DEFAULT_CONCURRENCY ? `${c.concurrency} (default)` : String(c.concurrency),
		];
		if (report.skipped) {
			lines.push(
				`| ${head.join(' | ')} | skipped: ${report.skipped} |${' |'.repeat(header.length - 5)}`,
			);
			continue;
		}
		const node = summarise(report.runs.node);
		const raw = summarise(report.runs.raw);
		for (const [client, row] of [
			['node', node],
			['raw', raw],
		] as const) {
			if (!row) continue;
			const maxInFlight = median(report.runs[client].map((r) => r.stats.maxInFlight));
			const ratios =
				client === 'node' && node && raw
					? [
							ratio(node.wallS, raw.wallS),
							ratio(node.cpuMsPerItem, raw.cpuMsPerItem),
							ratio(node.maxRssMb, raw.maxRssMb),
							ratio(node.maxRssMb - node.rssAtStartMb, raw.maxRssMb - raw.rssAtStartMb),
						]
					: ['', '', '', ''];
			lines.push(
				`| ${[
					...head,
					client,
					fixed(row.itemsPerSecond, 0),
					`${fixed(row.wallS, 1)}${row.wallRange && repeat > 1 ? ` (${row.wallRange})` : ''}`,
					`${fixed(row.cpuMsPerItem, 3)}${row.cpuRange && repeat > 1 ? ` (${row.cpuRange})` : ''}`,
					`${fixed(row.maxRssMb, 0)} (${fixed(row.rssAtStartMb, 0)})`,
					fixed(row.requestsPerItem, 3),
					String(row.connections),
					String(maxInFlight),
					...ratios,
				].join(' | ')} |`,
			);
		}
	}
	return lines.join('\n');
}

/** Requests in flight over the run, in at most `width` buckets (mean of the samples in each). */
export function inFlightTimeline(samples: number[], width = 30): string {
	if (!samples.length) return '';
	const buckets = Math.min(width, samples.length);
	const out: string[] = [];
	for (let b = 0; b < buckets; b++) {
		const slice = samples.slice(
			Math.floor((b * samples.length) / buckets),
			Math.floor(((b + 1) * samples.length) / buckets),
		);
		out.push(String(Math.round(slice.reduce((a, v) => a + v, 0) / Math.max(slice.length, 1))));
	}
	return out.join(' ');
}

function formatTimelines(reports: CaseReport[]): string {
	const lines: string[] = [];
	for (const report of reports) {
		for (const client of ['node', 'raw'] as const) {
			report.runs[client].forEach((m, i) => {
				if (m.inFlightSamples.length)
					lines.push(
						`${caseLabel(report.case)}, ${report.case.latencyMs} ms, concurrency ${report.case.concurrency}, ${client} #${i + 1}: ${inFlightTimeline(m.inFlightSamples)}`,
					);
			});
		}
	}
	return lines.join('\n');
}

function formatChecks(reports: CaseReport[]): string {
	const lines = [
		'| case | latency | conc. | client | run | items | succeeded | failed | accounted | conversations | consumers with 2 | 429s answered | in flight (p10/median/max) |',
		'|---|---|---|---|---|---|---|---|---|---|---|---|---|',
	];
	for (const report of reports) {
		for (const client of ['node', 'raw'] as const) {
			report.runs[client].forEach((m, i) => {
				const s = [...m.inFlightSamples].sort((a, b) => a - b);
				const pick = (q: number) =>
					s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : 0;
				lines.push(
					`| ${caseLabel(report.case)} | ${report.case.latencyMs} ms | ${report.case.concurrency} | ${client} | ${i + 1} | ${m.items} | ${m.succeeded} | ${m.failed} | ${m.checks.accounted ? 'yes' : '**NO**'} | ${m.checks.conversations} | ${m.checks.consumersWithTwoConversations} | ${m.checks.rateLimited} | ${pick(0.1)}/${pick(0.5)}/${s.length ? s[s.length - 1] : 0} |`,
				);
			});
		}
	}
	return lines.join('\n');
}

async function main(argv: string[]) {
	if (argv.includes('--help') || argv.includes('-h')) {
		console.log(
			readFileSync(__filename, 'utf8')
				.match(/\/\*\*([\s\S]*?)\*\//)?.[1]
				.replace(/^ \* ?/gm, '') ?? '',
		);
		return;
	}
	const fromJson = argument(argv, 'from-json');
	if (fromJson) {
		// Print the tables again from a --json file (e.g. after changing the table).
		const saved = JSON.parse(readFileSync(fromJson, 'utf8')) as {
			options: Options;
			reports: CaseReport[];
			minutes: number;
		};
		console.log(formatTable(saved.reports, saved.options.repeat));
		console.log(
			`\n${formatChecks(saved.reports)}\n\n${formatTimelines(saved.reports)}\n\nTotal ${saved.minutes.toFixed(1)} min.`,
		);
		return;
	}
	const options = parseOptions(argv);
	if (!existsSync(path.join(PACKAGE_DIR, 'dist', 'nodes')))
		throw new Error('run `npm run build` first (npm run bench does)');
	const workDir = mkdtempSync(path.join(os.tmpdir(), 'lp-bench-'));
	const all = cases(options);
	const started = Date.now();
	console.log(
		`Benchmark: ${all.length} cases x ${options.repeat} repeat(s), clients ${options.clients.join(' and ')}, ` +
			`default concurrency ${DEFAULT_CONCURRENCY}, ${os.cpus().length} CPUs, Node ${process.version}` +
			(options.rateLimitShare > 0
				? `, ${options.rateLimitShare * 100} % of creates answered 429 (Retry-After: ${options.retryAfter})`
				: '') +
			(options.rawConnections === 'perRequest'
				? ', raw client with a NEW CONNECTION PER REQUEST (as n8n)'
				: ''),
	);
	const reports: CaseReport[] = [];
	const emulators = new Map<number, EmulatorProcess>();
	try {
		for (const c of all) {
			let emulator = emulators.get(c.latencyMs);
			if (!emulator) {
				for (const [, e] of emulators) await e.stop();
				emulators.clear();
				emulator = await startEmulatorProcess(c.latencyMs);
				emulators.set(c.latencyMs, emulator);
			}
			const report: CaseReport = { case: c, runs: { node: [], raw: [] } };
			reports.push(report);
			const estimates = options.clients.map((client) => ({
				client,
				minutes: estimateMinutes(c, client, reports),
			}));
			const tooLong = estimates.find((e) => e.minutes > options.maxCaseMinutes);
			if (tooLong) {
				report.skipped = `${tooLong.client} estimated ${Math.round(tooLong.minutes)} min per run (--max-case-minutes ${options.maxCaseMinutes})`;
				console.log(
					`- ${caseLabel(c)}, ${c.latencyMs} ms, concurrency ${c.concurrency}: ${report.skipped}`,
				);
				continue;
			}
			let jwsFile: string | undefined;
			if (c.workload === 'perItemJws') {
				jwsFile = path.join(workDir, `jws-${c.items}-l${c.latencyMs}.json`);
				if (!existsSync(jwsFile))
					writeFileSync(
						jwsFile,
						JSON.stringify(await mintConsumerJwss(emulator, c.items, 'bench-jws-')),
					);
			}
			for (let r = 0; r < options.repeat; r++) {
				const order = r % 2 === 0 ? options.clients : [...options.clients].reverse();
				for (const client of order) {
					const m = await measure(
						emulator,
						c,
						client,
						options,
						workDir,
						jwsFile,
						reports.length * 100 + r,
					);
					report.runs[client].push(m);
					console.log(
						`- ${caseLabel(c)}, ${c.latencyMs} ms, concurrency ${c.concurrency}, ${client} #${r + 1}: ` +
							`${fixed(m.wallMs / 1000, 1)} s, ${fixed((m.cpuUserMs + m.cpuSystemMs) / m.items, 3)} ms CPU/item, ` +
							`peak RSS ${fixed(m.maxRssMb, 0)} MB` +
							(m.retainedHeapMb !== undefined && m.heapAtStartMb !== undefined
								? ` (heap retained ${fixed(((m.retainedHeapMb - m.heapAtStartMb) * 1024) / m.items, 2)} KB/item)`
								: '') +
							`, ${m.stats.requests} requests on ${m.stats.connections} connection(s), ` +
							`${m.succeeded} ok / ${m.failed} failed${m.checks.accounted ? '' : ' NOT ACCOUNTED'}${m.errors.length ? ` (${m.errors[0]})` : ''}`,
					);
				}
			}
		}
	} finally {
		for (const [, e] of emulators) await e.stop();
		rmSync(workDir, { recursive: true, force: true });
	}
	const minutes = (Date.now() - started) / 60_000;
	console.log(
		`\nMedians of ${options.repeat} run(s) per client; (min–max) when repeated. CPU = the client child's user+sys from its first request to its last answer; peak RSS = the child's maxrss; TCP conns and max in flight from the emulator.\n`,
	);
	console.log(formatTable(reports, options.repeat));
	console.log(
		'\nEvery run: items accounted for (one output item per input item, paired, conversations = successes), duplicates, 429s, requests in flight (sampled every 250 ms):\n',
	);
	console.log(formatChecks(reports));
	if (options.rateLimitShare > 0 || options.latencies.some((l) => l > 0)) {
		console.log(
			'\nRequests in flight at the emulator over each run (sampled every 250 ms, shown in up to 30 steps; with a latency, the effective concurrency):\n',
		);
		console.log(formatTimelines(reports));
	}
	console.log(`\nTotal ${minutes.toFixed(1)} min.`);
	if (options.json) {
		mkdirSync(path.dirname(path.resolve(options.json)), { recursive: true });
		writeFileSync(options.json, JSON.stringify({ options, reports, minutes }, null, 2));
		console.log(`Raw figures: ${options.json}`);
	}
	const bad = reports
		.flatMap((r) => [...r.runs.node, ...r.runs.raw])
		.filter((m) => !m.checks.accounted || m.checks.consumersWithTwoConversations > 0);
	if (bad.length) {
		console.log(`${bad.length} run(s) with items unaccounted for or duplicated conversations.`);
		process.exitCode = 1;
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exitCode = 1;
	});
}
