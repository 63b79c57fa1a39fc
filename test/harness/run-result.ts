// What runWorkflow returns: the engine's IRun plus helpers to read a node's output and errors.
import type {
	ExecutionError,
	ExecutionStatus,
	INodeExecutionData,
	IRun,
	ITaskData,
	IDataObject,
	Workflow,
} from 'n8n-workflow';

import type { HarnessCredentialsHelper } from './credentials-helper';

export interface CancellationInfo {
	/** Milliseconds after the start at which the harness cancelled the execution. */
	afterMs: number;
	/** Milliseconds from the cancellation until the engine's promise settled (the running node stopped). */
	engineStoppedAfterMs: number;
}

export class WorkflowRunResult {
	constructor(
		/** The run as the `workflowExecuteAfter` hook received it (at cancellation time when cancelled). */
		readonly run: IRun,
		/** The run the engine's promise resolved with, once it stopped (same as `run` unless cancelled). */
		readonly finalRun: IRun,
		readonly executionId: string,
		readonly workflow: Workflow,
		readonly credentialsHelper: HarnessCredentialsHelper,
		/** Node names in the order the `nodeExecuteAfter` hook saw them. */
		readonly executedNodes: string[],
		readonly durationMs: number,
		readonly cancelled?: CancellationInfo,
	) {}

	get status(): ExecutionStatus {
		return this.run.status;
	}

	/** The workflow-level error (set when a node failed without continueOnFail, or on cancellation). */
	get error(): ExecutionError | undefined {
		return this.run.data.resultData.error;
	}

	/** All runs of a node (several with loops); `[]` when it did not run. */
	taskDataOf(nodeName: string): ITaskData[] {
		return this.finalRun.data.resultData.runData[nodeName] ?? [];
	}

	private task(nodeName: string, runIndex: number): ITaskData {
		const task = this.taskDataOf(nodeName)[runIndex];
		if (!task) {
			const ran = Object.keys(this.finalRun.data.resultData.runData).join(', ') || 'none';
			const workflowError = this.error ? `; workflow error: ${this.error.message}` : '';
			throw new Error(
				`Node "${nodeName}" has no run #${runIndex} (nodes that ran: ${ran}${workflowError})`,
			);
		}
		return task;
	}

	/**
	 * Items (json, pairedItem, error, ...) a node produced on output `outputIndex` in run `runIndex`.
	 * Throws when the node did not run or failed without output.
	 */
	outputOf(nodeName: string, outputIndex = 0, runIndex = 0): INodeExecutionData[] {
		const task = this.task(nodeName, runIndex);
		const main = task.data?.main;
		if (!main) {
			const reason = task.error ? `failed: ${task.error.message}` : 'produced no output';
			throw new Error(`Node "${nodeName}" ${reason}`);
		}
		return main[outputIndex] ?? [];
	}

	/** Just the `json` of `outputOf(...)`. */
	jsonOf(nodeName: string, outputIndex = 0, runIndex = 0): IDataObject[] {
		return this.outputOf(nodeName, outputIndex, runIndex).map((item) => item.json);
	}

	/** The error output (index 1) of a node set to `onError: 'continueErrorOutput'`. */
	errorOutputOf(nodeName: string, runIndex = 0): INodeExecutionData[] {
		const node = this.workflow.getNode(nodeName);
		if (node?.onError !== 'continueErrorOutput') {
			throw new Error(
				`Node "${nodeName}" has no error output (its onError is ${String(node?.onError)})`,
			);
		}
		return this.outputOf(nodeName, 1, runIndex);
	}

	/** The error a node's run ended with (`undefined` when it succeeded or continued on fail). */
	nodeError(nodeName: string, runIndex = 0): ExecutionError | undefined {
		return this.taskDataOf(nodeName)[runIndex]?.error;
	}
}
