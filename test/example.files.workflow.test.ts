/**
 * The importable example agent-file-to-crm, run in n8n-core against the emulator: an agent's picture
 * comes into the trigger, is downloaded and stored; a file that could not be downloaded is routed to
 * someone; when the conversation closes, its transcript is recorded on the CRM contact.
 */
import * as path from 'path';

import { startEmulator } from '../emulator/src';
import {
	clearWrittenFiles,
	readWorkflowFile,
	runWorkflow,
	startWebhookServer,
	writtenFiles,
	type WorkflowRunResult,
} from './harness';
import { clearNodeCaches } from './support/caches';
import { pngOf } from './support/files';
import { EXAMPLE_CREDENTIAL, LP_NODE, clientCredential, lpWorkflow } from './support/workflows';

/** What a node emitted in a run, or nothing when the run did not reach it. */
const outputOf = (run: WorkflowRunResult, node: string) =>
	run.taskDataOf(node).length ? run.jsonOf(node) : [];

test("an agent's picture is stored and logged, a failed download is routed, the closed conversation's transcript is recorded", async () => {
	const emulator = await startEmulator();
	clearNodeCaches();
	clearWrittenFiles();
	const credentials = clientCredential(emulator, {}, EXAMPLE_CREDENTIAL);
	const example = readWorkflowFile(
		path.join(__dirname, '..', 'examples', 'agent-file-to-crm.workflow.json'),
	);
	const crm = await startWebhookServer(example, { credentials });
	try {
		emulator.webhooks.register({
			url: crm.url('LivePerson Connector Trigger'),
			events: [
				'ms.MessagingEventNotification.ContentEvent',
				'cqm.ExConversationChangeNotification',
			],
		});
		const opened = await runWorkflow(
			lpWorkflow({
				operation: 'createAndSend',
				consumerId: 'crm-contact-4711',
				message: 'My parcel arrived damaged',
			}),
			{ credentials: clientCredential(emulator), input: [{}] },
		);
		const conversationId = opened.jsonOf(LP_NODE)[0].conversationId as string;

		await emulator.agent.sendMessage(
			conversationId,
			'Sorry to hear that. Here is the return label:',
		);
		const label = pngOf(1500);
		const { sequence } = await emulator.agent.sendFile(conversationId, {
			bytes: label,
			fileType: 'PNG',
			caption: 'Return label',
		});
		await crm.runs();
		// LivePerson still checking the next file: its storage answers 404 for now.
		emulator.storage.configure({ sanitationMs: 60_000 });
		const failed = await emulator.agent.sendFile(conversationId, {
			bytes: pngOf(100),
			fileType: 'PNG',
		});
		const files = await crm.runs();
		await emulator.agent.closeConversation(conversationId);
		const runs = await crm.runs();

		expect(runs.map((run) => run.status)).toEqual(['success', 'success', 'success', 'success']);
		expect(writtenFiles()).toEqual([
			{
				fileName: `/home/node/.n8n-files/liveperson/${conversationId}-${sequence}.png`,
				bytes: label,
				mimeType: 'image/png',
			},
		]);
		expect(files.flatMap((run) => outputOf(run, 'Record File on Contact'))).toEqual([
			{
				liveperson_conversation_id: conversationId,
				activity_type: 'agent_file',
				file: `/home/node/.n8n-files/liveperson/${conversationId}-${sequence}.png`,
				caption: 'Return label',
			},
		]);
		expect(files.flatMap((run) => outputOf(run, 'File Not Downloaded'))).toEqual([
			{
				liveperson_conversation_id: conversationId,
				relative_path: failed.relativePath,
				problem: expect.stringMatching(
					/^fileNotFound: LivePerson's file storage has no file at this path \(HTTP 404\)/,
				),
			},
		]);
		const [transcript] = runs.flatMap((run) => outputOf(run, 'Record Transcript on Contact'));
		expect(transcript).toEqual({
			contactId: 'crm-contact-4711',
			liveperson_conversation_id: conversationId,
			transcript: expect.any(String),
			message_count: 4,
		});
		expect(
			(transcript.transcript as string).split('\n').map((line) => line.replace(/^\[[^\]]+\] /, '')),
		).toEqual([
			'CONSUMER: My parcel arrived damaged',
			'ASSIGNED_AGENT: Sorry to hear that. Here is the return label:',
			expect.stringMatching(
				/^ASSIGNED_AGENT: \[file PNG "Return label": \/v1\/AUTH_async-images\//,
			),
			expect.stringMatching(/^ASSIGNED_AGENT: \[file PNG: \/v1\/AUTH_async-images\//),
		]);
	} finally {
		await crm.close();
		await emulator.close();
	}
});
