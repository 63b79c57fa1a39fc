/**
 * n8n's floor: a bare node in the same engine (test/harness) as the LivePerson Connector, which
 * makes the node's requests through `this.helpers.httpRequest` with the node's request options
 * (returnFullResponse, ignoreHttpStatusErrors, disableFollowRedirect, timeout, the same headers
 * and bodies, the AppJWT), the same number of items at a time (its own simple pool), the node's
 * 429 rule (Retry-After honoured, at most 5 retries and 60 s of waiting), and nothing else: no
 * adaptive limit, no error mapping, no redaction, no expression unless `consumerId` maps one (the
 * Consumer ID the node's workflow maps, `--floor-expression`), and no cancel signal unless `signal`
 * asks for one. Its output items have the node's shape, so the two hold the same output.
 * What the node costs beyond this is the node's own; what this costs is n8n's.
 * test/bench.test.ts checks that it sends exactly what the node sends.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { loadNodesAndCredentials, runWorkflow, type WorkflowDefinition } from '../test/harness';
import {
	conversationBatch,
	createdItem,
	failedItem,
	outcomeOf,
	retrying,
	type OutputItem,
} from './rawClient';
import type { BenchItem, ClientOutcome, FloorSignal, RunSpec } from './spec';

export const FLOOR_TYPE = 'n8n-nodes-bench.floor';
export const FLOOR_NODE_NAME = 'Floor';

/** The node's per-request timeout (Options › Timeout default, 30 s). */
const TIMEOUT_MS = 30_000;

interface FullResponse {
	statusCode: number;
	headers?: IDataObject;
	body: unknown;
}

type Send = (options: IHttpRequestOptions) => Promise<FullResponse>;

/** One request as the node's transport sends it (session.ts plainSend / sendWithAppJwt). */
function sender(ctx: IExecuteFunctions, mode: FloorSignal): Send {
	const base = {
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: TIMEOUT_MS,
	};
	const execution = ctx.getExecutionCancelSignal();
	if (mode === 'shared' && execution)
		return async (options) =>
			(await ctx.helpers.httpRequest({
				...options,
				...base,
				abortSignal: execution,
			})) as FullResponse;
	if (mode === 'perRequest' && execution)
		return async (options) => {
			const controller = new AbortController();
			const forward = () => controller.abort();
			if (execution.aborted) controller.abort();
			else execution.addEventListener('abort', forward, { once: true });
			try {
				return (await ctx.helpers.httpRequest({
					...options,
					...base,
					abortSignal: controller.signal,
				})) as FullResponse;
			} finally {
				execution.removeEventListener('abort', forward);
			}
		};
	return async (options) =>
		(await ctx.helpers.httpRequest({ ...options, ...base })) as FullResponse;
}

const retryingSend = (send: Send, options: IHttpRequestOptions) =>
	retrying(
		() => send(options),
		(answer) => answer.statusCode,
		(answer) => answer.headers?.['retry-after'],
	);

function parsed(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body) as unknown;
	} catch {
		return body;
	}
}

/** The account's hosts (Domain API) and an AppJWT (Sentinel), once per run, with the node's options. */
async function openSession(send: Send, p: FloorParameters) {
	const account = encodeURIComponent(p.accountId);
	const scheme = p.baseUrl.toLowerCase().startsWith('http://') ? 'http' : 'https';
	const csds = await send({
		method: 'GET',
		url: `${p.baseUrl}/api/account/${account}/service/baseURI.json`,
		qs: { version: '1.0' },
		json: true,
	});
	const hosts: Record<string, string> = {};
	for (const entry of (parsed(csds.body) as { baseURIs?: Array<Record<string, string>> })
		.baseURIs ?? []) {
		const host = entry.baseURI.trim().replace(/\/+$/, '');
		hosts[entry.service] = /^https?:\/\//i.test(host) ? host : `${scheme}://${host}`;
	}
	const token = await send({
		method: 'POST',
		url: `${hosts.sentinel}/sentinel/api/account/${account}/app/token`,
		qs: { v: '1.0' },
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: p.clientId,
			client_secret: p.clientSecret,
		}).toString(),
		json: false,
	});
	const appJwt = (parsed(token.body) as { access_token?: string }).access_token;
	if (token.statusCode !== 200 || !appJwt) throw new Error(`Sentinel answered ${token.statusCode}`);
	return { account, hosts, appJwt };
}

async function runItem(
	send: Send,
	session: Awaited<ReturnType<typeof openSession>>,
	accountId: string,
	item: BenchItem,
	index: number,
): Promise<OutputItem> {
	const { account, hosts, appJwt } = session;
	let jws = item.consumerJws;
	if (!jws) {
		// The node's IDP mint (consumer.ts): a JSON body, the AppJWT.
		const minted = await retryingSend(send, {
			method: 'POST',
			url: `${hosts.idp}/api/account/${account}/consumer`,
			qs: { v: '1.0' },
			body: { ext_consumer_id: item.contactId },
			json: true,
			headers: { Authorization: appJwt },
		});
		jws = (parsed(minted.body) as { token?: string } | undefined)?.token;
		if ((minted.statusCode !== 200 && minted.statusCode !== 201) || typeof jws !== 'string')
			return failedItem(index, `IDP answered ${minted.statusCode}`, minted.statusCode);
	}
	// The node's CONVERSATION create (connector.ts): the batch as a string, json false.
	const batch = conversationBatch(accountId);
	const created = await retryingSend(send, {
		method: 'POST',
		url: `${hosts.asyncMessagingEnt}/api/account/${account}/messaging/consumer/conversation`,
		qs: { v: '3' },
		headers: { 'Content-Type': 'application/json', 'X-LP-ON-BEHALF': jws, Authorization: appJwt },
		body: JSON.stringify(batch),
		json: false,
	});
	return createdItem(item, index, jws, batch, created.statusCode, created.body);
}

interface FloorParameters {
	baseUrl: string;
	accountId: string;
	clientId: string;
	clientSecret: string;
	concurrency: number;
	signal: FloorSignal;
}

const text = (name: string, displayName: string) => ({
	displayName,
	name,
	type: 'string' as const,
	default: '',
});

export class BenchFloor implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Floor (bench)',
		name: 'floor',
		group: ['transform'],
		version: 1,
		description: "The LivePerson Connector's requests through n8n's helpers, and nothing else",
		defaults: { name: FLOOR_NODE_NAME },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			text('baseUrl', 'CSDS base URL'),
			text('accountId', 'Account ID'),
			text('clientId', 'Client ID'),
			text('clientSecret', 'Client Secret'),
			{ displayName: 'Concurrency', name: 'concurrency', type: 'number', default: 10 },
			{
				displayName: 'Consumer ID',
				name: 'consumerId',
				type: 'string',
				default: '',
				description:
					"Empty: read the item's contactId directly. An expression: evaluated per item, as the node's Consumer ID is",
			},
			{
				displayName: 'Cancel Signal',
				name: 'signal',
				type: 'options',
				default: 'none',
				options: [
					{ name: 'None', value: 'none' },
					{ name: "The Execution's, on Every Request", value: 'shared' },
					{ name: 'One per Request, Forwarded', value: 'perRequest' },
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		// Read once for the run: the floor has no per-item parameters.
		const p = Object.fromEntries(
			['baseUrl', 'accountId', 'clientId', 'clientSecret', 'concurrency', 'signal'].map((name) => [
				name,
				this.getNodeParameter(name, 0),
			]),
		) as unknown as FloorParameters;
		const send = sender(this, p.signal);
		const session = await openSession(send, p);
		const output: OutputItem[] = new Array(items.length);
		let next = 0;
		// The one expression the node's workflow maps per item, when asked: n8n's price for a mapped field.
		const mapped = (this.getNode().parameters.consumerId ?? '') !== '';
		const worker = async () => {
			for (let i = next++; i < items.length; i = next++) {
				const json = items[i].json as unknown as BenchItem;
				const item = mapped
					? { ...json, contactId: this.getNodeParameter('consumerId', i) as string }
					: json;
				output[i] = await runItem(send, session, p.accountId, item, i).catch((error: Error) =>
					failedItem(i, error.message),
				);
			}
		};
		await Promise.all(Array.from({ length: Math.max(1, p.concurrency) }, worker));
		return [output as INodeExecutionData[]];
	}
}

/** Registers the floor with the harness's node types of `packageDir` (the same loaded set as the node's). */
export async function registerFloor(packageDir: string): Promise<void> {
	const types = await loadNodesAndCredentials(packageDir);
	if (!types.nodeTypes.has(FLOOR_TYPE)) types.nodeTypes.register(FLOOR_TYPE, new BenchFloor());
}

export function floorWorkflow(spec: RunSpec): WorkflowDefinition {
	const nodes: INode[] = [
		{
			id: 'start',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'floor',
			name: FLOOR_NODE_NAME,
			type: FLOOR_TYPE,
			typeVersion: 1,
			position: [240, 0],
			parameters: {
				baseUrl: spec.baseUrl,
				accountId: spec.accountId,
				clientId: spec.clientId,
				clientSecret: spec.clientSecret,
				concurrency: spec.concurrency,
				signal: spec.floorSignal ?? 'none',
				// As the node's workflow maps it (newConsumers only: perItemJws items need no ID).
				consumerId:
					spec.floorExpression && spec.workload === 'newConsumers' ? '={{ $json.contactId }}' : '',
			},
		},
	];
	return {
		nodes,
		connections: { Start: { main: [[{ node: FLOOR_NODE_NAME, type: 'main', index: 0 }]] } },
	};
}

/** Runs the items through the floor in one execution; the output stays referenced until the caller drops it. */
export async function runFloorClient(
	spec: RunSpec,
	input: BenchItem[],
): Promise<ClientOutcome & { output: unknown }> {
	await registerFloor(spec.packageDir);
	const result = await runWorkflow(floorWorkflow(spec), {
		input: input as unknown as IDataObject[],
		packageDir: spec.packageDir,
		timeoutMs: 6 * 60 * 60 * 1000,
	});
	if (result.status !== 'success')
		throw new Error(`the execution ended ${result.status}: ${String(result.error)}`);
	const output = result.outputOf(FLOOR_NODE_NAME) as unknown as OutputItem[];
	return { ...outcomeOf(input, output), output: result };
}
