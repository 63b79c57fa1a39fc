/**
 * This package as a tarball, installed into `<user folder>/.n8n/nodes` the two ways users get it
 * there: the README's manual `npm install`, and the layout n8n's own installer (Settings >
 * Community Nodes > Install) makes.
 */
import * as fs from 'fs';
import * as path from 'path';

import { npmEnv, type NodeRuntime } from './cache';
import { run } from './processes';

export const PACKAGE_NAME = 'n8n-nodes-liveperson';

/** `npm pack` of the built repository into `dest`; returns the tarball's path. */
export async function packProject(repo: string, dest: string, logFile: string): Promise<string> {
	fs.mkdirSync(dest, { recursive: true });
	const output = await run(
		'npm pack',
		'npm',
		['pack', '--pack-destination', dest, '--loglevel=warn'],
		{
			cwd: repo,
			env: npmEnv({ bin: process.execPath, version: process.version }),
			logFile,
		},
	);
	const name = output
		.trim()
		.split('\n')
		.map((l) => l.trim())
		.reverse()
		.find((l) => l.endsWith('.tgz'));
	if (!name) throw new Error(`npm pack printed no tarball name:\n${output}`);
	return path.join(dest, name);
}

function nodesFolder(userFolder: string): string {
	return path.join(userFolder, '.n8n', 'nodes');
}

/**
 * The README's manual route: `npm install <package or tarball>` in `~/.n8n/nodes`, run with the
 * Node.js n8n runs on, as a user would (install scripts as npm's defaults have them).
 */
export async function installManually(
	tarball: string,
	userFolder: string,
	node: NodeRuntime,
	logFile: string,
): Promise<string> {
	const dir = nodesFolder(userFolder);
	fs.mkdirSync(dir, { recursive: true });
	await run(
		'npm install <tarball> in .n8n/nodes',
		'npm',
		['install', tarball, '--no-audit', '--no-fund', '--loglevel=warn'],
		{
			cwd: dir,
			env: npmEnv(node),
			logFile,
			timeoutMs: 15 * 60_000,
		},
	);
	return dir;
}

/**
 * What n8n's installer does (n8n 2.41, CommunityPackagesService.downloadPackage): the tarball
 * unpacked into nodes/node_modules/<name>, its dev, peer and optional dependencies removed from its
 * package.json, `npm install` of the rest inside that folder without scripts, bin links or a lock
 * file, and the package recorded in nodes/package.json.
 */
export async function installLikeN8n(
	tarball: string,
	userFolder: string,
	node: NodeRuntime,
	logFile: string,
): Promise<string> {
	const dir = nodesFolder(userFolder);
	const packageDir = path.join(dir, 'node_modules', PACKAGE_NAME);
	fs.mkdirSync(packageDir, { recursive: true });
	await run(
		'tar -xzf <tarball>',
		'tar',
		['-xzf', tarball, '-C', packageDir, '--strip-components=1'],
		{ logFile },
	);
	const packageJsonPath = path.join(packageDir, 'package.json');
	const {
		devDependencies: _d,
		peerDependencies: _p,
		optionalDependencies: _o,
		...packageJson
	} = JSON.parse(fs.readFileSync(packageJsonPath, 'utf8')) as Record<string, unknown>;
	fs.writeFileSync(packageJsonPath, JSON.stringify(packageJson, null, 2));
	await run(
		'npm install (n8n installer flags)',
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		{ cwd: packageDir, env: npmEnv(node), logFile },
	);
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify(
			{
				name: 'installed-nodes',
				private: true,
				dependencies: { [PACKAGE_NAME]: packageJson.version },
			},
			null,
			2,
		),
	);
	return dir;
}

/** What landed in nodes/node_modules: top-level package names and the folder's size in MB. */
export function nodesFolderContents(dir: string): { packages: string[]; megabytes: number } {
	const modules = path.join(dir, 'node_modules');
	const packages: string[] = [];
	if (fs.existsSync(modules)) {
		for (const entry of fs.readdirSync(modules)) {
			if (entry.startsWith('.')) continue;
			if (entry.startsWith('@'))
				for (const sub of fs.readdirSync(path.join(modules, entry)))
					packages.push(`${entry}/${sub}`);
			else packages.push(entry);
		}
	}
	return { packages: packages.sort(), megabytes: Math.round(folderSize(modules) / 1e5) / 10 };
}

function folderSize(dir: string): number {
	if (!fs.existsSync(dir)) return 0;
	let total = 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) total += folderSize(full);
		else if (entry.isFile()) total += fs.statSync(full).size;
	}
	return total;
}
