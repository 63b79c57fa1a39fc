// The per-execution "additional data" the engine reads at run time: a plain object (no mocks) with
// the members n8n-core 2.41 touches during a headless execution.
import type { ExecutionLifecycleHooks } from 'n8n-core';
import { ExternalSecretsProxy } from 'n8n-core';
import type {
	ICredentialsHelper,
	IDataObject,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

export interface AdditionalDataOptions {
	hooks: ExecutionLifecycleHooks;
	executionId: string;
	credentialsHelper: ICredentialsHelper;
	workflowId?: string;
	/** `$vars` in expressions. */
	variables?: IDataObject;
	/** Root of every absolute URL the engine builds (`$execution.resumeUrl`, webhook URLs...). */
	instanceBaseUrl?: string;
	/** Epoch ms after which the engine stops starting new nodes (n8n's workflow timeout). */
	executionTimeoutTimestamp?: number;
	rootExecutionMode?: WorkflowExecuteMode;
}

const unsupported = (what: string) => () => {
	throw new UnexpectedError(`${what} is not supported by the test harness`);
};

export function createAdditionalData(
	options: AdditionalDataOptions,
): IWorkflowExecuteAdditionalData {
	const base = (options.instanceBaseUrl ?? 'http://localhost:5678').replace(/\/+$/, '');
	return {
		hooks: options.hooks,
		executionId: options.executionId,
		credentialsHelper: options.credentialsHelper,
		workflowId: options.workflowId,
		userId: 'harness-user',
		variables: options.variables ?? {},
		currentNodeExecutionIndex: 0,
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: options.executionTimeoutTimestamp,
		rootExecutionMode: options.rootExecutionMode,
		// Every *BaseUrl must be an absolute URL: the engine passes them to `new URL()`.
		instanceBaseUrl: `${base}/`,
		restApiUrl: `${base}/rest`,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		externalSecretsProxy: new ExternalSecretsProxy(),
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		logAiEvent: () => {},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executeWorkflow: unsupported('Executing a sub-workflow'),
		startRunnerTask: unsupported('Running a task runner (Code node)'),
	};
}
