#!/usr/bin/env node
/**
 * npx liveperson-emulator [--port 8080|0] [--json] [--quiet] [--seed 1] [--account 12345678]
 *                         [--client-id ...] [--client-secret ...] [--latency-ms 0]
 *
 * In this repository: npm run emulator [-- options]. Prints the values to paste into n8n's
 * credentials (or, with --json, the same as one JSON line), then one line per request.
 */
import * as fs from 'fs';
import * as path from 'path';

import { bannerText, describeEmulator } from './banner';
import { startEmulator } from './server';
import type { Emulator, RecordedRequest } from './types';

const DEFAULT_PORT = 8080;
const VALUE_OPTIONS = ['port', 'seed', 'account', 'client-id', 'client-secret', 'latency-ms'];
const FLAGS = ['json', 'quiet', 'help', 'version'];

const USAGE = `usage: liveperson-emulator [options]

A local LivePerson emulator (Domain API, Sentinel, IDP, Connector API CONVERSATION and SEND, agent
webhooks) on 127.0.0.1, for building and testing workflows without a LivePerson account. It prints
the values to paste into the n8n credential "LivePerson Connector API", then one line per request.

  --port N             port to listen on (default ${DEFAULT_PORT}; a free one if it is taken; 0: any free port)
  --json               print the values as one JSON line, then each request as a JSON line
  --quiet              print no line per request
  --account ID         account ID (default 12345678)
  --client-id ID       client ID of the connector app installation (default emulator-app-install-1)
  --client-secret S    its client secret, also the webhook signing secret
  --seed N             seed of every random choice (conversation IDs, probabilistic faults; default 1)
  --latency-ms MS      hold every answer MS milliseconds, like a network (default 0)
  --version            print the version
  --help               print this

Control API and agent side: http://127.0.0.1:PORT/_emulator/... (listed when it starts).`;

class UsageError extends Error {}

/** `--name value` and `--name=value`; unknown options are refused. */
export function parseArgs(argv: string[]): { values: Record<string, string>; flags: Set<string> } {
	const values: Record<string, string> = {};
	const flags = new Set<string>();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '-h') {
			flags.add('help');
			continue;
		}
		const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
		if (!m) throw new UsageError(`unexpected argument "${arg}"`);
		const [, name, inline] = m;
		if (FLAGS.includes(name) && inline === undefined) flags.add(name);
		else if (VALUE_OPTIONS.includes(name)) {
			const value = inline ?? argv[++i];
			if (value === undefined) throw new UsageError(`--${name} needs a value`);
			values[name] = value;
		} else throw new UsageError(`unknown option --${name}`);
	}
	return { values, flags };
}

function packageInfo(): { name: string; version: string } {
	// dist/cli.js and src/cli.ts both sit one folder below the package's package.json.
	try {
		const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
		return { name: String(pkg.name), version: String(pkg.version) };
	} catch {
		return { name: 'liveperson-emulator', version: 'unknown' };
	}
}

function numberOption(values: Record<string, string>, name: string, fallback: number): number {
	if (values[name] === undefined) return fallback;
	const n = Number(values[name]);
	if (values[name].trim() === '' || !Number.isFinite(n))
		throw new UsageError(`bad --${name} "${values[name]}": not a number`);
	return n;
}

function logLine(r: RecordedRequest): string {
	const time = new Date(r.at).toISOString().slice(11, 23);
	const parts = [
		time,
		`#${r.seq}`,
		r.method.padEnd(6),
		r.endpoint.padEnd(12),
		String(r.status ?? '---'),
	];
	if (r.fault) parts.push(`fault=${r.fault}`, r.processed ? 'processed' : 'not-processed');
	parts.push(r.path);
	return parts.join('  ');
}

function logJson(r: RecordedRequest): string {
	const { seq, at, method, endpoint, path: p, status, fault, processed } = r;
	return JSON.stringify({
		request: { seq, at, method, endpoint, path: p, status, fault, processed },
	});
}

async function main(argv: string[]): Promise<void> {
	const { values, flags } = parseArgs(argv);
	const pkg = packageInfo();
	if (flags.has('help')) return void console.log(USAGE);
	if (flags.has('version')) return void console.log(pkg.version);

	const port = numberOption(values, 'port', DEFAULT_PORT);
	if (!Number.isInteger(port) || port < 0 || port > 65535)
		throw new UsageError(`bad --port ${port}: a port is 0 to 65535`);
	const latencyMs = numberOption(values, 'latency-ms', 0);
	if (latencyMs < 0) throw new UsageError(`bad --latency-ms ${latencyMs}: negative`);
	const seed = values.seed === undefined ? undefined : numberOption(values, 'seed', 1);
	const json = flags.has('json');
	// --quiet: no line per request (a load run would spend its time printing).
	const print = json ? logJson : logLine;
	const options = {
		accountId: values.account,
		clientId: values['client-id'],
		clientSecret: values['client-secret'],
		seed,
		latencyMs,
		onRequest: flags.has('quiet') ? undefined : (r: RecordedRequest) => console.log(print(r)),
	};

	let emu: Emulator;
	try {
		emu = await startEmulator({ ...options, port });
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw err;
		emu = await startEmulator({ ...options, port: 0 });
	}
	const info = describeEmulator(emu, pkg);
	if (json) console.log(JSON.stringify({ ...info, pid: process.pid }));
	else {
		const note = port !== 0 && emu.port !== port ? `  (port ${port} was taken)` : '';
		console.log(bannerText(info, note));
		if (!flags.has('quiet')) console.log('Requests (Ctrl-C to stop):');
	}

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		if (!json) console.log(`\n${signal}: stopping the emulator`);
		emu.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((err) => {
		console.error(err instanceof Error ? err.message : err);
		if (err instanceof UsageError) console.error(`\n${USAGE}`);
		process.exit(err instanceof UsageError ? 2 : 1);
	});
}
