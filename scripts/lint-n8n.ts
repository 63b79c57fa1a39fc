/**
 * `npm run lint:n8n`: the package through n8n's own tools, as n8n's verification runs them.
 *
 * 1. @n8n/node-cli's lint config, strict (`n8n-node lint` in strict mode), on the sources and
 *    package.json, with eslint-disable comments ignored.
 * 2. @n8n/scan-community-package's lint (what `analyzePackageByName` runs after downloading the
 *    package): its source leg on this repository and its tarball leg on `npm pack`'s output.
 *
 * Both tools are installed once into the cache the real-n8n check uses, outside the repository: as
 * devDependencies they would add about 700 MB, and node-cli's import resolver locks platform
 * packages that make `npm ci` fail. Errors fail the run; warnings are printed and counted.
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';

import { cacheRoot } from './n8n-e2e/cache';
import { run } from './n8n-e2e/processes';

const TOOLS = { '@n8n/node-cli': '0.48.3', '@n8n/scan-community-package': '0.32.0' };
const REPO = path.resolve(__dirname, '..');
const MARKER = '.complete';

interface LintResult {
	filePath: string;
	errorCount: number;
	warningCount: number;
}

// ts-node compiles to CommonJS, which turns import() into require(); the tools are ES modules.
const importEsm = new Function('url', 'return import(url)') as (url: string) => Promise<any>;

async function installTools(): Promise<string> {
	const dir = path.join(
		cacheRoot(),
		`lint-n8n-${Object.values(TOOLS).join('-')}-node${process.versions.node.split('.')[0]}`,
	);
	if (fs.existsSync(path.join(dir, MARKER))) return dir;
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify({ name: 'lint-n8n-tools', private: true, dependencies: TOOLS }, null, 2),
	);
	console.log(
		`lint:n8n: installing ${Object.entries(TOOLS)
			.map((t) => t.join('@'))
			.join(', ')}`,
	);
	// A second try for a registry hiccup: the install is idempotent.
	for (let attempt = 1; ; attempt++) {
		try {
			await run('npm install', 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], {
				cwd: dir,
				logFile: path.join(dir, `npm-install-${attempt}.log`),
				timeoutMs: 10 * 60_000,
			});
			break;
		} catch (error) {
			if (attempt === 2) throw error;
			console.log(`lint:n8n: npm install failed (${(error as Error).message}); trying once more`);
		}
	}
	fs.writeFileSync(path.join(dir, MARKER), new Date().toISOString());
	return dir;
}

async function nodeCliStrict(toolsDir: string): Promise<LintResult[]> {
	const requireFromTools = createRequire(path.join(toolsDir, 'package.json'));
	const { ESLint } = requireFromTools('eslint');
	const { config } = requireFromTools('@n8n/node-cli/eslint');
	const eslint = new ESLint({
		cwd: REPO,
		overrideConfigFile: true,
		overrideConfig: config,
		allowInlineConfig: false,
	});
	const results = await eslint.lintFiles(['credentials/**/*.ts', 'nodes/**/*.ts', 'package.json']);
	const text = await (await eslint.loadFormatter('stylish')).format(results);
	if (text) console.log(text);
	return results;
}

async function scan(toolsDir: string): Promise<boolean> {
	const scanner = await importEsm(
		pathToFileURL(
			path.join(toolsDir, 'node_modules/@n8n/scan-community-package/scanner/scanner.mjs'),
		).href,
	);
	const packed = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-n8n-'));
	try {
		await run('npm pack', 'npm', ['pack', '--pack-destination', packed], {
			cwd: REPO,
			logFile: path.join(packed, 'npm-pack.log'),
		});
		const tarball = fs.readdirSync(packed).find((f) => f.endsWith('.tgz'));
		if (!tarball) throw new Error('npm pack wrote no tarball');
		await run('tar', 'tar', ['xzf', tarball], {
			cwd: packed,
			logFile: path.join(packed, 'tar.log'),
		});
		let passed = true;
		for (const [leg, dir, patterns] of [
			['source', REPO, scanner.SOURCE_FILE_PATTERNS],
			['tarball', path.join(packed, 'package'), ['**/*.js', 'package.json']],
		] as const) {
			const result = await scanner.analyzePackage(dir, patterns);
			console.log(`scan-community-package, ${leg}: ${result.passed ? 'passed' : 'FAILED'}`);
			if (result.details) console.log(result.details);
			passed &&= result.passed === true;
		}
		return passed;
	} finally {
		fs.rmSync(packed, { recursive: true, force: true });
	}
}

async function main(): Promise<void> {
	const toolsDir = await installTools();
	const results = await nodeCliStrict(toolsDir);
	const errors = results.reduce((n, r) => n + r.errorCount, 0);
	const warnings = results.reduce((n, r) => n + r.warningCount, 0);
	console.log(
		`node-cli strict: ${results.length} files, ${errors} errors, ${warnings} warnings (eslint-disable comments ignored)`,
	);
	const scanned = await scan(toolsDir);
	console.log(`lint:n8n: ${errors === 0 && scanned ? 'passed' : 'FAILED'}`);
	if (errors > 0 || !scanned) process.exitCode = 1;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
