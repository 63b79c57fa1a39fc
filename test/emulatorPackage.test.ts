/**
 * The emulator as its users get it: `npm pack` of emulator/ (its prepack builds it, as `npm publish`
 * does), the tarball installed into an empty folder (no dependencies, so no registry), and
 * `npx liveperson-emulator --port 0 --json` started there as a child process. The values it prints
 * must work: an AppJWT minted at the printed CSDS's Sentinel with the printed client ID and secret,
 * a conversation opened through CREATE with a ConsumerJWS from the IDP, the printed static tokens,
 * and the control API (a fault, the agent's answer, the log).
 */
import type { INodeProperties } from 'n8n-workflow';

import { execFile, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

import { LivePersonConnectorApi } from '../credentials/LivePersonConnectorApi.credentials';
import { LivePersonProactiveApi } from '../credentials/LivePersonProactiveApi.credentials';
import type { EmulatorInfo } from '../emulator/src';

const run = promisify(execFile);
const emulatorDir = path.join(__dirname, '..', 'emulator');
const NAME = 'liveperson-emulator';

let work: string;
let tarball: string;
let installed: string;
let child: ChildProcess | undefined;
let stdout = '';
let info: EmulatorInfo;

/**
 * npm as a user runs it: `npm test` / `npx jest` export this repository's npm config (ignore-scripts,
 * its local prefix) as npm_* variables, which would skip the emulator's prepack build.
 */
const npmEnv: NodeJS.ProcessEnv = Object.fromEntries(
	Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
);
npmEnv.npm_config_update_notifier = 'false';

function firstLine(timeoutMs: number): Promise<string> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`no output after ${timeoutMs} ms: ${stdout}`)),
			timeoutMs,
		);
		const look = () => {
			const end = stdout.indexOf('\n');
			if (end < 0) return;
			clearTimeout(timer);
			child?.stdout?.off('data', look);
			resolve(stdout.slice(0, end));
		};
		child?.stdout?.on('data', look);
		child?.once('exit', (code) => reject(new Error(`exited ${code} before printing: ${stdout}`)));
		look();
	});
}

/** SIGTERM to the emulator's own PID (as printed); npx exits with its code. */
async function stopChild(): Promise<number | string | null> {
	const c = child;
	child = undefined;
	if (!c || c.exitCode !== null || c.signalCode !== null) return c?.exitCode ?? null;
	const exited = new Promise<number | string | null>((resolve) =>
		c.once('exit', (code, signal) => resolve(code ?? signal)),
	);
	try {
		process.kill(info?.pid ?? -(c.pid as number), 'SIGTERM');
	} catch {
		// already gone
	}
	// npx, its shell and the emulator share a process group (detached): the last resort for all.
	const timer = setTimeout(() => process.kill(-(c.pid as number), 'SIGKILL'), 5000);
	const result = await exited;
	clearTimeout(timer);
	return result;
}

async function call(
	url: string,
	init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; json: any }> {
	const response = await fetch(url, {
		method: init.method ?? 'GET',
		headers: { 'Content-Type': 'application/json', ...init.headers },
		body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
	const text = await response.text();
	return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

const block = (variant: string, displayName = 'LivePerson Connector API') => {
	const found = info.credentials.find(
		(c) => c.displayName === displayName && c.variant === variant,
	);
	if (!found) throw new Error(`no "${variant}" block in ${JSON.stringify(info.credentials)}`);
	return found.data as Record<string, string>;
};

const createBatch = (accountId: string, message: string) => [
	{ kind: 'req', id: '1', type: 'userprofile.SetUserProfile', body: {} },
	{
		kind: 'req',
		id: '2',
		type: 'cm.ConsumerRequestConversation',
		body: { brandId: accountId, channelType: 'MESSAGING' },
	},
	{
		kind: 'req',
		id: '3',
		type: 'ms.PublishEvent',
		body: { event: { type: 'ContentEvent', contentType: 'text/plain', message } },
	},
];

beforeAll(async () => {
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'liveperson-emulator-package-'));
	const packDir = path.join(work, 'pack');
	installed = path.join(work, 'empty-folder');
	fs.mkdirSync(packDir);
	fs.mkdirSync(installed);
	await run('npm', ['pack', '--pack-destination', packDir, '--loglevel=warn'], {
		cwd: emulatorDir,
		env: npmEnv,
	});
	const [name] = fs.readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
	tarball = path.join(packDir, name);
	await run(
		'npm',
		['install', tarball, '--offline', '--no-audit', '--no-fund', '--loglevel=warn'],
		{
			cwd: installed,
			env: npmEnv,
		},
	);
	child = spawn('npx', ['--no', '--offline', NAME, '--port', '0', '--json'], {
		cwd: installed,
		env: npmEnv,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	info = JSON.parse(await firstLine(15_000)) as EmulatorInfo;
}, 60_000);

afterAll(async () => {
	await stopChild();
	if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds only dist/, the README, the licence and package.json; no dependencies', async () => {
	const { stdout: listing } = await run('tar', ['-tzf', tarball]);
	const files = listing
		.split('\n')
		.filter(Boolean)
		.map((f) => f.replace(/^package\//, ''));
	expect(files.filter((f) => !f.startsWith('dist/'))).toEqual(
		expect.arrayContaining(['LICENSE', 'README.md', 'package.json']),
	);
	expect(
		files.filter(
			(f) => !f.startsWith('dist/') && !['LICENSE', 'README.md', 'package.json'].includes(f),
		),
	).toEqual([]);
	expect(files).toEqual(
		expect.arrayContaining(['dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'dist/server.js']),
	);
	expect(files.filter((f) => /\.(ts|map)$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
	expect(fs.statSync(tarball).size).toBeLessThan(100 * 1024);

	const pkg = JSON.parse(
		fs.readFileSync(path.join(installed, 'node_modules', NAME, 'package.json'), 'utf8'),
	);
	expect(pkg.name).toBe(NAME);
	expect(pkg.license).toBe('MIT');
	expect(pkg.bin).toEqual({ [NAME]: 'dist/cli.js' });
	for (const kind of ['dependencies', 'optionalDependencies', 'peerDependencies'])
		expect(pkg[kind] ?? {}).toEqual({});
	// Nothing but the emulator landed in the empty folder.
	const modules = fs
		.readdirSync(path.join(installed, 'node_modules'))
		.filter((f) => !f.startsWith('.'));
	expect(modules).toEqual([NAME]);
	const cli = fs.readFileSync(path.join(installed, 'node_modules', NAME, 'dist', 'cli.js'), 'utf8');
	expect(cli.startsWith('#!/usr/bin/env node\n')).toBe(true);
});

test('npx prints the credential values as JSON: both ways of the n8n credential, on 127.0.0.1', () => {
	expect(info.name).toBe(NAME);
	expect(info.pid).toEqual(expect.any(Number));
	expect(info.pid).not.toBe(child?.pid);
	expect(info.baseUrl).toBe(`http://127.0.0.1:${info.port}`);
	expect(block('Client Credentials')).toEqual({
		authentication: 'clientCredentials',
		accountId: '12345678',
		clientId: 'emulator-app-install-1',
		clientSecret: 'emulator-client-secret-0123456789',
		csdsHost: info.baseUrl,
	});
	const tokens = block('Static Tokens');
	expect(tokens).toMatchObject({
		authentication: 'staticTokens',
		accountId: '12345678',
		domain: info.baseUrl,
		webhookSecret: 'emulator-client-secret-0123456789',
	});
	expect(tokens.appJwt).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
	expect(tokens.consumerJws).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
	expect(info.control.faults).toBe(`${info.baseUrl}/_emulator/faults`);
	expect(info.agent.message).toBe(`${info.baseUrl}/_emulator/agent/message`);
});

test('every printed field is a field of the n8n credential, under its label there', () => {
	const credentials: Record<string, { properties: INodeProperties[] }> = {
		livePersonConnectorApi: new LivePersonConnectorApi(),
		livePersonProactiveApi: new LivePersonProactiveApi(),
	};
	expect(info.credentials.map((c) => c.type).sort()).toEqual([
		'livePersonConnectorApi',
		'livePersonConnectorApi',
		'livePersonProactiveApi',
	]);
	for (const credential of info.credentials) {
		const { properties } = credentials[credential.type];
		for (const field of credential.fields) {
			const property = properties.find((p) => p.name === field.name);
			expect([field.name, property?.displayName]).toEqual([field.name, field.label]);
			const shown = property?.options?.find((o) => 'value' in o && o.value === field.value);
			if (property?.type === 'options') expect(shown?.name).toBe(field.shown);
			// Shown only where the credential's authentication shows it.
			const showFor = property?.displayOptions?.show?.authentication;
			if (showFor) expect(showFor).toContain(credential.data.authentication);
		}
	}
});

test('the printed Proactive Messaging credential works: a Proactive token, then the template list', async () => {
	const proactive = block('Client Credentials', 'LivePerson Proactive Messaging API');
	expect(proactive.overrideHosts).toBe(true);
	const csds = await call(
		`${proactive.csdsHost}/api/account/${proactive.accountId}/service/sentinel/baseURI.json?version=1.0`,
	);
	const minted = await fetch(
		`http://${csds.json.baseURI}/sentinel/api/account/${proactive.accountId}/app/token?v=1.0`,
		{
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'client_credentials',
				client_id: proactive.clientId,
				client_secret: proactive.clientSecret,
			}),
		},
	);
	const { access_token: token } = (await minted.json()) as { access_token: string };
	const list = await call(
		`${proactive.handoffHost}/api/account/${proactive.accountId}/app/prmsg/handoffs/list?v=1&limit=5&offset=0`,
		{ headers: { Authorization: `Bearer ${token}` } },
	);
	expect(list.status).toBe(200);
	expect(list.json.length).toBeGreaterThan(0);
});

test('the printed Client Credentials work: CSDS, Sentinel, IDP, then CREATE opens a conversation', async () => {
	const cc = block('Client Credentials');
	const csds = await call(
		`${cc.csdsHost}/api/account/${cc.accountId}/service/baseURI.json?version=1.0`,
	);
	expect(csds.status).toBe(200);
	const host = (service: string) =>
		`http://${csds.json.baseURIs.find((b: { service: string }) => b.service === service).baseURI}`;

	const form = new URLSearchParams({
		grant_type: 'client_credentials',
		client_id: cc.clientId,
		client_secret: cc.clientSecret,
	});
	const minted = await fetch(
		`${host('sentinel')}/sentinel/api/account/${cc.accountId}/app/token?v=1.0`,
		{
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: form.toString(),
		},
	);
	expect(minted.status).toBe(200);
	const appJwt = ((await minted.json()) as { access_token: string }).access_token;

	const idp = await call(`${host('idp')}/api/account/${cc.accountId}/consumer?v=1.0`, {
		method: 'POST',
		headers: { Authorization: appJwt },
		body: { ext_consumer_id: 'package-test-consumer' },
	});
	expect(idp.status).toBe(201);

	const created = await call(
		`${host('asyncMessagingEnt')}/api/account/${cc.accountId}/messaging/consumer/conversation?v=3`,
		{
			method: 'POST',
			headers: { Authorization: appJwt, 'X-LP-ON-BEHALF': idp.json.token },
			body: createBatch(cc.accountId, 'Hello from the packed emulator'),
		},
	);
	expect(created.status).toBe(200);
	const conversationId = created.json[1].body.conversationId as string;
	expect(conversationId).toEqual(expect.any(String));

	// The control API sees it, and the agent answers in it.
	const state = await call(info.control.state);
	expect(JSON.stringify(state.json)).toContain(conversationId);
	const answer = await call(info.agent.message, {
		method: 'POST',
		body: { conversationId, message: 'Hello, this is the agent' },
	});
	expect(answer.status).toBe(200);
	expect(answer.json.sequence).toEqual(expect.any(Number));
});

test('the printed static tokens work, and a fault added through the control API is served', async () => {
	const st = block('Static Tokens');
	const url = `${st.domain}/api/account/${st.accountId}/messaging/consumer/conversation?v=3`;
	const headers = { Authorization: st.appJwt, 'X-LP-ON-BEHALF': st.consumerJws };
	const fault = await call(info.control.faults, {
		method: 'POST',
		body: { on: 'conversation', action: { type: 'status', status: 429 } },
	});
	expect(fault.status).toBe(200);
	const refused = await call(url, {
		method: 'POST',
		headers,
		body: createBatch(st.accountId, 'first try'),
	});
	expect(refused.status).toBe(429);
	const created = await call(url, {
		method: 'POST',
		headers,
		body: createBatch(st.accountId, 'second try'),
	});
	expect(created.status).toBe(200);

	const log = await call(`${info.control.requests}?endpoint=conversation`);
	expect(log.json.map((r: { status: number }) => r.status)).toEqual([200, 429, 200]);
	// --json: each request is a JSON line on stdout too.
	const lines = stdout
		.split('\n')
		.slice(1)
		.filter((l) => l.startsWith('{"request"'))
		.map((l) => JSON.parse(l).request);
	expect(lines.filter((r) => r.endpoint === 'conversation').map((r) => r.status)).toEqual([
		200, 429, 200,
	]);
});

test('the bin answers --help and refuses an unknown option; SIGTERM stops it cleanly', async () => {
	const bin = path.join(installed, 'node_modules', '.bin', NAME);
	const help = await run(bin, ['--help']);
	expect(help.stdout).toMatch(/^usage: liveperson-emulator/);
	expect(help.stdout).toContain('--json');
	const refused = await run(bin, ['--prot', '0']).catch((error) => error);
	expect(refused.code).toBe(2);
	expect(refused.stderr).toContain('unknown option --prot');

	const port = info.port;
	expect(await stopChild()).toBe(0);
	await expect(fetch(`http://127.0.0.1:${port}/_emulator/stats`)).rejects.toThrow();
});
