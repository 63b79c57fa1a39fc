/**
 * The loop a CRM needs: a workflow opens a conversation with the Connector node, the agent replies
 * in LivePerson (the emulator), and the LivePerson Connector Trigger's workflow receives that reply for that
 * conversation. Both are the importable examples, run in n8n-core.
 */
import * as path from 'path';

import { runDemo } from '../../scripts/demo';
import { startEmulator } from '../../emulator/src';
import { readWorkflowFile, runWorkflow, startWebhookServer } from '../harness';
import { EXAMPLE_CREDENTIAL, clientCredential, readExample } from '../support/workflows';

const example = (file: string) =>
	readWorkflowFile(path.join(__dirname, '..', '..', 'examples', file));

test('open a conversation, the agent replies, the trigger workflow records the reply on that conversation', async () => {
	const emulator = await startEmulator();
	const credentials = clientCredential(emulator, {}, EXAMPLE_CREDENTIAL);
	const crm = await startWebhookServer(example('agent-reply-to-crm.workflow.json'), {
		credentials,
	});
	try {
		emulator.webhooks.register({
			url: crm.url('LivePerson Connector Trigger'),
			events: [
				'ms.MessagingEventNotification.ContentEvent',
				'cqm.ExConversationChangeNotification',
			],
		});
		const { workflow, sample } = readExample('create-conversation-for-crm-contact.workflow.json');
		const opened = await runWorkflow(workflow, { input: sample, credentials });
		const [{ conversationId }] = opened.jsonOf('Open LivePerson Conversation');

		await emulator.agent.sendMessage(String(conversationId), 'Sure, which plan?');
		await emulator.agent.sendMessage(String(conversationId), 'internal: upsell candidate', {
			audience: 'AGENTS_AND_MANAGERS',
		});
		await emulator.agent.closeConversation(String(conversationId));

		const runs = await crm.runs();
		expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
		expect(runs.flatMap((run) => run.jsonOf('Record on CRM Contact'))).toEqual([
			{
				liveperson_conversation_id: conversationId,
				activity_type: 'agent_reply',
				activity: 'Sure, which plan?',
				agent_id: expect.any(String),
				occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			},
			{
				liveperson_conversation_id: conversationId,
				activity_type: 'conversation_closed',
				activity: 'Closed (AGENT)',
				agent_id: '',
				occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			},
		]);
		expect(emulator.webhooks.deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
	} finally {
		await crm.close();
		await emulator.close();
	}
});

test('npm run demo: open, the agent replies, the trigger receives it, send again, close; and again against the same emulator', async () => {
	const emulator = await startEmulator();
	try {
		const lines: string[] = [];
		const first = await runDemo({
			emulator,
			log: (line) => lines.push(line),
			agentReply: 'Demo reply 🙂',
		});
		expect(first.replyReceived).toMatchObject({
			eventType: 'ContentEvent',
			text: 'Demo reply 🙂',
			conversationId: first.conversationId,
		});
		expect(first).toMatchObject({ secondMessageSequence: 2, closed: true });
		expect(lines.join('\n')).toContain(`conversationId: ${first.conversationId}`);

		const second = await runDemo({ emulator, log: () => undefined });
		expect(second.conversationId).not.toBe(first.conversationId);
		expect(second.closed).toBe(true);
		expect(emulator.state.conversations().map((c) => c.state)).toEqual(['CLOSE', 'CLOSE']);
	} finally {
		await emulator.close();
	}
});
