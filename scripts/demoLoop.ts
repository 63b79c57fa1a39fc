/**
 * The whole loop, offline: a CRM workflow opens a LivePerson conversation with the Connector node,
 * the agent answers in the emulator, LivePerson's signed webhook reaches the LivePerson Trigger, and
 * the trigger's workflow records the reply (and the close) on the CRM contact.
 *
 *   npm run demo:loop        (or: ts-node --transpile-only scripts/demoLoop.ts, after npm run build)
 *
 * `runDemoLoop()` is exported for scripts/demo.ts.
 */
import type { IDataObject } from 'n8n-workflow';
import * as path from 'path';

import { startEmulator } from '../test/emulator';
import { readWorkflowFile, runWorkflow, startWebhookServer } from '../test/harness';
import { EXAMPLE_CREDENTIAL, clientCredential, readExample } from '../test/support/workflows';

const OPEN_EXAMPLE = 'create-conversation-for-crm-contact.workflow.json';
const REPLY_EXAMPLE = 'agent-reply-to-crm.workflow.json';
const OPENING_NODE = 'Open LivePerson Conversation';
const TRIGGER_NODE = 'LivePerson Trigger';
const CRM_NODE = 'Record on CRM Contact';

export interface DemoLoopResult {
	conversationId: string;
	/** What the agent wrote in LivePerson (the emulator). */
	agentReply: string;
	/** The items the LivePerson Trigger emitted, one run per webhook: the reply, then the close. */
	triggerItems: IDataObject[];
	/** What the CRM step of the trigger's workflow recorded. */
	crmRecords: IDataObject[];
}

export async function runDemoLoop(
	options: { log?: (line: string) => void; agentReply?: string } = {},
): Promise<DemoLoopResult> {
	process.env.N8N_LOG_LEVEL ??= 'silent';
	process.env.N8N_USER_FOLDER ??= path.join(__dirname, '..', '.n8n-test');
	process.env.N8N_RUNNERS_ENABLED ??= 'false';
	const log = options.log ?? ((line: string) => console.log(line));
	const agentReply = options.agentReply ?? 'Hi Jane, happy to help with your upgrade! Which plan are you looking at? 🙂';

	const emulator = await startEmulator();
	const credentials = clientCredential(emulator, {}, EXAMPLE_CREDENTIAL);
	const trigger = await startWebhookServer(readWorkflowFile(path.join(__dirname, '..', 'examples', REPLY_EXAMPLE)), { credentials });
	try {
		log(`LivePerson emulator on ${emulator.baseUrl} (account ${emulator.accountId})`);
		const url = trigger.url(TRIGGER_NODE);
		emulator.webhooks.register({ url, events: ['ms.MessagingEventNotification.ContentEvent', 'cqm.ExConversationChangeNotification'] });
		log(`\n1. examples/${REPLY_EXAMPLE} listens at\n   ${url}\n   (registered in the emulator for ContentEvent and conversation changes, as an admin does in the Connector App Hub)`);

		const { workflow, sample } = readExample(OPEN_EXAMPLE);
		const opened = await runWorkflow(workflow, { input: sample, credentials });
		if (opened.status !== 'success') throw new Error(`Opening the conversation failed: ${opened.error?.message ?? opened.status}`);
		const [{ conversationId }] = opened.jsonOf(OPENING_NODE) as Array<{ conversationId: string }>;
		log(`\n2. examples/${OPEN_EXAMPLE} opened conversation ${conversationId} for ${String(sample[0]?.contactId)}`);

		const { deliveries } = await emulator.agent.sendMessage(conversationId, agentReply);
		log(`\n3. The agent replies in LivePerson: "${agentReply}"`);
		for (const d of deliveries) log(`   webhook ${d.eventType}: answered HTTP ${d.status} in ${d.durationMs?.toFixed(1)} ms`);
		const closed = await emulator.agent.closeConversation(conversationId);
		log(`   then closes the conversation`);
		for (const d of closed.deliveries) log(`   webhook ${d.eventType}: answered HTTP ${d.status} in ${d.durationMs?.toFixed(1)} ms`);

		const runs = await trigger.runs();
		const failed = runs.find((run) => run.status !== 'success');
		if (failed) throw new Error(`The trigger's workflow failed: ${failed.error?.message ?? failed.status}`);
		const triggerItems = runs.flatMap((run) => run.jsonOf(TRIGGER_NODE));
		const crmRecords = runs.flatMap((run) => run.jsonOf(CRM_NODE));
		log(`\n4. Received by the LivePerson Trigger (${runs.length} workflow runs):`);
		for (const { rawChange: _raw, participants: _p, ...item } of triggerItems) log(`   ${JSON.stringify(item)}`);
		const reply = triggerItems.find((item) => item.eventType === 'ContentEvent');
		log(`   the agent's reply: "${String(reply?.text)}"`);
		log(`   same conversation as opened: ${reply?.conversationId === conversationId ? 'yes' : 'NO'}`);
		log(`\n5. Recorded on the CRM contact by "${CRM_NODE}":`);
		for (const record of crmRecords) log(`   ${JSON.stringify(record)}`);
		if (reply?.text !== agentReply || reply.conversationId !== conversationId) {
			throw new Error('The trigger did not receive the agent reply for the conversation opened');
		}
		return { conversationId, agentReply, triggerItems, crmRecords };
	} finally {
		await trigger.close();
		await emulator.close();
	}
}

if (require.main === module) {
	runDemoLoop().catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	});
}
