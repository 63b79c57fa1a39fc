import * as path from 'path';

import { startEmulator } from './emulator';
import { readWorkflowFile, runWorkflow } from './harness';

test('the importable example workflow opens a conversation and hands its id to the next node', async () => {
	const emulator = await startEmulator();
	try {
		const workflow = readWorkflowFile(path.join(__dirname, '..', 'examples', 'create-conversation-for-crm-contact.workflow.json'));
		const trigger = workflow.nodes[0].name;
		const sample = (workflow as unknown as { pinData: Record<string, Array<{ json: object }>> }).pinData[trigger];
		const result = await runWorkflow(workflow, {
			input: sample.map((item) => item.json) as never,
			credentials: {
				livePersonConnectorApi: {
					id: '1',
					name: 'LivePerson Connector API',
					data: {
						authentication: 'clientCredentials',
						accountId: emulator.accountId,
						clientId: emulator.clientId,
						clientSecret: emulator.clientSecret,
						csdsHost: emulator.baseUrl,
					},
				},
			},
		});

		expect(result.status).toBe('success');
		const [conversation] = emulator.state.conversations();
		expect(conversation.extConsumerId).toBe('crm-contact-4711');
		expect(conversation.messages.map((m) => m.event.message)).toEqual(["Hi, I'd like to talk about upgrading my plan."]);
		expect(result.jsonOf('Record Conversation on Contact')).toEqual([
			{
				contactId: 'crm-contact-4711',
				liveperson_conversation_id: conversation.conversationId,
				note: `LivePerson conversation ${conversation.conversationId} opened; first message is #0`,
			},
		]);
	} finally {
		await emulator.close();
	}
});
