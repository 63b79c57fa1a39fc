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

/**
 * A package from another checkout (--package-dir) resolves n8n-workflow and n8n-core from the
 * bench's own node_modules, as a community package uses the n8n it runs in: one copy of each, the
 * same for every client and every package compared.
 */
function shareN8nModules(packageDir: string, benchRoot: string): void {
	const foreign = path.resolve(packageDir) + path.sep;
	if (path.resolve(benchRoot) + path.sep === foreign) return;
	const Module = require('module') as {
		_resolveFilename: (
			request: string,
			parent: { filename?: string } | undefined,
			...rest: unknown[]
		) => string;
	};
	const original = Module._resolveFilename;
	Module._resolveFilename = function (request, parent, ...rest) {
		if (
			/^n8n-(workflow|core)(\/|$)/.test(request) &&
			parent?.filename?.startsWith(foreign) &&
			!parent.filename.includes(`${path.sep}node_modules${path.sep}`)
		)
			return require.resolve(request, { paths: [benchRoot] });
		return original.call(this, request, parent, ...rest);
	};
}

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
		if (spec.benchRoot) shareN8nModules(spec.packageDir, spec.benchRoot);
		// Load the package (node and credential types) before the window, as a running n8n has; the
		// floor loads it too, so both start from the same modules.
		const { loadNodesAndCredentials } = await import('../test/harness');
		await loadNodesAndCredentials(spec.packageDir);
		if (spec.client === 'floor') {
			const { runFloorClient, registerFloor } = await import('./floorNode');
			await registerFloor(spec.packageDir);
			run = () => runFloorClient(spec, input);
		} else {
			const { runNodeClient } = await import('./nodeClient');
			run = () => runNodeClient(spec, input);
		}
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
