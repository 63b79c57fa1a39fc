// Loads community-node packages the way n8n does (n8n-core's LazyPackageDirectoryLoader, which reads
// the `n8n` field of package.json and falls back to loading every listed file when the package ships
// no `dist/known/*.json`), plus the harness's built-in nodes. Cached per package set, per jest module
// registry (i.e. per test file): loading is the slow part of a run.
import { LazyPackageDirectoryLoader } from 'n8n-core';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { BUILTIN_NODE_TYPES } from './builtin-nodes';
import { HarnessCredentialTypes } from './credential-types';
import { HarnessNodeTypes } from './node-types';

/** The repository root: the package under test (its package.json `n8n` field lists `dist/...js`). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** A small package of plain-JS fixture node/credentials used to test the harness itself. */
export const FIXTURE_PACKAGE_DIR = path.join(__dirname, 'fixtures', 'fixture-package');

export interface LoadedPackageInfo {
	name: string;
	directory: string;
	/** Full node type names, e.g. `n8n-nodes-liveperson.livePersonConnector`. */
	nodes: string[];
	credentials: string[];
}

export interface LoadedTypes {
	nodeTypes: HarnessNodeTypes;
	credentialTypes: HarnessCredentialTypes;
	packages: LoadedPackageInfo[];
}

const cache = new Map<string, Promise<LoadedTypes>>();

function assertBuilt(directory: string) {
	const packageJsonPath = path.join(directory, 'package.json');
	if (!existsSync(packageJsonPath)) {
		throw new Error(`No package.json in ${directory}`);
	}
	const packageJson = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as {
		name?: string;
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	if (!packageJson.n8n) {
		throw new Error(`${packageJsonPath} has no "n8n" field: not an n8n community-node package`);
	}
	const listed = [...(packageJson.n8n.nodes ?? []), ...(packageJson.n8n.credentials ?? [])];
	const missing = listed.filter((file) => !existsSync(path.resolve(directory, file)));
	if (missing.length > 0) {
		throw new Error(
			`Package ${packageJson.name ?? directory} lists files that do not exist (run \`npm run build\` first?): ${missing.join(', ')}`,
		);
	}
}

async function loadInto(directory: string, types: LoadedTypes) {
	assertBuilt(directory);
	const loader = new LazyPackageDirectoryLoader(directory);
	await loader.loadAll();
	const { packageName } = loader;
	const info: LoadedPackageInfo = {
		name: packageName,
		directory: loader.directory,
		nodes: [],
		credentials: [],
	};

	for (const [nodeName, known] of Object.entries(loader.known.nodes)) {
		const fullName = `${packageName}.${nodeName}`;
		types.nodeTypes.register(fullName, () => loader.getNode(nodeName).type, known.sourcePath);
		info.nodes.push(fullName);
	}
	for (const [credentialName, known] of Object.entries(loader.known.credentials)) {
		types.credentialTypes.register(
			credentialName,
			() => loader.getCredential(credentialName).type,
			{
				packageName,
				extends: known.extends,
				supportedNodes: (known.supportedNodes ?? []).map((node) => `${packageName}.${node}`),
			},
		);
		info.credentials.push(credentialName);
	}
	types.packages.push(info);
}

async function load(directories: string[]): Promise<LoadedTypes> {
	const types: LoadedTypes = {
		nodeTypes: new HarnessNodeTypes(),
		credentialTypes: new HarnessCredentialTypes(),
		packages: [],
	};
	for (const [fullName, create] of Object.entries(BUILTIN_NODE_TYPES)) {
		types.nodeTypes.register(fullName, create);
	}
	for (const directory of directories) await loadInto(directory, types);
	return types;
}

/**
 * Node and credential types of the given package directories (default: the repository root) plus
 * the harness's built-in nodes. Repeated calls with the same directories reuse the first load.
 */
export async function loadNodesAndCredentials(
	packageDirs: string | string[] = REPO_ROOT,
): Promise<LoadedTypes> {
	const directories = (Array.isArray(packageDirs) ? packageDirs : [packageDirs]).map((dir) =>
		path.resolve(dir),
	);
	const key = directories.join('\n');
	let loading = cache.get(key);
	if (!loading) {
		loading = load(directories);
		cache.set(key, loading);
		loading.catch(() => cache.delete(key));
	}
	return await loading;
}

/** Forgets loaded packages (e.g. after rebuilding dist in the same test file). */
export function clearPackageCache() {
	cache.clear();
}
