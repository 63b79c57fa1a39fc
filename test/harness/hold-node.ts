// `n8n-nodes-harness.hold`: passes its items on once the test opens its gate, so a test can show
// what happened while a workflow was still running (e.g. that a webhook was answered before it ended).
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

export const HOLD_TYPE = 'n8n-nodes-harness.hold';

const gates = new Map<string, { opened: Promise<void>; open: () => void }>();

function gateFor(name: string) {
	let gate = gates.get(name);
	if (!gate) {
		let open!: () => void;
		const opened = new Promise<void>((resolve) => (open = resolve));
		gate = { opened, open };
		gates.set(name, gate);
	}
	return gate;
}

/** The gate a Hold node with parameter `gate: name` waits for; open() lets every run through. */
export function holdGate(name: string): { open: () => void } {
	return { open: gateFor(name).open };
}

export class HarnessHold implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Hold (harness)',
		name: 'hold',
		group: ['organization'],
		version: 1,
		description: 'Passes its items on once the test opens the gate',
		defaults: { name: 'Hold' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Gate', name: 'gate', type: 'string', default: 'default' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { opened } = gateFor(this.getNodeParameter('gate', 0) as string);
		const signal = this.getExecutionCancelSignal();
		await new Promise<void>((resolve, reject) => {
			const onAbort = () =>
				reject(new NodeOperationError(this.getNode(), 'Cancelled while holding'));
			if (signal?.aborted) return onAbort();
			signal?.addEventListener('abort', onAbort, { once: true });
			void opened.then(() => {
				signal?.removeEventListener('abort', onAbort);
				resolve();
			});
		});
		return [this.getInputData()];
	}
}
