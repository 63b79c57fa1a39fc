import { startEmulator } from './emulator';
import { runWorkflow } from './harness';
import { EXAMPLE_CREDENTIAL, clientCredential, readExample } from './support/workflows';

test('the importable example workflow opens a conversation and hands its id to the next node', async () => {
	const emulator = await startEmulator();
	try {
		const { workflow, sample } = readExample('create-conversation-for-crm-contact.workflow.json');
		const result = await runWorkflow(workflow, {
			input: sample,
			credentials: clientCredential(emulator, {}, EXAMPLE_CREDENTIAL),
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
