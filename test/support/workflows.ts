import type { IDataObject, INode } from 'n8n-workflow';

import * as path from 'path';

import type { Emulator } from '../../emulator/src';
import { readWorkflowFile, type WorkflowDefinition } from '../harness';

export const LP_NODE = 'LivePerson';
export const LP_TYPE = 'n8n-nodes-liveperson.livePersonConnector';
export const CREDENTIAL = { id: 'lp-1', name: 'LivePerson account' };

export interface LpNodeOptions {
	onError?: 'continueRegularOutput' | 'continueErrorOutput';
	/** n8n's own Retry On Fail: the engine re-runs the whole node, with all its items. */
	retryOnFail?: { maxTries: number; waitBetweenTries?: number };
	/** A node after the LivePerson node that reads its output, as a user's workflow would. */
	withConsumerOfOutput?: boolean;
}

function startNode(): INode {
	return {
		id: 'start',
		name: 'Start',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
}

/** A LivePerson Connector node, `column` places to the right of the start node, with the test credential. */
function lpNode(id: string, name: string, column: number, parameters: IDataObject): INode {
	return {
		id,
		name,
		type: LP_TYPE,
		typeVersion: 1,
		position: [240 * column, 0],
		parameters: { resource: 'conversation', ...parameters },
		credentials: { livePersonConnectorApi: CREDENTIAL },
	};
}

/** Start -> LivePerson Connector (-> a node using conversationId). */
export function lpWorkflow(parameters: IDataObject, options: LpNodeOptions = {}) {
	const nodes: INode[] = [
		startNode(),
		{
			...lpNode('lp', LP_NODE, 1, parameters),
			...(options.onError ? { onError: options.onError } : {}),
			...(options.retryOnFail
				? {
						retryOnFail: true,
						maxTries: options.retryOnFail.maxTries,
						waitBetweenTries: options.retryOnFail.waitBetweenTries ?? 0,
					}
				: {}),
		},
	];
	const connections: IDataObject = {
		Start: { main: [[{ node: LP_NODE, type: 'main', index: 0 }]] },
	};
	if (options.withConsumerOfOutput) {
		nodes.push({
			id: 'use',
			name: 'Use Conversation',
			type: 'n8n-nodes-harness.setFields',
			typeVersion: 1,
			position: [480, 0],
			parameters: {
				fields: {
					field: [{ name: 'link', value: '={{ "conversation:" + $json.conversationId }}' }],
				},
			},
		});
		connections[LP_NODE] = { main: [[{ node: 'Use Conversation', type: 'main', index: 0 }]] };
	}
	return { nodes, connections: connections as never };
}

export function staticCredential(emulator: Emulator, data: IDataObject = {}) {
	return {
		livePersonConnectorApi: {
			...CREDENTIAL,
			data: {
				authentication: 'staticTokens',
				accountId: emulator.accountId,
				domain: emulator.baseUrl,
				appJwt: emulator.mintAppJwt(),
				consumerJws: '',
				...data,
			},
		},
	};
}

export function clientCredential(
	emulator: Emulator,
	data: IDataObject = {},
	reference = CREDENTIAL,
) {
	return {
		livePersonConnectorApi: {
			...reference,
			data: {
				authentication: 'clientCredentials',
				accountId: emulator.accountId,
				clientId: emulator.clientId,
				clientSecret: emulator.clientSecret,
				csdsHost: emulator.baseUrl,
				...data,
			},
		},
	};
}

/** What the emulator received as CONVERSATION batches, ids removed (the seeds use other ids). */
export function receivedBatches(emulator: Emulator): IDataObject[][] {
	return emulator
		.requestsTo('conversation')
		.map((request) =>
			(JSON.parse(request.rawBody) as IDataObject[]).map(({ id: _id, ...rest }) => rest),
		);
}

/** The credential reference the importable examples carry. */
export const EXAMPLE_CREDENTIAL = { id: '1', name: 'LivePerson Connector API' };

/** An example workflow from examples/, and the sample items pinned on its trigger. */
export function readExample(file: string): { workflow: WorkflowDefinition; sample: IDataObject[] } {
	const workflow = readWorkflowFile(path.join(__dirname, '..', '..', 'examples', file));
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
	const pinned =
		(workflow as { pinData?: Record<string, Array<{ json: IDataObject }>> }).pinData ?? {};
	return {
		workflow,
		sample: (trigger ? (pinned[trigger.name] ?? []) : []).map((item) => item.json),
	};
}

/**
 * Start -> one LivePerson node per step, in a row, each named by its step (`name`), as a workflow
 * that lives with a conversation would chain them: later steps map `{{ $json.conversationId }}`.
 */
export function lpChain(steps: Array<IDataObject & { name: string }>) {
	const nodes: INode[] = [startNode()];
	const connections: IDataObject = {};
	let previous = 'Start';
	steps.forEach(({ name, ...parameters }, index) => {
		nodes.push(lpNode(`lp-${index}`, name, index + 1, parameters));
		connections[previous] = { main: [[{ node: name, type: 'main', index: 0 }]] };
		previous = name;
	});
	return { nodes, connections: connections as never };
}

export const PROACTIVE_NODE = 'Proactive';
export const PROACTIVE_TYPE = 'n8n-nodes-liveperson.livePersonProactiveMessaging';
export const PROACTIVE_CREDENTIAL = { id: 'lp-proactive-1', name: 'LivePerson Proactive' };

/** A Proactive Messaging credential for the emulator: its hosts are the emulator's (override). */
export function proactiveCredential(
	emulator: Emulator,
	data: IDataObject = {},
	reference = PROACTIVE_CREDENTIAL,
) {
	return {
		livePersonProactiveApi: {
			...reference,
			data: {
				accountId: emulator.accountId,
				clientId: emulator.proactive.clientId,
				clientSecret: emulator.proactive.clientSecret,
				csdsHost: emulator.baseUrl,
				overrideHosts: true,
				proactiveHost: emulator.baseUrl,
				handoffHost: emulator.baseUrl,
				...data,
			},
		},
	};
}

/** Start -> LivePerson Proactive Messaging, with the test credential. */
export function proactiveWorkflow(parameters: IDataObject, options: LpNodeOptions = {}) {
	const nodes: INode[] = [
		startNode(),
		{
			id: 'proactive',
			name: PROACTIVE_NODE,
			type: PROACTIVE_TYPE,
			typeVersion: 1,
			position: [240, 0],
			parameters: { resource: 'campaign', ...parameters },
			credentials: { livePersonProactiveApi: PROACTIVE_CREDENTIAL },
			...(options.onError ? { onError: options.onError } : {}),
			...(options.retryOnFail
				? {
						retryOnFail: true,
						maxTries: options.retryOnFail.maxTries,
						waitBetweenTries: options.retryOnFail.waitBetweenTries ?? 0,
					}
				: {}),
		},
	];
	const connections: IDataObject = {
		Start: { main: [[{ node: PROACTIVE_NODE, type: 'main', index: 0 }]] },
	};
	return { nodes, connections: connections as never };
}

/** The Proactive credential the examples reference. */
export const PROACTIVE_EXAMPLE_CREDENTIAL = { id: '2', name: 'LivePerson Proactive Messaging API' };
