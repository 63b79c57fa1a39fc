/**
 * The node under test: one execution of a Manual Trigger -> LivePerson Connector workflow in
 * n8n-core's WorkflowExecute (the test harness), with a Client Credentials credential.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { runWorkflow, type WorkflowDefinition } from '../test/harness';
import { BENCH_CUSTOMER_INFO, type BenchItem, type ClientOutcome, type RunSpec } from './spec';

export const NODE_NAME = 'LivePerson';

export function benchWorkflow(spec: Pick<RunSpec, 'workload' | 'concurrency'>): WorkflowDefinition {
	const options: INodeParameters = { concurrency: spec.concurrency };
	const parameters: INodeParameters = {
		resource: 'conversation',
		operation: 'createWithSdes',
		customerInfo: { ...BENCH_CUSTOMER_INFO },
		options,
	};
	if (spec.workload === 'perItemJws') options.consumerJws = '={{ $json.consumerJws }}';
	else parameters.consumerId = '={{ $json.contactId }}';
	const nodes: INode[] = [
		{
			id: 'start',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'lp',
			name: NODE_NAME,
			type: 'n8n-nodes-liveperson.livePersonConnector',
			typeVersion: 1,
			position: [240, 0],
			parameters,
			credentials: { livePersonConnectorApi: { id: 'bench-1', name: 'LivePerson (bench)' } },
			onError: 'continueRegularOutput',
		},
	];
	return {
		nodes,
		connections: { Start: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] } },
	};
}

export function benchCredential(
	spec: Pick<RunSpec, 'accountId' | 'clientId' | 'clientSecret' | 'baseUrl'>,
) {
	return {
		livePersonConnectorApi: {
			id: 'bench-1',
			name: 'LivePerson (bench)',
			data: {
				authentication: 'clientCredentials',
				accountId: spec.accountId,
				clientId: spec.clientId,
				clientSecret: spec.clientSecret,
				csdsHost: spec.baseUrl,
			},
		},
	};
}

/** Runs the items through the node; the output stays referenced until the caller drops it. */
export async function runNodeClient(
	spec: RunSpec,
	input: BenchItem[],
): Promise<ClientOutcome & { output: unknown }> {
	const result = await runWorkflow(benchWorkflow(spec), {
		credentials: benchCredential(spec),
		input: input as unknown as IDataObject[],
		packageDir: spec.packageDir,
		timeoutMs: 6 * 60 * 60 * 1000,
	});
	if (result.status !== 'success')
		throw new Error(`the execution ended ${result.status}: ${String(result.error)}`);
	const output = result.outputOf(NODE_NAME);
	const paired = new Set<number>();
	let succeeded = 0;
	let failed = 0;
	const errors: string[] = [];
	for (const item of output) {
		const pairedItem = item.pairedItem as { item: number } | undefined;
		if (pairedItem) paired.add(pairedItem.item);
		const json = item.json as IDataObject;
		if (typeof json.conversationId === 'string') succeeded++;
		else {
			failed++;
			if (errors.length < 3) errors.push(String(json.error ?? JSON.stringify(json).slice(0, 200)));
		}
	}
	return {
		outputItems: output.length,
		succeeded,
		failed,
		unpaired: input.length - paired.size,
		errors,
		output: result,
	};
}
