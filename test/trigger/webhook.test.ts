/**
 * The LivePerson Connector Trigger's webhook() in n8n-core (WebhookContext, then WorkflowExecute), called over
 * real HTTP on 127.0.0.1 with the emulator's raw bytes and signatures.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	startEmulator,
	webhookSignature,
	type Emulator,
	type RawDeliveryOptions,
} from '../../emulator/src';
import {
	HarnessCredentialsHelper,
	holdGate,
	startWebhookServer,
	type WebhookServer,
} from '../harness';
import { clientCredential } from '../support/workflows';
import {
	ALL_EVENTS,
	ALL_WEBHOOK_EVENTS,
	TRIGGER,
	openConversation,
	triggerWorkflow,
} from './support';

const CONTENT = 'ms.MessagingEventNotification.ContentEvent';
let emulator: Emulator;
const servers: WebhookServer[] = [];

beforeAll(async () => {
	emulator = await startEmulator();
});
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
	emulator.reset();
});
afterAll(async () => {
	await emulator.close();
});

/** A trigger workflow served over HTTP, its production URL registered in the emulator for every event type. */
async function serveTrigger(
	parameters: IDataObject = {},
	credentialData: IDataObject = {},
	options: { holdAt?: string; algorithm?: 'sha1' | 'sha256' } = {},
) {
	const server = await startWebhookServer(
		triggerWorkflow({ events: ALL_EVENTS, ...parameters } as never, options),
		{
			credentials: clientCredential(emulator, credentialData),
		},
	);
	servers.push(server);
	emulator.webhooks.clear();
	emulator.webhooks.register({
		url: server.url(TRIGGER),
		events: ALL_WEBHOOK_EVENTS,
		algorithm: options.algorithm,
	});
	return server;
}

/** Items the workflow received from each run, in call order (calls without a run are left out). */
async function receivedItems(s: WebhookServer): Promise<IDataObject[][]> {
	const runs = await s.runs();
	return runs.map((run) => run.jsonOf('Received'));
}

const notification = (changes: IDataObject[]) => ({
	kind: 'notification',
	type: 'ms.MessagingEventNotification',
	body: { changes },
});
const agentChange = (conversationId: string, message: string, sequence = 0): IDataObject => ({
	sequence,
	originatorId: 'agent-1',
	originatorMetadata: { id: 'agent-1', role: 'ASSIGNED_AGENT' },
	serverTimestamp: 1795435200000,
	event: { type: 'ContentEvent', message, contentType: 'text/plain' },
	conversationId,
	dialogId: conversationId,
	messageAudience: 'ALL',
});

describe('signature and sender checks, over HTTP', () => {
	const emojiBody = Buffer.from(
		JSON.stringify(notification([agentChange('c-1', 'Danke 🙂 Grüße 日本語')])),
		'utf8',
	);
	// Escapes and a number form that JSON.stringify(JSON.parse(x)) would rewrite.
	const escapedBody = Buffer.from(
		`{"kind":"notification","type":"ms.MessagingEventNotification","body":{"changes":[${JSON.stringify(agentChange('c-2', 'x')).replace('"x"', '"caf\\u00e9 \\ud83d\\ude42"').replace('"sequence":0', '"sequence":0.0')}]}}`,
		'utf8',
	);
	const reserialised = JSON.stringify(JSON.parse(escapedBody.toString('utf8')));

	const cases: Array<[string, Buffer, RawDeliveryOptions, number, string | undefined]> = [
		['sha1 over emoji and multi-byte text', emojiBody, {}, 200, 'Danke 🙂 Grüße 日本語'],
		[
			'sha256 over emoji and multi-byte text',
			emojiBody,
			{ algorithm: 'sha256' },
			200,
			'Danke 🙂 Grüße 日本語',
		],
		['a body JSON re-serialisation would change, signed as sent', escapedBody, {}, 200, 'café 🙂'],
		[
			'the signature of the re-serialised body',
			escapedBody,
			{ signature: webhookSignature(emulator?.clientSecret ?? '', reserialised, 'sha1') },
			401,
			undefined,
		],
		[
			'a valid signature from another secret',
			emojiBody,
			{ signWith: 'another-installation-secret-0000' },
			401,
			undefined,
		],
		['a truncated signature', emojiBody, { signature: 'TRUNCATE' }, 401, undefined],
		['the wrong prefix', emojiBody, { signature: 'WRONG_PREFIX' }, 401, undefined],
		['no signature', emojiBody, { signature: null }, 401, undefined],
		['an empty body', Buffer.alloc(0), {}, 401, undefined],
		[
			'another account ID',
			emojiBody,
			{ headers: { 'x-liveperson-account-id': '99999999' } },
			401,
			undefined,
		],
		['no account ID', emojiBody, { headers: { 'x-liveperson-account-id': null } }, 401, undefined],
		[
			'another client ID',
			emojiBody,
			{ headers: { 'x-liveperson-client-id': 'another-installation' } },
			401,
			undefined,
		],
	];

	it.each(cases)('%s', async (_case, body, given, status, text) => {
		const s = await serveTrigger();
		const options = { ...given };
		// Built here: they need the emulator's secret, known only once it runs.
		if (options.signature === 'TRUNCATE')
			options.signature = webhookSignature(emulator.clientSecret, body, 'sha1').slice(0, -6);
		if (options.signature === 'WRONG_PREFIX')
			options.signature = webhookSignature(emulator.clientSecret, body, 'sha256').replace(
				'sha256=',
				'sha1=',
			);
		if (_case === 'the signature of the re-serialised body')
			options.signature = webhookSignature(emulator.clientSecret, reserialised, 'sha1');

		const [delivery] = await emulator.webhooks.deliver(CONTENT, body, options);
		const [call] = s.calls;
		expect(delivery.status).toBe(status);
		if (status === 200) {
			expect(delivery.responseBody).toBe('{"received":true}');
			const [items] = await receivedItems(s);
			expect(items.map((item) => item.text)).toEqual([text]);
			expect(call.logs).toEqual([]);
		} else {
			expect(call.run).toBeUndefined();
			expect(JSON.parse(delivery.responseBody ?? '{}').message).toMatch(/^Refused: /);
			expect(call.logs).toEqual([
				{
					level: 'warn',
					message: expect.stringMatching(
						/^LivePerson Connector Trigger "LivePerson Connector Trigger" refused a webhook: /,
					),
				},
			]);
			expect(`${delivery.responseBody}${JSON.stringify(call.logs)}`).not.toContain(
				emulator.clientSecret,
			);
		}
	});

	it('says why, without the key: the answer and the log name the failed check only', async () => {
		const s = await serveTrigger();
		const body = Buffer.from('{"kind":"notification","body":{"changes":[]}}');
		const answers = [];
		for (const options of [
			{ signature: null },
			{ signWith: 'x' },
			{ signature: 'md5=AAAA' },
			{ headers: { 'x-liveperson-client-id': 'other' } },
		] as RawDeliveryOptions[]) {
			const [delivery] = await emulator.webhooks.deliver(CONTENT, body, options);
			answers.push(JSON.parse(delivery.responseBody ?? '{}').message);
		}
		expect(answers).toEqual([
			'Refused: the x-liveperson-signature header is missing',
			'Refused: the signature does not match the body',
			'Refused: the x-liveperson-signature header names an algorithm other than sha1 or sha256',
			"Refused: the x-liveperson-client-id header is not the credential's client ID",
		]);
		expect(s.calls.every((call) => call.run === undefined)).toBe(true);
	});

	it('static tokens: the Webhook Secret is the key, the client ID comes from the AppJWT', async () => {
		const s = await serveTrigger(
			{},
			{
				authentication: 'staticTokens',
				domain: emulator.baseUrl,
				appJwt: emulator.mintAppJwt(),
				webhookSecret: emulator.clientSecret,
			},
		);
		const id = await openConversation(emulator);
		const { deliveries } = await emulator.agent.sendMessage(id, 'static');
		expect(deliveries.map((d) => d.status)).toEqual([200]);
		const [otherClient] = await emulator.webhooks.deliver(CONTENT, emojiBody, {
			headers: { 'x-liveperson-client-id': 'someone-else' },
		});
		expect(otherClient.status).toBe(401);
		expect((await receivedItems(s))[0][0]).toMatchObject({ conversationId: id, text: 'static' });
	});

	const staticWithoutSecret = () => ({
		authentication: 'staticTokens',
		domain: emulator.baseUrl,
		appJwt: emulator.mintAppJwt(),
		clientSecret: '',
		clientId: '',
	});

	it('a static-tokens credential saved before the Webhook Secret existed cannot be activated: n8n shows the field and the fix', async () => {
		const activation = serveTrigger({}, staticWithoutSecret());
		await expect(activation).rejects.toThrow(
			"The credential's Webhook Secret is empty: the LivePerson Connector Trigger cannot check LivePerson's signatures",
		);
		await expect(activation).rejects.toMatchObject({
			description: expect.stringContaining(
				'enter the client secret of your connector app installation as the Webhook Secret',
			),
		});
	});

	it('a credential emptied while the workflow is active fails each execution, naming the field', async () => {
		const credentialsHelper = await HarnessCredentialsHelper.create();
		const s = await startWebhookServer(triggerWorkflow({ events: ALL_EVENTS }), {
			credentials: clientCredential(emulator),
			credentialsHelper,
		});
		servers.push(s);
		emulator.webhooks.clear();
		emulator.webhooks.register({ url: s.url(TRIGGER), events: ALL_WEBHOOK_EVENTS });
		credentialsHelper.setCredentials(clientCredential(emulator, staticWithoutSecret()));
		const [delivery] = await emulator.webhooks.deliver(CONTENT, emojiBody);
		expect(delivery.status).toBe(500);
		expect(s.calls[0].error?.message).toBe(
			"The credential's Webhook Secret is empty: the LivePerson Connector Trigger cannot check LivePerson's signatures",
		);
		expect(delivery.responseBody).not.toContain('Webhook Secret');
	});
});

describe('answering LivePerson', () => {
	it('answers 200 while the workflow is still running: the answer never waits for the run', async () => {
		const gate = holdGate('answer-before-run');
		const s = await serveTrigger({}, {}, { holdAt: 'answer-before-run' });
		const id = await openConversation(emulator);
		let runFinished = false;

		const { deliveries } = await emulator.agent.sendMessage(id, 'Are you still there?');
		void s.calls[0].run?.then(() => (runFinished = true));
		expect(deliveries.map((d) => d.status)).toEqual([200]);
		expect(s.calls[0].answeredBeforeRun).toBe(true);
		expect(runFinished).toBe(false);

		gate.open();
		const [run] = await s.runs();
		expect(run.status).toBe('success');
		expect(run.jsonOf('Received').map((item) => item.text)).toEqual(['Are you still there?']);
	});

	it('the test URL works too (a manual execution), and is another URL than production', async () => {
		const s = await serveTrigger();
		emulator.webhooks.clear();
		emulator.webhooks.register({ url: s.url(TRIGGER, 'test') });
		const id = await openConversation(emulator);
		await emulator.agent.sendMessage(id, 'to the test URL');
		expect(s.url(TRIGGER, 'test')).not.toBe(s.url(TRIGGER));
		expect(s.calls[0].mode).toBe('manual');
		expect((await receivedItems(s))[0][0].text).toBe('to the test URL');
	});
});

describe('what reaches the workflow', () => {
	it('one item per change, every event kind, with the conversationId the emulator gave', async () => {
		const s = await serveTrigger();
		const id = await openConversation(emulator);
		await emulator.agent.sendMessages(id, ['first', 'second']);
		await emulator.agent.setChatState(id, 'COMPOSING');
		await emulator.agent.sendAcceptStatus(id, 'READ', [0, 1]);
		await emulator.agent.sendRichContent(id, {
			type: 'vertical',
			elements: [{ type: 'button', title: 'Yes' }],
		});
		await emulator.agent.closeConversation(id);

		const runs = await receivedItems(s);
		const summary = runs.map((items) =>
			items.map((item) => [
				item.eventType,
				item.conversationId,
				'sequence' in item ? item.sequence : item.state,
			]),
		);
		expect(summary).toEqual([
			[
				['ContentEvent', id, 0],
				['ContentEvent', id, 1],
			],
			[['ChatStateEvent', id, null]],
			[['AcceptStatusEvent', id, expect.any(Number)]],
			[['RichContentEvent', id, expect.any(Number)]],
			[['ExConversationChangeNotification', id, 'CLOSE']],
		]);
		const [close] = runs[4];
		expect(close).toMatchObject({
			stage: 'CLOSE',
			closeReason: 'AGENT',
			participants: [{ role: 'CONSUMER' }, { role: 'ASSIGNED_AGENT' }],
		});
		expect(runs[0][0].rawChange).toMatchObject({ event: { message: 'first' } });
	});

	it("default filter: agents only, no private notes, no consumer's echo; the rest is answered 200 and starts no run", async () => {
		const s = await serveTrigger({ events: ['ContentEvent'] });
		const id = await openConversation(emulator);
		const statuses = [];
		statuses.push(
			...(
				await emulator.agent.sendMessage(id, 'the consumer, echoed', { role: 'CONSUMER' })
			).deliveries.map((d) => d.status),
		);
		statuses.push(
			...(
				await emulator.agent.sendMessage(id, 'internal note', { audience: 'AGENTS_AND_MANAGERS' })
			).deliveries.map((d) => d.status),
		);
		statuses.push(
			...(await emulator.agent.setChatState(id, 'COMPOSING')).deliveries.map((d) => d.status),
		);
		statuses.push(
			...(await emulator.agent.sendMessage(id, 'for the customer')).deliveries.map((d) => d.status),
		);
		expect(statuses).toEqual([200, 200, 200, 200]);
		expect((await receivedItems(s)).map((items) => items.map((item) => item.text))).toEqual([
			['for the customer'],
		]);
	});

	it('options: private notes and the consumer when asked for', async () => {
		const s = await serveTrigger({
			events: ['ContentEvent'],
			options: { includePrivateNotes: true, originatorRoles: ['CONSUMER', 'ASSIGNED_AGENT'] },
		});
		const id = await openConversation(emulator);
		await emulator.agent.sendMessage(id, 'the consumer', { role: 'CONSUMER' });
		await emulator.agent.sendMessage(id, 'internal note', { audience: 'AGENTS_AND_MANAGERS' });
		const runs = await receivedItems(s);
		expect(
			runs.map((items) => [items[0].text, items[0].originatorRole, items[0].messageAudience]),
		).toEqual([
			['the consumer', 'CONSUMER', 'ALL'],
			['internal note', 'ASSIGNED_AGENT', 'AGENTS_AND_MANAGERS'],
		]);
	});

	it('closed only, with a post-conversation survey: state CLOSE with stage OPEN first, then stage CLOSE', async () => {
		const s = await serveTrigger({
			events: ['ExConversationChangeNotification', 'ContentEvent'],
			options: { closedOnly: true },
		});
		const id = await openConversation(emulator);
		const { surveyDialogId } = await emulator.agent.closeConversation(id, { postSurvey: true });
		await emulator.agent.sendMessage(id, 'How did we do?', { inSurvey: true });
		await emulator.agent.closeSurvey(id);
		const runs = await receivedItems(s);
		expect(
			runs.map((items) =>
				items.map((item) => [
					item.eventType,
					item.conversationId,
					item.dialogId,
					item.state ?? item.text,
					item.stage ?? null,
				]),
			),
		).toEqual([
			[['ExConversationChangeNotification', id, null, 'CLOSE', 'OPEN']],
			[['ContentEvent', id, surveyDialogId, 'How did we do?', null]],
			[['ExConversationChangeNotification', id, null, 'CLOSE', 'CLOSE']],
		]);
	});

	it('a signed body that is no notification is answered 200, logged, and starts no run', async () => {
		const s = await serveTrigger();
		const [delivery] = await emulator.webhooks.deliver(CONTENT, '{"hello":"world"}');
		expect(delivery.status).toBe(200);
		expect(s.calls[0].run).toBeUndefined();
		expect(s.calls[0].logs).toEqual([
			{ level: 'warn', message: expect.stringContaining('a signed webhook held no notification') },
		]);
	});

	it('the older payloads, with dialogId only: conversationId taken from dialogId', async () => {
		const s = await serveTrigger();
		const id = await openConversation(emulator);
		await emulator.agent.sendMessage(id, 'old shape', { shape: 'dialogIdOnly' });
		expect((await receivedItems(s))[0][0]).toMatchObject({
			conversationId: id,
			dialogId: id,
			messageAudience: null,
			text: 'old shape',
		});
	});
});

describe('duplicates', () => {
	it('Drop Duplicates: a redelivered notification is answered 200 and starts no second run', async () => {
		const s = await serveTrigger({ options: { dropDuplicates: true } });
		const body = Buffer.from(JSON.stringify(notification([agentChange('c-dup', 'once', 7)])));
		const first = await emulator.webhooks.deliver(CONTENT, body);
		const again = await emulator.webhooks.deliver(CONTENT, body);
		const [sharedAndNew] = await emulator.webhooks.deliver(
			CONTENT,
			Buffer.from(
				JSON.stringify(
					notification([agentChange('c-dup', 'once', 7), agentChange('c-dup', 'new', 8)]),
				),
			),
		);
		expect([...first, ...again, sharedAndNew].map((d) => d.status)).toEqual([200, 200, 200]);
		expect((await receivedItems(s)).map((items) => items.map((item) => item.text))).toEqual([
			['once'],
			['new'],
		]);
	});

	it('deactivation forgets what was seen: after reactivation the same delivery runs again', async () => {
		const workflow = {
			...triggerWorkflow({ events: ALL_EVENTS, options: { dropDuplicates: true } }),
			id: 'reactivated',
		};
		const body = Buffer.from(JSON.stringify(notification([agentChange('c-re', 'again', 3)])));
		const runsPerActivation: number[] = [];
		for (let activation = 0; activation < 2; activation++) {
			const s = await startWebhookServer(workflow, { credentials: clientCredential(emulator) });
			emulator.webhooks.clear();
			emulator.webhooks.register({ url: s.url(TRIGGER), events: ALL_WEBHOOK_EVENTS });
			await emulator.webhooks.deliver(CONTENT, body);
			await emulator.webhooks.deliver(CONTENT, body);
			runsPerActivation.push((await s.runs()).length);
			await s.close();
		}
		expect(runsPerActivation).toEqual([1, 1]);
	});

	it('without it, every delivery runs; typing is never dropped', async () => {
		const s = await serveTrigger({ options: {} });
		const body = Buffer.from(JSON.stringify(notification([agentChange('c-dup2', 'twice', 1)])));
		await emulator.webhooks.deliver(CONTENT, body);
		await emulator.webhooks.deliver(CONTENT, body);
		expect(await receivedItems(s)).toHaveLength(2);

		const d = await serveTrigger({ options: { dropDuplicates: true } });
		const id = await openConversation(emulator);
		await emulator.agent.setChatState(id, 'COMPOSING');
		await emulator.agent.setChatState(id, 'COMPOSING');
		expect(await receivedItems(d)).toHaveLength(2);
	});

	it('Closed Only + Drop Duplicates: one item per closed conversation even if LivePerson notifies the close again', async () => {
		const s = await serveTrigger({
			events: ['ExConversationChangeNotification'],
			options: { closedOnly: true, dropDuplicates: true },
		});
		const id = await openConversation(emulator);
		await emulator.agent.closeConversation(id);
		const [closeDelivery] = emulator.webhooks.deliveries;
		const later = closeDelivery.body.replace(
			/"metaDataLastUpdateTs":\d+/,
			'"metaDataLastUpdateTs":1',
		);
		await emulator.webhooks.deliver('cqm.ExConversationChangeNotification', later);
		expect((await receivedItems(s)).map((items) => items.map((item) => item.state))).toEqual([
			['CLOSE'],
		]);
	});
});
