// What n8n's server does when the user presses Save/Test on a credential whose type defines a
// `test` request (CredentialsTester.testCredentials in packages/cli of n8n), rebuilt on the
// harness: the same temporary node and workflow, the same n8n-core 2.41 RoutingNode run with an
// ExecuteContext, and the same mapping of the outcome to the `{ status, message }` the editor shows.
//
// The credential is "saved" in a HarnessCredentialsHelper under an id (the editor saves before it
// tests), so a `preAuthentication` that mints a token can write it back exactly as on the server.
import { ExecuteContext, ExecutionLifecycleHooks, RoutingNode } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestRequest,
	IDataObject,
	IExecuteData,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	ITaskDataConnections,
	IWorkflowBase,
} from 'n8n-workflow';
import { NodeHelpers, UnexpectedError, Workflow, createRunExecutionData } from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import { NO_OP_TYPE } from './builtin-nodes';
import { HarnessCredentialsHelper } from './credentials-helper';
import { REPO_ROOT, loadNodesAndCredentials } from './package-loader';

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

export interface TestCredentialOptions {
	/** Id the credential is saved under (default `credential-test`). */
	id?: string;
	/** Its name (default `<type> test`). */
	name?: string;
	/** Package directory (or several) to load; default the repository root (needs `npm run build`). */
	packageDir?: string | string[];
	/**
	 * Helper to save the credential in (it is added under `id`), e.g. to read back
	 * `preAuthenticationCalls`, `updates` or `stored(type)` afterwards. Default: a fresh helper.
	 */
	credentialsHelper?: HarnessCredentialsHelper;
	/**
	 * The `type` of the temporary node. The server uses the `description.name` of the node type it
	 * resolves for `n8n-nodes-base.noOp`, which n8n's loader leaves unprefixed (`noOp`); that is the
	 * default here too. Pass `n8n-nodes-base.noOp` to see what the credentials helper's
	 * "credential test" condition (`type === 'n8n-nodes-base.noOp' && parameters.temp === ''`) does.
	 */
	tempNodeType?: string;
}

/** The message the server answers when neither the type nor a node offers a test. */
export const NO_TEST_FUNCTION_MESSAGE = 'No testing function found for this credential.';

let testCounter = 0;

/** `lodash.get` for the paths credential rules use (`body.errorCode`, `errors[0].code`). */
function valueAtPath(object: unknown, path: string): unknown {
	const keys = path
		.replace(/\[(\w+)\]/g, '.$1')
		.split('.')
		.filter((key) => key !== '');
	let current: unknown = object;
	for (const key of keys) {
		if (current === null || current === undefined) return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

function messageOf(error: unknown): string {
	const message = (error as { message?: unknown } | undefined)?.message;
	return message === undefined || message === null ? String(error) : String(message);
}

/**
 * Runs the `test` request of credential type `type` with `data` as n8n's server does for the
 * editor's Save/Test, and returns what the editor shows.
 */
export async function testCredential(
	type: string,
	data: ICredentialDataDecryptedObject,
	options: TestCredentialOptions = {},
): Promise<CredentialTestResult> {
	const types = await loadNodesAndCredentials(options.packageDir ?? REPO_ROOT);
	const credentialType = types.credentialTypes.getByName(type);
	// Tests a node declares with `testedBy`, and the OAuth2 token check, are not reproduced here.
	if (!credentialType.test) return { status: 'Error', message: NO_TEST_FUNCTION_MESSAGE };
	const testRequest: ICredentialTestRequest = credentialType.test;

	const id = options.id ?? 'credential-test';
	const name = options.name ?? `${type} test`;
	const credentialsHelper =
		options.credentialsHelper ?? new HarnessCredentialsHelper(types.credentialTypes);
	credentialsHelper.addCredential(type, { id, name, data: structuredClone(data) });

	const executionId = `credential-test-${++testCounter}`;
	const hookWorkflow: IWorkflowBase = {
		id: 'credential-test',
		name: 'Credential test',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [],
		connections: {},
	};
	const additionalData = createAdditionalData({
		hooks: new ExecutionLifecycleHooks('internal', executionId, hookWorkflow),
		executionId,
		credentialsHelper,
	});

	// 1. Property defaults (and expressions) applied to the data, as applyDefaultsAndOverwrites does.
	const credentialsDecrypted: ICredentialsDecrypted = { id, name, type, data };
	try {
		credentialsDecrypted.data = await credentialsHelper.getDecrypted(
			additionalData,
			{ id, name },
			type,
			'internal',
		);
	} catch (error) {
		return { status: 'Error', message: messageOf(error) };
	}

	// 2. A temporary node of the No Operation type carrying one property whose routing is the test request.
	const noOpType = types.nodeTypes.getByNameAndVersion(NO_OP_TYPE);
	const { version } = noOpType.description;
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: options.tempNodeType ?? noOpType.description.name,
		typeVersion: Array.isArray(version) ? version[version.length - 1] : version,
		position: [0, 0],
		credentials: { [type]: { id, name } },
	};
	const testNodeType: INodeType = {
		description: {
			...noOpType.description,
			credentials: [{ name: type, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: testRequest.request },
					default: '',
				},
			],
		},
	};
	// The server's own registry of one mock type: only the temporary node's type is known.
	const mockNodeTypes: INodeTypes = {
		getKnownTypes: () => ({}) as IDataObject,
		getByName: (nodeType) =>
			nodeType === node.type ? testNodeType : (undefined as unknown as INodeType),
		getByNameAndVersion: (nodeType, nodeVersion) => {
			if (nodeType !== node.type) {
				throw new UnexpectedError('Unknown node type', { tags: { nodeType } });
			}
			return NodeHelpers.getVersionedNodeType(testNodeType, nodeVersion);
		},
	};
	// The constructor adds the property defaults to the node: `parameters.temp` becomes ''.
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: mockNodeTypes,
	});

	// 3. The request through RoutingNode with an ExecuteContext over the harness's additional data.
	const inputData: ITaskDataConnections = { main: [[{ json: {} }]] };
	const executeData: IExecuteData = { node, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createRunExecutionData({ resultData: { runData: {} } }),
		0,
		[],
		inputData,
		executeData,
		[],
	);
	const routingNode = new RoutingNode(context, testNodeType, credentialsDecrypted);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await workflow.expression.withIsolate(async () => await routingNode.runNode());
	} catch (error) {
		// 4. Thrown errors: HTTP answers go through `responseCode` rules, then non-2xx -> status text.
		const cause = (
			error as { cause?: { response?: { status: number; statusText?: string }; code?: unknown } }
		).cause;
		if (cause?.response) {
			const statusCode = cause.response.status;
			const statusMessage = cause.response.statusText;
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (statusCode < 199 || statusCode > 299) {
				return {
					status: 'Error',
					message: statusMessage || `Received HTTP status code: ${statusCode}`,
				};
			}
		} else if (cause?.code) {
			return { status: 'Error', message: String(cause.code) };
		}
		return { status: 'Error', message: messageOf(error) };
	}

	// 5. Answers that did not throw: `responseSuccessBody` rules on the first item's json.
	if (Array.isArray(testRequest.rules)) {
		for (const rule of testRequest.rules) {
			if (rule.type !== 'responseSuccessBody') continue;
			const json = response![0][0].json;
			if (valueAtPath(json, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}

	return { status: 'OK', message: 'Connection successful!' };
}
