/**
 * Sharing files (Send File, Download File) in n8n's engine against the emulator: an image from n8n
 * binary data goes up to LivePerson's storage and into the conversation, an agent's file comes back
 * as binary data; every step's failure is told apart, and a publish that may have been processed is
 * never sent again.
 */
import type { IDataObject } from 'n8n-workflow';

import { decodeJwtPayload, faultPresets, storageFaultPresets } from '../emulator/src';
import { runWorkflow } from './harness';
import { emulatorPerFile } from './support/emulatorPerFile';
import {
	JPEG_BYTES,
	PNG_1PX,
	fileItem,
	fileWorkflow,
	isFilePublish,
	isUrlRequest,
	pngOf,
} from './support/files';
import { LP_NODE, clientCredential, lpWorkflow } from './support/workflows';

const emulator = emulatorPerFile();

async function open(contactId: string): Promise<string> {
	const result = await runWorkflow(
		lpWorkflow({ operation: 'createWithSdes', consumerId: '={{ $json.contactId }}' }),
		{ credentials: clientCredential(emulator), input: [{ contactId }] },
	);
	expect(result.status).toBe('success');
	return result.jsonOf(LP_NODE)[0].conversationId as string;
}

const sendFile = (parameters: IDataObject = {}) => ({
	operation: 'sendFile',
	consumerId: '={{ $json.contactId }}',
	conversationId: '={{ $json.conversationId }}',
	caption: '={{ $json.caption }}',
	...parameters,
	options: { serverErrorRetryInterval: 0, ...((parameters.options as IDataObject) ?? {}) },
});

async function send(
	input: IDataObject[],
	parameters: IDataObject = {},
	options: { onError?: 'continueRegularOutput'; retryOnFail?: { maxTries: number } } = {},
) {
	return await runWorkflow(fileWorkflow(sendFile(parameters), options), {
		credentials: clientCredential(emulator),
		input,
	});
}

const fileEvents = (conversationId: string) =>
	emulator.state
		.conversation(conversationId)!
		.messages.filter((m) => m.event.contentType === 'hosted/file');

describe('Send File', () => {
	test('a PNG from binary data: upload URL, upload to the storage (no AppJWT), publish; the conversation shows it', async () => {
		const conversationId = await open('file-1');
		const result = await send([
			fileItem(PNG_1PX, { contactId: 'file-1', conversationId, caption: 'Receipt' }),
		]);
		expect(result.status).toBe('success');
		const [output] = result.jsonOf(LP_NODE);
		const sends = emulator.requestsTo('send').map((r) => r.json as IDataObject);
		expect(sends[0]).toEqual({
			kind: 'req',
			id: '1',
			type: 'ms.GenerateURLForUploadFile',
			body: { fileSize: String(PNG_1PX.length), fileType: 'PNG' },
		});
		const [put] = emulator.requestsTo('swiftUpload');
		const relativePath = (output.file as IDataObject).relativePath as string;
		expect(put).toMatchObject({ method: 'PUT', path: relativePath, status: 201 });
		expect(put.headers.authorization).toBeUndefined();
		expect(put.headers['content-type']).toBe('image/png');
		expect(emulator.storage.file(relativePath)?.bytes.equals(PNG_1PX)).toBe(true);
		expect(sends[1]).toEqual({
			kind: 'req',
			id: '1',
			type: 'ms.PublishEvent',
			body: {
				dialogId: conversationId,
				event: {
					type: 'ContentEvent',
					contentType: 'hosted/file',
					message: {
						caption: 'Receipt',
						relativePath,
						fileType: 'PNG',
						// A 68-byte image is its own preview: the whole publish stays under 5,000 characters.
						preview: `data:image/png;base64,${PNG_1PX.toString('base64')}`,
					},
				},
			},
		});
		expect(output).toEqual({
			conversationId,
			sequence: 0,
			file: {
				relativePath,
				fileType: 'PNG',
				caption: 'Receipt',
				mimeType: 'image/png',
				fileSize: PNG_1PX.length,
				previewSent: true,
			},
			ext_consumer_id: 'file-1',
			lp_consumer_id: emulator.lpConsumerIdFor('file-1'),
			livePersonResponses: [
				{ type: 'ms.PublishEvent', reqId: '1', code: 'OK', body: { sequence: 0 } },
			],
		});
		expect(fileEvents(conversationId)).toHaveLength(1);
	});

	test('a 40 KB image goes without a preview; a JPEG is typed by its bytes (JPG), whatever n8n calls it; no caption sends ""', async () => {
		const conversationId = await open('file-2');
		const result = await send([
			fileItem(pngOf(40_000), { contactId: 'file-2', conversationId, caption: 'big' }),
			fileItem(JPEG_BYTES, { contactId: 'file-2', conversationId }, 'scan.png', 'image/png'),
		]);
		expect(result.status).toBe('success');
		const [big, jpeg] = result.jsonOf(LP_NODE);
		expect(big.file).toMatchObject({ previewSent: false, fileSize: 40_000 });
		expect(jpeg.file).toMatchObject({ fileType: 'JPG', mimeType: 'image/jpeg' });
		const publishes = emulator.requests.filter(isFilePublish).map((r) => r.json as IDataObject);
		expect(publishes.map((p) => ((p.body as IDataObject).event as IDataObject).message)).toEqual([
			{ caption: 'big', relativePath: expect.any(String), fileType: 'PNG' },
			{
				caption: '',
				relativePath: expect.stringMatching(/\.JPG$/),
				fileType: 'JPG',
				preview: `data:image/jpeg;base64,${JPEG_BYTES.toString('base64')}`,
			},
		]);
		expect(emulator.requests.filter((r) => isUrlRequest(r, 'Upload')).map((r) => r.json)).toEqual([
			expect.objectContaining({ body: { fileSize: '40000', fileType: 'PNG' } }),
			expect.objectContaining({ body: { fileSize: String(JPEG_BYTES.length), fileType: 'JPG' } }),
		]);
	});

	test.each([
		[
			'no binary field of that name',
			{ binaryPropertyName: 'attachment' },
			fileItem(PNG_1PX),
			'Input Binary Field',
			/names the binary field "attachment", which this item does not have \(it has "data"\)/,
		],
		[
			'a file that is not an image',
			{},
			fileItem(Buffer.from('%PDF-1.4 hello'), {}, 'doc.pdf', 'application/pdf'),
			'Input Binary Field',
			/not a JPG, PNG or GIF image \(n8n calls it application\/pdf\)/,
		],
		[
			'a file over 3 MB',
			{},
			fileItem(pngOf(3 * 1024 * 1024 + 1)),
			'Input Binary Field',
			/a file of 3\.0 MB; LivePerson takes files up to 3 MB/,
		],
		['an empty file', {}, fileItem(Buffer.alloc(0)), 'Input Binary Field', /holds an empty file/],
		[
			'a caption that would bring the publish over 5,000 characters',
			{},
			fileItem(PNG_1PX, { caption: 'x'.repeat(4800) }),
			'Caption',
			/brings the request to \d+ characters; LivePerson rejects requests over 5000/,
		],
	])(
		'%s is refused before anything is sent, naming the field',
		async (_what, parameters, item, field, problem) => {
			const conversationId = await open('refused-1');
			const before = emulator.requests.length;
			const result = await send([{ contactId: 'refused-1', conversationId, ...item }], parameters, {
				onError: 'continueRegularOutput',
			});
			const [output] = result.jsonOf(LP_NODE);
			expect(output.error).toMatch(problem);
			expect(output.error).toMatch(/\[item 0\]$/);
			expect(output.details).toMatchObject({ reason: 'invalidInput', fileSent: 'no', field });
			expect(emulator.requests.slice(before)).toEqual([]);
		},
	);

	test('an upload URL that expired (storage 401 "Temp URL invalid") is asked for again and the file uploaded once more', async () => {
		const conversationId = await open('expired-1');
		emulator.faults.add(storageFaultPresets.tempUrlInvalid('swiftUpload'));
		const result = await send([fileItem(PNG_1PX, { contactId: 'expired-1', conversationId })]);
		expect(result.status).toBe('success');
		expect(emulator.requests.filter((r) => isUrlRequest(r, 'Upload'))).toHaveLength(2);
		expect(emulator.requestsTo('swiftUpload').map((r) => r.status)).toEqual([401, 201]);
		expect(emulator.requests.filter(isFilePublish)).toHaveLength(1);
		expect(fileEvents(conversationId)).toHaveLength(1);
	});

	test('a URL the test clock expires between the URL request and the upload: a new URL, once', async () => {
		const conversationId = await open('clock-1');
		// The first URL is issued in the past: expired by the time the upload reaches the storage.
		emulator.faults.add({
			on: 'send',
			match: (r) => isUrlRequest(r, 'Upload'),
			action: {
				type: 'rewrite',
				rewrite: (answer) => {
					emulator.clock.advance(61_000);
					return answer;
				},
			},
		});
		const result = await send([fileItem(PNG_1PX, { contactId: 'clock-1', conversationId })]);
		expect(result.status).toBe('success');
		expect(emulator.requestsTo('swiftUpload').map((r) => r.status)).toEqual([401, 201]);
	});

	test('a storage that refuses the new URL too: not uploaded, nothing published', async () => {
		const conversationId = await open('expired-2');
		emulator.faults.add(storageFaultPresets.tempUrlInvalid('swiftUpload', { times: 2 }));
		const result = await send(
			[fileItem(PNG_1PX, { contactId: 'expired-2', conversationId })],
			{},
			{
				onError: 'continueRegularOutput',
			},
		);
		const [output] = result.jsonOf(LP_NODE);
		expect(output.error).toMatch(/refused the upload URL, also a new one \(HTTP 401\)/);
		expect(output.details).toMatchObject({
			reason: 'refused',
			fileSent: 'no',
			fileUploaded: 'no',
			failedStep: 'upload',
			ext_consumer_id: 'expired-2',
		});
		expect((output.details as IDataObject).description).toMatch(
			/^The file was not sent\. It was not uploaded\./,
		);
		expect(emulator.requests.filter(isFilePublish)).toHaveLength(0);
	});

	test('an upload answered 503 is sent again (same URL); one that keeps failing is not uploaded', async () => {
		const conversationId = await open('upload-503');
		emulator.faults.add(faultPresets.serverError('swiftUpload', 503));
		const retried = await send([fileItem(PNG_1PX, { contactId: 'upload-503', conversationId })]);
		expect(retried.status).toBe('success');
		const puts = emulator.requestsTo('swiftUpload');
		expect(puts.map((r) => r.status)).toEqual([503, 201]);
		expect(puts[0].path).toBe(puts[1].path);

		emulator.faults.add(faultPresets.serverError('swiftUpload', 503, { times: Infinity }));
		const failed = await send(
			[fileItem(PNG_1PX, { contactId: 'upload-503', conversationId })],
			{},
			{
				onError: 'continueRegularOutput',
			},
		);
		expect(failed.jsonOf(LP_NODE)[0].details).toMatchObject({
			reason: 'serverError',
			fileSent: 'no',
			fileUploaded: 'no',
			failedStep: 'upload',
		});
		expect(fileEvents(conversationId)).toHaveLength(1);
	});

	test('an upload URL LivePerson refuses (no open conversation): not uploaded', async () => {
		const conversationId = await open('closed-1');
		await emulator.agent.closeConversation(conversationId);
		const result = await send(
			[fileItem(PNG_1PX, { contactId: 'closed-1', conversationId })],
			{},
			{
				onError: 'continueRegularOutput',
			},
		);
		expect(result.jsonOf(LP_NODE)[0].details).toMatchObject({
			reason: 'refused',
			fileSent: 'no',
			fileUploaded: 'no',
			failedStep: 'uploadUrl',
		});
		expect(emulator.requestsTo('swiftUpload')).toHaveLength(0);
	});

	test('a publish whose answer is lost: uploaded, maybe published, never published again, also under Retry On Fail', async () => {
		const conversationId = await open('lost-1');
		emulator.faults.add(faultPresets.drop('send', 'after', { match: isFilePublish }));
		const result = await send(
			[fileItem(PNG_1PX, { contactId: 'lost-1', conversationId })],
			{},
			{
				onError: 'continueRegularOutput',
				retryOnFail: { maxTries: 3 },
			},
		);
		const [output] = result.jsonOf(LP_NODE);
		expect(output.error).toMatch(/connection to LivePerson dropped/);
		const details = output.details as IDataObject;
		expect(details).toMatchObject({
			reason: 'connectionLost',
			fileSent: 'unknown',
			fileUploaded: 'yes',
			failedStep: 'publish',
			relativePath: expect.stringMatching(/^\/v1\/AUTH_async-images\//),
			fileType: 'PNG',
		});
		expect(details.description).toMatch(
			/may or may not have been published in the conversation, so the node did not publish it again/,
		);
		expect(emulator.requests.filter(isFilePublish)).toHaveLength(1);
		expect(fileEvents(conversationId)).toHaveLength(1);
	});

	test('a publish LivePerson refuses: uploaded but not published, with the path to publish it later', async () => {
		const conversationId = await open('refused-publish');
		// LivePerson's 400 for a file it will not take (the File Sharing page's words), nothing processed.
		emulator.faults.add({
			on: 'send',
			match: isFilePublish,
			action: {
				type: 'status',
				status: 400,
				body: {
					kind: 'resp',
					reqId: '1',
					code: 'BAD_REQUEST',
					body: { msg: 'Check your file size and that its is not corrupted' },
				},
			},
		});
		const result = await send(
			[fileItem(PNG_1PX, { contactId: 'refused-publish', conversationId, caption: 'c' })],
			{},
			{
				onError: 'continueRegularOutput',
			},
		);
		const details = result.jsonOf(LP_NODE)[0].details as IDataObject;
		expect(details).toMatchObject({
			reason: 'refused',
			fileSent: 'no',
			fileUploaded: 'yes',
			failedStep: 'publish',
		});
		expect(details.description).toMatch(/uploaded but not published in the conversation/);
		// Published later with Send Message, as the description says.
		const later = await runWorkflow(
			lpWorkflow({
				operation: 'sendMessage',
				consumerId: 'refused-publish',
				conversationId,
				options: {
					event: JSON.stringify({
						type: 'ContentEvent',
						contentType: 'hosted/file',
						message: { caption: 'c', relativePath: details.relativePath, fileType: 'PNG' },
					}),
				},
			}),
			{ credentials: clientCredential(emulator), input: [{}] },
		);
		expect(later.status).toBe('success');
		expect(fileEvents(conversationId)).toHaveLength(1);
	});

	test('request counts: six for a new consumer (Domain API, Sentinel, IDP, two SENDs, the upload), three for a known one', async () => {
		const conversationId = await open('counted-1');
		// A fresh process: no host, AppJWT or ConsumerJWS known.
		const { clearNodeCaches } = await import('./support/caches');
		clearNodeCaches();
		emulator.reset();
		const reopened = await open('counted-1');
		expect(reopened).not.toBe(conversationId);
		clearNodeCaches();
		const before = emulator.requests.length;
		const count = () =>
			emulator.requests.slice(before).reduce<Record<string, number>>((counts, r) => {
				counts[r.endpoint] = (counts[r.endpoint] ?? 0) + 1;
				return counts;
			}, {});
		const first = await runWorkflow(fileWorkflow(sendFile()), {
			credentials: clientCredential(emulator),
			input: [fileItem(PNG_1PX, { contactId: 'counted-1', conversationId: reopened })],
		});
		expect(first.status).toBe('success');
		expect(count()).toEqual({ csds: 1, sentinel: 1, idp: 1, send: 2, swiftUpload: 1 });
		const middle = emulator.requests.length;
		const second = await runWorkflow(fileWorkflow(sendFile()), {
			credentials: clientCredential(emulator),
			input: [fileItem(PNG_1PX, { contactId: 'counted-1', conversationId: reopened })],
		});
		expect(second.status).toBe('success');
		expect(emulator.requests.slice(middle).map((r) => r.endpoint)).toEqual([
			'send',
			'swiftUpload',
			'send',
		]);
	});
});

describe('Download File', () => {
	const download = (parameters: IDataObject = {}) =>
		lpWorkflow({
			operation: 'downloadFile',
			consumerId: '={{ $json.contactId }}',
			relativePath: '={{ $json.relativePath }}',
			...parameters,
		});

	test("an agent's file as binary data: name, MIME type and bytes; the storage GET carries no AppJWT", async () => {
		const conversationId = await open('down-1');
		const bytes = pngOf(5000);
		const { relativePath } = await emulator.agent.sendFile(conversationId, {
			bytes,
			fileType: 'PNG',
			caption: 'your form',
		});
		const result = await runWorkflow(download(), {
			credentials: clientCredential(emulator),
			input: [{ contactId: 'down-1', relativePath }],
		});
		expect(result.status).toBe('success');
		const [item] = result.outputOf(LP_NODE);
		const fileName = `${relativePath
			.split('/')
			.pop()!
			.replace(/\.PNG$/, '')}.png`;
		expect(item.json).toEqual({
			relativePath,
			fileName,
			mimeType: 'image/png',
			fileSize: 5000,
			binaryField: 'data',
			ext_consumer_id: 'down-1',
			lp_consumer_id: emulator.lpConsumerIdFor('down-1'),
		});
		expect(item.binary?.data).toMatchObject({
			mimeType: 'image/png',
			fileName,
			fileExtension: 'png',
		});
		expect(Buffer.from(item.binary!.data.data, 'base64').equals(bytes)).toBe(true);
		expect(item.pairedItem).toEqual({ item: 0 });
		const sends = emulator.requestsTo('send').map((r) => r.json);
		expect(sends[sends.length - 1]).toEqual({
			kind: 'req',
			id: '1',
			type: 'ms.GenerateURLForDownloadFile',
			body: { relativePath },
		});
		const [get] = emulator.requestsTo('swiftDownload');
		expect(get).toMatchObject({ method: 'GET', path: relativePath, status: 200 });
		expect(get.headers.authorization).toBeUndefined();
	});

	test("the output field and file name are the user's; a JPEG is named and typed by its bytes", async () => {
		const conversationId = await open('down-2');
		const { relativePath } = await emulator.agent.sendFile(conversationId, {
			bytes: JPEG_BYTES,
			fileType: 'JPEG',
		});
		const result = await runWorkflow(
			download({ binaryPropertyName: 'photo', options: { fileName: 'form.jpg' } }),
			{ credentials: clientCredential(emulator), input: [{ contactId: 'down-2', relativePath }] },
		);
		const [item] = result.outputOf(LP_NODE);
		expect(item.json).toMatchObject({
			fileName: 'form.jpg',
			mimeType: 'image/jpeg',
			binaryField: 'photo',
		});
		expect(item.binary?.photo).toMatchObject({ fileName: 'form.jpg', mimeType: 'image/jpeg' });
	});

	test('a file not there (yet), a path that is not a storage path, and an expired URL', async () => {
		const conversationId = await open('down-3');
		const { relativePath } = await emulator.agent.sendFile(conversationId, {
			bytes: PNG_1PX,
			fileType: 'PNG',
		});
		emulator.faults.add(storageFaultPresets.tempUrlInvalid('swiftDownload'));
		const continued = await runWorkflow(
			lpWorkflow(
				{
					operation: 'downloadFile',
					consumerId: '={{ $json.contactId }}',
					relativePath: '={{ $json.relativePath }}',
				},
				{ onError: 'continueRegularOutput' },
			),
			{
				credentials: clientCredential(emulator),
				input: [
					{ contactId: 'down-3', relativePath },
					{ contactId: 'down-3', relativePath: relativePath.replace(/[0-9a-f]{8}-/, '00000000-') },
					{ contactId: 'down-3', relativePath: 'https://elsewhere.example/x.png' },
					{ contactId: 'down-3', relativePath: '/v1/AUTH_async-images/../secrets' },
				],
			},
		);
		const [found, missing, elsewhere, dots] = continued.outputOf(LP_NODE);
		expect(found.binary?.data).toBeDefined();
		expect(missing.json.details).toMatchObject({ reason: 'fileNotFound', fileDownloaded: 'no' });
		for (const refused of [elsewhere, dots])
			expect(refused.json.details).toMatchObject({
				reason: 'invalidInput',
				field: 'Relative Path',
				fileDownloaded: 'no',
			});
		// The first run's item 0 met the expired URL: a new one was asked for.
		expect(emulator.requestsTo('swiftDownload')[0].status).toBe(401);
	});
});

describe("Download File under n8n's Retry On Fail", () => {
	test('a retry downloads again what failed, and gives what was downloaded back with its binary data, unsent', async () => {
		const conversationId = await open('retry-down');
		const first = await emulator.agent.sendFile(conversationId, {
			bytes: pngOf(300, 1),
			fileType: 'PNG',
		});
		const second = await emulator.agent.sendFile(conversationId, {
			bytes: pngOf(400, 2),
			fileType: 'PNG',
		});
		// The first item's file is not there yet on the first try (LivePerson still checking it).
		emulator.faults.add({
			on: 'swiftDownload',
			match: (r) => r.path === first.relativePath,
			action: { type: 'status', status: 404, body: 'Not Found' },
		});
		const result = await runWorkflow(
			lpWorkflow(
				{
					operation: 'downloadFile',
					consumerId: 'retry-down',
					relativePath: '={{ $json.relativePath }}',
					options: { concurrency: 1 },
				},
				{ onError: 'continueRegularOutput', retryOnFail: { maxTries: 2 } },
			),
			{
				credentials: clientCredential(emulator),
				input: [{ relativePath: first.relativePath }, { relativePath: second.relativePath }],
			},
		);
		expect(result.status).toBe('success');
		const items = result.outputOf(LP_NODE);
		expect(items.map((item) => item.json.error)).toEqual([undefined, undefined]);
		expect(Buffer.from(items[0].binary!.data.data, 'base64').equals(pngOf(300, 1))).toBe(true);
		expect(Buffer.from(items[1].binary!.data.data, 'base64').equals(pngOf(400, 2))).toBe(true);
		// The second file was downloaded once: the retry gave its output again.
		expect(
			emulator.requestsTo('swiftDownload').map((r) => [r.path === first.relativePath, r.status]),
		).toEqual([
			[true, 404],
			[false, 200],
			[true, 200],
		]);
	});
});

describe('many executions at once', () => {
	test('ten executions send a file each at once, one publish slow beside them: each conversation gets its own file, once', async () => {
		const contacts = Array.from({ length: 10 }, (_, i) => `files-${i}`);
		const conversations = await Promise.all(contacts.map(open));
		emulator.faults.add(
			faultPresets.delay('send', 2000, {
				match: (r) =>
					isFilePublish(r) &&
					decodeJwtPayload(r.headers['x-lp-on-behalf'] ?? '')?.ext_consumer_id === 'files-0',
			}),
		);
		const finished: string[] = [];
		const runs = await Promise.all(
			contacts.map(async (contactId, i) => {
				const result = await send([
					fileItem(pngOf(100 + i, i), { contactId, conversationId: conversations[i] }),
				]);
				finished.push(contactId);
				return result;
			}),
		);
		expect(finished[finished.length - 1]).toBe('files-0');
		runs.forEach((result, i) => {
			expect(result.status).toBe('success');
			const events = fileEvents(conversations[i]);
			expect(events).toHaveLength(1);
			const path = (events[0].event.message as IDataObject).relativePath as string;
			expect(emulator.storage.file(path)?.bytes.equals(pngOf(100 + i, i))).toBe(true);
		});
	});
});
