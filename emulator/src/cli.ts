/**
 * Standalone emulator:  npx ts-node --transpile-only emulator/src/cli.ts [--port 8080] [--seed 1]
 *                                    [--account 12345678] [--client-id ...] [--client-secret ...]
 *                                    [--latency-ms 0] [--quiet]
 */
import { startEmulator } from './server';
import type { Emulator, RecordedRequest } from './types';

const DEFAULT_PORT = 8080;
const EXAMPLE_CONSUMER = 'crm-contact-4711';

function argValue(argv: string[], name: string): string | undefined {
	const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
	if (i < 0) return undefined;
	const a = argv[i];
	return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
}

function usage(): string {
	return 'usage: cli.ts [--port 8080|0] [--seed N] [--account ID] [--client-id ID] [--client-secret SECRET] [--latency-ms MS] [--quiet]';
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

function banner(emu: Emulator, requestedPort: number): string {
	const appJwt = emu.mintAppJwt({ ttlSeconds: 24 * 3600 });
	const consumerJws = emu.mintConsumerJws(EXAMPLE_CONSUMER);
	const note =
		requestedPort !== 0 && emu.port !== requestedPort ? `  (port ${requestedPort} was taken)` : '';
	return [
		'',
		`LivePerson Connector API emulator listening on ${emu.baseUrl}${note}`,
		'',
		`Seed account: ${emu.accountId}`,
		'',
		'Client Credentials mode:',
		`  Account ID:             ${emu.accountId}`,
		`  Client ID:              ${emu.clientId}`,
		`  Client Secret:          ${emu.clientSecret}`,
		`  CSDS / Base URL:        ${emu.baseUrl}`,
		'',
		'Static tokens mode (AppJWT valid 24 h):',
		`  AppJWT:                 ${appJwt}`,
		`  ConsumerJWS (ext_consumer_id "${EXAMPLE_CONSUMER}", lp_consumer_id ${emu.lpConsumerIdFor(EXAMPLE_CONSUMER)}):`,
		`                          ${consumerJws}`,
		`  More tokens:            curl -X POST ${emu.baseUrl}/_emulator/tokens -H 'Content-Type: application/json' -d '{"extConsumerId":"someone"}'`,
		'',
		'Proactive Messaging (its own credential; CSDS agentVep answers a "va." name, so set the host):',
		`  Client ID:              ${emu.proactive.clientId}`,
		`  Client Secret:          ${emu.proactive.clientSecret}`,
		`  Proactive host:         ${emu.baseUrl}`,
		`  Test clock, settings:   curl ${emu.baseUrl}/_emulator/proactive`,
		'',
		'Inspect:',
		`  Request log:            curl ${emu.baseUrl}/_emulator/requests`,
		`  Conversations:          curl ${emu.baseUrl}/_emulator/state`,
		`  Add a fault:            curl -X POST ${emu.baseUrl}/_emulator/faults -H 'Content-Type: application/json' -d '{"on":"conversation","action":{"type":"status","status":429,"headers":{"Retry-After":"1"}}}'`,
		`  Connections, requests:  curl ${emu.baseUrl}/_emulator/stats`,
		`  Reset:                  curl -X POST ${emu.baseUrl}/_emulator/reset`,
		'',
		'Requests (Ctrl-C to stop):',
	].join('\n');
}

async function main(argv: string[]): Promise<void> {
	if (argv.includes('--help') || argv.includes('-h')) {
		console.log(usage());
		return;
	}
	const portArg = argValue(argv, 'port');
	const port = portArg === undefined ? DEFAULT_PORT : Number(portArg);
	if (!Number.isInteger(port) || port < 0 || port > 65535)
		throw new Error(`bad --port ${portArg ?? ''}\n${usage()}`);
	const seedArg = argValue(argv, 'seed');
	const latencyArg = argValue(argv, 'latency-ms');
	const latencyMs = latencyArg === undefined ? 0 : Number(latencyArg);
	if (!Number.isFinite(latencyMs) || latencyMs < 0)
		throw new Error(`bad --latency-ms ${latencyArg ?? ''}\n${usage()}`);
	// --quiet: no line per request (a load run would spend its time printing).
	const quiet = argv.includes('--quiet');
	const options = {
		accountId: argValue(argv, 'account'),
		clientId: argValue(argv, 'client-id'),
		clientSecret: argValue(argv, 'client-secret'),
		seed: seedArg === undefined ? undefined : Number(seedArg),
		latencyMs,
		onRequest: quiet ? undefined : (r: RecordedRequest) => console.log(logLine(r)),
	};

	let emu: Emulator;
	try {
		emu = await startEmulator({ ...options, port });
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw err;
		emu = await startEmulator({ ...options, port: 0 });
	}
	console.log(banner(emu, port));

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping the emulator`);
		emu.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((err) => {
	console.error(err instanceof Error ? err.message : err);
	process.exit(1);
});
