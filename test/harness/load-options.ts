// What n8n's server does when the editor asks a node for a list (a resource locator's search) or a
// resource mapper's fields (DynamicNodeParametersService in packages/cli of n8n), rebuilt on the
// harness: a one-node workflow with the node's current parameters and credential, n8n-core's
// LoadOptionsContext over the harness's additional data, and the node's own method called on it.
import { ExecutionLifecycleHooks, LoadOptionsContext } from 'n8n-core';
import type {
	INode,
	INodeListSearchResult,
	INodeParameters,
	IWorkflowBase,
	ResourceMapperFields,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import { HarnessCredentialsHelper } from './credentials-helper';
import type { CredentialsInput } from './credentials-store';
import { REPO_ROOT, loadNodesAndCredentials } from './package-loader';

export interface LoadOptionsRequest {
	/** The node type, e.g. `n8n-nodes-liveperson.livePersonProactiveMessaging`. */
	type: string;
	/** The node's parameters as the editor holds them. */
	parameters: INodeParameters;
	/** The node's credentials (`{ type: { id, name } }`) and the stored data behind them. */
	credentials: CredentialsInput;
	/** Where the parameter being filled sits, e.g. `parameters.template`. */
	path?: string;
}

async function contextFor(request: LoadOptionsRequest) {
	const types = await loadNodesAndCredentials(REPO_ROOT);
	const credentialsHelper = new HarnessCredentialsHelper(types.credentialTypes);
	credentialsHelper.setCredentials(request.credentials);
	const node: INode = {
		id: 'load-options',
		name: 'Node',
		type: request.type,
		typeVersion: 1,
		position: [0, 0],
		parameters: request.parameters,
		credentials: Object.fromEntries(
			Object.entries(request.credentials).map(([type, input]) => {
				const { id, name } = Array.isArray(input) ? input[0] : input;
				return [type, { id: id ?? null, name: name ?? type }];
			}),
		),
	};
	const workflow = new Workflow({
		id: 'load-options',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: types.nodeTypes,
	});
	const workflowData = {
		id: 'load-options',
		nodes: [node],
		connections: {},
	} as unknown as IWorkflowBase;
	const additionalData = createAdditionalData({
		hooks: new ExecutionLifecycleHooks('internal', 'load-options', workflowData),
		executionId: 'load-options',
		credentialsHelper,
	});
	additionalData.currentNodeParameters = request.parameters;
	const nodeType = types.nodeTypes.getByNameAndVersion(request.type, 1);
	return {
		context: new LoadOptionsContext(workflow, node, additionalData, request.path ?? 'parameters'),
		methods: nodeType.methods ?? {},
	};
}

/** A resource locator's list, as the editor's "From List" mode asks for it. */
export async function listSearch(
	request: LoadOptionsRequest & { method: string; filter?: string },
): Promise<INodeListSearchResult> {
	const { context, methods } = await contextFor(request);
	const method = methods.listSearch?.[request.method];
	if (!method) throw new Error(`${request.type} has no listSearch method ${request.method}`);
	return await method.call(context, request.filter);
}

/** A resource mapper's fields, as the editor asks for them. */
export async function resourceMapperFields(
	request: LoadOptionsRequest & { method: string },
): Promise<ResourceMapperFields> {
	const { context, methods } = await contextFor(request);
	const method = methods.resourceMapping?.[request.method];
	if (!method) throw new Error(`${request.type} has no resourceMapping method ${request.method}`);
	return await method.call(context);
}
