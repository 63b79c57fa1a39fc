import { faultPresets } from '../emulator/src';
import {
	call,
	emulatorForFile,
	hostedFileEvent,
	openConversation,
	PNG_1PX,
	restHeaders,
	send,
	signedPath,
	textEvent,
	uploadUrlRequest,
} from './support/lpHttp';

const emu = emulatorForFile();

const conversationPath = (id: string) => `/messaging/v1/conversations/${id}`;
const messagesPath = (id: string, dialogId = id, query = '') =>
	`/messaging/v1/conversations/${id}/dialogs/${dialogId}/messages${query}`;

async function getConversation(id: string, headers = restHeaders(emu)) {
	return call(emu, 'GET', conversationPath(id), undefined, headers);
}

describe('Messaging REST API: get conversation', () => {
	it('answers the conversation with its main dialog and an ETag', async () => {
		const id = await openConversation(emu);
		const r = await getConversation(id);
		expect(r.status).toBe(200);
		expect(r.headers.get('etag')).toMatch(/^"[0-9a-f]{20}"$/);
		expect(r.json).toEqual({
			id,
			conversationId: id,
			brandId: emu.accountId,
			channelType: 'MESSAGING',
			state: 'OPEN',
			stage: 'OPEN',
			createdTs: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			consumerId: emu.lpConsumerIdFor('crm-contact-4711'),
			participants: [{ id: emu.lpConsumerIdFor('crm-contact-4711'), role: 'CONSUMER' }],
			dialogs: [
				{
					id,
					dialogId: id,
					dialogType: 'MAIN',
					channelType: 'MESSAGING',
					state: 'OPEN',
					createdTs: expect.any(String),
				},
			],
		});
		expect(emu.requestsTo('restConversation')[0]).toMatchObject({
			method: 'GET',
			status: 200,
			processed: true,
			authForm: 'raw',
		});
	});

	it('changes the ETag on every update and keeps it while nothing changes', async () => {
		const id = await openConversation(emu);
		const tags: string[] = [];
		const tag = async () => (await getConversation(id)).headers.get('etag') as string;
		tags.push(await tag());
		expect(await tag()).toBe(tags[0]);
		await send(emu, textEvent(id, 'hello'));
		tags.push(await tag());
		await emu.agent.sendMessage(id, 'hi there');
		tags.push(await tag());
		await send(emu, {
			kind: 'req',
			id: 'p',
			type: 'userprofile.SetUserProfile',
			body: { firstName: 'Ada' },
		});
		tags.push(await tag());
		await emu.agent.closeConversation(id);
		tags.push(await tag());
		expect(new Set(tags).size).toBe(tags.length);
	});

	it('shows a post-conversation survey: state CLOSE with stage OPEN, then stage CLOSE', async () => {
		const id = await openConversation(emu);
		await emu.agent.sendMessage(id, 'bye');
		const { surveyDialogId } = await emu.agent.closeConversation(id, { postSurvey: true });
		const during = (await getConversation(id)).json;
		expect(during).toMatchObject({ state: 'CLOSE', stage: 'OPEN' });
		expect(during.dialogs).toEqual([
			expect.objectContaining({ id, dialogType: 'MAIN', state: 'CLOSE' }),
			expect.objectContaining({ id: surveyDialogId, dialogType: 'POST_SURVEY', state: 'OPEN' }),
		]);
		expect(during.participants).toContainEqual({ id: expect.any(String), role: 'ASSIGNED_AGENT' });
		await emu.agent.sendMessage(id, 'How did we do?', { inSurvey: true, role: 'CONTROLLER' });
		const survey = await call(
			emu,
			'GET',
			messagesPath(id, surveyDialogId),
			undefined,
			restHeaders(emu),
		);
		expect(survey.json.data).toEqual([
			expect.objectContaining({
				dialogId: surveyDialogId,
				sequence: 1,
				content: { text: 'How did we do?' },
				originator: { id: expect.any(String), role: 'CONTROLLER' },
			}),
		]);
		const main = await call(emu, 'GET', messagesPath(id), undefined, restHeaders(emu));
		expect(main.json.data.map((m: { sequence: number }) => m.sequence)).toEqual([0]);
		await emu.agent.closeSurvey(id);
		const after = (await getConversation(id)).json;
		expect(after).toMatchObject({ state: 'CLOSE', stage: 'CLOSE', closedBy: 'AGENT' });
		expect(after.dialogs[1].state).toBe('CLOSE');
	});
});

describe('Messaging REST API: headers and tokens', () => {
	it('takes the AppJWT raw and as Bearer, records the form, and can refuse either', async () => {
		const id = await openConversation(emu);
		const bearer = restHeaders(emu);
		bearer.Authorization = `Bearer ${bearer.Authorization}`;
		expect((await getConversation(id, bearer)).status).toBe(200);
		expect((await getConversation(id)).status).toBe(200);
		expect(emu.requestsTo('restConversation').map((r) => r.authForm)).toEqual(['bearer', 'raw']);

		emu.rest.configure({ auth: 'bearer' });
		const raw = await getConversation(id);
		expect(raw.status).toBe(401);
		expect(raw.json.body).toMatchObject({
			errorCode: 40102,
			details: expect.stringMatching(/Bearer/),
		});
		expect((await getConversation(id, bearer)).status).toBe(200);

		const set = await call(emu, 'POST', '/_emulator/rest', { auth: 'raw' });
		expect(set.json.auth).toBe('raw');
		expect((await getConversation(id, bearer)).status).toBe(401);
		expect((await getConversation(id)).status).toBe(200);
		expect((await call(emu, 'POST', '/_emulator/rest', { auth: 'jwt' })).status).toBe(400);
	});

	it.each([
		['no Authorization', { Authorization: null }, 401, 40105],
		['a token that is not an AppJWT', { Authorization: 'not-a-token' }, 401, 40102],
		['no LP-On-Behalf', { 'LP-On-Behalf': null }, 401, 40104],
		['an invalid ConsumerJWS', { 'LP-On-Behalf': 'x.y.z' }, 401, 40103],
		['no Brand-ID', { 'Brand-ID': null }, 400, undefined],
		['no Client-source', { 'Client-source': null }, 400, undefined],
		['another Brand-ID', { 'Brand-ID': '999' }, 403, undefined],
	])('answers %s as documented or inferred', async (_what, change, status, errorCode) => {
		const id = await openConversation(emu);
		const r = await getConversation(id, restHeaders(emu, 'crm-contact-4711', change));
		expect(r.status).toBe(status);
		if (errorCode) expect(r.json).toMatchObject({ kind: 'resp', code: 401, body: { errorCode } });
		else
			expect(r.json).toEqual({
				code: status,
				error: expect.any(String),
				message: expect.any(String),
			});
	});

	it('points a client that sends the SEND header name at LP-On-Behalf', async () => {
		const id = await openConversation(emu);
		const r = await getConversation(
			id,
			restHeaders(emu, 'crm-contact-4711', {
				'LP-On-Behalf': null,
				'X-LP-ON-BEHALF': emu.mintConsumerJws('crm-contact-4711'),
			}),
		);
		expect(r.json.body).toMatchObject({
			errorCode: 40104,
			details: expect.stringMatching(/X-LP-ON-BEHALF/),
		});
	});

	it('answers an expired AppJWT (and the expireToken fault) with 40102', async () => {
		const id = await openConversation(emu);
		const headers = restHeaders(emu);
		emu.expireAppJwts();
		expect((await getConversation(id, headers)).json.body.errorCode).toBe(40102);
		emu.faults.add(faultPresets.expiredToken('restMessages'));
		const r = await call(emu, 'GET', messagesPath(id), undefined, restHeaders(emu));
		expect(r.json.body.errorCode).toBe(40102);
		expect(emu.requestsTo('restMessages')[0].fault).toBe('expireToken');
	});

	it('shows a consumer only its own conversations (403) and 404 for unknown ones', async () => {
		const id = await openConversation(emu);
		const other = await getConversation(id, restHeaders(emu, 'someone-else'));
		expect(other.status).toBe(403);
		expect((await getConversation('nope')).status).toBe(404);
		expect(
			(await call(emu, 'GET', messagesPath(id), undefined, restHeaders(emu, 'someone-else')))
				.status,
		).toBe(403);
		expect(
			(await call(emu, 'GET', messagesPath(id, 'other-dialog'), undefined, restHeaders(emu)))
				.status,
		).toBe(404);
	});

	it('echoes Request-ID and needs none', async () => {
		const id = await openConversation(emu);
		const r = await getConversation(
			id,
			restHeaders(emu, 'crm-contact-4711', { 'Request-ID': 'req-42' }),
		);
		expect(r.headers.get('request-id')).toBe('req-42');
		expect((await getConversation(id)).headers.get('request-id')).toBeNull();
	});

	it('refuses other methods with 405', async () => {
		const id = await openConversation(emu);
		const r = await call(emu, 'POST', messagesPath(id), {}, restHeaders(emu));
		expect(r.status).toBe(405);
		expect(r.headers.get('allow')).toBe('GET');
	});
});

describe('Messaging REST API: messages', () => {
	it('reads back consumer text, agent and bot messages, private notes, structured content and files, without typing or receipts', async () => {
		const id = await openConversation(emu);
		const lp = emu.lpConsumerIdFor('crm-contact-4711');
		await send(emu, textEvent(id, 'I need help'));
		await send(emu, {
			kind: 'req',
			id: 'c',
			type: 'ms.PublishEvent',
			body: { dialogId: id, event: { type: 'ChatStateEvent', chatState: 'COMPOSING' } },
		});
		await emu.agent.sendMessage(id, 'Sure', { agentId: 'agent-1' });
		await emu.agent.sendMessage(id, 'internal: VIP', {
			agentId: 'agent-1',
			audience: 'AGENTS_AND_MANAGERS',
		});
		await emu.agent.sendMessage(id, 'I am a bot', { agentId: 'bot-7', role: 'CONTROLLER' });
		await emu.agent.setChatState(id, 'COMPOSING');
		await emu.agent.sendAcceptStatus(id, 'READ', [0]);
		await emu.agent.sendRichContent(id, { type: 'vertical', elements: [] });
		const url = (await send(emu, uploadUrlRequest(PNG_1PX.length, 'PNG'))).json.body;
		await call(emu, 'PUT', signedPath(url), PNG_1PX);
		await send(
			emu,
			hostedFileEvent(id, { caption: 'photo', relativePath: url.relativePath, fileType: 'PNG' }),
		);
		const agentFile = await emu.agent.sendFile(
			id,
			{ bytes: PNG_1PX, fileType: 'PNG', caption: 'form' },
			{ agentId: 'agent-1' },
		);

		const r = await call(emu, 'GET', messagesPath(id), undefined, restHeaders(emu));
		expect(r.status).toBe(200);
		const rows = r.json.data.map((m: any) => [
			m.sequence,
			m.type,
			m.originator.role,
			m.messageAudience,
			m.content,
		]);
		expect(rows).toEqual([
			[0, 'PLAIN_TEXT', 'CONSUMER', 'ALL', { text: 'I need help' }],
			[1, 'PLAIN_TEXT', 'ASSIGNED_AGENT', 'ALL', { text: 'Sure' }],
			[2, 'PLAIN_TEXT', 'ASSIGNED_AGENT', 'AGENTS_AND_MANAGERS', { text: 'internal: VIP' }],
			[3, 'PLAIN_TEXT', 'CONTROLLER', 'ALL', { text: 'I am a bot' }],
			[4, 'RICH_CONTENT', 'ASSIGNED_AGENT', 'ALL', { type: 'vertical', elements: [] }],
			[
				5,
				'HOSTED_FILE',
				'CONSUMER',
				'ALL',
				{ caption: 'photo', relativePath: url.relativePath, fileType: 'PNG' },
			],
			[
				6,
				'HOSTED_FILE',
				'ASSIGNED_AGENT',
				'ALL',
				{ caption: 'form', relativePath: agentFile.relativePath, fileType: 'PNG' },
			],
		]);
		expect(r.json.data[0]).toEqual({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			conversationId: id,
			dialogId: id,
			sequence: 0,
			type: 'PLAIN_TEXT',
			content: { text: 'I need help' },
			originator: { id: lp, role: 'CONSUMER' },
			createdTs: expect.stringMatching(/^\d{4}-/),
			messageAudience: 'ALL',
		});
		expect(r.json.data[1].originator).toEqual({ id: 'agent-1', role: 'ASSIGNED_AGENT' });
		expect(r.json.links).toEqual({ self: expect.stringContaining(messagesPath(id)) });

		emu.rest.configure({ privateNotes: 'hide' });
		const hidden = await call(emu, 'GET', messagesPath(id), undefined, restHeaders(emu));
		expect(hidden.json.data.map((m: any) => m.sequence)).toEqual([0, 1, 3, 4, 5, 6]);
	});

	it('pages through 120 messages with links.next (ASC, default limit 100)', async () => {
		const id = await openConversation(emu);
		for (let i = 0; i < 60; i++) {
			await send(emu, textEvent(id, `consumer ${i}`, `m-${i}`));
			await emu.agent.sendMessage(id, `agent ${i}`);
		}
		const seen: number[] = [];
		let next: string | undefined =
			emu.baseUrl + messagesPath(id, id, '?sortBy=sequence&sortOrder=ASC');
		const pages: number[] = [];
		while (next) {
			const r = await call(emu, 'GET', next.slice(emu.baseUrl.length), undefined, restHeaders(emu));
			expect(r.status).toBe(200);
			pages.push(r.json.data.length);
			seen.push(...r.json.data.map((m: any) => m.sequence));
			next = r.json.links.next;
		}
		expect(pages).toEqual([100, 20]);
		expect(seen).toEqual([...Array(120).keys()]);
		const byText = await call(
			emu,
			'GET',
			messagesPath(id, id, '?newerThanSequence=117'),
			undefined,
			restHeaders(emu),
		);
		expect(byText.json.data.map((m: any) => m.content.text)).toEqual(['consumer 59', 'agent 59']);
	});

	it('pages with a smaller limit, in both orders, and with newerThanSequence / olderThanSequence as exclusive bounds', async () => {
		const id = await openConversation(emu);
		await emu.agent.sendMessages(
			id,
			[...Array(12).keys()].map((i) => `m${i}`),
		);
		const get = async (q: string) =>
			(await call(emu, 'GET', messagesPath(id, id, q), undefined, restHeaders(emu))).json;
		const first = await get('?limit=5');
		expect(first.data.map((m: any) => m.sequence)).toEqual([0, 1, 2, 3, 4]);
		expect(new URL(first.links.next).searchParams.get('newerThanSequence')).toBe('4');
		expect((await get('?newerThanSequence=9')).data.map((m: any) => m.sequence)).toEqual([10, 11]);
		expect((await get('?newerThanSequence=-1&limit=1')).data.map((m: any) => m.sequence)).toEqual([
			0,
		]);
		const desc = await get('?sortOrder=DESC&limit=5');
		expect(desc.data.map((m: any) => m.sequence)).toEqual([11, 10, 9, 8, 7]);
		expect(new URL(desc.links.next).searchParams.get('olderThanSequence')).toBe('7');
		const rest = await get(new URL(desc.links.next).search);
		expect(rest.data.map((m: any) => m.sequence)).toEqual([6, 5, 4, 3, 2]);
		expect(
			(await get('?newerThanSequence=3&olderThanSequence=6')).data.map((m: any) => m.sequence),
		).toEqual([4, 5]);
		expect((await get('?newerThanSequence=11')).data).toEqual([]);
	});

	it.each([
		['limit=0'],
		['limit=101'],
		['limit=ten'],
		['sortBy=createdTs'],
		['sortOrder=UP'],
		['newerThanSequence=-2'],
	])('refuses %s with 400', async (q) => {
		const id = await openConversation(emu);
		const r = await call(emu, 'GET', messagesPath(id, id, `?${q}`), undefined, restHeaders(emu));
		expect(r.status).toBe(400);
	});
});

describe('Messaging REST API: close by PATCH', () => {
	it('needs If-Match (428), refuses a stale ETag (412), closes with the current one', async () => {
		const id = await openConversation(emu);
		const etag = (await getConversation(id)).headers.get('etag') as string;
		const patch = (headers: Record<string, string>, body: unknown = { stage: 'CLOSE' }) =>
			call(emu, 'PATCH', conversationPath(id), body, { ...restHeaders(emu), ...headers });
		expect((await patch({})).status).toBe(428);
		await send(emu, textEvent(id, 'one more'));
		const stale = await patch({ 'If-Match': etag });
		expect(stale.status).toBe(412);
		const fresh = stale.headers.get('etag') as string;
		expect(fresh).not.toBe(etag);
		expect((await patch({ 'If-Match': fresh }, { stage: 'OPEN' })).status).toBe(400);
		const closed = await patch({ 'If-Match': fresh });
		expect(closed.status).toBe(200);
		expect(closed.json).toMatchObject({ state: 'CLOSE', stage: 'CLOSE', closedBy: 'CONSUMER' });
		expect(emu.state.conversation(id)?.state).toBe('CLOSE');
		expect((await send(emu, textEvent(id, 'too late'))).json.body.msg).toBe(
			'Bad Request, Conversation is close',
		);
		const again = await patch({ 'If-Match': closed.headers.get('etag') as string });
		expect(again.status).toBe(400);
	});
});

describe('Messaging REST API: quotas and faults', () => {
	it('answers 429 over the per-brand quota until the window (test clock) passes', async () => {
		const id = await openConversation(emu);
		emu.rest.configure({ quota: { requests: 2, perSeconds: 1, retryAfter: 1 } });
		expect((await getConversation(id)).status).toBe(200);
		expect((await call(emu, 'GET', messagesPath(id), undefined, restHeaders(emu))).status).toBe(
			200,
		);
		const over = await getConversation(id);
		expect(over.status).toBe(429);
		expect(over.headers.get('retry-after')).toBe('1');
		emu.clock.advance(1001);
		expect((await getConversation(id)).status).toBe(200);
		emu.rest.configure({ quota: null });
		for (let i = 0; i < 5; i++) expect((await getConversation(id)).status).toBe(200);
	});

	it('applies status, drop, delay and raw faults to both endpoints, and a switched-off API answers 403', async () => {
		const id = await openConversation(emu);
		emu.faults.add(faultPresets.tooManyRequests('restMessages'));
		expect((await call(emu, 'GET', messagesPath(id), undefined, restHeaders(emu))).status).toBe(
			429,
		);
		emu.faults.add(faultPresets.drop('restConversation', 'before'));
		await expect(getConversation(id)).rejects.toThrow();
		emu.faults.add(faultPresets.htmlPage('restConversation', 502));
		expect((await getConversation(id)).status).toBe(502);
		emu.faults.add(faultPresets.delay('restConversation', 100));
		const t = Date.now();
		expect((await getConversation(id)).status).toBe(200);
		expect(Date.now() - t).toBeGreaterThanOrEqual(90);
		const added = await call(emu, 'POST', '/_emulator/faults', {
			on: 'restMessages',
			action: { type: 'status', status: 503 },
		});
		expect(added.status).toBe(200);
		expect((await call(emu, 'GET', messagesPath(id), undefined, restHeaders(emu))).status).toBe(
			503,
		);
		emu.rest.configure({ enabled: false });
		expect((await getConversation(id)).status).toBe(403);
	});
});
