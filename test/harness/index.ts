// Entry point of the workflow test harness: run workflows in n8n-core's real engine under jest.
export { runWorkflow, readWorkflowFile } from './run-workflow';
export type { RunWorkflowOptions, WorkflowDefinition } from './run-workflow';
export { WorkflowRunResult } from './run-result';
export type { CancellationInfo } from './run-result';
export { HarnessCredentialsHelper } from './credentials-helper';
export type { CredentialUpdate, PreAuthenticationCall } from './credentials-helper';
export type { CredentialInput, CredentialsInput } from './credentials-store';
export {
	loadNodesAndCredentials,
	clearPackageCache,
	REPO_ROOT,
	FIXTURE_PACKAGE_DIR,
} from './package-loader';
export type { LoadedTypes, LoadedPackageInfo } from './package-loader';
export {
	CONVERT_TO_FILE_TYPE,
	MANUAL_TRIGGER_TYPE,
	NO_OP_TYPE,
	READ_WRITE_FILE_TYPE,
	SET_FIELDS_TYPE,
	clearWrittenFiles,
	writtenFiles,
} from './builtin-nodes';
export { DATA_TABLE_TYPE, dataTables } from './data-table';
export { startWebhookServer, onWebhookCall } from './webhook-server';
export type {
	WebhookServer,
	WebhookServerOptions,
	WebhookCall,
	LoggedLine,
} from './webhook-server';
export { HOLD_TYPE, holdGate } from './hold-node';
export { listSearch, resourceMapperFields } from './load-options';
export type { LoadOptionsRequest } from './load-options';
