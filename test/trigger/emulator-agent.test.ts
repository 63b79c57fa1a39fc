/** The emulator's agent side as the trigger tests use it: every event kind, the survey, raw deliveries. */
import * as http from 'http';
import type { AddressInfo } from 'net';

import { startEmulator, webhookSignature, type Emulator } from '../../emulator/src';
import { ALL_WEBHOOK_EVENTS, openConversation } from './support';

let emu: Emulator;
let hook: http.Server;
let hookUrl: string;
let received: Array<{ headers: http.IncomingHttpHeaders; body: Buffer }>;

const changesOf = (i: number) => JSON.parse(received[i].body.toString('utf8')).body.changes;

beforeAll(async () => {
	emu = await startEmulator();
	hook = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			received.push({ headers: req.headers, body: Buffer.concat(chunks) });
			res.writeHead(201).end('ok');
		});
	});
	await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
	hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/lp`;
});
beforeEach(() => {
	emu.reset();
	received = [];
	emu.webhooks.register({ url: hookUrl, events: ALL_WEBHOOK_EVENTS });
});
afterAll(async () => {
	await emu.close();
	await new Promise((resolve) => hook.close(resolve));
});

test('typing has neither sequence nor server timestamp; read receipts and rich content have both', async () => {
	const id = await openConversation(emu);
	await emu.agent.setChatState(id, 'COMPOSING');
	await emu.agent.sendAcceptStatus(id, 'READ', [0]);
	await emu.agent.sendRichContent(id, {
		type: 'vertical',
		elements: [{ type: 'text', text: 'Pick one' }],
	});
	const [typing] = changesOf(0);
	expect(typing.event).toEqual({ type: 'ChatStateEvent', chatState: 'COMPOSING' });
	expect(typing).not.toHaveProperty('sequence');
	expect(typing).not.toHaveProperty('serverTimestamp');
	expect(changesOf(1)[0]).toMatchObject({
		sequence: 0,
		event: { type: 'AcceptStatusEvent', status: 'READ', sequenceList: [0] },
	});
	// Its number depends on whether the store counts rich content among content events.
	expect(changesOf(2)[0]).toMatchObject({
		sequence: expect.any(Number),
		event: { type: 'RichContentEvent' },
		messageAudience: 'ALL',
	});
	expect(emu.webhooks.deliveries.map((d) => d.eventType)).toEqual([
		'ms.MessagingEventNotification.ChatStateEvent',
		'ms.MessagingEventNotification.AcceptStatusEvent',
		'ms.MessagingEventNotification.RichContentEvent',
	]);
});

test('private notes, several changes in one notification, and the older dialogId-only shape', async () => {
	const id = await openConversation(emu);
	await emu.agent.sendMessage(id, 'internal: VIP', { audience: 'AGENTS_AND_MANAGERS' });
	const { sequences } = await emu.agent.sendMessages(id, ['one', 'two']);
	await emu.agent.sendMessage(id, 'old shape', { shape: 'dialogIdOnly' });
	expect(changesOf(0)[0].messageAudience).toBe('AGENTS_AND_MANAGERS');
	expect(sequences).toEqual([1, 2]);
	expect(changesOf(1).map((c: { event: { message: string } }) => c.event.message)).toEqual([
		'one',
		'two',
	]);
	expect(changesOf(2)[0]).not.toHaveProperty('conversationId');
	expect(changesOf(2)[0]).not.toHaveProperty('messageAudience');
	expect(changesOf(2)[0].dialogId).toBe(id);
});

test('a post-conversation survey: state CLOSE with stage OPEN, survey messages on their own dialog, then stage CLOSE', async () => {
	const id = await openConversation(emu);
	const { surveyDialogId } = await emu.agent.closeConversation(id, { postSurvey: true });
	await emu.agent.sendMessage(id, 'How did we do?', { inSurvey: true });
	await emu.agent.closeSurvey(id);
	const closed = changesOf(0)[0].result;
	expect(closed.convId).toBe(id);
	expect(closed.conversationDetails).toMatchObject({
		state: 'CLOSE',
		stage: 'OPEN',
		closeReason: 'AGENT',
	});
	expect(
		closed.conversationDetails.dialogs.map((d: { dialogType: string; state: string }) => [
			d.dialogType,
			d.state,
		]),
	).toEqual([
		['MAIN', 'CLOSE'],
		['POST_SURVEY', 'OPEN'],
	]);
	expect(changesOf(1)[0]).toMatchObject({ conversationId: id, dialogId: surveyDialogId });
	expect(surveyDialogId).not.toBe(id);
	expect(changesOf(2)[0].result.conversationDetails).toMatchObject({
		state: 'CLOSE',
		stage: 'CLOSE',
	});
	await expect(emu.agent.closeSurvey(id)).rejects.toThrow('no open survey');
});

test('raw deliveries: exact bytes, signed with another key or algorithm, or not at all', async () => {
	const bytes = Buffer.from(
		'{"kind":"notification","body":{"changes":[]}, "x": "caf\\u00e9 🙂"}',
		'utf8',
	);
	await emu.webhooks.deliver('ms.MessagingEventNotification.ContentEvent', bytes);
	await emu.webhooks.deliver('ms.MessagingEventNotification.ContentEvent', bytes, {
		signWith: 'other',
		algorithm: 'sha256',
	});
	await emu.webhooks.deliver('ms.MessagingEventNotification.ContentEvent', bytes, {
		signature: null,
		headers: { 'x-liveperson-client-id': null },
	});
	expect(received.every((r) => r.body.equals(bytes))).toBe(true);
	expect(received[0].headers['x-liveperson-signature']).toBe(
		webhookSignature(emu.clientSecret, bytes, 'sha1'),
	);
	expect(received[1].headers['x-liveperson-signature']).toBe(
		webhookSignature('other', bytes, 'sha256'),
	);
	expect(received[2].headers).not.toHaveProperty('x-liveperson-signature');
	expect(received[2].headers).not.toHaveProperty('x-liveperson-client-id');
	expect(
		emu.webhooks.deliveries.map((d) => [d.status, d.responseBody, typeof d.durationMs]),
	).toEqual([
		[201, 'ok', 'number'],
		[201, 'ok', 'number'],
		[201, 'ok', 'number'],
	]);
});

test('the new agent actions over HTTP', async () => {
	const id = await openConversation(emu);
	const post = async (path: string, body: object) => {
		const response = await fetch(`${emu.baseUrl}/_emulator/agent/${path}`, {
			method: 'POST',
			body: JSON.stringify(body),
		});
		return { status: response.status, json: (await response.json()) as Record<string, unknown> };
	};
	expect((await post('typing', { conversationId: id })).status).toBe(200);
	expect((await post('read', { conversationId: id, sequenceList: [0] })).json.sequence).toBe(0);
	expect(
		(
			await post('rich-content', {
				conversationId: id,
				content: { type: 'vertical', elements: [] },
			})
		).status,
	).toBe(200);
	expect(
		(await post('close', { conversationId: id, postSurvey: true })).json.surveyDialogId,
	).toEqual(expect.any(String));
	expect((await post('close-survey', { conversationId: id })).status).toBe(200);
	expect((await post('read', { conversationId: id })).status).toBe(400);
	expect(received).toHaveLength(5);
});
