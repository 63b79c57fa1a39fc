/**
 * The main job, offline (npm run demo): the importable example workflows run in n8n's real engine
 * (n8n-core's WorkflowExecute) against the LivePerson emulator, with a Client Credentials credential:
 *
 *   1. a CRM event for a contact without a conversation: examples/crm-contact-conversation opens one;
 *   2. the agent replies in LivePerson: the signed webhook reaches examples/agent-reply-to-crm's
 *      LivePerson Connector Trigger, which records the reply on the contact;
 *   3. the contact writes again: the same example sends into the conversation it kept in its data
 *      table (n8n's Data table node; in the harness, its in-memory stand-in);
 *   4. the contact is resolved: the example closes the conversation.
 *
 * It ends with the conversation closed, so it runs again against the same emulator as often as you
 * like. `runDemo()` is exported for the test that does exactly that.
 */
import type { IDataObject } from 'n8n-workflow';
import * as path from 'path';

import { startEmulator, type Emulator } from '../emulator/src';
import {
	HarnessCredentialsHelper,
	dataTables,
	readWorkflowFile,
	runWorkflow,
	startWebhookServer,
} from '../test/harness';
import { EXAMPLE_CREDENTIAL, clientCredential, readExample } from '../test/support/workflows';

const LIFECYCLE_EXAMPLE = 'crm-contact-conversation.workflow.json';
const REPLY_EXAMPLE = 'agent-reply-to-crm.workflow.json';
const TRIGGER_NODE = 'LivePerson Connector Trigger';
const REPLY_RECORD_NODE = 'Record on CRM Contact';
/** The data table the lifecycle example keeps each contact's conversation in. */
const CONVERSATIONS_TABLE = 'LivePerson conversations';

export interface DemoResult {
	conversationId: string;
	/** The agent's reply as the LivePerson Connector Trigger received it. */
	replyReceived: IDataObject;
	/** The sequence of the contact's second message, sent into the same conversation. */
	secondMessageSequence: number;
	closed: boolean;
}

export interface DemoOptions {
	/** An emulator to run against (default: one started and stopped by the demo). */
	emulator?: Emulator;
	log?: (line: string) => void;
	agentReply?: string;
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
	process.env.N8N_LOG_LEVEL ??= 'silent';
	process.env.N8N_USER_FOLDER ??= path.join(__dirname, '..', '.n8n-test');
	process.env.N8N_RUNNERS_ENABLED ??= 'false';
	const log = options.log ?? ((line: string) => console.log(line));
	const agentReply =
		options.agentReply ??
		'Hi Jane, I am sorry about that! Your parcel left our warehouse this morning. 📦';
	const emulator = options.emulator ?? (await startEmulator());
	const credentials = clientCredential(emulator, {}, EXAMPLE_CREDENTIAL);
	const trigger = await startWebhookServer(
		readWorkflowFile(path.join(__dirname, '..', 'examples', REPLY_EXAMPLE)),
		{ credentials },
	);
	try {
		log(
			`LivePerson emulator on ${emulator.baseUrl} (account ${emulator.accountId}); n8n's workflow engine with Client Credentials.`,
		);
		const url = trigger.url(TRIGGER_NODE);
		emulator.webhooks.register({
			url,
			events: [
				'ms.MessagingEventNotification.ContentEvent',
				'cqm.ExConversationChangeNotification',
			],
		});
		log(`The LivePerson Connector Trigger of examples/${REPLY_EXAMPLE} listens at ${url}`);

		const { workflow, sample } = readExample(LIFECYCLE_EXAMPLE);
		const [pinned] = sample as Array<IDataObject & { contact: IDataObject }>;
		const contactId = String(pinned.contact.id);
		// One credential store for every execution, as in n8n: the AppJWT minted first is reused.
		const credentialsHelper = await HarnessCredentialsHelper.create(credentials);
		// The example's pinned CRM event, with another event type or message, as a user edits it.
		const crmEvent = async (event: string, message: string) => {
			const result = await runWorkflow(workflow, {
				input: [{ ...pinned, event, message }],
				credentialsHelper,
			});
			if (result.status !== 'success')
				throw new Error(
					`examples/${LIFECYCLE_EXAMPLE} failed: ${result.error?.message ?? result.status}`,
				);
			return result;
		};
		const storedFor = () =>
			dataTables.rows(CONVERSATIONS_TABLE).find((row) => row.contactId === contactId);

		log(
			`\n1. CRM event for ${contactId}, who has no conversation yet: examples/${LIFECYCLE_EXAMPLE}`,
		);
		const first = await crmEvent('contact.note', String(pinned.message));
		const [{ conversationId }] = first.jsonOf('Open Conversation') as Array<{
			conversationId: string;
		}>;
		log(`   conversationId: ${conversationId}`);
		log(
			`   saved in the data table "${CONVERSATIONS_TABLE}": ${JSON.stringify({ contactId, conversationId: storedFor()?.conversationId })}`,
		);

		log(`\n2. The agent replies in LivePerson: "${agentReply}"`);
		const { deliveries } = await emulator.agent.sendMessage(conversationId, agentReply);
		for (const d of deliveries)
			log(
				`   signed webhook ${d.eventType} answered HTTP ${d.status} in ${d.durationMs?.toFixed(1)} ms`,
			);
		const runs = await trigger.runs();
		const failed = runs.find((run) => run.status !== 'success');
		if (failed)
			throw new Error(`The trigger's workflow failed: ${failed.error?.message ?? failed.status}`);
		const replyReceived = runs
			.flatMap((run) => run.jsonOf(TRIGGER_NODE))
			.find((item) => item.conversationId === conversationId && item.text === agentReply);
		if (!replyReceived)
			throw new Error(
				"The LivePerson Connector Trigger did not receive the agent's reply for the conversation opened",
			);
		log(
			`   received by the LivePerson Connector Trigger: "${String(replyReceived.text)}" (conversation ${String(replyReceived.conversationId)}, sequence ${String(replyReceived.sequence)}, ${String(replyReceived.originatorRole)})`,
		);
		for (const record of runs.flatMap((run) => run.jsonOf(REPLY_RECORD_NODE)))
			log(`   recorded on the contact: ${JSON.stringify(record)}`);

		log(
			'\n3. The contact writes again: the same workflow sends into the conversation the table kept',
		);
		const second = await crmEvent('contact.note', 'Thanks! Can you send me the tracking number?');
		const [sent] = second.jsonOf('Send into Conversation') as Array<{
			conversationId: string;
			sequence: number;
		}>;
		if (sent?.conversationId !== conversationId)
			throw new Error('The second event did not go into the same conversation');
		log(`   sent into ${sent.conversationId} as message #${sent.sequence}`);

		log('\n4. The contact is resolved in the CRM: the workflow closes the conversation');
		const resolved = await crmEvent('contact.resolved', '');
		const [closing] = resolved.jsonOf('Close Conversation') as Array<{ closed: boolean }>;
		log(
			`   closed: ${String(closing?.closed)}; the conversation is ${emulator.state.conversation(conversationId)?.state}; the table keeps no conversation for ${contactId} any more`,
		);

		log('\nWhat the emulator received:');
		for (const request of emulator.requests.filter((r) => r.endpoint !== 'control')) {
			log(`   ${request.method} ${request.path} -> HTTP ${request.status}`);
		}
		return {
			conversationId,
			replyReceived,
			secondMessageSequence: sent.sequence,
			closed: closing?.closed === true,
		};
	} finally {
		await trigger.close();
		if (!options.emulator) await emulator.close();
	}
}

if (require.main === module) {
	runDemo().catch((error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exitCode = 1;
	});
}
