/**
 * npm run test:n8n [-- --n8n newest|oldest|x.y.z] [--no-browser]      (or N8N_E2E_VERSION=oldest)
 *
 * This package in a real n8n, offline: Node.js and n8n from the npm registry into a cache outside the
 * repository (reused when complete), the package packed and installed into `.n8n/nodes` both ways
 * users do it, n8n started on 127.0.0.1 (free ports), driven through its REST API and, headless,
 * through its editor with Debian's Chromium, against the LivePerson emulator running in this
 * process (and, for credentials, against the packed emulator package started with npx, as users get
 * it: emulatorPackage.ts). Everything it starts is stopped by PID, also on failure and Ctrl-C. Prints
 * a pass/fail table; exits 1 when a check fails (known gaps, listed in known-gaps.ts, show as XFAIL
 * and do not).
 *
 * Logs, screenshots and results.json land in .n8n-e2e/n8n-<version>/ in the repository.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { startEmulator, type Emulator } from '../../emulator/src';
import { browserChecks, ensureChromium } from './browser';
import { fileChecks } from './files';
import { packedEmulatorChecks } from './emulatorPackage';
import { cacheRoot, ensureN8n, ensureNode, type N8nInstall, type NodeRuntime } from './cache';
import { N8nApi, flattedFrom, startN8n, type N8nInstance } from './n8n';
import {
	installLikeN8n,
	installManually,
	nodesFolderContents,
	packProject,
	PACKAGE_NAME,
} from './packages';
import { onCleanup, onFinalCleanup, stopAll, stopAllOnSignals } from './processes';
import { knownGapsFor } from './known-gaps';
import { Checks, counts, table } from './report';
import { exampleChecks } from './examples';
import {
	credentialChecks,
	credentialSecrecyCheck,
	errorOutputCheck,
	expectedErrorCheck,
	nodeErrorStackTraces,
	retryOnFailCheck,
	triggerChecks,
	typesChecks,
	webhookLoadCheck,
	type Context,
} from './scenarios';
import { selectTarget } from './versions';

const repo = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);
const withBrowser = !argv.includes('--no-browser') && process.env.N8N_E2E_BROWSER !== '0';

function log(message: string): void {
	console.log(`[n8n-e2e ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

class Abort extends Error {}

async function main(): Promise<number> {
	const startedAt = Date.now();
	const { label, target } = selectTarget(argv);
	const outDir = path.join(repo, '.n8n-e2e', `n8n-${target.n8n}`);
	fs.rmSync(outDir, { recursive: true, force: true });
	fs.mkdirSync(outDir, { recursive: true });
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-liveperson-e2e-'));
	onFinalCleanup(() => fs.rmSync(work, { recursive: true, force: true }));
	const root = cacheRoot();
	const checks = new Checks(knownGapsFor(target.n8n));
	let printed = false;
	const finish = () => {
		if (printed) return;
		printed = true;
		const seconds = Math.round((Date.now() - startedAt) / 1000);
		const c = counts(checks.results);
		fs.writeFileSync(
			path.join(outDir, 'results.json'),
			JSON.stringify({ n8n: target.n8n, label, seconds, results: checks.results }, null, 2),
		);
		console.log(
			`\nn8n ${target.n8n} (${label}) end-to-end check, ${seconds} s; logs and screenshots in ${outDir}\n`,
		);
		console.log(table(checks.results));
		console.log(
			`\nn8n-e2e: pass=${c.PASS} fail=${c.FAIL} xfail=${c.XFAIL} xpass=${c.XPASS} skip=${c.SKIP}`,
		);
	};
	stopAllOnSignals(() => {
		checks.fail('interrupted', 'stopped by a signal before the end');
		finish();
	});

	log(
		`n8n ${target.n8n} (${label}) on Node ${target.nodeMajor}; cache ${root}; work folder ${work}`,
	);
	try {
		let node: NodeRuntime | undefined;
		let install: N8nInstall | undefined;
		let chromium: string | undefined;
		const required = async (id: string, fn: () => Promise<string | void>) => {
			if (!(await checks.check(id, fn))) throw new Abort(id);
		};

		await required(`setup.node${target.nodeMajor}`, async () => {
			node = await ensureNode(target.nodeMajor, root, log);
			return `${node.version} at ${node.bin}`;
		});
		const runtime = node as NodeRuntime;
		// n8n (minutes on a cold cache) and Chromium (apt) install side by side.
		const chromiumSetup = withBrowser
			? ensureChromium(log, path.join(outDir, 'apt.log')).then(
					(found) => ({ found, error: undefined as Error | undefined }),
					(error: Error) => ({ found: undefined, error }),
				)
			: undefined;
		await required(`setup.n8n-${target.n8n}`, async () => {
			const t = Date.now();
			install = await ensureN8n(target, runtime, root, log);
			return `${install.installedNow ? 'installed' : 'cached'} in ${install.dir} (${Math.round((Date.now() - t) / 1000)} s)`;
		});
		if (chromiumSetup) {
			await checks.check('setup.chromium', async () => {
				const { found, error } = await chromiumSetup;
				if (error) throw error;
				chromium = found;
				return found;
			});
		}
		const n8nInstall = install as N8nInstall;
		const parseFlatted = flattedFrom(n8nInstall.dir);

		let tarball = '';
		await required('setup.pack', async () => {
			tarball = await packProject(repo, path.join(work, 'pack'), path.join(outDir, 'npm-pack.log'));
			return `${path.basename(tarball)} (${Math.round(fs.statSync(tarball).size / 1024)} kB)`;
		});

		const emu: Emulator = await startEmulator({ port: 0 });
		onCleanup(() => emu.close());
		log(`LivePerson emulator on ${emu.baseUrl}`);

		const boot = async (id: string, userFolder: string): Promise<N8nInstance | undefined> => {
			let instance: N8nInstance | undefined;
			await checks.check(id, async () => {
				const t = Date.now();
				instance = await startN8n({
					label: id,
					install: n8nInstall,
					node: runtime,
					userFolder,
					logFile: path.join(outDir, `${id}.log`),
					env: target.env,
				});
				const loaded = /Loaded all credentials and nodes from n8n-nodes-liveperson/.test(
					instance.log(),
				);
				if (!loaded)
					throw new Error(
						`n8n is up at ${instance.baseUrl} but did not log loading ${PACKAGE_NAME}`,
					);
				return `up at ${instance.baseUrl} in ${Math.round((Date.now() - t) / 1000)} s, ${PACKAGE_NAME} loaded`;
			});
			return instance;
		};
		const api = (instance: N8nInstance) => new N8nApi(instance.baseUrl, parseFlatted);

		// 1. The README's manual route: npm install of the tarball in .n8n/nodes.
		const manualFolder = path.join(work, 'manual-route');
		const manualInstalled = await checks.check('manual-route.install', async () => {
			const dir = await installManually(
				tarball,
				manualFolder,
				runtime,
				path.join(outDir, 'manual-route-npm.log'),
			);
			const { packages, megabytes } = nodesFolderContents(dir);
			const extra = packages.filter((p) => p !== PACKAGE_NAME);
			if (extra.length > 0) {
				throw new Error(
					`npm also installed ${extra.length} other packages (${megabytes} MB)${packages.includes('n8n-workflow') ? ', n8n-workflow among them' : ''}: ${extra.slice(0, 8).join(', ')}…`,
				);
			}
			return `only ${PACKAGE_NAME} in .n8n/nodes/node_modules (${megabytes} MB)`;
		});
		if (
			manualInstalled ||
			fs.existsSync(path.join(manualFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME))
		) {
			const instance = await boot('manual-route.boot', manualFolder);
			if (instance) {
				const client = api(instance);
				await client.setupOwner();
				const ctx: Context = {
					api: client,
					n8n: instance,
					emu,
					checks,
					repo,
					openConversations: [],
				};
				await expectedErrorCheck(ctx, 'manual-route.node-error-logged-plainly');
				await instance.stop();
			}
		} else {
			checks.skip('manual-route.boot', 'the manual install failed');
		}

		// 2. The layout n8n's own installer makes, and everything else.
		const layoutFolder = path.join(work, 'n8n-installer-layout');
		await required('n8n-layout.install', async () => {
			const dir = await installLikeN8n(
				tarball,
				layoutFolder,
				runtime,
				path.join(outDir, 'n8n-layout-npm.log'),
			);
			const { packages, megabytes } = nodesFolderContents(dir);
			return `${packages.join(', ')} (${megabytes} MB)`;
		});
		const instance = await boot('n8n-layout.boot', layoutFolder);
		if (!instance) throw new Abort('n8n-layout.boot');
		const client = api(instance);
		const ctx: Context = { api: client, n8n: instance, emu, checks, repo, openConversations: [] };
		await required('rest.owner-setup', async () => {
			await client.setupOwner();
			return 'owner created, session cookie kept';
		});
		await typesChecks(ctx);
		await credentialChecks(ctx);
		await packedEmulatorChecks({ api: client, checks, repo, work, node: runtime, outDir });
		await webhookLoadCheck(ctx, 20);
		await triggerChecks(ctx);
		await exampleChecks(ctx, target.n8n);
		await credentialSecrecyCheck(ctx);
		await errorOutputCheck(ctx);
		await retryOnFailCheck(ctx);
		await fileChecks(ctx, withBrowser ? chromium : undefined, path.join(outDir, 'screenshots'));
		await expectedErrorCheck(ctx, 'n8n-layout.node-error-logged-plainly');
		if (withBrowser) {
			if (chromium) await browserChecks(ctx, chromium, path.join(outDir, 'screenshots'));
			else checks.skip('browser', 'no Chromium (setup.chromium failed)');
		} else {
			checks.skip('browser', '--no-browser');
		}
		// Every expected failure above (refusals, wrong input, wrong secret) must be logged without a
		// stack trace; those raised in the credential's preAuthentication are counted apart.
		const traces = nodeErrorStackTraces(instance.log());
		const fromPreAuthentication = traces.filter((t) => /preAuthentication/.test(t));
		await checks.check('n8n-layout.log.no-stack-traces', () => {
			const others = traces.filter((t) => !fromPreAuthentication.includes(t));
			if (others.length > 0)
				throw new Error(
					`${others.length} errors logged with stack traces through ${PACKAGE_NAME}: ${others[0].split('\n').slice(0, 3).join(' | ')}`,
				);
			return `none in ${Math.round(instance.log().length / 1024)} kB of log`;
		});
		await checks.check('n8n-layout.log.no-stack-traces-from-preauthentication', () => {
			if (fromPreAuthentication.length > 0) {
				throw new Error(
					`${fromPreAuthentication.length} logged with stack traces: ${fromPreAuthentication[0].split('\n').slice(0, 3).join(' | ')}`,
				);
			}
			return 'none';
		});
	} catch (error) {
		if (!(error instanceof Abort)) checks.fail('run', (error as Error).stack ?? String(error));
	} finally {
		log('stopping everything this run started');
		await stopAll();
	}
	finish();
	return counts(checks.results).FAIL > 0 ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	async (error: unknown) => {
		console.error(error);
		await stopAll();
		process.exit(1);
	},
);
