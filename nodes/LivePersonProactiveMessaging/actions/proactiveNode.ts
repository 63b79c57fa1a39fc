import type { NodeDefinition } from '../../shared/actions/resource';
import { campaign } from './campaign/Campaign.resource';

/** The LivePerson Proactive Messaging node over the shared kernel: its resources. */
export const proactiveNode: NodeDefinition = {
	displayName: 'LivePerson Proactive Messaging',
	resources: [campaign],
};
