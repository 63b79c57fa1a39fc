/**
 * The trigger's Download Files option: an agent's file reaches the workflow as binary data, fetched
 * after LivePerson has been answered; a download that fails marks its item instead of failing the
 * webhook. In n8n-core's webhook path over real HTTP, against the emulator.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	decodeJwtPayload,
	faultPresets,
	startEmulator,
	storageFaultPresets,
	type Emulator,
} from '../../emulator/src';
import { startWebhookServer, type WebhookServer } from '../harness';
import { clearNodeCaches } from '../support/caches';
import { JPEG_BYTES, pngOf } from '../support/files';
import { clientCredential, staticCredential } from '../support/workflows';
import { TRIGGER, openConversation, triggerWorkflow } from './support';

let emulator: Emulator;
const servers: WebhookServer[] = [];

beforeAll(async () => {
	emulator = await startEmulator();
});
beforeEach(() => clearNodeCaches());
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
	emulator.reset();
});
afterAll(async () => {
	await emulator.close();
});

async function serve(options: IDataObject, credentials = clientCredential(emulator)) {
	const server = await startWebhookServer(
		triggerWorkflow({ events: ['ContentEvent'], options } as never),
		{ credentials },
	);
	servers.push(server);
	emulator.webhooks.clear();
	emulator.webhooks.register({
		url: server.url(TRIGGER),
		events: ['ms.MessagingEventNotification.ContentEvent'],
	});
	return server;
}

const received = async (server: WebhookServer) =>
	(await server.runs()).flatMap((run) => run.outputOf('Received'));

test("without the option, an agent's file comes as its path, caption and type, and nothing is downloaded", async () => {
	const server = await serve({});
	const conversationId = await openConversation(emulator);
	const { relativePath } = await emulator.agent.sendFile(conversationId, {
		bytes: pngOf(500),
		fileType: 'PNG',
		caption: 'your receipt',
	});
	const [item] = await received(server);
	expect(item.json).toMatchObject({
		eventType: 'ContentEvent',
		contentType: 'hosted/file',
		text: null,
		file: { relativePath, fileType: 'PNG', caption: 'your receipt' },
	});
	expect(item.binary).toBeUndefined();
	const downloads = ['sentinel', 'idp', 'send', 'swiftDownload'];
	expect(emulator.requests.filter((r) => downloads.includes(r.endpoint))).toEqual([]);
});

test('with Download Files, the file is attached as binary data, fetched after LivePerson was answered', async () => {
	const server = await serve({ downloadFiles: true });
	const conversationId = await openConversation(emulator);
	const bytes = pngOf(2000);
	// The storage answers after 1.5 s: LivePerson's webhook is answered long before.
	emulator.faults.add(faultPresets.delay('swiftDownload', 1500));
	const { relativePath } = await emulator.agent.sendFile(conversationId, {
		bytes,
		fileType: 'PNG',
		caption: 'form',
	});
	const [delivery] = emulator.webhooks.deliveries;
	expect(delivery.status).toBe(200);
	expect(delivery.durationMs).toBeLessThan(1000);
	const [item] = await received(server);
	expect(item.json.fileDownload).toBeUndefined();
	expect(item.json.file).toEqual({ relativePath, fileType: 'PNG', caption: 'form' });
	expect(item.binary?.data).toMatchObject({
		mimeType: 'image/png',
		fileName: `${relativePath
			.split('/')
			.pop()!
			.replace(/\.PNG$/, '')}.png`,
	});
	expect(Buffer.from(item.binary!.data.data, 'base64').equals(bytes)).toBe(true);
	expect(server.calls[0].answeredBeforeRun).toBe(true);
	// Asked as the option's consumer: the request names only the file.
	const [urlRequest] = emulator.requestsTo('send');
	expect(urlRequest.json).toMatchObject({
		type: 'ms.GenerateURLForDownloadFile',
		body: { relativePath },
	});
	expect(decodeJwtPayload(urlRequest.headers['x-lp-on-behalf'])?.ext_consumer_id).toBe(
		'n8n-file-downloads',
	);
});

test('the field, the consumer and the size limit are the options; a file over the limit is not attached', async () => {
	const server = await serve({
		downloadFiles: true,
		binaryPropertyName: 'agentFile',
		downloadConsumerId: 'crm-files',
		maxFileSize: 0.01,
	});
	const conversationId = await openConversation(emulator);
	await emulator.agent.sendFile(conversationId, { bytes: JPEG_BYTES, fileType: 'JPEG' });
	await emulator.agent.sendFile(conversationId, { bytes: pngOf(20_000), fileType: 'PNG' });
	const [small, large] = await received(server);
	expect(small.binary?.agentFile).toMatchObject({ mimeType: 'image/jpeg' });
	expect(large.binary).toBeUndefined();
	expect(large.json.fileDownload).toEqual({
		error: 'The file is 0.0 MB, over Max File Size (0.0 MB)',
		reason: 'fileTooLarge',
	});
	expect(
		emulator
			.requestsTo('send')
			.map((r) => decodeJwtPayload(r.headers['x-lp-on-behalf'])?.ext_consumer_id),
	).toEqual(['crm-files', 'crm-files']);
	// One ConsumerJWS mint for both files.
	expect(emulator.requestsTo('idp')).toHaveLength(1);
});

test('a download that fails marks its item with the error and the reason, and the workflow still runs', async () => {
	const server = await serve({ downloadFiles: true });
	const conversationId = await openConversation(emulator);
	emulator.faults.add(faultPresets.serverError('swiftDownload', 503, { times: Infinity }));
	await emulator.agent.sendFile(conversationId, { bytes: pngOf(100), fileType: 'PNG' });
	const [item] = await received(server);
	expect(emulator.webhooks.deliveries[0].status).toBe(200);
	expect(item.binary).toBeUndefined();
	expect(item.json.fileDownload).toMatchObject({
		error: expect.stringMatching(/server error \(HTTP 503\)/),
		reason: 'serverError',
		description: expect.stringMatching(/^The file was not downloaded\./),
	});
	expect(JSON.stringify(item.json)).not.toMatch(/eyJ/);
});

test('an expired download URL is asked for again; a file not there is fileNotFound', async () => {
	const server = await serve({ downloadFiles: true });
	const conversationId = await openConversation(emulator);
	emulator.faults.add(storageFaultPresets.tempUrlInvalid('swiftDownload'));
	await emulator.agent.sendFile(conversationId, { bytes: pngOf(100), fileType: 'PNG' });
	await server.runs();
	emulator.storage.configure({ sanitationMs: 60_000 });
	await emulator.agent.sendFile(conversationId, { bytes: pngOf(100), fileType: 'PNG' });
	const [first, second] = await received(server);
	expect(first.binary?.data).toBeDefined();
	expect(second.json.fileDownload).toMatchObject({ reason: 'fileNotFound' });
	expect(emulator.requestsTo('swiftDownload').map((r) => r.status)).toEqual([401, 200, 404]);
});

test('Static Tokens: downloads as the Default ConsumerJWS from the File Storage Domain, or says which field is empty', async () => {
	const consumerJws = emulator.mintConsumerJws('static-files');
	const server = await serve(
		{ downloadFiles: true },
		staticCredential(emulator, {
			consumerJws,
			webhookSecret: emulator.clientSecret,
			storageDomain: emulator.baseUrl,
		}) as never,
	);
	const conversationId = await openConversation(emulator);
	await emulator.agent.sendFile(conversationId, { bytes: pngOf(100), fileType: 'PNG' });
	const [item] = await received(server);
	expect(item.binary?.data).toBeDefined();
	await server.close();

	const without = await serve(
		{ downloadFiles: true },
		staticCredential(emulator, { consumerJws, webhookSecret: emulator.clientSecret }) as never,
	);
	await emulator.agent.sendFile(conversationId, { bytes: pngOf(100), fileType: 'PNG' });
	const [failed] = await received(without);
	expect(failed.json.fileDownload).toMatchObject({
		error: "The credential's File Storage Domain is empty",
		reason: 'invalidCredential',
	});
});

test('ten agents send files at once, one download slow beside them: every webhook is answered at once, every run gets its own file', async () => {
	const server = await serve({ downloadFiles: true });
	const conversations = await Promise.all(
		Array.from({ length: 10 }, (_, i) => openConversation(emulator, `many-files-${i}`)),
	);
	const sent: Array<{ relativePath: string; bytes: Buffer }> = [];
	// The first download waits 2 s at the storage; the others finish meanwhile.
	emulator.faults.add(faultPresets.delay('swiftDownload', 2000));
	await Promise.all(
		conversations.map(async (conversationId, i) => {
			const bytes = pngOf(300 + i, i);
			const { relativePath } = await emulator.agent.sendFile(conversationId, {
				bytes,
				fileType: 'PNG',
			});
			sent.push({ relativePath, bytes });
		}),
	);
	expect(emulator.webhooks.deliveries.map((d) => d.status)).toEqual(Array(10).fill(200));
	expect(
		Math.max(...emulator.webhooks.deliveries.map((d) => d.durationMs ?? Infinity)),
	).toBeLessThan(1500);
	const items = await received(server);
	expect(items).toHaveLength(10);
	for (const item of items) {
		const file = sent.find((s) => s.relativePath === (item.json.file as IDataObject).relativePath)!;
		expect(Buffer.from(item.binary!.data.data, 'base64').equals(file.bytes)).toBe(true);
	}
	// One ConsumerJWS for the download consumer, shared by all ten executions.
	expect(emulator.requestsTo('idp')).toHaveLength(1);
});
