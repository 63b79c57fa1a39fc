/**
 * npm run bench:outbound [-- --recipients 10000 --latency 100 --repeat 3]
 *
 * The outbound case: Send Campaign to `--recipients` customers against the emulator (its own
 * process) with `--latency` ms per answer and LivePerson's 10 requests per second enforced by it,
 * beside a raw client (Node's http, one keep-alive agent) sending the same campaign requests: 100
 * recipients each, paced at the limit, 429s waited out. The figure to reach: within 1.1x of the time
 * the limit itself allows (the requests at 10 per second) plus one round trip.
 */
import * as http from 'http';
import * as path from 'path';

/** The repository (this file runs compiled, from .bench-build/bench/). */
const REPO = path.resolve(__dirname, '..', '..');
process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_USER_FOLDER ??= path.join(REPO, '.n8n-test');
process.env.N8N_RUNNERS_ENABLED ??= 'false';

import { runWorkflow } from '../test/harness';
import { startEmulatorProcess, type EmulatorProcess } from './emulatorProcess';

function argument(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : Number(process.argv[index + 1]);
}

const TEMPLATE = '1111111111111';
const PROACTIVE = {
	clientId: 'emulator-proactive-client-1',
	secret: 'emulator-proactive-secret-0123456789',
};
const PER_REQUEST = 100;
const LIMIT_PER_SECOND = 10;

const variables = (i: number) => ({
	'1': 'Hamlet',
	'2': '19:30',
	'3': 'Main Hall',
	'4': 'A',
	'5': String(i),
});
const phone = (i: number) => `1415${String(2000000 + i).padStart(7, '0')}`;

interface Measured {
	client: string;
	wallS: number;
	requests: number;
	rateLimited: number;
	accepted: number;
}

async function campaignRequests(emulator: EmulatorProcess) {
	const log = (await emulator.control('GET', 'requests?endpoint=proactiveCampaign')) as Array<{
		status: number;
	}>;
	return { requests: log.length, rateLimited: log.filter((r) => r.status === 429).length };
}

async function node(emulator: EmulatorProcess, recipients: number): Promise<Measured> {
	const started = Date.now();
	const result = await runWorkflow(
		{
			nodes: [
				{
					id: 's',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'p',
					name: 'Proactive',
					type: 'n8n-nodes-liveperson.livePersonProactiveMessaging',
					typeVersion: 1,
					position: [240, 0],
					onError: 'continueRegularOutput',
					parameters: {
						resource: 'campaign',
						operation: 'sendCampaign',
						channel: 'wa',
						template: { __rl: true, mode: 'id', value: TEMPLATE },
						phoneNumber: '={{ $json.phone }}',
						variables: { mappingMode: 'defineBelow', value: '={{ $json.variables }}' },
						campaignName: 'Outbound bench',
						skill: 'sales',
						outboundNumber: '12535550123',
						consent: true,
						options: {},
					},
					credentials: { livePersonProactiveApi: { id: 'p', name: 'Proactive' } },
				},
			],
			connections: { Start: { main: [[{ node: 'Proactive', type: 'main', index: 0 }]] } } as never,
		},
		{
			credentials: {
				livePersonProactiveApi: {
					id: 'p',
					name: 'Proactive',
					data: {
						accountId: emulator.accountId,
						clientId: PROACTIVE.clientId,
						clientSecret: PROACTIVE.secret,
						csdsHost: emulator.baseUrl,
						overrideHosts: true,
						proactiveHost: emulator.baseUrl,
						handoffHost: emulator.baseUrl,
					},
				},
			},
			input: Array.from({ length: recipients }, (_, i) => ({
				phone: phone(i),
				variables: variables(i),
			})),
			timeoutMs: 600_000,
			packageDir: REPO,
		},
	);
	const wallS = (Date.now() - started) / 1000;
	const accepted = result.jsonOf('Proactive').filter((item) => item.accepted === true).length;
	return { client: 'node (n8n engine)', wallS, accepted, ...(await campaignRequests(emulator)) };
}

function request(
	agent: http.Agent,
	url: string,
	init: { method: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method: init.method, headers: init.headers, agent }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () =>
				resolve({
					status: res.statusCode ?? 0,
					body: Buffer.concat(chunks).toString(),
					headers: res.headers,
				}),
			);
		});
		req.on('error', reject);
		if (init.body) req.write(init.body);
		req.end();
	});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The same campaign requests, from Node's http with one keep-alive agent, paced at the limit. */
async function raw(emulator: EmulatorProcess, recipients: number): Promise<Measured> {
	const agent = new http.Agent({ keepAlive: true });
	const started = Date.now();
	const csds = JSON.parse(
		(
			await request(
				agent,
				`${emulator.baseUrl}/api/account/${emulator.accountId}/service/sentinel/baseURI.json?version=1.0`,
				{ method: 'GET' },
			)
		).body,
	) as { baseURI: string };
	const minted = await request(
		agent,
		`http://${csds.baseURI}/sentinel/api/account/${emulator.accountId}/app/token?v=1.0`,
		{
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'client_credentials',
				client_id: PROACTIVE.clientId,
				client_secret: PROACTIVE.secret,
			}).toString(),
		},
	);
	const token = (JSON.parse(minted.body) as { access_token: string }).access_token;
	let accepted = 0;
	const sends: Promise<void>[] = [];
	for (let at = 0, n = 0; at < recipients; at += PER_REQUEST, n++) {
		const wait = started + n * (1000 / LIMIT_PER_SECOND) - Date.now();
		if (wait > 0) await sleep(wait);
		const consumers = Array.from({ length: Math.min(PER_REQUEST, recipients - at) }, (_, k) => ({
			consumerContent: { wa: phone(at + k) },
			variables: variables(at + k),
		}));
		const body = JSON.stringify({
			campaignName: 'Outbound bench',
			skill: 'sales',
			templateId: TEMPLATE,
			outboundNumber: '12535550123',
			consent: true,
			consumers,
		});
		sends.push(
			(async () => {
				for (;;) {
					const answer = await request(
						agent,
						`${emulator.baseUrl}/api/v2/account/${emulator.accountId}/campaign`,
						{
							method: 'POST',
							headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
							body,
						},
					);
					if (answer.status === 429) {
						await sleep(Number(answer.headers['retry-after'] ?? 1) * 1000);
						continue;
					}
					accepted += (JSON.parse(answer.body) as { acceptedConsumers: unknown[] })
						.acceptedConsumers.length;
					return;
				}
			})(),
		);
	}
	await Promise.all(sends);
	const wallS = (Date.now() - started) / 1000;
	agent.destroy();
	return {
		client: 'raw client (keep-alive)',
		wallS,
		accepted,
		...(await campaignRequests(emulator)),
	};
}

async function main() {
	const recipients = argument('recipients', 10_000);
	const latency = argument('latency', 100);
	const repeat = argument('repeat', 3);
	const only = process.argv.includes('--node-only');
	const requests = Math.ceil(recipients / PER_REQUEST);
	// The limit's own time: the requests at 10 per second (the first at 0, the last at (n-1)/10 s), plus one round trip.
	const floorS = (requests - 1) / LIMIT_PER_SECOND + latency / 1000;
	const emulator = await startEmulatorProcess(latency);
	const rows: Array<Measured & { vsLimit: string }> = [];
	try {
		// n8n has loaded the package long before a workflow runs: so does this process, untimed.
		await node(emulator, 1);
		for (let run = 0; run < repeat; run++) {
			const clients = only ? [node] : run % 2 === 0 ? [node, raw] : [raw, node];
			for (const client of clients) {
				await emulator.reset();
				await emulator.control('POST', 'proactive/settings', {
					rateLimit: { enabled: true, perSecond: LIMIT_PER_SECOND, retryAfterSeconds: 1 },
				});
				const measured = await client(emulator, recipients);
				if (measured.accepted !== recipients)
					throw new Error(`${measured.client}: ${measured.accepted} of ${recipients} accepted`);
				rows.push({ ...measured, vsLimit: (measured.wallS / floorS).toFixed(3) });
				console.log(
					`run ${run + 1}: ${measured.client} ${measured.wallS.toFixed(2)} s, ${measured.requests} requests, ${measured.rateLimited} 429s`,
				);
			}
		}
	} finally {
		await emulator.stop();
	}
	console.log(
		`\n${recipients} recipients, ${requests} requests of ${PER_REQUEST}, ${latency} ms latency, the emulator enforcing ${LIMIT_PER_SECOND} requests/s; the limit's own time plus one round trip: ${floorS.toFixed(2)} s\n`,
	);
	console.table(rows);
	const median = (values: number[]) =>
		[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
	const nodeS = median(rows.filter((r) => r.client.startsWith('node')).map((r) => r.wallS));
	const rawS = median(rows.filter((r) => r.client.startsWith('raw')).map((r) => r.wallS)) ?? NaN;
	console.log(
		`median: node ${nodeS.toFixed(2)} s (${(nodeS / floorS).toFixed(3)}x the limit's time), raw ${rawS.toFixed(2)} s (${(rawS / floorS).toFixed(3)}x); node/raw ${(nodeS / rawS).toFixed(3)}`,
	);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
