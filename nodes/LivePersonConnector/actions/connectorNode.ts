import type { NodeDefinition } from '../../shared/actions/resource';
import { conversation } from './conversation/Conversation.resource';

/** The LivePerson Connector node over the shared kernel: its resources, from which its panel is derived. */
export const connectorNode: NodeDefinition = {
	displayName: 'LivePerson Connector',
	resources: [conversation],
};
