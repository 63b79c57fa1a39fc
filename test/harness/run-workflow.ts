// Runs a workflow in n8n-core's real engine (WorkflowExecute.processRunExecutionData), headless.
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeTypes,
	IPinData,
	IRun,
	IWorkflowBase,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow, createRunExecutionData } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { createAdditionalData } from './additional-data';
import { setTriggerInput } from './builtin-nodes';
import { HarnessCredentialsHelper } from './credentials-helper';
import type { CredentialsInput } from './credentials-store';
import { REPO_ROOT, loadNodesAndCredentials } from './package-loader';
import { WorkflowRunResult } from './run-result';

/** The parts of a workflow (or of an exported workflow JSON) the harness uses. */
export interface WorkflowDefinition {
	id?: string;
	name?: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	staticData?: IDataObject;
}

export interface RunWorkflowOptions {
	/** Credentials by type, added to the helper before the run: `{ myApi: { id: '1', name: 'X', data } }`. */
	credentials?: CredentialsInput;
	/** Reuse one helper (its stored credentials, e.g. a minted token, and its call log) across runs. */
	credentialsHelper?: HarnessCredentialsHelper;
	/** Items (json) the manual trigger emits; default one empty item, as n8n's own. */
	input?: IDataObject[];
	/** Package directory (or several) to load; default the repository root (needs `npm run build`). */
	packageDir?: string | string[];
	/** Execution mode; default `manual` (as "Execute workflow" in the editor). */
	mode?: WorkflowExecuteMode;
	/** Start node name; default `workflow.getStartNode()`. */
	startNode?: string;
	/** Pinned output per node name (exported pinData is ignored unless passed here). */
	pinData?: IPinData;
	/** `$vars` for expressions. */
	variables?: IDataObject;
	/** Give up (and cancel the execution) if the run has not finished after this many ms. Default 30000. */
	timeoutMs?: number;
	/** Cancel the execution (as the editor's Stop button does) this many ms after it starts. */
	cancelAfterMs?: number;
	/** Cancel the execution when this signal aborts. */
	signal?: AbortSignal;
	executionId?: string;
	/**
	 * What the start node hands on, as a webhook node's webhook() returned it (`workflowData`): the
	 * engine passes it through unchanged, as in n8n's webhook runs. Default: one empty item.
	 */
	startNodeOutput?: INodeExecutionData[][];
}

let executionCounter = 0;

/** Reads an exported workflow JSON file (path relative to the current directory or absolute). */
type RunListener = (result: WorkflowRunResult, options: RunWorkflowOptions) => void;
const runListeners: RunListener[] = [];

/** Called after every finished run (e.g. to scan all output of a test file for secrets). */
export function onWorkflowRun(listener: RunListener): void {
	runListeners.push(listener);
}

export function readWorkflowFile(filePath: string): WorkflowDefinition {
	const parsed = JSON.parse(readFileSync(path.resolve(filePath), 'utf8')) as WorkflowDefinition;
	if (!Array.isArray(parsed.nodes) || typeof parsed.connections !== 'object') {
		throw new Error(`${filePath} is not a workflow export (needs "nodes" and "connections")`);
	}
	return parsed;
}

/** The engine's Workflow and the IWorkflowBase its hooks carry, both from one definition. */
export function workflowOf(
	definition: WorkflowDefinition,
	workflowId: string,
	nodeTypes: INodeTypes,
	active: boolean,
): { workflow: Workflow; workflowData: IWorkflowBase } {
	const settings: IWorkflowSettings = definition.settings ?? { executionOrder: 'v1' };
	const { name, nodes, connections, staticData } = definition;
	return {
		workflow: new Workflow({
			id: workflowId,
			name,
			nodes,
			connections,
			nodeTypes,
			settings,
			staticData,
			active,
		}),
		workflowData: {
			id: workflowId,
			name: name ?? 'Harness workflow',
			active,
			isArchived: false,
			activeVersionId: null,
			createdAt: new Date(),
			updatedAt: new Date(),
			nodes,
			connections,
			settings,
			staticData,
		},
	};
}

function settle<T>(promise: Promise<T>) {
	return promise.then(
		(value) => ({ ok: true as const, value, at: Date.now() }),
		(error: unknown) => ({ ok: false as const, error, at: Date.now() }),
	);
}

/**
 * Runs `workflow` (an object or the path of an exported workflow JSON) to the end and returns the
 * run with helpers (`outputOf`, `errorOutputOf`, `nodeError`, ...).
 */
export async function runWorkflow(
	workflowOrPath: WorkflowDefinition | string,
	options: RunWorkflowOptions = {},
): Promise<WorkflowRunResult> {
	const definition = structuredClone(
		typeof workflowOrPath === 'string' ? readWorkflowFile(workflowOrPath) : workflowOrPath,
	);
	const types = await loadNodesAndCredentials(options.packageDir ?? REPO_ROOT);
	const credentialsHelper =
		options.credentialsHelper ?? new HarnessCredentialsHelper(types.credentialTypes);
	if (options.credentials) credentialsHelper.setCredentials(options.credentials);

	const executionId = options.executionId ?? String(++executionCounter);
	const mode = options.mode ?? 'manual';
	const workflowId = definition.id ?? 'harness-workflow';
	const { workflow, workflowData } = workflowOf(definition, workflowId, types.nodeTypes, false);
	const startNode = options.startNode
		? workflow.getNode(options.startNode)
		: workflow.getStartNode();
	if (!startNode)
		throw new Error(`Start node ${options.startNode ?? ''} not found in the workflow`);

	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const executedNodes: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		executedNodes.push(nodeName);
	});
	let resolveHookRun!: (run: IRun) => void;
	const hookRun = new Promise<IRun>((resolve) => (resolveHookRun = resolve));
	// The engine may call this twice when cancelled (at cancellation and when it stops); the first wins.
	hooks.addHandler('workflowExecuteAfter', (run) => resolveHookRun(run));

	const additionalData = createAdditionalData({
		hooks,
		executionId,
		credentialsHelper,
		workflowId,
		variables: options.variables,
	});
	const runExecutionData = createRunExecutionData({
		resultData: { pinData: options.pinData },
		executionData: {
			nodeExecutionStack: [
				{
					node: startNode,
					data: { main: options.startNodeOutput ?? [[{ json: {} }]] },
					source: null,
				},
			],
		},
	});

	setTriggerInput(executionId, options.input);
	const startedAt = Date.now();
	let cancelledAt: number | undefined;
	const timers: NodeJS.Timeout[] = [];
	let onAbort: (() => void) | undefined;
	try {
		const execution = new WorkflowExecute(
			additionalData,
			mode,
			runExecutionData,
		).processRunExecutionData(workflow);
		const cancel = () => {
			if (cancelledAt !== undefined) return;
			cancelledAt = Date.now();
			execution.cancel();
		};
		if (options.cancelAfterMs !== undefined) timers.push(setTimeout(cancel, options.cancelAfterMs));
		if (options.signal) {
			onAbort = cancel;
			if (options.signal.aborted) cancel();
			else options.signal.addEventListener('abort', onAbort, { once: true });
		}

		const timeoutMs = options.timeoutMs ?? 30_000;
		const timedOut = new Promise<'timeout'>((resolve) =>
			timers.push(setTimeout(() => resolve('timeout'), timeoutMs)),
		);
		const engine = settle(Promise.resolve(execution));
		const outcome = await Promise.race([
			Promise.all([hookRun, engine]),
			engine.then((e) => (e.ok ? new Promise<never>(() => {}) : e)),
			timedOut,
		]);
		if (outcome === 'timeout') {
			const wasCancelled = cancelledAt !== undefined;
			cancel();
			throw new Error(
				wasCancelled
					? `The execution did not stop within ${timeoutMs} ms of starting although it was cancelled after ${cancelledAt! - startedAt} ms: a node ignores the abort signal`
					: `The workflow did not finish within ${timeoutMs} ms (it has been cancelled)`,
			);
		}
		if (!Array.isArray(outcome)) throw outcome.error;
		const [run, engineResult] = outcome;
		if (!engineResult.ok) throw engineResult.error;
		const result = new WorkflowRunResult(
			run,
			engineResult.value,
			executionId,
			workflow,
			credentialsHelper,
			executedNodes,
			engineResult.at - startedAt,
			cancelledAt === undefined
				? undefined
				: { afterMs: cancelledAt - startedAt, engineStoppedAfterMs: engineResult.at - cancelledAt },
		);
		for (const listener of runListeners) listener(result, options);
		return result;
	} finally {
		for (const timer of timers) clearTimeout(timer);
		if (onAbort) options.signal?.removeEventListener('abort', onAbort);
		setTriggerInput(executionId, undefined);
	}
}
