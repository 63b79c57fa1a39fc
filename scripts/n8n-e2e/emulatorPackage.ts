/**
 * n8n pointed at the emulator as users get it: emulator/ packed (its prepack builds it, as
 * `npm publish` does), the tarball installed into an empty folder, `npx liveperson-emulator --port 0
 * --json` started there as a separate process, and n8n's credentials filled in with exactly what it
 * printed, through n8n's REST API. n8n's credential test must pass for each printed block, and a
 * workflow run with the Client Credentials one must open a conversation in that emulator.
 */
import * as fs from 'fs';
import * as path from 'path';

import type { EmulatorInfo } from '../../emulator/src';
import { npmEnv, type NodeRuntime } from './cache';
import { outputOf, type N8nApi } from './n8n';
import { packProject } from './packages';
import { run, startProcess, stopProcess, type Started } from './processes';
import { Skip, type Checks } from './report';
import { chain, lpNode, manualTrigger } from './workflows';

export const EMULATOR_PACKAGE = 'liveperson-emulator';

export interface PackedEmulator {
	info: EmulatorInfo;
	process: Started;
	stop(): Promise<void>;
}

/** `npm pack` of emulator/ and `npm install <tarball>` in an empty folder; returns that folder. */
export async function installPackedEmulator(
	repo: string,
	work: string,
	node: NodeRuntime,
	logFile: string,
): Promise<{ tarball: string; folder: string; installed: string[] }> {
	const tarball = await packProject(path.join(repo, 'emulator'), path.join(work, 'pack'), logFile);
	const folder = path.join(work, 'empty-folder');
	fs.mkdirSync(folder, { recursive: true });
	await run(
		'npm install <emulator tarball>',
		'npm',
		['install', tarball, '--offline', '--no-audit', '--no-fund', '--loglevel=warn'],
		{ cwd: folder, env: npmEnv(node), logFile, timeoutMs: 5 * 60_000 },
	);
	const installed = fs
		.readdirSync(path.join(folder, 'node_modules'))
		.filter((entry) => !entry.startsWith('.'));
	return { tarball, folder, installed };
}

/**
 * `npx liveperson-emulator --port 0 --json` in `folder`, as a user would start it; resolves with
 * the first line it prints (the values, as JSON) once it is listening.
 */
export async function startPackedEmulator(
	folder: string,
	node: NodeRuntime,
	logFile: string,
	timeoutMs = 30_000,
): Promise<PackedEmulator> {
	const started = startProcess(
		'npx liveperson-emulator',
		'npx',
		['--no', '--offline', EMULATOR_PACKAGE, '--port', '0', '--json'],
		{ cwd: folder, env: npmEnv(node), logFile },
	);
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const output = started.output();
		const line = output.split('\n').find((l) => l.startsWith('{"name"'));
		if (line) {
			const info = JSON.parse(line) as EmulatorInfo;
			return { info, process: started, stop: () => stopProcess(started, 5000) };
		}
		const ended = started.child.exitCode !== null || started.child.signalCode !== null;
		if (ended || Date.now() > deadline) {
			await stopProcess(started, 1000);
			throw new Error(
				`${EMULATOR_PACKAGE} ${ended ? 'ended' : 'printed nothing usable'}: ${output.slice(-1500)}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

function credentialBlock(info: EmulatorInfo, variant: string) {
	const block = info.credentials.find(
		(c) => c.type === 'livePersonConnectorApi' && c.variant === variant,
	);
	if (!block) throw new Error(`the emulator printed no "${variant}" block`);
	return block;
}

async function control<T>(url: string): Promise<T> {
	const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
	if (!response.ok) throw new Error(`GET ${url} -> HTTP ${response.status}`);
	return (await response.json()) as T;
}

/**
 * The checks: install and start the packed emulator, then, for each Connector API block it printed,
 * a credential saved with exactly those values and n8n's credential test on it.
 */
export async function packedEmulatorChecks(options: {
	api: N8nApi;
	checks: Checks;
	repo: string;
	work: string;
	node: NodeRuntime;
	outDir: string;
}): Promise<void> {
	const { api, checks, node } = options;
	const work = path.join(options.work, 'emulator-package');
	const npmLog = path.join(options.outDir, 'emulator-package-npm.log');
	let folder: string | undefined;
	let emulator: PackedEmulator | undefined;
	let clientCredentials: { id: string; name: string } | undefined;
	const requires = (what: string) => {
		if (!emulator) throw new Skip(`no packed emulator running (${what} failed)`);
		return emulator;
	};

	await checks.check('emulator-package.install', async () => {
		const installed = await installPackedEmulator(options.repo, work, node, npmLog);
		const extra = installed.installed.filter((p) => p !== EMULATOR_PACKAGE);
		if (extra.length > 0)
			throw new Error(`npm installed more than ${EMULATOR_PACKAGE}: ${extra.join(', ')}`);
		folder = installed.folder;
		const kb = Math.round(fs.statSync(installed.tarball).size / 1024);
		return `${path.basename(installed.tarball)} (${kb} kB) into an empty folder, nothing else installed`;
	});

	await checks.check('emulator-package.npx', async () => {
		if (!folder) throw new Skip('emulator-package.install failed');
		emulator = await startPackedEmulator(
			folder,
			node,
			path.join(options.outDir, 'emulator-package.log'),
		);
		const { info } = emulator;
		const blocks = info.credentials.map((c) => `${c.displayName} (${c.variant})`);
		return `${info.name} ${info.version} on ${info.baseUrl} (pid ${info.pid}); printed ${blocks.join(', ')}`;
	});

	for (const variant of ['Client Credentials', 'Static Tokens']) {
		const id = `emulator-package.cred.${variant.toLowerCase().replace(/ /g, '-')}`;
		await checks.check(id, async () => {
			const { info } = requires('emulator-package.npx');
			const block = credentialBlock(info, variant);
			const saved = await api.createCredential(
				`LivePerson (packed emulator, ${variant})`,
				block.type,
				block.data,
			);
			const result = await api.testCredential({
				id: saved.id,
				name: saved.name,
				type: block.type,
				data: block.data,
			});
			if (result.status !== 'OK')
				throw new Error(`credential test: ${result.status} ${result.message}`);
			// The test reached this emulator, not another one.
			const endpoint = variant === 'Client Credentials' ? 'sentinel' : 'send';
			const seen = await control<Array<{ status: number }>>(
				`${info.control.requests}?endpoint=${endpoint}`,
			);
			if (seen.length === 0)
				throw new Error(`the packed emulator logged no ${endpoint} request from the test`);
			if (variant === 'Client Credentials') clientCredentials = saved;
			return `${result.status}: ${result.message}; ${seen.length} ${endpoint} request(s) logged by the packed emulator`;
		});
	}

	await checks.check('emulator-package.run', async () => {
		const { info } = requires('emulator-package.npx');
		if (!clientCredentials) throw new Skip('no Client Credentials credential saved');
		const consumerId = `packed-emulator-${Date.now()}`;
		const workflow = chain('e2e packed emulator', [
			manualTrigger(),
			lpNode('LivePerson', clientCredentials, { operation: 'createWithSdes', consumerId }),
		]);
		const created = await api.createWorkflow(workflow as unknown as Record<string, unknown>);
		const executionId = await api.runManually(String(created.id), 'Start');
		const execution = await api.waitForExecution(executionId);
		if (execution.status !== 'success')
			throw new Error(
				`the run ended ${execution.status}: ${execution.data.resultData.error?.message ?? ''}`,
			);
		const [item] = outputOf(execution, 'LivePerson');
		const conversationId = item?.json.conversationId;
		if (typeof conversationId !== 'string')
			throw new Error(`no conversationId in the output: ${JSON.stringify(item?.json)}`);
		const state = await control<unknown>(info.control.state);
		if (!JSON.stringify(state).includes(conversationId))
			throw new Error(`conversation ${conversationId} is not in the packed emulator's state`);
		return `conversation ${conversationId} for ${consumerId} opened in the packed emulator`;
	});

	if (emulator) {
		const { info, process: started } = emulator;
		await checks.check('emulator-package.stop', async () => {
			// Its own PID, as printed: npx's is the parent's. npx then ends with its exit code.
			if (info.pid) process.kill(info.pid, 'SIGTERM');
			const timer = new Promise<'timeout'>((resolve) =>
				setTimeout(() => resolve('timeout'), 10_000).unref(),
			);
			const code = await Promise.race([started.exited, timer]);
			if (code !== 0) throw new Error(`npx liveperson-emulator ended with ${code} after SIGTERM`);
			return 'SIGTERM to the printed pid: it closed, npx exited 0';
		});
		await emulator.stop();
	}
}
