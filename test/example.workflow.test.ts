/**
 * The importable examples, run as shipped in n8n-core's engine against the emulator, clicked again
 * and again as a new user would: the contact -> conversation pairing lives in n8n's Data table (the
 * harness's in-memory stand-in, the same node and parameters), so every run works, and the two
 * CRM examples, run one after the other against the same LivePerson and the same table, never trip
 * over each other. The Proactive example sends its reminders twice.
 */
import type { IDataObject } from 'n8n-workflow';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

import { startEmulator, type Emulator } from '../emulator/src';
import { HarnessCredentialsHelper, WorkflowRunResult, dataTables, runWorkflow } from './harness';
import {
	EXAMPLE_CREDENTIAL,
	PROACTIVE_EXAMPLE_CREDENTIAL,
	clientCredential,
	proactiveCredential,
	readExample,
} from './support/workflows';

const TABLE = 'LivePerson conversations';
const CREATE_EXAMPLE = 'create-conversation-for-crm-contact.workflow.json';
const CRM_EXAMPLE = 'crm-contact-conversation.workflow.json';

/** One n8n: one credential store (the AppJWT minted first is reused) and one set of data tables. */
async function n8nAgainst(emulator: Emulator) {
	const credentialsHelper = await HarnessCredentialsHelper.create(
		clientCredential(emulator, {}, EXAMPLE_CREDENTIAL),
	);
	/** Clicks Execute on an example, with its pinned sample (optionally edited, as a user would). */
	return async (file: string, edit: (sample: IDataObject) => IDataObject = (s) => s) => {
		const { workflow, sample } = readExample(file);
		const result = await runWorkflow(workflow, { input: sample.map(edit), credentialsHelper });
		expect(result.status).toBe('success');
		return result;
	};
}

/** A node's items, `[]` when it did not run in this execution. */
const itemsOf = (result: WorkflowRunResult, node: string) =>
	result.taskDataOf(node).length > 0 ? result.jsonOf(node) : [];

const row = (contactId: string) => dataTables.rows(TABLE).filter((r) => r.contactId === contactId);

beforeEach(() => dataTables.reset());

describe('create-conversation-for-crm-contact, as imported', () => {
	const CONTACT = 'crm-contact-2002';

	test('the first click opens a conversation and records it in the data table; the next clicks find it there', async () => {
		const emulator = await startEmulator();
		try {
			const execute = await n8nAgainst(emulator);
			const first = await execute(CREATE_EXAMPLE);
			const [conversation] = emulator.state.conversations();
			expect(conversation.extConsumerId).toBe(CONTACT);
			expect(conversation.messages.map((m) => m.event.message)).toEqual([
				"Hi, I'd like to talk about upgrading my plan.",
			]);
			expect(first.jsonOf('Record Conversation on Contact')).toEqual([
				expect.objectContaining({
					contactId: CONTACT,
					conversationId: conversation.conversationId,
				}),
			]);

			for (let click = 2; click <= 3; click++) {
				const again = await execute(CREATE_EXAMPLE);
				expect(again.errorOutputOf('Open LivePerson Conversation')[0].json.details).toMatchObject({
					reason: 'consumerHasOpenConversation',
					conversationCreated: 'no',
				});
				expect(again.jsonOf('Find Recorded Conversation')).toEqual([
					expect.objectContaining({
						contactId: CONTACT,
						conversationId: conversation.conversationId,
					}),
				]);
				expect(itemsOf(again, 'Needs Attention')).toEqual([]);
			}
			expect(emulator.state.conversations()).toHaveLength(1);
			expect(row(CONTACT)).toHaveLength(1);

			// Once the agent has closed it, the next click opens a new one and records that.
			await emulator.agent.closeConversation(conversation.conversationId);
			const later = await execute(CREATE_EXAMPLE);
			const [{ conversationId: reopened }] = later.jsonOf('Open LivePerson Conversation');
			expect(reopened).not.toBe(conversation.conversationId);
			expect(row(CONTACT)).toEqual([expect.objectContaining({ conversationId: reopened })]);
		} finally {
			await emulator.close();
		}
	});

	test('any other failure goes to Needs Attention, with its reason', async () => {
		const emulator = await startEmulator();
		try {
			const execute = await n8nAgainst(emulator);
			const result = await execute(CREATE_EXAMPLE, (sample) => ({ ...sample, balance: 'lots' }));
			expect(result.jsonOf('Needs Attention')).toEqual([
				expect.objectContaining({
					details: expect.objectContaining({ reason: 'invalidInput', conversationCreated: 'no' }),
				}),
			]);
			expect(emulator.state.conversations()).toHaveLength(0);
			expect(row(CONTACT)).toEqual([]);
		} finally {
			await emulator.close();
		}
	});
});

describe('crm-contact-conversation, as imported: open, send into, close, as CRM events come in', () => {
	const CONTACT = 'crm-contact-4711';
	const resolved = (sample: IDataObject) => ({ ...sample, event: 'contact.resolved' });
	const saying = (message: string) => (sample: IDataObject) => ({ ...sample, message });
	const creates = (emulator: Emulator) => emulator.requestsTo('conversation').length;

	test('twice, resolve, resolve again, then again: one open conversation at a time, never a second create while one is open', async () => {
		const emulator = await startEmulator();
		try {
			const execute = await n8nAgainst(emulator);
			const first = await execute(CRM_EXAMPLE);
			const [{ conversationId: opened }] = first.jsonOf('Open Conversation');
			expect(emulator.state.conversation(String(opened))).toMatchObject({
				extConsumerId: CONTACT,
				state: 'OPEN',
			});
			expect(row(CONTACT)).toEqual([
				expect.objectContaining({ contactId: CONTACT, conversationId: opened }),
			]);

			// The second click talks in the conversation the table kept.
			const second = await execute(CRM_EXAMPLE, saying('It is a blue parcel.'));
			expect(second.jsonOf('Send into Conversation')[0]).toMatchObject({
				conversationId: opened,
				sequence: 1,
			});
			expect(itemsOf(second, 'Open Conversation')).toEqual([]);
			expect(creates(emulator)).toBe(1);

			const resolve = await execute(CRM_EXAMPLE, resolved);
			expect(resolve.jsonOf('Close Conversation')[0]).toMatchObject({ closed: true });
			expect(emulator.state.conversation(String(opened))?.state).toBe('CLOSE');
			expect(row(CONTACT)).toEqual([expect.objectContaining({ conversationId: '' })]);
			// Resolved again: nothing left to close, nothing sent.
			const requests = emulator.requests.length;
			await execute(CRM_EXAMPLE, resolved);
			expect(emulator.requests.slice(requests).filter((r) => r.endpoint !== 'control')).toEqual([]);

			const later = await execute(CRM_EXAMPLE, saying('Hello again'));
			const [{ conversationId: reopened }] = later.jsonOf('Open Conversation');
			expect(reopened).not.toBe(opened);
			expect(
				emulator.state.conversation(String(reopened))?.messages.map((m) => m.event.message),
			).toEqual(['Hello again']);
			expect(row(CONTACT)).toEqual([expect.objectContaining({ conversationId: reopened })]);
			expect(creates(emulator)).toBe(2);
			for (const result of [first, second, resolve, later])
				expect(itemsOf(result, 'Needs Attention')).toEqual([]);
		} finally {
			await emulator.close();
		}
	});

	test('the two examples, one after the other, against the same LivePerson and table: each keeps its own contact', async () => {
		const emulator = await startEmulator();
		try {
			const execute = await n8nAgainst(emulator);
			await execute(CREATE_EXAMPLE);
			await execute(CRM_EXAMPLE);
			await execute(CREATE_EXAMPLE);
			await execute(CRM_EXAMPLE);
			const open = emulator.state
				.conversations()
				.filter((c) => c.state === 'OPEN')
				.map((c) => c.extConsumerId)
				.sort();
			expect(open).toEqual(['crm-contact-2002', 'crm-contact-4711']);
			expect(dataTables.rows(TABLE).map((r) => r.contactId)).toEqual([
				'crm-contact-2002',
				'crm-contact-4711',
			]);
		} finally {
			await emulator.close();
		}
	});

	test('a conversation the agent closed meanwhile: the send is refused (conversationClosed) and a new one is opened and saved', async () => {
		const emulator = await startEmulator();
		try {
			const execute = await n8nAgainst(emulator);
			const [{ conversationId: opened }] = (await execute(CRM_EXAMPLE)).jsonOf('Open Conversation');
			await emulator.agent.closeConversation(String(opened));
			const later = await execute(CRM_EXAMPLE, saying('Anyone there?'));
			expect(later.errorOutputOf('Send into Conversation')[0].json.details).toMatchObject({
				reason: 'conversationClosed',
			});
			const [{ conversationId: reopened }] = later.jsonOf('Open Conversation');
			expect(reopened).not.toBe(opened);
			expect(row(CONTACT)).toEqual([expect.objectContaining({ conversationId: reopened })]);
		} finally {
			await emulator.close();
		}
	});

	test('a failure that is not a closed conversation goes to Needs Attention, never to a second create', async () => {
		const emulator = await startEmulator();
		try {
			const execute = await n8nAgainst(emulator);
			await execute(CRM_EXAMPLE);
			emulator.faults.add({ on: 'send', action: { type: 'status', status: 503 } });
			const result = await execute(CRM_EXAMPLE);
			expect(result.jsonOf('Needs Attention')[0].details).toMatchObject({
				reason: 'serverError',
				messageSent: 'unknown',
			});
			expect(creates(emulator)).toBe(1);
		} finally {
			await emulator.close();
		}
	});

	test('two events for a new contact at once: the one refused (consumerHasOpenConversation) sends into the conversation the other saved', async () => {
		const emulator = await startEmulator();
		try {
			const execute = await n8nAgainst(emulator);
			// The second create reaches LivePerson a moment later, after the first was answered and saved.
			emulator.faults.add({ on: 'conversation', nth: 2, action: { type: 'delay', ms: 500 } });
			const [a, b] = await Promise.all([
				execute(CRM_EXAMPLE, saying('First')),
				execute(CRM_EXAMPLE, saying('Second')),
			]);
			const [winner, loser] = a.jsonOf('Open Conversation').length > 0 ? [a, b] : [b, a];
			const [{ conversationId }] = winner.jsonOf('Open Conversation');
			expect(loser.errorOutputOf('Open Conversation')[0].json.details).toMatchObject({
				reason: 'consumerHasOpenConversation',
			});
			expect(loser.jsonOf('Send into Found Conversation')[0]).toMatchObject({ conversationId });
			expect(emulator.state.conversations()).toHaveLength(1);
			expect(emulator.state.conversation(String(conversationId))?.messages).toHaveLength(2);
		} finally {
			await emulator.close();
		}
	});

	test('LivePerson has an open conversation the table does not know: Needs Attention, no second conversation', async () => {
		const emulator = await startEmulator();
		try {
			const execute = await n8nAgainst(emulator);
			await execute(CRM_EXAMPLE);
			dataTables.reset();
			const result = await execute(CRM_EXAMPLE);
			expect(result.errorOutputOf('Open Conversation')[0].json.details).toMatchObject({
				reason: 'consumerHasOpenConversation',
			});
			expect(result.jsonOf('Needs Attention')).toHaveLength(1);
			expect(emulator.state.conversations()).toHaveLength(1);
		} finally {
			await emulator.close();
		}
	});
});

describe('the importable Proactive example: WhatsApp reminders, then their delivery status', () => {
	test('reminders go to the customers who agreed; their status comes back for the CRM; the others need attention; and again on a second click', async () => {
		const emulator = await startEmulator();
		try {
			const { workflow, sample } = readExample('appointment-reminder-whatsapp.workflow.json');
			const credentials = proactiveCredential(emulator, {}, PROACTIVE_EXAMPLE_CREDENTIAL);
			const result = await runWorkflow(workflow, { input: sample, credentials });

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

			// A second click sends the reminders again, as a new campaign, and reads their status.
			const again = await runWorkflow(workflow, { input: sample, credentials });
			expect(again.status).toBe('success');
			expect(emulator.proactive.campaigns()).toHaveLength(2);
			expect(again.jsonOf('Reminder Status for the CRM')).toHaveLength(2);
		} finally {
			await emulator.close();
		}
	}, 60_000);
});

describe('the examples as files', () => {
	const files = readdirSync(path.join(__dirname, '..', 'examples'))
		.filter((f) => f.endsWith('.workflow.json'))
		.sort();

	test.each(files)('%s: no two nodes overlap on the canvas', (file) => {
		const { workflow } = readExample(file);
		const overlapping: string[] = [];
		workflow.nodes.forEach((a, i) =>
			workflow.nodes.slice(i + 1).forEach((b) => {
				// A node is 100 x 100 on n8n's canvas, its name and subtitle below it.
				const [dx, dy] = [0, 1].map((k) => Math.abs(a.position[k] - b.position[k]));
				if (dx < 200 && dy < 160) overlapping.push(`${a.name} / ${b.name}`);
			}),
		);
		expect(overlapping).toEqual([]);
	});

	test.each(files)(
		'%s: every LivePerson action node routes its failures (error output connected)',
		(file) => {
			const { workflow } = readExample(file);
			const connections = workflow.connections as Record<string, { main: unknown[][] }>;
			const unrouted = workflow.nodes
				.filter((n) => n.type.startsWith('n8n-nodes-liveperson.') && !/Trigger$/.test(n.type))
				.filter((n) => n.onError !== 'continueErrorOutput' || !connections[n.name]?.main[1]?.length)
				.map((n) => n.name);
			expect(unrouted).toEqual([]);
		},
	);

	test.each([CREATE_EXAMPLE, CRM_EXAMPLE])(
		'%s: its table is created or reused, and its sample contact is its own',
		(file) => {
			const { workflow, sample } = readExample(file);
			const table = workflow.nodes.find((n) => n.name === 'Conversations Table');
			expect(table?.parameters).toMatchObject({
				resource: 'table',
				operation: 'create',
				tableName: TABLE,
				options: { createIfNotExists: true },
			});
			expect(JSON.stringify(sample)).toContain(
				file === CREATE_EXAMPLE ? 'crm-contact-2002' : 'crm-contact-4711',
			);
		},
	);
});
