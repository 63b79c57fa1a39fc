/**
 * The main job, offline: starts the LivePerson emulator, runs the example workflow in n8n's real
 * engine (n8n-core's WorkflowExecute) with a Client Credentials credential pointing at it, prints
 * the conversation it opened and what the emulator received, and stops the emulator.
 */
import * as path from 'path';

import { printableRecord, startEmulator } from '../test/emulator';
import { runWorkflow } from '../test/harness';
import { EXAMPLE_CREDENTIAL, clientCredential, readExample } from '../test/support/workflows';

process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_USER_FOLDER ??= path.join(__dirname, '..', '.n8n-test');
process.env.N8N_RUNNERS_ENABLED ??= 'false';

const EXAMPLE = 'create-conversation-for-crm-contact.workflow.json';
const LIVEPERSON_NODE = 'Open LivePerson Conversation';

async function main() {
	const emulator = await startEmulator();
	try {
		const { workflow, sample } = readExample(EXAMPLE);
		console.log(`LivePerson emulator on ${emulator.baseUrl} (account ${emulator.accountId})`);
		console.log(`Running examples/${EXAMPLE} in n8n's workflow engine (Client Credentials)…\n`);

		const result = await runWorkflow(workflow, {
			input: sample,
			credentials: clientCredential(emulator, {}, EXAMPLE_CREDENTIAL),
		});
		if (result.status !== 'success') {
			console.error(`The workflow failed: ${result.error?.message ?? result.status}`);
			process.exitCode = 1;
			return;
		}
		for (const item of result.jsonOf(LIVEPERSON_NODE)) {
			console.log(`conversationId: ${item.conversationId}`);
			console.log(`first message sequence: ${item.sequence}`);
			console.log(`consumer: ${item.ext_consumer_id} (LivePerson ${item.lp_consumer_id})`);
		}
		console.log(`\nThe next node received: ${JSON.stringify(result.jsonOf('Record Conversation on Contact')[0])}`);
		console.log('\nWhat the emulator received (tokens shortened):');
		for (const request of emulator.requests.map(printableRecord)) {
			const headers = ['authorization', 'x-lp-on-behalf']
				.filter((name) => request.headers[name])
				.map((name) => `${name}: ${request.headers[name]}`);
			console.log(`  ${request.method} ${request.path} -> HTTP ${request.status}  ${headers.join('  ')}`);
			if (request.endpoint === 'conversation' || request.endpoint === 'send') {
				console.log(indent(JSON.stringify(JSON.parse(request.rawBody), null, 2), 6));
				console.log(indent(`answer: ${request.responseBody}`, 6));
			}
		}
	} finally {
		await emulator.close();
	}
}

function indent(text: string, spaces: number) {
	return text
		.split('\n')
		.map((line) => ' '.repeat(spaces) + line)
		.join('\n');
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
