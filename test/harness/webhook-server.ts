// Serves a workflow's webhook nodes on 127.0.0.1 the way n8n's webhook path does
// (packages/cli/src/webhooks/webhook-helpers.ts `executeWebhook`): the raw body is kept on the
// request (`rawBody`) and JSON is parsed into `body`, n8n-core's WebhookContext runs the node's
// webhook(), its answer goes out, and when it returns `workflowData` the workflow runs in
// WorkflowExecute from that node (mode `webhook` under /webhook/, `manual` under /webhook-test/).
// Before it serves, it runs each node's webhookMethods in n8n-core's HookContext as n8n's
// activation does (packages/cli/src/webhooks/webhook.service.ts `createWebhookIfNotExists`), for the
// production and the test webhook, and close() runs `delete` as deactivation does.
import { ExecutionLifecycleHooks, HookContext, WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeHelpers, Workflow, jsonParse } from 'n8n-workflow';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { createAdditionalData } from './additional-data';
import { HarnessCredentialsHelper } from './credentials-helper';
import type { CredentialsInput } from './credentials-store';
import { HOLD_TYPE, HarnessHold } from './hold-node';
import { REPO_ROOT, loadNodesAndCredentials, type LoadedTypes } from './package-loader';
import type { WorkflowRunResult } from './run-result';
import { readWorkflowFile, runWorkflow, workflowOf, type WorkflowDefinition } from './run-workflow';

export interface WebhookServerOptions {
	credentials?: CredentialsInput;
	credentialsHelper?: HarnessCredentialsHelper;
	packageDir?: string | string[];
	/** A run still going after this long is cancelled (default 30 s). */
	runTimeoutMs?: number;
}

/** A line the node logged through `this.logger` while its webhook() ran. */
export interface LoggedLine {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
	meta?: unknown;
}

/** One request to a webhook node and what came of it. */
export interface WebhookCall {
	node: string;
	mode: 'webhook' | 'manual';
	/** What the caller was answered (status and body text). */
	status?: number;
	responseBody?: string;
	/** The node's webhook() threw: n8n answers 500 and records a failed execution. */
	error?: Error;
	logs: LoggedLine[];
	/** Whether the answer was fully written before the workflow run started (undefined: no run). */
	answeredBeforeRun?: boolean;
	/** The run webhook() asked for, once it has finished; undefined when no workflow ran. */
	run?: Promise<WorkflowRunResult>;
}

export interface WebhookServer {
	/** `http://127.0.0.1:PORT` */
	baseUrl: string;
	/** The node's production URL (`/webhook/...`), or its test URL (`/webhook-test/...`). */
	url(nodeName: string, kind?: 'production' | 'test'): string;
	/** Every call, oldest first. */
	calls: WebhookCall[];
	/**
	 * The runs of the calls so far, each once it has finished. A call whose webhook() is still
	 * working after answering (e.g. fetching a file) is waited for, since its run starts after.
	 */
	runs(): Promise<WorkflowRunResult[]>;
	close(): Promise<void>;
}

let serverCount = 0;

type CallListener = (call: WebhookCall, options: WebhookServerOptions) => void;
const callListeners: CallListener[] = [];

/** Called once per finished call (answer written, run settled), e.g. to scan answers and logs for secrets. */
export function onWebhookCall(listener: CallListener): void {
	callListeners.push(listener);
}

interface Endpoint {
	node: INode;
	description: IWebhookDescription;
	path: string;
}

/** The request as n8n hands it to webhook(): express's, with the raw body n8n's body parser kept. */
type WebhookRequest = http.IncomingMessage & {
	rawBody: Buffer;
	readRawBody(): Promise<void>;
	_body: boolean;
	body: unknown;
	contentType?: string;
	encoding: BufferEncoding;
	query: IDataObject;
	params: IDataObject;
};

function readRaw(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function answerJson(res: http.ServerResponse, status: number, body: IDataObject): void {
	if (res.headersSent) return;
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(body));
}

/** Body handling of n8n's `parseBody` for a version-1 webhook node: JSON parsed, anything else left raw. */
function asWebhookRequest(req: http.IncomingMessage, raw: Buffer, url: URL): WebhookRequest {
	const request = req as WebhookRequest;
	const [type, ...params] = (req.headers['content-type'] ?? '')
		.split(';')
		.map((part) => part.trim());
	const charset = params
		.find((p) => p.toLowerCase().startsWith('charset='))
		?.slice(8)
		.toLowerCase();
	request.contentType = type ? type.toLowerCase() : undefined;
	request.encoding = (charset ?? 'utf-8') as BufferEncoding;
	request.rawBody = raw;
	request._body = true;
	request.readRawBody = async () => {};
	request.query = Object.fromEntries(url.searchParams.entries());
	request.params = {};
	request.body =
		raw.length > 0 && request.contentType === 'application/json'
			? jsonParse(raw.toString(request.encoding))
			: {};
	return request;
}

class RecordingWebhookContext extends WebhookContext {
	recorded: LoggedLine[] = [];

	get logger(): WebhookContext['logger'] {
		const record = (level: LoggedLine['level']) => (message: string, meta?: unknown) => {
			this.recorded.push(meta === undefined ? { level, message } : { level, message, meta });
		};
		return {
			error: record('error'),
			warn: record('warn'),
			info: record('info'),
			debug: record('debug'),
		} as unknown as WebhookContext['logger'];
	}
}

function endpointsOf(workflow: Workflow, types: LoadedTypes): Endpoint[] {
	const endpoints: Endpoint[] = [];
	for (const node of Object.values(workflow.nodes)) {
		if (node.disabled) continue;
		const webhooks =
			types.nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description.webhooks ?? [];
		for (const description of webhooks) {
			const nodePath = String(
				workflow.expression.getSimpleParameterValue(node, description.path, 'internal', {}),
			).replace(/^\/|\/$/g, '');
			const isFullPath = description.isFullPath === true;
			endpoints.push({
				node,
				description,
				path: NodeHelpers.getNodeWebhookPath(workflow.id, node, nodePath, isFullPath),
			});
		}
	}
	return endpoints;
}

type LifecycleMethod = 'checkExists' | 'create' | 'delete';

/** One webhookMethods call on one endpoint, in n8n's HookContext; undefined when the node has none. */
async function runLifecycleMethod(
	method: LifecycleMethod,
	endpoint: Endpoint,
	context: {
		workflow: Workflow;
		types: LoadedTypes;
		additionalData: IWorkflowExecuteAdditionalData;
	},
	mode: WorkflowExecuteMode,
	activation: WorkflowActivateMode,
	isTest: boolean,
): Promise<boolean | undefined> {
	const { workflow, types, additionalData } = context;
	const nodeType = types.nodeTypes.getByNameAndVersion(
		endpoint.node.type,
		endpoint.node.typeVersion,
	);
	const fn = nodeType.webhookMethods?.[endpoint.description.name as 'default']?.[method];
	if (!fn) return undefined;
	const webhookData: IWebhookData = {
		httpMethod: endpoint.description.httpMethod as IWebhookData['httpMethod'],
		node: endpoint.node.name,
		path: endpoint.path,
		webhookDescription: endpoint.description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		isTest,
	};
	const hook = new HookContext(
		workflow,
		endpoint.node,
		additionalData,
		mode,
		activation,
		webhookData,
	);
	return await fn.call(hook);
}

/**
 * Starts an HTTP server on a free 127.0.0.1 port serving the webhook nodes of `workflowOrPath`.
 * Both the production and the test URL of every node stay live until close(); static data set by
 * webhook() persists across calls, as n8n keeps it for an active workflow.
 */
export async function startWebhookServer(
	workflowOrPath: WorkflowDefinition | string,
	options: WebhookServerOptions = {},
): Promise<WebhookServer> {
	const definition = structuredClone(
		typeof workflowOrPath === 'string' ? readWorkflowFile(workflowOrPath) : workflowOrPath,
	);
	const packageDir = options.packageDir ?? REPO_ROOT;
	const types = await loadNodesAndCredentials(packageDir);
	if (!types.nodeTypes.has(HOLD_TYPE)) types.nodeTypes.register(HOLD_TYPE, () => new HarnessHold());
	const credentialsHelper =
		options.credentialsHelper ?? new HarnessCredentialsHelper(types.credentialTypes);
	if (options.credentials) credentialsHelper.setCredentials(options.credentials);

	// Like n8n giving an imported workflow its own id: state kept per workflow (static data, a node's
	// memory) is not shared between two servers of the same file.
	const workflowId = definition.id ?? `harness-webhook-workflow-${++serverCount}`;
	definition.id = workflowId;
	const { workflow, workflowData } = workflowOf(definition, workflowId, types.nodeTypes, true);
	const endpoints = endpointsOf(workflow, types);
	const lifecycle = {
		workflow,
		types,
		additionalData: createAdditionalData({
			hooks: new ExecutionLifecycleHooks('trigger', 'activation', workflowData),
			executionId: 'activation',
			credentialsHelper,
			workflowId,
		}),
	};
	// Activation, then "listen for test event": an error here is n8n refusing to activate.
	for (const endpoint of endpoints) {
		for (const [mode, activation, isTest] of [
			['trigger', 'activate', false],
			['manual', 'manual', true],
		] as const) {
			const exists = await runLifecycleMethod(
				'checkExists',
				endpoint,
				lifecycle,
				mode,
				activation,
				isTest,
			);
			if (exists === false)
				await runLifecycleMethod('create', endpoint, lifecycle, mode, activation, isTest);
		}
	}
	const calls: WebhookCall[] = [];
	const runs: Array<Promise<WorkflowRunResult>> = [];
	const serving: Array<Promise<void>> = [];
	let baseUrl = '';
	let callCounter = 0;

	async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const match = /^\/(webhook|webhook-test)\/(.+?)\/?$/.exec(url.pathname);
		const endpoint = match
			? endpoints.find((e) => e.path === decodeURIComponent(match[2]))
			: undefined;
		if (!match || !endpoint || req.method !== String(endpoint.description.httpMethod)) {
			return answerJson(res, 404, {
				code: 404,
				message: `The requested webhook "${req.method} ${url.pathname}" is not registered.`,
			});
		}
		const mode = match[1] === 'webhook' ? 'webhook' : 'manual';
		const call: WebhookCall = { node: endpoint.node.name, mode, logs: [] };
		calls.push(call);
		res.on('finish', () => (call.status = res.statusCode));
		const chunks: Buffer[] = [];
		const write = res.write.bind(res) as (...args: unknown[]) => boolean;
		const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
		res.write = ((chunk: unknown, ...rest: unknown[]) => {
			if (chunk) chunks.push(Buffer.from(chunk as string));
			return write(chunk, ...rest);
		}) as typeof res.write;
		res.end = ((chunk?: unknown, ...rest: unknown[]) => {
			if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
			call.responseBody = Buffer.concat(chunks).toString('utf8');
			return end(chunk, ...rest);
		}) as typeof res.end;

		const raw = await readRaw(req);
		let request: WebhookRequest;
		try {
			request = asWebhookRequest(req, raw, url);
		} catch {
			answerJson(res, 422, { code: 422, message: 'Failed to parse request body' });
			return finish(call);
		}
		const executionId = `webhook-${++callCounter}`;
		const additionalData = createAdditionalData({
			hooks: new ExecutionLifecycleHooks(mode, executionId, workflowData),
			executionId,
			credentialsHelper,
			workflowId,
			instanceBaseUrl: baseUrl,
		});
		additionalData.httpRequest = request as never;
		additionalData.httpResponse = res as never;
		const webhookData: IWebhookData = {
			httpMethod: 'POST',
			node: endpoint.node.name,
			path: endpoint.path,
			webhookDescription: endpoint.description,
			workflowId,
			workflowExecuteAdditionalData: additionalData,
			isTest: mode === 'manual',
		};
		const context = new RecordingWebhookContext(
			workflow,
			endpoint.node,
			additionalData,
			mode,
			webhookData,
			[],
			null,
		);
		call.logs = context.recorded;
		const nodeType = types.nodeTypes.getByNameAndVersion(
			endpoint.node.type,
			endpoint.node.typeVersion,
		);
		let result: IWebhookResponseData;
		try {
			result = (await nodeType.webhook!.call(context)) as IWebhookResponseData;
		} catch (error) {
			call.error = error as Error;
			answerJson(res, 500, {
				code: 0,
				message: 'Workflow Webhook Error: Workflow could not be started!',
			});
			return finish(call);
		}
		if (!result.workflowData) {
			if (!result.noWebhookResponse)
				answerJson(
					res,
					200,
					(result.webhookResponse as IDataObject) ?? { message: 'Webhook call received' },
				);
			return finish(call);
		}
		// n8n's `onReceived` mode answers for a node that did not; the LivePerson Connector Trigger always does.
		if (!result.noWebhookResponse) answerJson(res, 200, { message: 'Workflow was started' });
		call.answeredBeforeRun = res.writableEnded;
		call.run = runWorkflow(definition, {
			credentialsHelper,
			credentials: options.credentials,
			packageDir,
			mode,
			startNode: endpoint.node.name,
			startNodeOutput: result.workflowData,
			executionId,
			timeoutMs: options.runTimeoutMs,
		});
		runs.push(call.run);
		void call.run.then(
			() => finish(call),
			() => finish(call),
		);
	}

	function finish(call: WebhookCall) {
		for (const listener of callListeners) listener(call, options);
	}

	const server = http.createServer((req, res) => {
		const served = serve(req, res);
		serving.push(served.catch(() => undefined));
		served.catch((error: unknown) => {
			answerJson(res, 500, {
				code: 500,
				message: error instanceof Error ? error.message : String(error),
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		baseUrl,
		url(nodeName, kind = 'production') {
			const endpoint = endpoints.find((e) => e.node.name === nodeName);
			if (!endpoint) throw new Error(`No webhook node "${nodeName}" in the workflow`);
			return `${baseUrl}/${kind === 'production' ? 'webhook' : 'webhook-test'}/${endpoint.path}`;
		},
		calls,
		runs: async () => {
			await Promise.all(serving);
			return await Promise.all(runs);
		},
		close: async () => {
			await Promise.all(serving);
			await Promise.allSettled(runs);
			for (const endpoint of endpoints)
				await runLifecycleMethod('delete', endpoint, lifecycle, 'internal', 'update', false);
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
}
