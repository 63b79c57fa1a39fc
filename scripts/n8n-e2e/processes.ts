/**
 * Every process the end-to-end scripts start is registered here and stopped by its own PID: on
 * success, on failure, and on Ctrl-C / SIGTERM. Nothing is ever stopped by name.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';

export interface Started {
	name: string;
	child: ChildProcess;
	pid: number;
	/** Resolves with the exit code (or the signal) once the process has ended. */
	exited: Promise<number | string>;
	/** Everything it printed (stdout and stderr), also written to `logFile`. */
	output: () => string;
	logFile: string;
}

const started = new Map<number, Started>();
const extraPids = new Map<number, string>();
const cleanups: Array<() => Promise<void> | void> = [];
const finalCleanups: Array<() => void> = [];

/** Starts a process in its own process group (its PID is the group id) and logs its output. */
export function startProcess(
	name: string,
	command: string,
	args: string[],
	options: SpawnOptions & { logFile: string },
): Started {
	const { logFile, ...spawnOptions } = options;
	const child = spawn(command, args, {
		...spawnOptions,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
	const log = fs.createWriteStream(logFile, { flags: 'a' });
	let text = '';
	let logOpen = true;
	const take = (chunk: Buffer) => {
		const s = chunk.toString('utf8');
		// Keep the last 4 MB in memory; the whole output is in the log file.
		text = (text + s).slice(-4 * 1024 * 1024);
		if (logOpen) log.write(chunk);
	};
	// 'close' comes after the last output (which can follow 'exit').
	child.on('close', () => {
		logOpen = false;
		log.end();
	});
	child.stdout?.on('data', take);
	child.stderr?.on('data', take);
	const exited = new Promise<number | string>((resolve) => {
		child.on('exit', (code, signal) => {
			started.delete(child.pid as number);
			resolve(code ?? signal ?? 'unknown');
		});
		child.on('error', (error) => {
			text += `\n[spawn error] ${error.message}\n`;
			started.delete(child.pid as number);
			resolve('spawn-error');
		});
	});
	const entry: Started = { name, child, pid: child.pid, exited, output: () => text, logFile };
	started.set(child.pid, entry);
	return entry;
}

/** A process started by a library (e.g. Chromium by puppeteer): stopped by PID too if still running. */
export function registerPid(pid: number, name: string): void {
	extraPids.set(pid, name);
}

export function unregisterPid(pid: number): void {
	extraPids.delete(pid);
}

/** Runs after every process has stopped (e.g. removing their work folders). */
export function onFinalCleanup(fn: () => void): void {
	finalCleanups.push(fn);
}

/** Runs before the processes are stopped (e.g. closing the browser or the in-process emulator). */
export function onCleanup(fn: () => Promise<void> | void): void {
	cleanups.push(fn);
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	// The group first (n8n's task runner is its child), then the process itself.
	for (const target of [-pid, pid]) {
		try {
			process.kill(target, signal);
		} catch {
			// already gone
		}
	}
}

/** SIGTERM, then SIGKILL after `graceMs` if it is still running. */
export async function stopProcess(entry: Started, graceMs = 15_000): Promise<void> {
	if (entry.child.exitCode !== null || entry.child.signalCode !== null) return;
	signalGroup(entry.pid, 'SIGTERM');
	const timer = new Promise<'timeout'>((resolve) =>
		setTimeout(() => resolve('timeout'), graceMs).unref(),
	);
	if ((await Promise.race([entry.exited, timer])) === 'timeout') {
		signalGroup(entry.pid, 'SIGKILL');
		await entry.exited;
	}
	// Children of the group that outlived their parent.
	signalGroup(entry.pid, 'SIGKILL');
}

let stopping: Promise<void> | undefined;

/** Stops everything: cleanup callbacks, then the registered processes, newest first. */
export function stopAll(): Promise<void> {
	stopping ??= (async () => {
		for (const fn of cleanups.splice(0).reverse()) {
			try {
				await fn();
			} catch (error) {
				console.error(`cleanup failed: ${(error as Error).message}`);
			}
		}
		const entries = [...started.values()].reverse();
		await Promise.all(entries.map((entry) => stopProcess(entry)));
		for (const [pid, name] of extraPids) {
			if (alive(pid)) {
				console.error(`stopping ${name} (pid ${pid})`);
				signalGroup(pid, 'SIGKILL');
			}
		}
		extraPids.clear();
		for (const fn of finalCleanups.splice(0)) {
			try {
				fn();
			} catch (error) {
				console.error(`cleanup failed: ${(error as Error).message}`);
			}
		}
	})();
	const done = stopping;
	done.finally(() => {
		stopping = undefined;
	});
	return done;
}

/** Ctrl-C and SIGTERM stop everything before the script exits. */
export function stopAllOnSignals(onSignal?: (signal: string) => void): void {
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			console.error(`\n${signal}: stopping everything this script started…`);
			onSignal?.(signal);
			stopAll().finally(() => process.exit(130));
		});
	}
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** Distinct free ports (asked for together, so the OS does not hand out the same one twice). */
export async function freePorts(count: number): Promise<number[]> {
	const servers = await Promise.all(
		Array.from(
			{ length: count },
			() =>
				new Promise<net.Server>((resolve, reject) => {
					const server = net.createServer();
					server.on('error', reject);
					server.listen(0, '127.0.0.1', () => resolve(server));
				}),
		),
	);
	const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
	await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
	return ports;
}

/** Runs a command to completion (output to `logFile`), throwing with its tail if it fails. */
export async function run(
	name: string,
	command: string,
	args: string[],
	options: SpawnOptions & { logFile: string; timeoutMs?: number },
): Promise<string> {
	const { timeoutMs = 30 * 60_000, ...rest } = options;
	const entry = startProcess(name, command, args, rest);
	const timer = setTimeout(() => {
		console.error(`${name}: no end after ${timeoutMs / 1000} s, stopping it`);
		void stopProcess(entry, 5000);
	}, timeoutMs);
	const code = await entry.exited;
	clearTimeout(timer);
	if (code !== 0) {
		throw new Error(
			`${name} failed (${code}); last output:\n${entry.output().slice(-3000)}\n(full log: ${entry.logFile})`,
		);
	}
	return entry.output();
}
