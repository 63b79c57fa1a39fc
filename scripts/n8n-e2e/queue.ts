/**
 * npm run test:n8n:queue [-- --executions 50 --items 20 --workers 2 --concurrency 10 --no-repeat
 *                            --sentinel-delay 0 --contacts 1000 --latency-ms 0]
 *
 * This package in n8n's queue mode, offline: Redis and PostgreSQL from Debian's packages (own data
 * folders, free ports, 127.0.0.1), one n8n main process and two `n8n worker` processes (newest n8n,
 * from the same cache as test:n8n), the LivePerson emulator in this process. 50 webhook calls of 20
 * contacts each are sent at once: every contact must get exactly one conversation. Then the token
 * traffic is counted from the emulator's request log: AppJWT mints (Sentinel), ConsumerJWS mints
 * (IDP) and host lookups (CSDS), and explained. A second round (unless --no-repeat) sends the same
 * contacts again after the agent closed their conversations, to show the per-worker ConsumerJWS
 * caches. Everything started is stopped by PID.
 *
 * Throughput: `--contacts N` sends N contacts in executions of `--items` each (instead of
 * `--executions`), `--latency-ms MS` makes the emulator answer every request MS later, like a remote
 * LivePerson; round 1's conversations per second (all webhook calls sent at once, until the last is
 * answered) are printed and kept in results.json. Run it with `--workers 1` and `--workers 2` to see
 * what a second worker adds.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { startEmulator, type Emulator } from '../../emulator/src';
import { cacheRoot, ensureN8n, ensureNode, type N8nInstall, type NodeRuntime } from './cache';
import { ensureDebianPackages } from './debian';
import { N8nApi, flattedFrom, startN8n, type N8nInstance } from './n8n';
import { installLikeN8n, packProject } from './packages';
import {
	freePorts,
	onCleanup,
	onFinalCleanup,
	run,
	startProcess,
	stopAll,
	stopAllOnSignals,
	type Started,
} from './processes';
import { Checks, counts, table } from './report';
import {
	callProductionWebhook,
	conversationsByConsumer,
	createRequests,
	waitForWebhookRegistration,
} from './scenarios';
import { TARGETS } from './versions';
import {
	CREDENTIAL_TYPE,
	chain,
	lpNode,
	recordConversation,
	splitOut,
	webhookTrigger,
} from './workflows';

const repo = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);

function option(name: string, fallback: number): number {
	const i = argv.indexOf(`--${name}`);
	return i < 0 ? fallback : Number(argv[i + 1]);
}

const ITEMS = option('items', 20);
const CONTACTS = argv.includes('--contacts') ? option('contacts', 1000) : undefined;
const EXECUTIONS = CONTACTS === undefined ? option('executions', 50) : Math.ceil(CONTACTS / ITEMS);
/** Every emulator answer held this long (ms), as a remote LivePerson's round trip. */
const LATENCY = option('latency-ms', 0);
const WORKERS = option('workers', 2);
const CONCURRENCY = option('concurrency', 10);
const REPEAT = !argv.includes('--no-repeat');
/** Sentinel answers this much later (ms), as a remote LivePerson would: shows concurrent first mints. */
const SENTINEL_DELAY = option('sentinel-delay', 0);

function log(message: string): void {
	console.log(`[n8n-queue ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function assert(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

function postgresBin(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const versions = fs
		.readdirSync(root)
		.filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(root, versions[0], 'bin') : undefined;
}

async function waitForLog(
	proc: Started,
	pattern: RegExp,
	what: string,
	timeoutMs = 60_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!pattern.test(proc.output())) {
		if (proc.child.exitCode !== null || proc.child.signalCode !== null)
			throw new Error(`${what} exited:\n${proc.output().slice(-2000)}`);
		if (Date.now() > deadline)
			throw new Error(
				`${what} not ready after ${timeoutMs / 1000} s:\n${proc.output().slice(-2000)}`,
			);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** Runs a command as the `postgres` user when this is root (PostgreSQL refuses to run as root). */
function asPostgres(command: string, args: string[]): [string, string[]] {
	return process.getuid?.() === 0
		? ['runuser', ['-u', 'postgres', '--', command, ...args]]
		: [command, args];
}

interface TokenTraffic {
	sentinel: number;
	sentinelOk: number;
	idp: number;
	csds: number;
	creates: number;
	distinctAppJwts: number;
}

function traffic(emu: Emulator, since: number): TokenTraffic {
	const requests = emu.requests.slice(since);
	const of = (endpoint: string) => requests.filter((r) => r.endpoint === endpoint);
	const appJwts = new Set(
		requests
			.filter((r) => r.endpoint === 'conversation' || r.endpoint === 'idp')
			.map((r) => r.headers.authorization),
	);
	return {
		sentinel: of('sentinel').length,
		sentinelOk: of('sentinel').filter((r) => r.status === 200).length,
		idp: of('idp').length,
		csds: of('csds').length,
		creates: of('conversation').length,
		distinctAppJwts: appJwts.size,
	};
}

/** How many executions each worker ran, from its log ("Worker started execution N"). */
function executionsPerWorker(workers: N8nInstance[]): number[] {
	return workers.map((w) => (w.log().match(/Worker started execution \d+/g) ?? []).length);
}

async function main(): Promise<number> {
	const startedAt = Date.now();
	const target = TARGETS.newest;
	const outDir = path.join(repo, '.n8n-e2e', `queue-n8n-${target.n8n}`);
	fs.rmSync(outDir, { recursive: true, force: true });
	fs.mkdirSync(outDir, { recursive: true });
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-liveperson-queue-'));
	onFinalCleanup(() => fs.rmSync(work, { recursive: true, force: true }));
	const checks = new Checks({});
	const facts: Record<string, unknown> = {
		n8n: target.n8n,
		executions: EXECUTIONS,
		items: ITEMS,
		workers: WORKERS,
		concurrency: CONCURRENCY,
		latencyMs: LATENCY,
	};
	stopAllOnSignals();
	const root = cacheRoot();
	log(
		`n8n ${target.n8n} queue mode: ${EXECUTIONS} executions x ${ITEMS} items, ${WORKERS} workers x concurrency ${CONCURRENCY}, emulator latency ${LATENCY} ms`,
	);

	try {
		let node: NodeRuntime | undefined;
		let install: N8nInstall | undefined;
		let redisServer = '';
		let pgBin = '';
		const required = async (id: string, fn: () => Promise<string | void>) => {
			if (!(await checks.check(id, fn))) throw new Error(`${id} failed`);
		};
		await required('setup.n8n', async () => {
			node = await ensureNode(target.nodeMajor, root, log);
			install = await ensureN8n(target, node, root, log);
			return `${install.installedNow ? 'installed' : 'cached'} n8n ${target.n8n}, Node ${node.version}`;
		});
		await required('setup.redis-postgresql', async () => {
			const aptLog = path.join(outDir, 'apt.log');
			redisServer = await ensureDebianPackages(
				['redis-server'],
				['/usr/bin/redis-server'],
				log,
				aptLog,
			);
			pgBin = path.dirname(
				await ensureDebianPackages(
					['postgresql'],
					[() => (postgresBin() ? path.join(postgresBin() as string, 'postgres') : undefined)],
					log,
					aptLog,
				),
			);
			return `${redisServer}, ${pgBin}`;
		});
		const runtime = node as NodeRuntime;
		const n8nInstall = install as N8nInstall;

		const [redisPort, pgPort] = await freePorts(2);
		await required('setup.redis', async () => {
			const redis = startProcess(
				'redis',
				redisServer,
				['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
				{
					cwd: work,
					logFile: path.join(outDir, 'redis.log'),
				},
			);
			await waitForLog(redis, /Ready to accept connections/, 'redis');
			return `127.0.0.1:${redisPort}, pid ${redis.pid}`;
		});
		await required('setup.postgresql', async () => {
			// Its own folder the postgres user can enter (a mkdtemp folder is root-only).
			const pgRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-liveperson-pg-'));
			onFinalCleanup(() => fs.rmSync(pgRoot, { recursive: true, force: true }));
			fs.chmodSync(pgRoot, 0o755);
			const data = path.join(pgRoot, 'data');
			if (process.getuid?.() === 0)
				await run('chown', 'chown', ['postgres:postgres', pgRoot], {
					logFile: path.join(outDir, 'postgres.log'),
				});
			const [initdb, initArgs] = asPostgres(path.join(pgBin, 'initdb'), [
				'-D',
				data,
				'--auth=trust',
				'--username=postgres',
				'--encoding=UTF8',
				'--no-sync',
			]);
			await run('initdb', initdb, initArgs, {
				cwd: pgRoot,
				logFile: path.join(outDir, 'postgres.log'),
			});
			const [postgres, args] = asPostgres(path.join(pgBin, 'postgres'), [
				'-D',
				data,
				'-p',
				String(pgPort),
				'-k',
				pgRoot,
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				'max_connections=200',
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off',
			]);
			const pg = startProcess('postgresql', postgres, args, {
				cwd: pgRoot,
				logFile: path.join(outDir, 'postgres.log'),
			});
			await waitForLog(pg, /database system is ready to accept connections/, 'postgresql');
			await run(
				'createdb',
				path.join(pgBin, 'createdb'),
				['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', 'n8n'],
				{
					cwd: pgRoot,
					logFile: path.join(outDir, 'postgres.log'),
				},
			);
			return `127.0.0.1:${pgPort}, database n8n, pid ${pg.pid}`;
		});

		const tarball = await packProject(
			repo,
			path.join(work, 'pack'),
			path.join(outDir, 'npm-pack.log'),
		);
		const emu: Emulator = await startEmulator({ port: 0, latencyMs: LATENCY });
		onCleanup(() => emu.close());
		log(`LivePerson emulator on ${emu.baseUrl}`);
		if (SENTINEL_DELAY > 0)
			emu.faults.add({
				on: 'sentinel',
				times: Infinity,
				action: { type: 'delay', ms: SENTINEL_DELAY },
			});
		facts.sentinelDelayMs = SENTINEL_DELAY;

		const env = {
			...target.env,
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(pgPort),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: '',
			DB_POSTGRESDB_POOL_SIZE: '10',
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			QUEUE_HEALTH_CHECK_ACTIVE: 'false',
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		};
		// Each process has its own user folder with the package, as separate machines would.
		const userFolder = async (name: string) => {
			const folder = path.join(work, name);
			await installLikeN8n(tarball, folder, runtime, path.join(outDir, `${name}-npm.log`));
			return folder;
		};
		let main: N8nInstance | undefined;
		await required('boot.main', async () => {
			main = await startN8n({
				label: 'main',
				install: n8nInstall,
				node: runtime,
				userFolder: await userFolder('main'),
				logFile: path.join(outDir, 'main.log'),
				env,
			});
			return `${main.baseUrl}, pid ${main.process.pid}`;
		});
		const workers: N8nInstance[] = [];
		await required('boot.workers', async () => {
			const started = await Promise.all(
				Array.from({ length: WORKERS }, async (_, i) =>
					startN8n({
						label: `worker-${i + 1}`,
						install: n8nInstall,
						node: runtime,
						userFolder: await userFolder(`worker-${i + 1}`),
						logFile: path.join(outDir, `worker-${i + 1}.log`),
						env: { ...env, N8N_LOG_LEVEL: 'info' },
						command: ['worker', `--concurrency=${CONCURRENCY}`],
						readyPattern: /n8n worker is now ready/,
					}),
				),
			);
			workers.push(...started);
			return started.map((w) => `${w.label} pid ${w.process.pid}`).join(', ');
		});
		const n8n = main as N8nInstance;
		const api = new N8nApi(n8n.baseUrl, flattedFrom(n8nInstall.dir));
		await api.setupOwner();
		const credential = await api.createCredential(
			'LivePerson (Client Credentials)',
			CREDENTIAL_TYPE,
			{
				authentication: 'clientCredentials',
				accountId: emu.accountId,
				clientId: emu.clientId,
				clientSecret: emu.clientSecret,
				csdsHost: emu.baseUrl,
			},
		);
		const webhookPath = `queue-contacts-${Date.now()}`;
		const workflow = chain('queue: contacts in, conversations out', [
			webhookTrigger('New Contacts', webhookPath),
			splitOut('One Item per Contact', 'body.contacts'),
			lpNode('LivePerson', credential, {
				operation: 'createWithSdes',
				consumerId: '={{ $json.contactId }}',
			}),
			recordConversation('Record Conversation'),
		]);
		const created = await api.createWorkflow(workflow as unknown as Record<string, unknown>);
		const logFrom = n8n.log().length;
		await api.activate(String(created.id));
		await waitForWebhookRegistration({ n8n }, workflow.name, logFrom);
		const url = `${n8n.baseUrl}/webhook/${webhookPath}`;
		const runId = Date.now().toString(36);
		const total = CONTACTS ?? EXECUTIONS * ITEMS;
		const contacts = Array.from({ length: EXECUTIONS }, (_, e) =>
			Array.from({ length: Math.min(ITEMS, total - e * ITEMS) }, (_, i) => ({
				contactId: `q-${runId}-${e + 1}-${i + 1}`,
			})),
		);
		const allIds = contacts.flat().map((c) => c.contactId);

		const fire = async (label: string) => {
			const since = emu.requests.length;
			const t = Date.now();
			const answers = await Promise.all(
				contacts.map((batch) => callProductionWebhook(url, { contacts: batch })),
			);
			const seconds = (Date.now() - t) / 1000;
			const bad = answers.filter((a) => !a.response.ok);
			assert(
				bad.length === 0,
				`${bad.length} webhook calls failed, e.g. HTTP ${bad[0]?.response.status}: ${bad[0]?.body.slice(0, 300)}`,
			);
			const rows = answers.flatMap((a) => JSON.parse(a.body) as Array<Record<string, string>>);
			assert(rows.length === total, `${rows.length} items answered, not ${total}`);
			return { since, seconds, rows, label };
		};

		// Round 1: every contact new.
		let round1: Awaited<ReturnType<typeof fire>> | undefined;
		await checks.check('round1.conversations', async () => {
			round1 = await fire('round 1');
			const byConsumer = conversationsByConsumer(emu);
			const requests = createRequests(emu, round1.since);
			const doubled = allIds.filter((id) => (byConsumer.get(id) ?? []).length !== 1);
			const resent = allIds.filter((id) => requests.get(id) !== 1);
			assert(
				doubled.length === 0,
				`${doubled.length} contacts without exactly one conversation, e.g. ${doubled[0]}`,
			);
			assert(
				resent.length === 0,
				`${resent.length} contacts with more than one create request, e.g. ${resent[0]}`,
			);
			const seen = new Set(round1.rows.map((r) => r.liveperson_conversation_id));
			assert(seen.size === allIds.length, `${seen.size} distinct conversation ids in the answers`);
			const perSecond = allIds.length / round1.seconds;
			facts.round1Seconds = Number(round1.seconds.toFixed(2));
			facts.conversationsPerSecond = Number(perSecond.toFixed(1));
			return `${allIds.length} conversations, one per contact, none duplicated; ${EXECUTIONS} webhook calls answered in ${round1.seconds.toFixed(1)} s: ${perSecond.toFixed(1)} conversations/s with ${WORKERS} worker(s), ${LATENCY} ms latency`;
		});
		await checks.check('round1.executions', async () => {
			const executions = await api.executions(String(created.id));
			const notOk = executions.filter((e) => e.status !== 'success');
			assert(
				executions.length === EXECUTIONS,
				`${executions.length} executions, not ${EXECUTIONS}`,
			);
			assert(notOk.length === 0, `${notOk.length} executions not successful`);
			const perWorker = executionsPerWorker(workers);
			facts.round1PerWorker = perWorker;
			assert(
				perWorker.reduce((a, b) => a + b, 0) === EXECUTIONS,
				`workers logged ${perWorker.join(' + ')} executions`,
			);
			return `${EXECUTIONS} successful; per worker ${perWorker.join(' / ')}`;
		});
		await checks.check('round1.token-traffic', async () => {
			assert(round1, 'round 1 did not run');
			const t = traffic(emu, round1.since);
			facts.round1 = t;
			const stored = await api.request(
				'GET',
				`/rest/credentials/${credential.id}?includeData=true`,
			);
			const storedToken = String(stored?.data?.mintedAppJwt ?? '');
			facts.appJwtStoredWithCredential = storedToken !== '';
			assert(
				t.idp === allIds.length,
				`${t.idp} ConsumerJWS mints for ${allIds.length} new consumers`,
			);
			assert(
				t.sentinelOk >= 1 && t.sentinelOk <= WORKERS * CONCURRENCY,
				`${t.sentinelOk} AppJWT mints`,
			);
			return (
				`AppJWT mints (Sentinel) ${t.sentinelOk}, ${t.distinctAppJwts} distinct AppJWTs used, stored with the credential: ${storedToken ? 'yes' : 'no'}; ` +
				`ConsumerJWS mints (IDP) ${t.idp}; CSDS lookups ${t.csds}; creates ${t.creates}`
			);
		});

		if (REPEAT) {
			// Round 2: the agent closes every conversation; the same contacts come in again.
			await checks.check('round2.same-contacts', async () => {
				for (const conversation of emu.state.conversations()) {
					if (conversation.state === 'OPEN' && allIds.includes(conversation.extConsumerId))
						await emu.agent.closeConversation(conversation.conversationId);
				}
				const before = executionsPerWorker(workers);
				const round2 = await fire('round 2');
				const after = executionsPerWorker(workers);
				const t = traffic(emu, round2.since);
				facts.round2 = t;
				facts.round2PerWorker = after.map((n, i) => n - before[i]);
				const byConsumer = conversationsByConsumer(emu);
				const wrong = allIds.filter((id) => (byConsumer.get(id) ?? []).length !== 2);
				assert(
					wrong.length === 0,
					`${wrong.length} contacts without exactly two conversations (one closed, one open)`,
				);
				assert(t.idp < allIds.length, `${t.idp} ConsumerJWS mints: no worker reused its cache`);
				facts.round2Seconds = Number(round2.seconds.toFixed(2));
				return (
					`${allIds.length} new conversations in ${round2.seconds.toFixed(1)} s; ConsumerJWS mints ${t.idp} of ${allIds.length} ` +
					`(the rest came from the worker's cache), AppJWT mints ${t.sentinelOk}, CSDS lookups ${t.csds}; per worker ${facts.round2PerWorker}`
				);
			});
		}
	} catch (error) {
		if (!/ failed$/.test((error as Error).message))
			checks.fail('run', (error as Error).stack ?? String(error));
	} finally {
		log('stopping everything this run started');
		await stopAll();
	}
	const seconds = Math.round((Date.now() - startedAt) / 1000);
	fs.writeFileSync(
		path.join(outDir, 'results.json'),
		JSON.stringify({ ...facts, seconds, results: checks.results }, null, 2),
	);
	console.log(`\nn8n ${target.n8n} queue mode, ${seconds} s; logs in ${outDir}\n`);
	console.log(table(checks.results, 160));
	console.log(`\nfacts: ${JSON.stringify(facts)}`);
	const c = counts(checks.results);
	console.log(
		`\nn8n-queue: pass=${c.PASS} fail=${c.FAIL} xfail=${c.XFAIL} xpass=${c.XPASS} skip=${c.SKIP}`,
	);
	return c.FAIL > 0 ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	async (error: unknown) => {
		console.error(error);
		await stopAll();
		process.exit(1);
	},
);
