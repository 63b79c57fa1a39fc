/**
 * The baseline: a minimal client on Node's http module with one keep-alive agent, sending exactly
 * the requests the node sends (same URLs, bodies and headers, `Connection` aside): one Domain API
 * (CSDS) lookup, one AppJWT mint at Sentinel, then per item an IDP mint (new consumers) and one
 * CONVERSATION create, `concurrency` items at a time. It keeps one output item per input item, of
 * the node's shape, and retries 429s as the node does. Nothing of n8n is loaded.
 * test/bench.test.ts checks that its requests match the node's.
 */
import * as http from 'http';
import * as https from 'https';

import { BENCH_CUSTOMER_INFO, type BenchItem, type ClientOutcome, type RunSpec } from './spec';

interface Answer {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
}

const USER_AGENT = 'n8n';
const ACCEPT_ENCODING = 'gzip, compress, deflate, br';
const ACCEPT_ANY = 'application/json, text/plain, */*';
/** The node's defaults: 5 retries of a 429, at most 60 s of waiting for one request. */
export const RATE_LIMIT_RETRIES = 5;
export const MAX_RATE_LIMIT_WAIT_MS = 60_000;

/** The node's wait before retrying a 429: Retry-After in seconds, else 1 s doubling per retry with jitter. */
export function rateLimitWaitMs(retryAfter: unknown, retry: number): number {
	return retryAfter !== undefined && /^\d+(\.\d+)?$/.test(String(retryAfter))
		? Number(retryAfter) * 1000
		: Math.round(1000 * 2 ** retry * (1 + Math.random() * 0.25));
}

/**
 * Sends until the answer is not a 429 the node would retry: at most RATE_LIMIT_RETRIES retries and
 * MAX_RATE_LIMIT_WAIT_MS of waiting. `onRetry` counts the retries.
 */
export async function retrying<A>(
	send: () => Promise<A>,
	statusOf: (answer: A) => number,
	retryAfterOf: (answer: A) => unknown,
	onRetry: () => void = () => undefined,
): Promise<A> {
	let waited = 0;
	for (let retry = 0; ; retry++) {
		const answer = await send();
		if (statusOf(answer) !== 429 || retry >= RATE_LIMIT_RETRIES) return answer;
		const wait = rateLimitWaitMs(retryAfterOf(answer), retry);
		if (waited + wait > MAX_RATE_LIMIT_WAIT_MS) return answer;
		waited += wait;
		onRetry();
		await new Promise((resolve) => setTimeout(resolve, wait));
	}
}

export class RawClient {
	private readonly httpAgent: http.Agent;
	private readonly httpsAgent: https.Agent;
	rateLimitedRetries = 0;

	/** perRequest: a new agent (and TCP connection, `Connection: close`) per request, as n8n's helpers. */
	constructor(
		concurrency: number,
		private readonly perRequest = false,
	) {
		this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
		this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: concurrency });
	}

	private agentFor(secure: boolean): http.Agent {
		if (this.perRequest) return secure ? new https.Agent() : new http.Agent();
		return secure ? this.httpsAgent : this.httpAgent;
	}

	close(): void {
		this.httpAgent.destroy();
		this.httpsAgent.destroy();
	}

	send(
		method: string,
		url: string,
		headers: Record<string, string>,
		body?: string,
	): Promise<Answer> {
		const target = new URL(url);
		const secure = target.protocol === 'https:';
		const allHeaders: Record<string, string | number> = { ...headers };
		if (body !== undefined) allHeaders['Content-Length'] = Buffer.byteLength(body);
		allHeaders['User-Agent'] = USER_AGENT;
		allHeaders['Accept-Encoding'] = ACCEPT_ENCODING;
		return new Promise((resolve, reject) => {
			const request = (secure ? https : http).request(
				target,
				{ method, headers: allHeaders, agent: this.agentFor(secure) },
				(response) => {
					const chunks: Buffer[] = [];
					response.on('data', (chunk: Buffer) => chunks.push(chunk));
					response.on('end', () =>
						resolve({
							status: response.statusCode ?? 0,
							headers: response.headers,
							text: Buffer.concat(chunks).toString('utf8'),
						}),
					);
					response.on('error', reject);
				},
			);
			request.on('error', reject);
			request.end(body);
		});
	}

	/** Sends until the answer is not a 429 the node would retry (Retry-After, else 1 s doubling). */
	sendRetrying(
		method: string,
		url: string,
		headers: Record<string, string>,
		body?: string,
	): Promise<Answer> {
		return retrying(
			() => this.send(method, url, headers, body),
			(answer) => answer.status,
			(answer) => answer.headers['retry-after'],
			() => this.rateLimitedRetries++,
		);
	}
}

function toBaseUrl(host: string, scheme: string): string {
	return /^https?:\/\//i.test(host) ? host.replace(/\/+$/, '') : `${scheme}://${host}`;
}

export function claimsOf(jws: string): Record<string, unknown> {
	try {
		return JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
			string,
			unknown
		>;
	} catch {
		return {};
	}
}

export function parse(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

export interface OutputItem {
	json: Record<string, unknown>;
	pairedItem: { item: number };
}

/** The account's hosts and an AppJWT: what every item needs, fetched once. */
export async function openRawSession(
	client: RawClient,
	spec: Pick<RunSpec, 'baseUrl' | 'accountId' | 'clientId' | 'clientSecret'>,
) {
	const account = encodeURIComponent(spec.accountId);
	const scheme = spec.baseUrl.startsWith('https:') ? 'https' : 'http';
	const csds = await client.send(
		'GET',
		`${spec.baseUrl}/api/account/${account}/service/baseURI.json?version=1.0`,
		{
			Accept: 'application/json',
		},
	);
	const hosts: Record<string, string> = {};
	for (const entry of (
		parse(csds.text) as { baseURIs?: Array<{ service: string; baseURI: string }> }
	).baseURIs ?? []) {
		hosts[entry.service] = toBaseUrl(entry.baseURI, scheme);
	}
	const token = await client.send(
		'POST',
		`${hosts.sentinel}/sentinel/api/account/${account}/app/token?v=1.0`,
		{ Accept: ACCEPT_ANY, 'Content-Type': 'application/x-www-form-urlencoded' },
		new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: spec.clientId,
			client_secret: spec.clientSecret,
		}).toString(),
	);
	const appJwt = (parse(token.text) as { access_token?: string }).access_token;
	if (token.status !== 200 || !appJwt) throw new Error(`Sentinel answered ${token.status}`);
	return { account, hosts, appJwt };
}

type RawSession = Awaited<ReturnType<typeof openRawSession>>;

/** The CONVERSATION batch the node sends for an item (Customer Info SDE, then the conversation request). */
export function conversationBatch(accountId: string) {
	return [
		{
			kind: 'req',
			id: '1',
			type: 'userprofile.SetUserProfile',
			body: {
				authenticatedData: { lp_sdes: [{ type: 'ctmrinfo', info: { ...BENCH_CUSTOMER_INFO } }] },
			},
		},
		{
			kind: 'req',
			id: '2',
			type: 'cm.ConsumerRequestConversation',
			body: { channelType: 'MESSAGING', brandId: accountId },
		},
	];
}

/** A failed item, as the bench's clients report it. */
export function failedItem(index: number, message: string, status?: number): OutputItem {
	return {
		json: {
			error: message,
			details: { itemIndex: index, ...(status ? { httpCode: status } : {}) },
		},
		pairedItem: { item: index },
	};
}

/** The output item of the node's shape for a create's answer (`answer`: its body, text or parsed). */
export function createdItem(
	item: BenchItem,
	index: number,
	jws: string,
	batch: ReturnType<typeof conversationBatch>,
	status: number,
	answer: unknown,
): OutputItem {
	const answers = (typeof answer === 'string' ? parse(answer) : answer) as Array<{
		reqId?: string;
		code?: string;
		body?: Record<string, unknown>;
	}>;
	if (status !== 200 || !Array.isArray(answers))
		return failedItem(index, `CONVERSATION answered ${status}`, status);
	const results = batch.map((request) => {
		const found = answers.find((a) => a.reqId === request.id) ?? {};
		return { type: request.type, reqId: request.id, code: found.code, body: found.body };
	});
	const conversationId = results[1].code === 'OK' ? results[1].body?.conversationId : undefined;
	if (typeof conversationId !== 'string')
		return failedItem(index, `CONVERSATION refused: ${JSON.stringify(results[1].body)}`, status);
	const claims = claimsOf(jws);
	return {
		json: {
			conversationId,
			ext_consumer_id: item.consumerJws ? claims.ext_consumer_id : item.contactId,
			lp_consumer_id: claims.lp_consumer_id,
			livePersonResponses: results,
		},
		pairedItem: { item: index },
	};
}

/** Counts of a client's output items, for the bench's checks. */
export function outcomeOf(input: BenchItem[], output: OutputItem[]): ClientOutcome {
	const succeeded = output.filter((item) => typeof item?.json.conversationId === 'string').length;
	const errors = output
		.filter((item) => item?.json.error !== undefined)
		.slice(0, 3)
		.map((item) => String(item.json.error));
	return {
		outputItems: output.filter(Boolean).length,
		succeeded,
		failed: output.filter(Boolean).length - succeeded,
		unpaired:
			input.length - new Set(output.filter(Boolean).map((item) => item.pairedItem.item)).size,
		errors,
	};
}

async function runItem(
	client: RawClient,
	session: RawSession,
	spec: RunSpec,
	item: BenchItem,
	index: number,
): Promise<OutputItem> {
	const { account, hosts, appJwt } = session;
	let jws = item.consumerJws;
	if (!jws) {
		const minted = await client.sendRetrying(
			'POST',
			`${hosts.idp}/api/account/${account}/consumer?v=1.0`,
			{ Accept: 'application/json', 'Content-Type': 'application/json', Authorization: appJwt },
			JSON.stringify({ ext_consumer_id: item.contactId }),
		);
		jws = (parse(minted.text) as { token?: string }).token;
		if ((minted.status !== 200 && minted.status !== 201) || !jws)
			return failedItem(index, `IDP answered ${minted.status}`, minted.status);
	}
	const batch = conversationBatch(spec.accountId);
	const created = await client.sendRetrying(
		'POST',
		`${hosts.asyncMessagingEnt}/api/account/${account}/messaging/consumer/conversation?v=3`,
		{
			Accept: ACCEPT_ANY,
			'Content-Type': 'application/json',
			'X-LP-ON-BEHALF': jws,
			Authorization: appJwt,
		},
		JSON.stringify(batch),
	);
	return createdItem(item, index, jws, batch, created.status, created.text);
}

export async function runRawClient(
	spec: RunSpec,
	input: BenchItem[],
): Promise<ClientOutcome & { output: unknown; rateLimitedRetries: number }> {
	const client = new RawClient(spec.concurrency, spec.rawConnections === 'perRequest');
	try {
		const session = await openRawSession(client, spec);
		const output: OutputItem[] = new Array(input.length);
		let next = 0;
		const worker = async () => {
			for (let i = next++; i < input.length; i = next++) {
				output[i] = await runItem(client, session, spec, input[i], i).catch((error: Error) => ({
					json: { error: error.message, details: { itemIndex: i } },
					pairedItem: { item: i },
				}));
			}
		};
		await Promise.all(Array.from({ length: Math.max(1, spec.concurrency) }, worker));
		return { ...outcomeOf(input, output), output, rateLimitedRetries: client.rateLimitedRetries };
	} finally {
		client.close();
	}
}
