/** Workflows the end-to-end check imports into n8n, built from n8n's own nodes and this package's. */
import { randomUUID } from 'crypto';

export const PACKAGE = 'n8n-nodes-liveperson';
export const LP_TYPE = `${PACKAGE}.livePersonConnector`;
export const CREDENTIAL_TYPE = 'livePersonConnectorApi';

export interface CredentialRef {
	id: string;
	name: string;
}

type Node = Record<string, any>;
type Connections = Record<
	string,
	{ main: Array<Array<{ node: string; type: 'main'; index: number }>> }
>;

export interface WorkflowJson {
	name: string;
	nodes: Node[];
	connections: Connections;
	pinData?: Record<string, Array<{ json: Record<string, unknown> }>>;
	settings: Record<string, unknown>;
	active?: boolean;
}

let x = 0;
function position(): [number, number] {
	x += 240;
	return [x, 0];
}

export function manualTrigger(name = 'Start'): Node {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: position(),
		parameters: {},
	};
}

export function noOp(name: string): Node {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: position(),
		parameters: {},
	};
}

export function lpNode(
	name: string,
	credential: CredentialRef,
	parameters: Record<string, unknown>,
	settings: Record<string, unknown> = {},
): Node {
	return {
		id: randomUUID(),
		name,
		type: LP_TYPE,
		typeVersion: 1,
		position: position(),
		parameters: { resource: 'conversation', ...parameters },
		credentials: { [CREDENTIAL_TYPE]: credential },
		...settings,
	};
}

/** Edit Fields (Set) keeping the conversation id: the "downstream node" that uses the output. */
export function recordConversation(name: string): Node {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: position(),
		parameters: {
			assignments: {
				assignments: [
					{
						id: randomUUID(),
						name: 'contactId',
						value: '={{ $json.ext_consumer_id }}',
						type: 'string',
					},
					{
						id: randomUUID(),
						name: 'liveperson_conversation_id',
						value: '={{ $json.conversationId }}',
						type: 'string',
					},
				],
			},
			options: {},
		},
	};
}

export function webhookTrigger(name: string, path: string): Node {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: position(),
		webhookId: randomUUID(),
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'lastNode',
			responseData: 'allEntries',
			options: {},
		},
	};
}

export function splitOut(name: string, field: string): Node {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		position: position(),
		parameters: { fieldToSplitOut: field, options: {} },
	};
}

/** A straight line of nodes (each to the next, main output 0), plus extra connections. */
export function chain(
	name: string,
	nodes: Node[],
	extra: Array<[from: string, output: number, to: string]> = [],
): WorkflowJson {
	const connections: Connections = {};
	const connect = (from: string, output: number, to: string) => {
		connections[from] ??= { main: [] };
		const main = connections[from].main;
		while (main.length <= output) main.push([]);
		main[output].push({ node: to, type: 'main', index: 0 });
	};
	for (let i = 0; i + 1 < nodes.length; i++) connect(nodes[i].name, 0, nodes[i + 1].name);
	for (const [from, output, to] of extra) connect(from, output, to);
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

export function pin(
	workflow: WorkflowJson,
	nodeName: string,
	items: Array<Record<string, unknown>>,
): WorkflowJson {
	return {
		...workflow,
		pinData: { ...(workflow.pinData ?? {}), [nodeName]: items.map((json) => ({ json })) },
	};
}

/** Every LivePerson credential reference in an imported workflow pointed at `credential`. */
export function withCredential(workflow: WorkflowJson, credential: CredentialRef): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) =>
			node.credentials?.[CREDENTIAL_TYPE]
				? { ...node, credentials: { ...node.credentials, [CREDENTIAL_TYPE]: credential } }
				: node,
		),
	};
}

/** The nodes connected to `name`'s outputs. */
export function downstreamOf(workflow: WorkflowJson, name: string): string[] {
	return (workflow.connections[name]?.main ?? []).flat().map((c) => c.node);
}
