import type { IDataObject } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator/src';
import { runWorkflow } from './harness';
import {
	EXAMPLE_CREDENTIAL,
	PROACTIVE_EXAMPLE_CREDENTIAL,
	clientCredential,
	proactiveCredential,
	readExample,
} from './support/workflows';

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
		expect(conversation.messages.map((m) => m.event.message)).toEqual([
			"Hi, I'd like to talk about upgrading my plan.",
		]);
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

describe('the importable lifecycle example: open, send into, close, as CRM events come in', () => {
	const EXAMPLE = 'crm-contact-conversation.workflow.json';
	const SAVED = 'Save Conversation on Contact';

	/** Plays the CRM: runs the example for an event, with the conversation ID it keeps on the contact. */
	async function crmEvent(
		emulator: Emulator,
		event: string,
		stored: string,
		message = 'Any news?',
	) {
		const { workflow, sample } = readExample(EXAMPLE);
		const [pinned] = sample as Array<{ contact: IDataObject }>;
		const input = [
			{
				...pinned,
				event,
				message,
				contact: { ...pinned.contact, livepersonConversationId: stored },
			},
		];
		const result = await runWorkflow(workflow, {
			input,
			credentials: clientCredential(emulator, {}, EXAMPLE_CREDENTIAL),
		});
		expect(result.status).toBe('success');
		return result;
	}

	test("the second event for the contact sends into the first one's conversation; a resolution closes it; the next event opens a new one", async () => {
		const emulator = await startEmulator();
		try {
			const first = await crmEvent(
				emulator,
				'contact.note',
				'',
				'Hi, my order 4711 has not arrived yet.',
			);
			const [{ livepersonConversationId: opened }] = first.jsonOf(SAVED) as Array<{
				livepersonConversationId: string;
			}>;
			expect(emulator.state.conversation(opened)?.extConsumerId).toBe('crm-contact-4711');

			// Run twice in a row: the second time it talks in the conversation the CRM kept.
			const second = await crmEvent(emulator, 'contact.note', opened, 'It is a blue parcel.');
			expect(second.jsonOf(SAVED)).toEqual([
				{ contactId: 'crm-contact-4711', livepersonConversationId: opened },
			]);
			expect(second.jsonOf('Send into Conversation')[0]).toMatchObject({
				conversationId: opened,
				sequence: 1,
			});
			expect(emulator.state.conversations()).toHaveLength(1);

			const resolved = await crmEvent(emulator, 'contact.resolved', opened);
			expect(resolved.jsonOf('Clear Conversation on Contact')).toEqual([
				{ contactId: 'crm-contact-4711', livepersonConversationId: '' },
			]);
			expect(emulator.state.conversation(opened)?.state).toBe('CLOSE');
			expect(
				(await crmEvent(emulator, 'contact.resolved', opened)).jsonOf('Close Conversation')[0],
			).toMatchObject({ alreadyClosed: true });

			// A CRM that still holds the closed conversation: LivePerson refuses, the error output opens a new one.
			const later = await crmEvent(emulator, 'contact.note', opened, 'Hello again');
			const [{ livepersonConversationId: reopened }] = later.jsonOf(SAVED) as Array<{
				livepersonConversationId: string;
			}>;
			expect(reopened).not.toBe(opened);
			expect(later.errorOutputOf('Send into Conversation')[0].json.details).toMatchObject({
				reason: 'conversationClosed',
			});
			expect(emulator.state.conversation(reopened)?.messages.map((m) => m.event.message)).toEqual([
				'Hello again',
			]);
		} finally {
			await emulator.close();
		}
	});

	test('a failure that is not a closed conversation goes to Needs Attention, never to a second create', async () => {
		const emulator = await startEmulator();
		try {
			const [{ livepersonConversationId: opened }] = (
				await crmEvent(emulator, 'contact.note', '')
			).jsonOf(SAVED) as Array<{ livepersonConversationId: string }>;
			emulator.faults.add({ on: 'send', action: { type: 'status', status: 503 } });
			const result = await crmEvent(emulator, 'contact.note', opened);
			expect(result.jsonOf('Needs Attention')[0].details).toMatchObject({
				reason: 'serverError',
				messageSent: 'unknown',
			});
			expect(emulator.requestsTo('conversation')).toHaveLength(1);
		} finally {
			await emulator.close();
		}
	});
});

describe('the importable Proactive example: WhatsApp reminders, then their delivery status', () => {
	test('reminders go to the customers who agreed; their status comes back for the CRM; the others need attention', async () => {
		const emulator = await startEmulator();
		try {
			const { workflow, sample } = readExample('appointment-reminder-whatsapp.workflow.json');
			const result = await runWorkflow(workflow, {
				input: sample,
				credentials: proactiveCredential(emulator, {}, PROACTIVE_EXAMPLE_CREDENTIAL),
			});

			expect(result.status).toBe('success');
			const [campaign] = emulator.proactive.campaigns();
			expect(campaign.templateId).toBe('8888888888888');
			expect(campaign.recipients.map((r) => [r.phoneNumber, r.variables])).toEqual([
				['+14155550101', { '1': 'Ada', '2': '10:30' }],
				['+442079460018', { '1': 'Grace', '2': '14:00' }],
			]);
			expect(result.jsonOf('Reminder Status for the CRM')).toEqual([
				expect.objectContaining({
					appointmentId: 'apt-1001',
					reminderStatus: 'DELIVERED',
					customerReplied: false,
				}),
				expect.objectContaining({
					appointmentId: 'apt-1002',
					reminderStatus: 'DELIVERED',
					customerReplied: false,
				}),
			]);
			const [refused] = result.jsonOf('Needs Attention') as Array<{ details?: IDataObject }>;
			expect(refused.details).toMatchObject({ reason: 'invalidInput', field: 'Consent' });
		} finally {
			await emulator.close();
		}
	}, 30_000);
});
