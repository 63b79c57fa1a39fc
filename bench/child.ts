/**
 * One measured client run in its own process:  node .bench-build/bench/child.js SPEC.json
 * Loads only what its client needs (the raw client never loads n8n), builds the input, then
 * measures wall and CPU time from the first request to the last answer, and prints one line
 * `BENCH_RESULT {...}` (a RunResult). Peak RSS is the process's getrusage maxrss.
 */
import { readFileSync } from 'fs';
import * as path from 'path';

import type { RunResult, RunSpec } from './spec';

export const RESULT_PREFIX = 'BENCH_RESULT ';

function hrtimeUs(): number {
	return Number(process.hrtime.bigint() / 1000n);
}

async function main(specFile: string) {
	const spec = JSON.parse(readFileSync(specFile, 'utf8')) as RunSpec;
	process.env.N8N_LOG_LEVEL ??= 'silent';
	process.env.N8N_USER_FOLDER ??= path.join(spec.packageDir, '.n8n-test');
	process.env.N8N_RUNNERS_ENABLED ??= 'false';

	const { benchInput } = await import('./spec');
	const jws = spec.jwsFile
		? (JSON.parse(readFileSync(spec.jwsFile, 'utf8')) as string[])
		: undefined;
	const input = benchInput(spec, jws);
	let run: () => Promise<{
		outputItems: number;
		succeeded: number;
		failed: number;
		unpaired: number;
		errors: string[];
		output: unknown;
	}>;
	if (spec.client === 'raw') {
		const { runRawClient } = await import('./rawClient');
		run = () => runRawClient(spec, input);
	} else {
		const { runNodeClient } = await import('./nodeClient');
		// Load the package (node and credential types) before the window, as a running n8n has.
		const { loadNodesAndCredentials } = await import('../test/harness');
		await loadNodesAndCredentials(spec.packageDir);
		run = () => runNodeClient(spec, input);
	}

	const gc = (globalThis as { gc?: () => void }).gc;
	const heapAfterGc = () => {
		if (!gc) return undefined;
		gc();
		return process.memoryUsage().heapUsed / 1024 / 1024;
	};
	const heapAtStartMb = heapAfterGc();
	const rssAtStart = process.memoryUsage().rss;
	const windowStartUs = hrtimeUs();
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	const outcome = await run();
	const wallMs = performance.now() - started;
	const cpu = process.cpuUsage(cpuBefore);
	const windowEndUs = hrtimeUs();
	const maxRssMb = process.resourceUsage().maxRSS / 1024;
	const retainedHeapMb = heapAfterGc(); // outcome.output is still referenced here
	const { output: _output, ...counts } = outcome;
	const result: RunResult = {
		client: spec.client,
		items: spec.items,
		concurrency: spec.concurrency,
		...counts,
		wallMs,
		cpuUserMs: cpu.user / 1000,
		cpuSystemMs: cpu.system / 1000,
		maxRssMb,
		rssAtStartMb: rssAtStart / 1024 / 1024,
		...(heapAtStartMb === undefined ? {} : { heapAtStartMb, retainedHeapMb }),
		windowStartUs,
		windowEndUs,
	};
	process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

if (require.main === module) {
	main(process.argv[2]).then(
		() => process.exit(0),
		(error: unknown) => {
			console.error(error instanceof Error ? error.stack : error);
			process.exit(1);
		},
	);
}
