/**
 * Reading a conversation back (Get Conversation, Get Messages) through LivePerson's Messaging REST
 * API, in n8n's engine against the emulator: what the workflow gets, what LivePerson received, the
 * paging, the header form of the AppJWT, and each refusal.
 */
import type { IDataObject } from 'n8n-workflow';

import { decodeJwtPayload, faultPresets } from '../emulator/src';
import { runWorkflow } from './harness';
import { emulatorPerFile } from './support/emulatorPerFile';
import { LP_NODE, clientCredential, lpWorkflow, staticCredential } from './support/workflows';

const emulator = emulatorPerFile();

async function open(contactId: string, parameters: IDataObject = {}): Promise<string> {
	const result = await runWorkflow(
		lpWorkflow({
			operation: 'createAndSend',
			consumerId: '={{ $json.contactId }}',
			message: 'My order is late',
			...parameters,
		}),
		{ credentials: clientCredential(emulator), input: [{ contactId }] },
	);
	expect(result.status).toBe('success');
	return result.jsonOf(LP_NODE)[0].conversationId as string;
}

async function read(
	operation: 'getConversation' | 'getMessages',
	input: IDataObject[],
	parameters: IDataObject = {},
	options: {
		onError?: 'continueRegularOutput';
		credentials?: ReturnType<typeof clientCredential>;
	} = {},
) {
	return await runWorkflow(
		lpWorkflow(
			{
				operation,
				consumerId: '={{ $json.contactId }}',
				conversationId: '={{ $json.conversationId }}',
				...parameters,
			},
			options.onError ? { onError: options.onError } : {},
		),
		{ credentials: options.credentials ?? clientCredential(emulator), input },
	);
}

const restRequests = () =>
	emulator.requests.filter(
		(r) => r.endpoint === 'restConversation' || r.endpoint === 'restMessages',
	);

describe('Get Conversation', () => {
	test('state, stage, dialogs, participants, routing and times, as the consumer, with the documented headers', async () => {
		const conversationId = await open('reader-1', {
			operation: 'createWithCampaign',
			campaignId: '1234',
			engagementId: '5678',
			routing: { skillId: '42' },
		});
		await emulator.agent.sendMessage(conversationId, 'Hello, how can I help?', {
			agentId: 'agent-7',
		});
		const before = await read('getConversation', [{ contactId: 'reader-1', conversationId }]);
		expect(before.status).toBe('success');
		expect(before.outputOf(LP_NODE)[0].pairedItem).toEqual({ item: 0 });
		expect(before.jsonOf(LP_NODE)[0]).toEqual({
			conversationId,
			state: 'OPEN',
			stage: 'OPEN',
			createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			closedAt: null,
			closedBy: null,
			skillId: '42',
			campaignId: '1234',
			engagementId: '5678',
			participants: [
				{ id: emulator.lpConsumerIdFor('reader-1'), role: 'CONSUMER' },
				{ id: 'agent-7', role: 'ASSIGNED_AGENT' },
			],
			dialogs: [
				{
					dialogId: conversationId,
					dialogType: 'MAIN',
					state: 'OPEN',
					createdAt: expect.any(String),
					closedAt: null,
				},
			],
			ext_consumer_id: 'reader-1',
			lp_consumer_id: emulator.lpConsumerIdFor('reader-1'),
			livePersonResponse: expect.objectContaining({ id: conversationId }),
		});

		const [request] = emulator.requestsTo('restConversation');
		expect(request).toMatchObject({
			method: 'GET',
			path: `/messaging/v1/conversations/${conversationId}`,
			authForm: 'raw',
			status: 200,
		});
		expect(decodeJwtPayload(request.headers['lp-on-behalf'])?.ext_consumer_id).toBe('reader-1');
		expect(request.headers['brand-id']).toBe(emulator.accountId);
		expect(request.headers['client-source']).toBe('n8n-nodes-liveperson');
		expect(request.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);

		await emulator.agent.closeConversation(conversationId, { postSurvey: true });
		const closing = await read('getConversation', [{ contactId: 'reader-1', conversationId }]);
		expect(closing.jsonOf(LP_NODE)[0]).toMatchObject({ state: 'CLOSE', stage: 'OPEN' });
		expect((closing.jsonOf(LP_NODE)[0].dialogs as IDataObject[])[1]).toMatchObject({
			dialogType: 'POST_SURVEY',
			state: 'OPEN',
		});
		await emulator.agent.closeSurvey(conversationId);
		const closed = await read('getConversation', [{ contactId: 'reader-1', conversationId }]);
		expect(closed.jsonOf(LP_NODE)[0]).toMatchObject({
			state: 'CLOSE',
			stage: 'CLOSE',
			closedAt: expect.stringMatching(/^\d{4}-/),
			closedBy: 'AGENT',
		});
	});

	test("another consumer's conversation, an unknown one, and an account without the REST API: refused, read nothing, named", async () => {
		const conversationId = await open('owner-1');
		const result = await read(
			'getConversation',
			[
				{ contactId: 'someone-else', conversationId },
				{ contactId: 'owner-1', conversationId: 'no-such-conversation' },
				{ contactId: 'owner-1', conversationId },
			],
			{},
			{ onError: 'continueRegularOutput' },
		);
		const [other, unknown, own] = result.jsonOf(LP_NODE);
		expect(other.error).toMatch(/Messaging REST API refused the request \(HTTP 403\) \[item 0\]/);
		expect(other.details).toMatchObject({
			reason: 'refused',
			conversationRead: 'no',
			httpCode: '403',
			ext_consumer_id: 'someone-else',
		});
		expect((other.details as IDataObject).description).toMatch(/Consumer ID must be the one/);
		expect(unknown.details).toMatchObject({
			reason: 'conversationNotFound',
			conversationRead: 'no',
		});
		expect(own.conversationId).toBe(conversationId);

		emulator.rest.configure({ enabled: false });
		const disabled = await read(
			'getConversation',
			[{ contactId: 'owner-1', conversationId }],
			{},
			{ onError: 'continueRegularOutput' },
		);
		expect((disabled.jsonOf(LP_NODE)[0].details as IDataObject).description).toMatch(
			/early adoption/,
		);
	});

	test('an account whose REST API wants "Bearer <AppJWT>": refused raw once, then Bearer, remembered for the process', async () => {
		const conversationId = await open('bearer-1');
		emulator.rest.configure({ auth: 'bearer' });
		const input = [{ contactId: 'bearer-1', conversationId }];
		const first = await read('getConversation', input);
		expect(first.status).toBe('success');
		// raw (refused), the kernel's one re-mint and raw again (refused), then Bearer.
		expect(emulator.requestsTo('restConversation').map((r) => [r.authForm, r.status])).toEqual([
			['raw', 401],
			['raw', 401],
			['bearer', 200],
		]);
		const second = await read('getMessages', input);
		expect(second.status).toBe('success');
		expect(emulator.requestsTo('restMessages').map((r) => [r.authForm, r.status])).toEqual([
			['bearer', 200],
		]);
	});

	test('an account that wants the raw AppJWT, refusing Bearer, is served raw at once', async () => {
		const conversationId = await open('raw-1');
		emulator.rest.configure({ auth: 'raw' });
		const result = await read('getConversation', [{ contactId: 'raw-1', conversationId }]);
		expect(result.status).toBe('success');
		expect(restRequests().map((r) => r.authForm)).toEqual(['raw']);
	});

	test('an AppJWT LivePerson refuses as invalid (not for its form) fails as unauthorized after one re-mint, with no other form tried', async () => {
		const conversationId = await open('expired-1');
		emulator.faults.add(faultPresets.expiredToken('restConversation', { times: Infinity }));
		const result = await read(
			'getConversation',
			[{ contactId: 'expired-1', conversationId }],
			{},
			{ onError: 'continueRegularOutput' },
		);
		expect(result.jsonOf(LP_NODE)[0].details).toMatchObject({
			reason: 'unauthorized',
			conversationRead: 'no',
		});
		// The Connector body without a word on the header's form: the token, not the form, is wrong.
		expect(restRequests().map((r) => r.authForm)).toEqual(['raw', 'raw']);
	});

	test('Static Tokens: the REST domain comes from the credential, or the error names the field', async () => {
		const conversationId = await open('static-1');
		const consumerJws = emulator.mintConsumerJws('static-1');
		const input = [{ conversationId, consumerJws }];
		const parameters = { consumerId: '', options: { consumerJws: '={{ $json.consumerJws }}' } };
		const without = await read('getConversation', input, parameters, {
			onError: 'continueRegularOutput',
			credentials: staticCredential(emulator) as never,
		});
		expect(without.jsonOf(LP_NODE)[0]).toMatchObject({
			error: expect.stringMatching(/Messaging REST API Domain is empty/),
			details: { reason: 'invalidCredential', conversationRead: 'no' },
		});
		const withDomain = await read('getConversation', input, parameters, {
			credentials: staticCredential(emulator, { restDomain: emulator.baseUrl }) as never,
		});
		expect(withDomain.jsonOf(LP_NODE)[0]).toMatchObject({ conversationId, state: 'OPEN' });
	});
});

describe('Get Messages', () => {
	async function conversationWith(contactId: string, count: number): Promise<string> {
		const conversationId = await open(contactId);
		await emulator.agent.sendMessages(
			conversationId,
			Array.from({ length: count - 1 }, (_, i) => `agent ${i + 1}`),
		);
		return conversationId;
	}

	test('all 120 messages of a conversation in two pages, in order, with a transcript', async () => {
		const conversationId = await conversationWith('pages-1', 120);
		const result = await read('getMessages', [{ contactId: 'pages-1', conversationId }], {
			returnAll: true,
		});
		expect(result.status).toBe('success');
		const [output] = result.jsonOf(LP_NODE);
		const messages = output.messages as IDataObject[];
		expect(messages.map((m) => m.sequence)).toEqual([...Array(120).keys()]);
		expect(output.messageCount).toBe(120);
		expect(output.olderMessages).toBeUndefined();
		expect(messages[0]).toEqual({
			sequence: 0,
			dialogId: conversationId,
			type: 'PLAIN_TEXT',
			text: 'My order is late',
			originatorId: emulator.lpConsumerIdFor('pages-1'),
			originatorRole: 'CONSUMER',
			audience: 'ALL',
			createdAt: expect.stringMatching(/^\d{4}-/),
			content: { text: 'My order is late' },
		});
		const lines = (output.transcript as string).split('\n');
		expect(lines).toHaveLength(120);
		expect(lines[0]).toMatch(/^\[\d{4}-[^\]]+\] CONSUMER: My order is late$/);
		expect(lines[119]).toMatch(/ ASSIGNED_AGENT: agent 119$/);
		// The request count the README gives: two pages of at most 100.
		expect(
			emulator.requestsTo('restMessages').map((r) => [r.query.limit, r.query.newerThanSequence]),
		).toEqual([
			['100', undefined],
			['100', '99'],
		]);
	});

	test('the last N messages: one page for N up to 100, pages downwards beyond, oldest first', async () => {
		const conversationId = await conversationWith('last-1', 120);
		const input = [{ contactId: 'last-1', conversationId }];
		const five = (await read('getMessages', input, { limit: 5 })).jsonOf(LP_NODE)[0];
		expect((five.messages as IDataObject[]).map((m) => m.sequence)).toEqual([
			115, 116, 117, 118, 119,
		]);
		expect(five.olderMessages).toBe(true);
		expect(emulator.requestsTo('restMessages').map((r) => r.query)).toEqual([
			{ sortBy: 'sequence', sortOrder: 'DESC', limit: '5' },
		]);
		emulator.reset();
		const conversation2 = await conversationWith('last-2', 120);
		const many = (
			await read('getMessages', [{ contactId: 'last-2', conversationId: conversation2 }], {
				limit: 150,
			})
		).jsonOf(LP_NODE)[0];
		expect((many.messages as IDataObject[]).map((m) => m.sequence)).toEqual([...Array(120).keys()]);
		expect(many.olderMessages).toBe(false);
		expect(emulator.requestsTo('restMessages').map((r) => r.query.olderThanSequence)).toEqual([
			undefined,
			'20',
		]);
	});

	test('agents, bots, files and structured content are listed; typing and receipts are not; private notes only when asked', async () => {
		const conversationId = await open('kinds-1');
		await emulator.agent.sendMessage(conversationId, 'Sure', { agentId: 'agent-1' });
		await emulator.agent.sendMessage(conversationId, 'internal: VIP', {
			agentId: 'agent-1',
			audience: 'AGENTS_AND_MANAGERS',
		});
		await emulator.agent.sendMessage(conversationId, 'I am a bot', {
			agentId: 'bot-7',
			role: 'CONTROLLER',
		});
		await emulator.agent.setChatState(conversationId, 'COMPOSING');
		await emulator.agent.sendAcceptStatus(conversationId, 'READ', [0]);
		await emulator.agent.sendRichContent(conversationId, { type: 'vertical', elements: [] });
		const file = await emulator.agent.sendFile(
			conversationId,
			{ bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), fileType: 'JPEG', caption: 'form' },
			{ agentId: 'agent-1' },
		);
		const input = [{ contactId: 'kinds-1', conversationId }];
		const plain = (await read('getMessages', input, { returnAll: true })).jsonOf(LP_NODE)[0];
		const rows = (plain.messages as IDataObject[]).map((m) => [
			m.sequence,
			m.type,
			m.originatorRole,
		]);
		expect(rows).toEqual([
			[0, 'PLAIN_TEXT', 'CONSUMER'],
			[1, 'PLAIN_TEXT', 'ASSIGNED_AGENT'],
			[3, 'PLAIN_TEXT', 'CONTROLLER'],
			[4, 'RICH_CONTENT', 'ASSIGNED_AGENT'],
			[5, 'HOSTED_FILE', 'ASSIGNED_AGENT'],
		]);
		expect((plain.messages as IDataObject[])[4]).toMatchObject({
			text: null,
			file: { relativePath: file.relativePath, fileType: 'JPEG', caption: 'form' },
		});
		expect((plain.transcript as string).split('\n').slice(3)).toEqual([
			expect.stringMatching(/ ASSIGNED_AGENT: \[rich content\]$/),
			expect.stringMatching(/ ASSIGNED_AGENT: \[file JPEG "form": \/v1\/AUTH_async-images\//),
		]);
		const withNotes = (
			await read('getMessages', input, { returnAll: true, options: { includePrivateNotes: true } })
		).jsonOf(LP_NODE)[0];
		expect((withNotes.messages as IDataObject[])[2]).toMatchObject({
			sequence: 2,
			audience: 'AGENTS_AND_MANAGERS',
		});
		expect(withNotes.transcript).toMatch(/ASSIGNED_AGENT \(private note\): internal: VIP/);
	});

	test("with survey dialogs: the survey's messages too, in sequence order (one more request)", async () => {
		const conversationId = await open('survey-1');
		await emulator.agent.sendMessage(conversationId, 'Bye');
		await emulator.agent.closeConversation(conversationId, { postSurvey: true });
		await emulator.agent.sendMessage(conversationId, 'How did we do?', {
			inSurvey: true,
			role: 'CONTROLLER',
		});
		const input = [{ contactId: 'survey-1', conversationId }];
		const main = (await read('getMessages', input, { returnAll: true })).jsonOf(LP_NODE)[0];
		expect((main.messages as IDataObject[]).map((m) => m.text)).toEqual([
			'My order is late',
			'Bye',
		]);
		const all = (
			await read('getMessages', input, { returnAll: true, options: { includeSurveys: true } })
		).jsonOf(LP_NODE)[0];
		expect(
			(all.messages as IDataObject[]).map((m) => [m.text, m.dialogId === conversationId]),
		).toEqual([
			['My order is late', true],
			['Bye', true],
			['How did we do?', false],
		]);
	});

	test('beyond 10,000 messages Return All fails naming the field; Limit reads the most recent', async () => {
		const conversationId = await open('huge-1');
		await emulator.agent.sendMessages(
			conversationId,
			Array.from({ length: 10_000 }, (_, i) => `m${i}`),
		);
		const input = [{ contactId: 'huge-1', conversationId }];
		const all = await read(
			'getMessages',
			input,
			{ returnAll: true },
			{ onError: 'continueRegularOutput' },
		);
		expect(all.jsonOf(LP_NODE)[0]).toMatchObject({
			error: expect.stringMatching(/has more than 10,000 messages \[item 0\]/),
			details: { reason: 'invalidInput', field: 'Return All', messagesRead: 'no' },
		});
		const last = (await read('getMessages', input, { limit: 3 })).jsonOf(LP_NODE)[0];
		expect((last.messages as IDataObject[]).map((m) => m.text)).toEqual([
			'm9997',
			'm9998',
			'm9999',
		]);
	});

	test('a page answered 503 is asked again; a page that never comes fails the item as not read', async () => {
		const conversationId = await conversationWith('faulty-1', 150);
		emulator.faults.add(faultPresets.serverError('restMessages', 503, { nth: 2 }));
		const input = [{ contactId: 'faulty-1', conversationId }];
		const options = { serverErrorRetryInterval: 0 };
		const retried = await read('getMessages', input, { returnAll: true, options });
		expect(retried.jsonOf(LP_NODE)[0].messageCount).toBe(150);
		emulator.faults.add(faultPresets.serverError('restMessages', 503, { times: Infinity }));
		const failed = await read(
			'getMessages',
			input,
			{ returnAll: true, options },
			{ onError: 'continueRegularOutput' },
		);
		expect(failed.jsonOf(LP_NODE)[0].details).toMatchObject({
			reason: 'serverError',
			messagesRead: 'no',
		});
	});
});

describe('many executions at once', () => {
	test('twenty executions read their own conversations at once, one slow beside them: each gets its own messages', async () => {
		const contacts = Array.from({ length: 20 }, (_, i) => `many-${i}`);
		const conversations = await Promise.all(
			contacts.map(async (contactId) => {
				const id = await open(contactId, { message: `I am ${contactId}` });
				await emulator.agent.sendMessage(id, `Hello ${contactId}`);
				return id;
			}),
		);
		// The first execution's read waits 2 s; the others finish meanwhile.
		emulator.faults.add(
			faultPresets.delay('restMessages', 2000, {
				match: (r) =>
					decodeJwtPayload(r.headers['lp-on-behalf'] ?? '')?.ext_consumer_id === 'many-0',
			}),
		);
		const finished: string[] = [];
		const runs = await Promise.all(
			contacts.map(async (contactId, i) => {
				const result = await read('getMessages', [{ contactId, conversationId: conversations[i] }]);
				finished.push(contactId);
				return result;
			}),
		);
		expect(finished[finished.length - 1]).toBe('many-0');
		runs.forEach((result, i) => {
			expect(result.status).toBe('success');
			const [output] = result.jsonOf(LP_NODE);
			expect(output.conversationId).toBe(conversations[i]);
			expect((output.messages as IDataObject[]).map((m) => m.text)).toEqual([
				`I am ${contacts[i]}`,
				`Hello ${contacts[i]}`,
			]);
		});
	});
});
