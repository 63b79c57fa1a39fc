/**
 * npm run bench [-- --sizes 1000,5000,20000,40000] [--jws-sizes none|5000] [--latency 0,100]
 *                  [--concurrency 1,default,32] [--repeat 1] [--clients node,floor,raw]
 *                  [--package-dir PATH] [--node PATH] [--floor-signal [shared|per-request|none]]
 *                  [--floor-expression]
 *                  [--rate-limit-share 0.1] [--retry-after 1] [--throttle-window 2s-8s:0.9]
 *                  [--raw-connections keep-alive|per-request] [--max-case-minutes 10]
 *                  [--cpu-prof] [--json FILE]
 * npm run bench -- --from-json FILE      (prints the tables of a saved run again)
 *
 * The emulator runs as a separate process (one per latency), so its CPU and memory are not
 * counted. For each case three clients run alternately, each in its own child process, which
 * measures its wall and CPU time from the first request to the last answer, and its peak RSS:
 * the node (one execution in n8n-core's WorkflowExecute, Client Credentials), n8n's floor (a bare
 * node in the same engine making the node's requests with its request options and nothing else:
 * bench/floorNode.ts) and a minimal raw keep-alive client (bench/rawClient.ts). The emulator counts
 * requests, TCP connections and requests in flight. Prints tables of medians over --repeat runs
 * with paired node/floor and node/raw ratios, and checks that every item is accounted for and no
 * consumer got two conversations. Figures only: nothing here asserts a timing. See bench/README.md.
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
	CLIENT_KINDS,
	DEFAULT_CONCURRENCY,
	type ClientKind,
	type FloorSignal,
	type RunResult,
	type RunSpec,
	type Workload,
} from './spec';

/** The bench's own checkout (its build runs from .bench-build/bench/, its tests from bench/). */
const BENCH_ROOT =
	path.basename(path.dirname(__dirname)) === '.bench-build'
		? path.resolve(__dirname, '..', '..')
		: path.resolve(__dirname, '..');
/** How often the parent samples the emulator's counters during a run. */
const SAMPLE_MS = 250;

/** Between fromMs and toMs after a run's first create, `share` of the creates are answered 429. */
export interface ThrottleWindow {
	fromMs: number;
	toMs: number;
	share: number;
}

interface Options {
	sizes: number[];
	jwsSizes: number[];
	latencies: number[];
	concurrencies: number[];
	repeat: number;
	rateLimitShare: number;
	/** Retry-After (seconds) on the injected 429s. */
	retryAfter: number;
	/** A window of the run in which most creates are refused: sustained throttling. */
	throttleWindow?: ThrottleWindow;
	clients: ClientKind[];
	maxCaseMinutes: number;
	/** per-request: the raw client opens a new connection per request, as n8n's helpers do. */
	rawConnections: 'keepAlive' | 'perRequest';
	/** The built checkout whose node is measured (default: the bench's own). */
	packageDir: string;
	/** What cancel signal the floor's requests carry. */
	floorSignal: FloorSignal;
	/** The floor evaluates the Consumer ID expression per item, as the node's workflow does. */
	floorExpression: boolean;
	/** The Node.js binary the clients run on (n8n 2.x requires Node 24; default: the bench's own). */
	nodeBinary: string;
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

/** `2s-8s:0.9` (or `2000ms-8000ms:0.9`; a bare number is seconds). */
export function parseThrottleWindow(text: string): ThrottleWindow {
	const match = /^\s*([\d.]+)(ms|s)?\s*-\s*([\d.]+)(ms|s)?\s*:\s*([\d.]+)\s*$/.exec(text);
	const ms = (value: string, unit?: string) => Number(value) * (unit === 'ms' ? 1 : 1000);
	const window = match
		? { fromMs: ms(match[1], match[2]), toMs: ms(match[3], match[4]), share: Number(match[5]) }
		: undefined;
	if (
		!window ||
		!(window.toMs > window.fromMs) ||
		!(window.share > 0 && window.share <= 1) ||
		[window.fromMs, window.toMs].some((v) => !Number.isFinite(v))
	)
		throw new Error(`--throttle-window: expected e.g. 2s-8s:0.9, got "${text}"`);
	return window;
}

function floorSignalOf(argv: string[]): FloorSignal {
	if (!argv.some((a) => a === '--floor-signal' || a.startsWith('--floor-signal='))) return 'none';
	const value = argument(argv, 'floor-signal');
	if (value === undefined || value.startsWith('--') || value === 'shared') return 'shared';
	if (value === 'per-request') return 'perRequest';
	if (value === 'none') return 'none';
	throw new Error(`--floor-signal: shared, per-request or none, got "${value}"`);
}

export function parseOptions(argv: string[]): Options {
	const clients = (argument(argv, 'clients') ?? CLIENT_KINDS.join(',')).split(',') as ClientKind[];
	if (!clients.length || clients.some((c) => !CLIENT_KINDS.includes(c)))
		throw new Error(`--clients: one or more of ${CLIENT_KINDS.join(', ')}`);
	const throttle = argument(argv, 'throttle-window');
	return {
		sizes: numbers(argument(argv, 'sizes'), [1000, 5000, 20000, 40000], 'sizes'),
		jwsSizes: numbers(argument(argv, 'jws-sizes'), [5000], 'jws-sizes'),
		latencies: numbers(argument(argv, 'latency'), [0, 100], 'latency'),
		concurrencies: numbers(
			argument(argv, 'concurrency'),
			[1, DEFAULT_CONCURRENCY],
			'concurrency',
		).map((c) => Math.max(1, c)),
		repeat: Math.max(1, Number(argument(argv, 'repeat') ?? 1)),
		rateLimitShare: Number(argument(argv, 'rate-limit-share') ?? 0),
		retryAfter: Number(argument(argv, 'retry-after') ?? 1),
		throttleWindow: throttle === undefined ? undefined : parseThrottleWindow(throttle),
		clients: CLIENT_KINDS.filter((c) => clients.includes(c)),
		maxCaseMinutes: Number(argument(argv, 'max-case-minutes') ?? 10),
		rawConnections:
			argument(argv, 'raw-connections') === 'per-request' ? 'perRequest' : 'keepAlive',
		packageDir: path.resolve(argument(argv, 'package-dir') ?? BENCH_ROOT),
		floorSignal: floorSignalOf(argv),
		floorExpression: argv.includes('--floor-expression'),
		nodeBinary: argument(argv, 'node') ?? process.execPath,
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
	/** Requests in flight at the emulator, sampled every SAMPLE_MS during the run. */
	inFlightSamples: number[];
	/** Requests the emulator had received at each of those samples. */
	requestSamples?: number[];
	/** The machine's 1-minute load average before and after the run. */
	loadAverage?: number[];
	profile?: ProfileSummary;
}

interface CaseReport {
	case: Case;
	skipped?: string;
	runs: Partial<Record<ClientKind, Measured[]>>;
}

const runsOf = (report: CaseReport, client: ClientKind): Measured[] => report.runs[client] ?? [];

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

function runChild(
	spec: RunSpec,
	specFile: string,
	nodeBinary: string,
	profileDir?: string,
): Promise<RunResult> {
	writeFileSync(specFile, JSON.stringify(spec));
	const args = [
		'--expose-gc',
		...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
		path.join(__dirname, 'child.js'),
		specFile,
	];
	return new Promise((resolve, reject) => {
		const child = spawn(nodeBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
	const tooManyRequests = {
		type: 'status',
		status: 429,
		body: { code: 429, error: 'Too Many Requests' },
		headers: { 'Retry-After': String(options.retryAfter) },
	};
	if (options.throttleWindow) {
		const { fromMs, toMs, share } = options.throttleWindow;
		await emulator.control('POST', 'faults', {
			on: 'conversation',
			probability: share,
			window: { fromMs, toMs },
			action: tooManyRequests,
		});
	}
	if (options.rateLimitShare > 0) {
		await emulator.control('POST', 'faults', {
			on: 'conversation',
			probability: options.rateLimitShare,
			action: tooManyRequests,
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
		packageDir: options.packageDir,
		benchRoot: BENCH_ROOT,
		rawConnections: options.rawConnections,
		floorSignal: options.floorSignal,
		floorExpression: options.floorExpression,
	};
	const profileDir =
		options.cpuProf && client !== 'raw' ? mkdtempSync(path.join(workDir, 'cpuprof-')) : undefined;
	const inFlightSamples: number[] = [];
	const requestSamples: number[] = [];
	const sampler = setInterval(() => {
		emulator.stats().then(
			(s) => {
				inFlightSamples.push(s.inFlight);
				requestSamples.push(s.requests);
			},
			() => undefined,
		);
	}, SAMPLE_MS);
	let result: RunResult;
	try {
		result = await runChild(
			spec,
			path.join(workDir, `spec-${client}.json`),
			options.nodeBinary,
			profileDir,
		);
	} finally {
		clearInterval(sampler);
	}
	const stats = await emulator.stats();
	const checks = await checkRun(emulator, c, result, stats);
	const measured: Measured = { ...result, stats, checks, inFlightSamples, requestSamples };
	if (profileDir) {
		const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
		if (file) {
			const kept = path.join(
				BENCH_ROOT,
				`.bench-profile-${client}-${c.items}-${c.workload}-l${c.latencyMs}-c${c.concurrency}.cpuprofile`,
			);
			const summary = summariseProfileFile(
				path.join(profileDir, file),
				result.windowStartUs,
				result.windowEndUs,
			);
			writeFileSync(kept, readFileSync(path.join(profileDir, file)));
			measured.profile = summary;
			console.log(
				`\n${caseLabel(c)}, ${c.latencyMs} ms, concurrency ${c.concurrency}: ${client} child profile (${kept})`,
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
		.flatMap((r) => runsOf(r, client).map((m) => m.wallMs / expectedRequests(r.case)));
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

interface Row {
	itemsPerSecond: number;
	wallS: number;
	cpuMsPerItem: number;
	maxRssMb: number;
	/** (peak RSS - RSS at the window's start) per item, KB. */
	memoryKbPerItem: number;
	requestsPerItem: number;
	connections: number;
	maxInFlight: number;
	/** Resident set when the window started: the runtime and what the client loaded. */
	rssAtStartMb: number;
	wallRange: string;
	cpuRange: string;
	rssRange: string;
}

const cpuPerItem = (r: Measured) => (r.cpuUserMs + r.cpuSystemMs) / r.items;
const memoryPerItemKb = (r: Measured) => ((r.maxRssMb - r.rssAtStartMb) * 1024) / r.items;

function range(values: number[], digits: number): string {
	return values.length > 1
		? `${fixed(Math.min(...values), digits)}–${fixed(Math.max(...values), digits)}`
		: '';
}

function summarise(runs: Measured[]): Row | undefined {
	if (!runs.length) return undefined;
	const walls = runs.map((r) => r.wallMs / 1000);
	const cpus = runs.map(cpuPerItem);
	const rss = runs.map((r) => r.maxRssMb);
	return {
		itemsPerSecond: median(runs.map((r) => r.items / (r.wallMs / 1000))),
		wallS: median(walls),
		cpuMsPerItem: median(cpus),
		maxRssMb: median(rss),
		memoryKbPerItem: median(runs.map(memoryPerItemKb)),
		requestsPerItem: median(runs.map((r) => r.stats.requests / r.items)),
		connections: median(runs.map((r) => r.stats.connections)),
		maxInFlight: median(runs.map((r) => r.stats.maxInFlight)),
		rssAtStartMb: median(runs.map((r) => r.rssAtStartMb)),
		wallRange: range(walls, 1),
		cpuRange: range(cpus, 3),
		rssRange: range(rss, 0),
	};
}

function caseHead(c: Case): string[] {
	return [
		caseLabel(c),
		`${c.latencyMs} ms`,
		c.concurrency === DEFAULT_CONCURRENCY ? `${c.concurrency} (default)` : String(c.concurrency),
	];
}

/** Medians per client: items/s, wall, CPU per item, peak RSS, memory per item, requests, connections. */
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
		'memory KB/item',
		'req/item',
		'TCP conns',
		'max in flight',
	];
	const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
	for (const report of reports) {
		const head = caseHead(report.case);
		if (report.skipped) {
			lines.push(
				`| ${head.join(' | ')} | skipped: ${report.skipped} |${' |'.repeat(header.length - 4)}`,
			);
			continue;
		}
		for (const client of CLIENT_KINDS) {
			const row = summarise(runsOf(report, client));
			if (!row) continue;
			const withRange = (value: string, span: string) =>
				`${value}${span && repeat > 1 ? ` (${span})` : ''}`;
			lines.push(
				`| ${[
					...head,
					client,
					fixed(row.itemsPerSecond, 0),
					withRange(fixed(row.wallS, 1), row.wallRange),
					withRange(fixed(row.cpuMsPerItem, 3), row.cpuRange),
					`${withRange(fixed(row.maxRssMb, 0), row.rssRange)} (${fixed(row.rssAtStartMb, 0)})`,
					fixed(row.memoryKbPerItem, 2),
					fixed(row.requestsPerItem, 3),
					String(row.connections),
					String(row.maxInFlight),
				].join(' | ')} |`,
			);
		}
	}
	return lines.join('\n');
}

/**
 * Ratios of paired runs (run i of one client against run i of the other, which ran next to it),
 * median (min–max) over the repeats: wall, CPU per item, peak RSS, RSS growth (peak - start).
 */
export function pairedRatios(a: Measured[], b: Measured[]): Record<string, string> {
	const pairs = Array.from({ length: Math.min(a.length, b.length) }, (_, i) => [a[i], b[i]]);
	const of = (f: (m: Measured) => number) => {
		const ratios = pairs.map(([x, y]) => f(x) / f(y)).filter(Number.isFinite);
		if (!ratios.length) return '-';
		const span = range(ratios, 2);
		return `${median(ratios).toFixed(2)}x${span ? ` (${span})` : ''}`;
	};
	return {
		wall: of((m) => m.wallMs),
		cpu: of(cpuPerItem),
		rss: of((m) => m.maxRssMb),
		growth: of((m) => m.maxRssMb - m.rssAtStartMb),
	};
}

export function formatRatios(reports: CaseReport[]): string {
	const pairs: Array<[ClientKind, ClientKind]> = [
		['node', 'floor'],
		['node', 'raw'],
		['floor', 'raw'],
	];
	const header = [
		'case',
		'latency',
		'conc.',
		'ratio',
		'wall',
		'CPU per item',
		'peak RSS',
		'RSS growth',
	];
	const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
	for (const report of reports) {
		if (report.skipped) continue;
		for (const [a, b] of pairs) {
			if (!runsOf(report, a).length || !runsOf(report, b).length) continue;
			const r = pairedRatios(runsOf(report, a), runsOf(report, b));
			lines.push(
				`| ${[...caseHead(report.case), `${a}/${b}`, r.wall, r.cpu, r.rss, r.growth].join(' | ')} |`,
			);
		}
	}
	return lines.join('\n');
}

/** The in-flight samples from the run's first request on (the child's start-up left out). */
function inFlightOfRun(m: Measured): number[] {
	const first = m.requestSamples?.findIndex((n) => n > 0) ?? -1;
	return first > 0 ? m.inFlightSamples.slice(first) : m.inFlightSamples;
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
		for (const client of CLIENT_KINDS) {
			runsOf(report, client).forEach((m, i) => {
				if (m.inFlightSamples.length)
					lines.push(
						`${caseLabel(report.case)}, ${report.case.latencyMs} ms, concurrency ${report.case.concurrency}, ${client} #${i + 1}: ${inFlightTimeline(inFlightOfRun(m))}`,
					);
			});
		}
	}
	return lines.join('\n');
}

/**
 * Per second from the run's first request: the mean requests in flight and the requests received,
 * from the emulator's counters sampled every SAMPLE_MS.
 */
export function perSecond(
	inFlight: number[],
	requests: number[],
): Array<{ inFlight: number; requests: number }> {
	const first = requests.findIndex((n) => n > 0);
	if (first < 0) return [];
	const perBucket = Math.round(1000 / SAMPLE_MS);
	const out: Array<{ inFlight: number; requests: number }> = [];
	for (let start = first; start < inFlight.length; start += perBucket) {
		const end = Math.min(start + perBucket, inFlight.length);
		const slice = inFlight.slice(start, end);
		out.push({
			inFlight: slice.reduce((a, v) => a + v, 0) / slice.length,
			requests: requests[end - 1] - (start > 0 ? requests[start - 1] : 0),
		});
	}
	return out;
}

/** The throttled window case: in flight and requests per second, run #1 of each client, window marked. */
export function formatPerSecond(reports: CaseReport[], window: ThrottleWindow): string {
	const out: string[] = [];
	for (const report of reports) {
		if (report.skipped) continue;
		const clients = CLIENT_KINDS.filter((c) => runsOf(report, c)[0]?.requestSamples?.length);
		if (!clients.length) continue;
		const series = clients.map((c) => {
			const m = runsOf(report, c)[0];
			return perSecond(m.inFlightSamples, m.requestSamples ?? []);
		});
		const seconds = Math.max(...series.map((s) => s.length));
		out.push(
			`${caseLabel(report.case)}, ${report.case.latencyMs} ms, concurrency ${report.case.concurrency} (run #1 of each client; * = inside the throttled window, from the first request):`,
			'',
			`| s | ${clients.map((c) => `${c} in flight | ${c} req/s`).join(' | ')} |`,
			`|---|${clients.map(() => '---|---').join('|')}|`,
		);
		for (let t = 0; t < seconds; t++) {
			const inside = t + 1 > window.fromMs / 1000 && t < window.toMs / 1000 ? '*' : '';
			out.push(
				`| ${t}${inside} | ${series
					.map((s) => (s[t] ? `${s[t].inFlight.toFixed(1)} | ${s[t].requests}` : ' | '))
					.join(' | ')} |`,
			);
		}
		out.push('');
	}
	return out.join('\n');
}

function formatChecks(reports: CaseReport[]): string {
	const lines = [
		'| case | latency | conc. | client | run | items | succeeded | failed | accounted | conversations | consumers with 2 | 429s answered | in flight (p10/median/max) |',
		'|---|---|---|---|---|---|---|---|---|---|---|---|---|',
	];
	for (const report of reports) {
		for (const client of CLIENT_KINDS) {
			runsOf(report, client).forEach((m, i) => {
				const s = [...inFlightOfRun(m)].sort((a, b) => a - b);
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

/** The conditions every figure holds under, printed above the tables. */
export function conditions(options: Options): string {
	const parts = [
		`clients ${options.clients.join(', ')}`,
		`node from ${options.packageDir}`,
		`clients run on ${options.nodeBinary && options.nodeBinary !== process.execPath ? options.nodeBinary : `Node ${process.version}`}`,
		`floor cancel signal: ${options.floorSignal}`,
		`floor reads the consumer ID ${options.floorExpression ? 'through the expression {{ $json.contactId }}, as the node' : "from the item's JSON (no expression)"}`,
	];
	if (options.rateLimitShare > 0)
		parts.push(
			`${options.rateLimitShare * 100} % of creates answered 429 at random (Retry-After: ${options.retryAfter} s)`,
		);
	if (options.throttleWindow) {
		const w = options.throttleWindow;
		parts.push(
			`throttled window: ${w.share * 100} % of creates answered 429 from ${w.fromMs / 1000} s to ${w.toMs / 1000} s after the first create (Retry-After: ${options.retryAfter} s)`,
		);
	}
	if (options.rawConnections === 'perRequest')
		parts.push('raw client with a NEW CONNECTION PER REQUEST (as n8n)');
	return parts.join('; ');
}

function printTables(options: Options, reports: CaseReport[], minutes: number): void {
	console.log(`\nConditions: ${conditions(options)}.`);
	console.log(
		`\nMedians of ${options.repeat} run(s) per client; (min–max) when repeated. CPU = the client child's user+sys from its first request to its last answer; peak RSS = the child's maxrss; memory per item = (peak RSS - RSS at the window's start) / items; TCP conns and max in flight from the emulator.\n`,
	);
	console.log(formatTable(reports, options.repeat));
	console.log(
		'\nRatios of paired runs (run i of each client ran next to run i of the other), median (min–max):\n',
	);
	console.log(formatRatios(reports));
	console.log(
		`\nEvery run: items accounted for (one output item per input item, paired, conversations = successes), duplicates, 429s, requests in flight from the first request (sampled every ${SAMPLE_MS} ms):\n`,
	);
	console.log(formatChecks(reports));
	if (
		options.rateLimitShare > 0 ||
		options.throttleWindow ||
		reports.some((r) => r.case.latencyMs > 0)
	) {
		console.log(
			`\nRequests in flight at the emulator over each run, from its first request (sampled every ${SAMPLE_MS} ms, shown in up to 30 steps; with a latency, the effective concurrency):\n`,
		);
		console.log(formatTimelines(reports));
	}
	if (options.throttleWindow) {
		console.log('\nPer second in the throttled window case:\n');
		console.log(formatPerSecond(reports, options.throttleWindow));
	}
	console.log(`\nTotal ${minutes.toFixed(1)} min.`);
}

async function main(argv: string[]) {
	if (argv.includes('--help') || argv.includes('-h')) {
		// The compiled file loses the header comment: read it from the source.
		const source = [path.join(BENCH_ROOT, 'bench', 'bench.ts'), __filename].find((f) =>
			existsSync(f),
		) as string;
		console.log(
			readFileSync(source, 'utf8')
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
		printTables(saved.options, saved.reports, saved.minutes);
		return;
	}
	const options = parseOptions(argv);
	if (!existsSync(path.join(options.packageDir, 'dist', 'nodes')))
		throw new Error(
			`no dist/nodes in ${options.packageDir}: run \`npm run build\` there first (npm run bench builds its own checkout)`,
		);
	const workDir = mkdtempSync(path.join(os.tmpdir(), 'lp-bench-'));
	const all = cases(options);
	const started = Date.now();
	console.log(
		`Benchmark: ${all.length} cases x ${options.repeat} repeat(s), default concurrency ${DEFAULT_CONCURRENCY}, ` +
			`${os.cpus().length} CPUs, Node ${process.version}, load average ${os
				.loadavg()
				.map((l) => l.toFixed(2))
				.join(' ')}.\nConditions: ${conditions(options)}.`,
	);
	const reports: CaseReport[] = [];
	const save = () => {
		if (!options.json) return;
		mkdirSync(path.dirname(path.resolve(options.json)), { recursive: true });
		const minutes = (Date.now() - started) / 60_000;
		writeFileSync(options.json, JSON.stringify({ options, reports, minutes }, null, 2));
	};
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
			const report: CaseReport = { case: c, runs: {} };
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
				// Alternate: node, floor, raw, then raw, floor, node...
				const order = r % 2 === 0 ? options.clients : [...options.clients].reverse();
				for (const client of order) {
					const loadBefore = os.loadavg()[0];
					const m = await measure(
						emulator,
						c,
						client,
						options,
						workDir,
						jwsFile,
						reports.length * 100 + r,
					);
					m.loadAverage = [loadBefore, os.loadavg()[0]];
					(report.runs[client] ??= []).push(m);
					save();
					console.log(
						`- ${caseLabel(c)}, ${c.latencyMs} ms, concurrency ${c.concurrency}, ${client} #${r + 1}: ` +
							`${fixed(m.wallMs / 1000, 1)} s, ${fixed(cpuPerItem(m), 3)} ms CPU/item, ` +
							`peak RSS ${fixed(m.maxRssMb, 0)} MB (start ${fixed(m.rssAtStartMb, 0)}, ${fixed(memoryPerItemKb(m), 2)} KB/item)` +
							(m.retainedHeapMb !== undefined && m.heapAtStartMb !== undefined
								? `, heap retained ${fixed(((m.retainedHeapMb - m.heapAtStartMb) * 1024) / m.items, 2)} KB/item`
								: '') +
							`, ${m.stats.requests} requests on ${m.stats.connections} connection(s), ` +
							`${m.succeeded} ok / ${m.failed} failed${m.checks.accounted ? '' : ' NOT ACCOUNTED'}${m.errors.length ? ` (${m.errors[0]})` : ''}` +
							`, load ${m.loadAverage.map((l) => l.toFixed(2)).join(' -> ')}`,
					);
				}
			}
		}
	} finally {
		for (const [, e] of emulators) await e.stop();
		rmSync(workDir, { recursive: true, force: true });
	}
	const minutes = (Date.now() - started) / 60_000;
	printTables(options, reports, minutes);
	if (options.json) {
		save();
		console.log(`Raw figures: ${options.json}`);
	}
	const bad = reports
		.flatMap((r) => CLIENT_KINDS.flatMap((client) => runsOf(r, client)))
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
