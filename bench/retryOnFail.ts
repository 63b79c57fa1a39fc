/**
 * npm run bench:retry-on-fail [-- --executions 25 --items 1000 --runs 3 --package-dir <built checkout>]
 *
 * What n8n's Retry On Fail costs and guarantees, in n8n-core's engine against the emulator:
 * 1. `--executions` executions at once, each sending two messages into its own conversation with
 *    Retry On Fail on, the second message refused once with a 429 (Rate Limit Retries 0, so n8n's
 *    retry takes over): how often each message was sent and how many reached the customer twice.
 * 2. `--runs` finished runs of `--items` creates each with Retry On Fail on: the heap the node still
 *    holds afterwards (after a full GC, against the heap before the runs).
 * `--package-dir` runs another build of the package (e.g. an older commit) with the same script.
 */
import * as path from 'path';

process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_USER_FOLDER ??= path.join(__dirname, '..', '.n8n-test');
process.env.N8N_RUNNERS_ENABLED ??= 'false';

import type { IDataObject, INode } from 'n8n-workflow';

import {
	decodeJwtPayload,
	startEmulator,
	type Emulator,
	type RecordedRequest,
} from '../emulator/src';
import { REPO_ROOT, runWorkflow } from '../test/harness';

function argument(name: string, fallback: string): string {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : process.argv[index + 1];
}

const packageDir = path.resolve(argument('package-dir', REPO_ROOT));
const CREDENTIAL = { id: 'lp-1', name: 'LivePerson account' };

function workflow(parameters: IDataObject, waitBetweenTries: number) {
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
			name: 'LivePerson',
			type: 'n8n-nodes-liveperson.livePersonConnector',
			typeVersion: 1,
			position: [240, 0],
			parameters: { resource: 'conversation', ...parameters },
			credentials: { livePersonConnectorApi: CREDENTIAL },
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries,
		},
	];
	const connections = { Start: { main: [[{ node: 'LivePerson', type: 'main', index: 0 }]] } };
	return { nodes, connections: connections as never };
}

function credential(emulator: Emulator) {
	return {
		livePersonConnectorApi: {
			...CREDENTIAL,
			data: {
				authentication: 'clientCredentials',
				accountId: emulator.accountId,
				clientId: emulator.clientId,
				clientSecret: emulator.clientSecret,
				csdsHost: emulator.baseUrl,
			},
		},
	};
}

const consumerOf = (request: RecordedRequest) =>
	decodeJwtPayload(request.headers['x-lp-on-behalf'] ?? '')?.ext_consumer_id as string | undefined;
const messageOf = (request: RecordedRequest) =>
	(((request.json ?? {}) as IDataObject).body as IDataObject | undefined)?.event &&
	((((request.json ?? {}) as IDataObject).body as IDataObject).event as IDataObject).message;

async function manyExecutions(emulator: Emulator, executions: number) {
	const contacts = Array.from({ length: executions }, (_, i) => `retry-load-${i}`);
	const conversations: string[] = [];
	for (const contactId of contacts) {
		const result = await runWorkflow(
			workflow({ operation: 'createWithSdes', consumerId: '={{ $json.contactId }}' }, 0),
			{ credentials: credential(emulator), input: [{ contactId }], packageDir },
		);
		conversations.push(result.jsonOf('LivePerson')[0].conversationId as string);
	}
	const refused = new Set<string>();
	emulator.faults.add({
		on: 'send',
		times: Infinity,
		match: (r) => {
			const consumer = consumerOf(r) ?? '';
			if (messageOf(r) !== 'second' || refused.has(consumer)) return false;
			refused.add(consumer);
			return true;
		},
		action: { type: 'status', status: 429, headers: { 'Retry-After': '0' }, body: {} },
	});
	const results = await Promise.all(
		contacts.map((contactId, i) =>
			runWorkflow(
				workflow(
					{
						operation: 'sendMessage',
						consumerId: '={{ $json.contactId }}',
						conversationId: '={{ $json.conversationId }}',
						message: '={{ $json.text }}',
						options: { concurrency: 1, rateLimitRetries: 0 },
					},
					200,
				),
				{
					credentials: credential(emulator),
					input: ['first', 'second'].map((text) => ({
						contactId,
						conversationId: conversations[i],
						text,
					})),
					packageDir,
				},
			),
		),
	);
	const delivered = contacts.map(
		(contactId) =>
			emulator.state.conversations().find((c) => c.extConsumerId === contactId)?.messages ?? [],
	);
	const sends = emulator.requestsTo('send');
	return {
		executions,
		succeeded: results.filter((r) => r.status === 'success').length,
		firstMessageSends: sends.filter((r) => messageOf(r) === 'first').length,
		secondMessageSends: sends.filter((r) => messageOf(r) === 'second').length,
		customersWithADuplicate: delivered.filter(
			(messages) => messages.filter((m) => m.event.message === 'first').length > 1,
		).length,
	};
}

function heapMb(): number {
	(global as { gc?: () => void }).gc?.();
	(global as { gc?: () => void }).gc?.();
	return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function finishedRuns(emulator: Emulator, runs: number, items: number) {
	// A first small run loads everything the engine and the node load once.
	await runWorkflow(
		workflow({ operation: 'createWithSdes', consumerId: '={{ $json.contactId }}' }, 0),
		{ credentials: credential(emulator), input: [{ contactId: 'warm-up' }], packageDir },
	);
	emulator.reset();
	const before = heapMb();
	for (let run = 0; run < runs; run++) {
		const result = await runWorkflow(
			workflow({ operation: 'createWithSdes', consumerId: '={{ $json.contactId }}' }, 0),
			{
				credentials: credential(emulator),
				input: Array.from({ length: items }, (_, i) => ({ contactId: `finished-${run}-${i}` })),
				packageDir,
				timeoutMs: 300_000,
			},
		);
		if (result.status !== 'success') throw new Error(`run ${run} ended ${result.status}`);
		emulator.reset(); // the emulator's own state is not the node's
	}
	const after = heapMb();
	// The ConsumerJWS cache keeps every consumer's token by design (up to 10,000): without it, what
	// is left is what the node keeps for n8n's Retry On Fail.
	const transport = path.join(packageDir, 'dist', 'nodes', 'LivePersonConnector', 'transport');
	require(path.join(transport, 'consumer')).clearConsumerCache();
	const withoutTokens = heapMb();
	return {
		runs,
		items,
		heapBeforeMb: before.toFixed(1),
		heldMb: (after - before).toFixed(1),
		heldBesideConsumerTokensMb: (withoutTokens - before).toFixed(1),
	};
}

async function main() {
	if (!(global as { gc?: () => void }).gc)
		console.warn('(run with node --expose-gc for a heap figure after a full GC)');
	const emulator = await startEmulator();
	try {
		console.log(`Package: ${packageDir}`);
		console.table(await manyExecutions(emulator, Number(argument('executions', '25'))));
		emulator.reset();
		emulator.faults.clear();
		console.table(
			await finishedRuns(
				emulator,
				Number(argument('runs', '3')),
				Number(argument('items', '1000')),
			),
		);
	} finally {
		await emulator.close();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
