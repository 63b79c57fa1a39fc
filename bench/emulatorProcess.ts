/** The emulator as a separate process (its CPU and memory stay out of the clients' figures). */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';

import type { EmulatorStats } from '../emulator/src/types';

export interface EmulatorProcess {
	baseUrl: string;
	accountId: string;
	clientId: string;
	clientSecret: string;
	latencyMs: number;
	pid: number;
	control(method: string, route: string, body?: unknown): Promise<unknown>;
	reset(): Promise<void>;
	stats(): Promise<EmulatorStats>;
	stop(): Promise<void>;
}

// The emulator's defaults (emulator/src/server.ts DEFAULTS), which the CLI uses when not told otherwise.
const ACCOUNT = '12345678';
const CLIENT_ID = 'emulator-app-install-1';
const CLIENT_SECRET = 'emulator-client-secret-0123456789';

/** Starts the compiled CLI (emulator/src/cli.js beside this file's build) on a free port. */
export async function startEmulatorProcess(latencyMs: number, seed = 7): Promise<EmulatorProcess> {
	const cli = path.join(__dirname, '..', 'emulator', 'src', 'cli.js');
	const child: ChildProcess = spawn(
		process.execPath,
		[cli, '--port', '0', '--quiet', '--seed', String(seed), '--latency-ms', String(latencyMs)],
		{
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	const baseUrl = await new Promise<string>((resolve, reject) => {
		let seen = '';
		const onData = (chunk: Buffer) => {
			seen += chunk.toString();
			const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
			if (match) {
				child.stdout?.off('data', onData);
				child.stdout?.resume(); // keep draining: a full pipe would block the emulator
				resolve(match[1]);
			}
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', (chunk: Buffer) =>
			process.stderr.write(`[emulator] ${chunk.toString()}`),
		);
		child.once('exit', (code) =>
			reject(new Error(`the emulator exited (${code}) before listening: ${seen}`)),
		);
	});

	const control = async (method: string, route: string, body?: unknown): Promise<unknown> => {
		const send = () =>
			fetch(`${baseUrl}/_emulator/${route}`, {
				method,
				headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
		let response: Response;
		try {
			response = await send();
		} catch (error) {
			// A loaded machine may drop a loopback connection now and then: reads and resets are safe to
			// repeat once (a POST that may have been applied is not repeated).
			const cause = (error as { cause?: { code?: string; message?: string } }).cause;
			const why = `emulator control ${method} ${route} failed (${cause?.code ?? cause?.message ?? String(error)}; emulator ${child.exitCode === null ? 'running' : `exited ${child.exitCode}`})`;
			if (child.exitCode !== null || (method !== 'GET' && route !== 'reset')) throw new Error(why);
			console.error(`${why}: trying once more`);
			await new Promise((resolve) => setTimeout(resolve, 1000));
			response = await send();
		}
		const text = await response.text();
		if (!response.ok)
			throw new Error(
				`emulator control ${method} ${route}: ${response.status} ${text.slice(0, 300)}`,
			);
		return JSON.parse(text) as unknown;
	};

	return {
		baseUrl,
		accountId: ACCOUNT,
		clientId: CLIENT_ID,
		clientSecret: CLIENT_SECRET,
		latencyMs,
		pid: child.pid as number,
		control,
		reset: async () => {
			await control('POST', 'reset');
		},
		stats: async () => (await control('GET', 'stats')) as EmulatorStats,
		stop: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		},
	};
}
