import type { NodeDefinition } from '../nodes/shared/actions/resource';
import { connectorNode } from '../nodes/LivePersonConnector/actions/connectorNode';
import { proactiveNode } from '../nodes/LivePersonProactiveMessaging/actions/proactiveNode';

/** The package's nodes built over the shared kernel, with the file their description lives in. */
export const NODES_OVER_THE_KERNEL: Array<{ file: string; node: NodeDefinition }> = [
	{ file: 'nodes/LivePersonConnector/LivePersonConnector.node.ts', node: connectorNode },
	{
		file: 'nodes/LivePersonProactiveMessaging/LivePersonProactiveMessaging.node.ts',
		node: proactiveNode,
	},
];
