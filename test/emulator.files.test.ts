import * as http from 'http';
import type { AddressInfo } from 'net';

import {
	faultPresets,
	storageFaultPresets,
	TEMP_URL_INVALID,
	webhookSignature,
} from '../emulator/src';
import {
	call,
	downloadUrlRequest,
	emulatorForFile,
	hostedFileEvent,
	openConversation,
	PNG_1PX,
	send,
	signedPath,
	uploadUrlRequest,
} from './support/lpHttp';

const emu = emulatorForFile();

const PATH_SHAPE = /^\/v1\/AUTH_async-images\/12345678\/[0-9a-f-]{36}\.(PNG|JPG|JPEG|GIF)$/;

async function uploadUrl(size: string | number = String(PNG_1PX.length), type = 'PNG') {
	const r = await send(emu, uploadUrlRequest(size, type));
	expect(r.status).toBe(200);
	return r.json.body as {
		relativePath: string;
		queryParams: { temp_url_sig: string; temp_url_expires: string };
	};
}

/** Conversation, upload URL, PUT: the stored path. */
async function uploaded(
	bytes: Buffer = PNG_1PX,
	type = 'PNG',
): Promise<{ id: string; path: string }> {
	const id = await openConversation(emu);
	const url = await uploadUrl(String(bytes.length), type);
	const put = await call(emu, 'PUT', signedPath(url), bytes);
	expect(put.status).toBe(201);
	return { id, path: url.relativePath };
}

describe('storage host: CSDS and the upload URL over SEND', () => {
	it('CSDS answers swift and messagingRestApiDomain with the emulator itself', async () => {
		for (const service of ['swift', 'messagingRestApiDomain']) {
			const r = await call(
				emu,
				'GET',
				`/api/account/${emu.accountId}/service/${service}/baseURI.json?version=1.0`,
			);
			expect(r.json).toEqual({ service, account: emu.accountId, baseURI: emu.host });
		}
	});

	it('answers GenerateURLForUploadFile with a relative path and a signature bound to PUT, for fileSize as string or number', async () => {
		await openConversation(emu);
		const before = Math.floor(emu.clock.now() / 1000);
		for (const size of ['48211', 48211]) {
			const r = await send(emu, uploadUrlRequest(size, 'PNG', 'up-7'));
			expect(r.status).toBe(200);
			expect(r.json).toEqual({
				code: 'OK',
				reqId: 'up-7',
				body: {
					relativePath: expect.stringMatching(PATH_SHAPE),
					queryParams: {
						temp_url_sig: expect.stringMatching(/^[0-9a-f]{40}$/),
						temp_url_expires: expect.stringMatching(/^\d+$/),
					},
				},
			});
			const expires = Number(r.json.body.queryParams.temp_url_expires);
			expect(expires - before).toBeGreaterThanOrEqual(60);
			expect(expires - before).toBeLessThanOrEqual(61);
		}
		expect(emu.requestsTo('send').every((r) => r.processed)).toBe(true);
	});

	it.each([
		['a type the schema does not list', '100', 'TXT', /fileType has unknown value "TXT"/],
		['a lower-case type', '100', 'png', /fileType has unknown value "png"/],
		['more than 3 MB', String(3 * 1024 * 1024 + 1), 'PNG', /over the limit of 3145728 bytes/],
		['a size that is not a number', 'big', 'PNG', /fileSize must be the file's size in bytes/],
		['an empty file', 0, 'PNG', /more than 0 bytes/],
	])('refuses an upload URL for %s with 400 BAD_REQUEST', async (_what, size, type, msg) => {
		await openConversation(emu);
		const r = await send(emu, uploadUrlRequest(size, type));
		expect(r.status).toBe(400);
		expect(r.json).toEqual({
			code: 'BAD_REQUEST',
			reqId: 'u-1',
			body: { msg: expect.stringMatching(msg) },
		});
	});

	it('accepts exactly 3 MB and JPG, JPEG, GIF', async () => {
		await openConversation(emu);
		expect((await send(emu, uploadUrlRequest(3 * 1024 * 1024, 'JPG'))).status).toBe(200);
		expect((await send(emu, uploadUrlRequest(10, 'JPEG'))).json.body.relativePath).toMatch(
			/\.JPEG$/,
		);
		expect((await send(emu, uploadUrlRequest(10, 'GIF'))).status).toBe(200);
	});

	it('refuses missing and unknown fields', async () => {
		await openConversation(emu);
		const noType = await send(emu, {
			kind: 'req',
			id: '1',
			type: 'ms.GenerateURLForUploadFile',
			body: { fileSize: '1' },
		});
		expect(noType.json.body.msg).toMatch(/fileType is missing/);
		const extra = await send(emu, {
			kind: 'req',
			id: '1',
			type: 'ms.GenerateURLForUploadFile',
			body: { fileSize: '1', fileType: 'PNG', conversationId: 'x' },
		});
		expect(extra.json.body.msg).toMatch(/conversationId is not a known field/);
	});

	it('wants an open conversation of the consumer first (switchable), and the usual tokens', async () => {
		const none = await send(emu, uploadUrlRequest('10', 'PNG'));
		expect(none.status).toBe(400);
		expect(none.json.body.msg).toMatch(/no open conversation/);
		emu.storage.configure({ uploadNeedsOpenConversation: false });
		expect((await send(emu, uploadUrlRequest('10', 'PNG'))).status).toBe(200);
		const noToken = await call(
			emu,
			'POST',
			`/api/account/${emu.accountId}/messaging/consumer/conversation/send?v=3`,
			uploadUrlRequest('10', 'PNG'),
		);
		expect(noToken.status).toBe(401);
		expect(noToken.json.body.errorCode).toBe(40105);
	});
});

describe('storage host: PUT and GET with temporary URLs', () => {
	it('stores the bytes of a PUT with a valid signature (201, no AppJWT) and logs it as swiftUpload', async () => {
		await openConversation(emu);
		const url = await uploadUrl();
		const put = await call(emu, 'PUT', signedPath(url), PNG_1PX);
		expect(put.status).toBe(201);
		expect(put.headers.get('etag')).toMatch(/^[0-9a-f]{32}$/);
		const [rec] = emu.requestsTo('swiftUpload');
		expect(rec).toMatchObject({
			method: 'PUT',
			path: url.relativePath,
			status: 201,
			processed: true,
			bodyBytes: PNG_1PX.length,
			rawBody: '',
		});
		expect(rec.headers.authorization).toBeUndefined();
		expect(rec.query).toEqual(url.queryParams);
		const stored = emu.storage.file(url.relativePath);
		expect(stored?.bytes.equals(PNG_1PX)).toBe(true);
		expect(stored).toMatchObject({ fileType: 'PNG', size: PNG_1PX.length, by: 'consumer' });
	});

	it('answers 401 "Temp URL invalid" to a wrong signature, another method, a missing parameter, a changed path or a doubled slash', async () => {
		await openConversation(emu);
		const url = await uploadUrl();
		const q = url.queryParams;
		const wrongSig = `${url.relativePath}?temp_url_sig=${'0'.repeat(40)}&temp_url_expires=${q.temp_url_expires}`;
		const laterExpiry = `${url.relativePath}?temp_url_sig=${q.temp_url_sig}&temp_url_expires=${Number(q.temp_url_expires) + 600}`;
		const otherPath = signedPath({
			...url,
			relativePath: url.relativePath.replace('.PNG', '.GIF'),
		});
		for (const [method, path] of [
			['PUT', wrongSig],
			['PUT', laterExpiry],
			['PUT', otherPath],
			['PUT', url.relativePath],
			['PUT', `/${signedPath(url)}`],
			['GET', signedPath(url)],
			['DELETE', signedPath(url)],
		]) {
			const r = await call(emu, method, path, method === 'PUT' ? PNG_1PX : undefined);
			expect([method, path, r.status, r.text]).toEqual([method, path, 401, TEMP_URL_INVALID]);
		}
		expect(emu.storage.files()).toEqual([]);
		// the real URL still works afterwards
		expect((await call(emu, 'PUT', signedPath(url), PNG_1PX)).status).toBe(201);
	});

	it('lets a URL expire on the test clock: valid at 59 s, 401 at 61 s (programmatic and control endpoint)', async () => {
		await openConversation(emu);
		const url = await uploadUrl();
		emu.clock.advance(59_000);
		expect((await call(emu, 'PUT', signedPath(url), PNG_1PX)).status).toBe(201);
		const second = await uploadUrl();
		const moved = await call(emu, 'POST', '/_emulator/clock', { advanceSeconds: 61 });
		expect(moved.json.offsetMs).toBe(120_000);
		const late = await call(emu, 'PUT', signedPath(second), PNG_1PX);
		expect(late.status).toBe(401);
		expect(late.text).toBe(TEMP_URL_INVALID);
		// a new URL is issued on the moved clock and works
		expect((await call(emu, 'PUT', signedPath(await uploadUrl()), PNG_1PX)).status).toBe(201);
		emu.reset();
		expect(emu.clock.offset()).toBe(0);
	});

	it('honours a shorter URL lifetime set at start or through the storage settings', async () => {
		emu.storage.configure({ urlTtlSeconds: 5 });
		await openConversation(emu);
		const url = await uploadUrl();
		emu.clock.advance(6000);
		expect((await call(emu, 'PUT', signedPath(url), PNG_1PX)).status).toBe(401);
	});

	it('refuses a PUT of more than 3 MB with 413 and stores nothing', async () => {
		await openConversation(emu);
		const url = await uploadUrl(String(3 * 1024 * 1024), 'PNG');
		const big = Buffer.alloc(3 * 1024 * 1024 + 1, 1);
		const r = await call(emu, 'PUT', signedPath(url), big);
		expect(r.status).toBe(413);
		expect(emu.requestsTo('swiftUpload')[0].bodyBytes).toBe(big.length);
		expect(emu.storage.files()).toEqual([]);
	});

	it('serves a stored file at a download URL, with a content type, and 404 for nothing stored', async () => {
		const { path } = await uploaded();
		const dl = await send(emu, downloadUrlRequest(path, 'dl-3'));
		expect(dl.json).toEqual({
			code: 'OK',
			reqId: 'dl-3',
			body: {
				relativePath: path,
				queryParams: {
					temp_url_sig: expect.stringMatching(/^[0-9a-f]{40}$/),
					temp_url_expires: expect.any(String),
				},
			},
		});
		const get = await call(emu, 'GET', signedPath(dl.json.body));
		expect(get.status).toBe(200);
		expect(get.headers.get('content-type')).toBe('image/png');
		expect(get.bytes.equals(PNG_1PX)).toBe(true);
		const head = await call(emu, 'HEAD', signedPath(dl.json.body));
		expect(head.status).toBe(200);
		expect(head.headers.get('content-length')).toBe(String(PNG_1PX.length));
		expect(emu.requestsTo('swiftDownload').map((r) => [r.method, r.status])).toEqual([
			['GET', 200],
			['HEAD', 200],
		]);
		// the upload URL's signature does not open the file for reading
		const missing = `/v1/AUTH_async-images/${emu.accountId}/00000000-0000-4000-8000-000000000000.PNG`;
		const none = await send(emu, downloadUrlRequest(missing));
		expect((await call(emu, 'GET', signedPath(none.json.body))).status).toBe(404);
	});

	it('answers with the Content-Type the upload sent', async () => {
		await openConversation(emu);
		const url = await uploadUrl();
		await call(emu, 'PUT', signedPath(url), PNG_1PX, { 'Content-Type': 'image/x-test' });
		const dl = await send(emu, downloadUrlRequest(url.relativePath));
		expect((await call(emu, 'GET', signedPath(dl.json.body))).headers.get('content-type')).toBe(
			'image/x-test',
		);
	});

	it('refuses a download URL for a path outside the account', async () => {
		await openConversation(emu);
		for (const p of ['/v1/AUTH_async-images/999/a.PNG', 'a.PNG', '']) {
			const r = await send(emu, downloadUrlRequest(p));
			expect(r.status).toBe(400);
		}
	});

	it('hides a just-uploaded file during a sanitation window on the test clock', async () => {
		emu.storage.configure({ sanitationMs: 3000 });
		const { path } = await uploaded();
		const dl = await send(emu, downloadUrlRequest(path));
		expect((await call(emu, 'GET', signedPath(dl.json.body))).status).toBe(404);
		emu.clock.advance(3000);
		expect((await call(emu, 'GET', signedPath(dl.json.body))).status).toBe(200);
	});

	it('takes storage settings and lists files through the control endpoint', async () => {
		const set = await call(emu, 'POST', '/_emulator/storage', { sanitationMs: 10 });
		expect(set.json.settings.sanitationMs).toBe(10);
		expect((await call(emu, 'POST', '/_emulator/storage', { nope: 1 })).status).toBe(400);
		const { path } = await uploaded();
		const list = await call(emu, 'GET', '/_emulator/storage');
		expect(list.json.files).toEqual([
			expect.objectContaining({ relativePath: path, fileType: 'PNG', by: 'consumer' }),
		]);
		emu.reset();
		expect(emu.storage.files()).toEqual([]);
		expect(emu.storage.settings().sanitationMs).toBe(0);
	});
});

describe('storage host: faults', () => {
	it('an injected 503 on the upload stores nothing; the retry with the same URL succeeds', async () => {
		emu.faults.add(faultPresets.serverError('swiftUpload'));
		await openConversation(emu);
		const url = await uploadUrl();
		expect((await call(emu, 'PUT', signedPath(url), PNG_1PX)).status).toBe(503);
		expect(emu.storage.files()).toEqual([]);
		expect((await call(emu, 'PUT', signedPath(url), PNG_1PX)).status).toBe(201);
		expect(emu.requestsTo('swiftUpload').map((r) => r.fault ?? null)).toEqual(['status:503', null]);
	});

	it('a URL the storage treats as expired (preset), added through the control endpoint as JSON', async () => {
		const added = await call(
			emu,
			'POST',
			'/_emulator/faults',
			storageFaultPresets.tempUrlInvalid('swiftUpload'),
		);
		expect(added.status).toBe(200);
		await openConversation(emu);
		const put = await call(emu, 'PUT', signedPath(await uploadUrl()), PNG_1PX);
		expect([put.status, put.text]).toEqual([401, TEMP_URL_INVALID]);
		expect(put.headers.get('content-type')).toMatch(/^text\/plain/);
	});

	it('drop, delay and raw apply to uploads and downloads', async () => {
		const { path } = await uploaded();
		emu.faults.add({ on: 'swiftUpload', action: { type: 'drop', when: 'after' } });
		const url = await uploadUrl();
		await expect(call(emu, 'PUT', signedPath(url), PNG_1PX)).rejects.toThrow();
		// processed before the connection dropped: the file is there
		expect(emu.storage.file(url.relativePath)).toBeDefined();
		emu.faults.add(faultPresets.delay('swiftDownload', 150));
		const dl = await send(emu, downloadUrlRequest(path));
		const started = Date.now();
		expect((await call(emu, 'GET', signedPath(dl.json.body))).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		emu.faults.add(faultPresets.htmlPage('swiftDownload', 502));
		const html = await call(emu, 'GET', signedPath(dl.json.body));
		expect(html.status).toBe(502);
		expect(html.text).toMatch(/<html>/);
	});
});

describe('hosted/file publish over SEND', () => {
	it('publishes an uploaded file as a hosted/file ContentEvent with the next sequence', async () => {
		const { id, path } = await uploaded();
		await send(emu, {
			kind: 'req',
			id: 't',
			type: 'ms.PublishEvent',
			body: {
				dialogId: id,
				event: { type: 'ContentEvent', contentType: 'text/plain', message: 'here it comes' },
			},
		});
		const message = {
			caption: 'Receipt',
			relativePath: path,
			fileType: 'PNG',
			preview: 'data:image/png;base64,' + PNG_1PX.toString('base64'),
		};
		const r = await send(emu, hostedFileEvent(id, message, 'f-9'));
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ code: 'OK', reqId: 'f-9', body: { sequence: 1 } });
		const conv = emu.state.conversation(id);
		expect(conv?.messages[1]).toMatchObject({
			sequence: 1,
			from: 'consumer',
			event: { type: 'ContentEvent', contentType: 'hosted/file', message },
		});
	});

	it("accepts the schema's and the pages' readings: JPG or JPEG, with or without caption and preview", async () => {
		const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
		const { id, path } = await uploaded(jpeg, 'JPEG');
		for (const message of [
			{ caption: 'c', relativePath: path, fileType: 'JPEG' },
			{ caption: 'c', relativePath: path, fileType: 'JPG' },
			{ relativePath: path, fileType: 'JPEG' },
			{ caption: '', relativePath: path, fileType: 'JPEG', preview: 'data:image/jpeg;base64,/9j/' },
		]) {
			expect((await send(emu, hostedFileEvent(id, message))).status).toBe(200);
		}
	});

	it.each([
		[
			'a path nothing was uploaded to',
			(p: string) => ({ relativePath: p.replace(/[0-9a-f]{8}-/, '00000000-'), fileType: 'PNG' }),
			/names no uploaded file/,
		],
		['no relativePath', () => ({ caption: 'x', fileType: 'PNG' }), /relativePath is missing/],
		[
			'an unknown file type',
			(p: string) => ({ relativePath: p, fileType: 'BMP' }),
			/fileType has unknown value "BMP"/,
		],
		[
			'a preview of 30 KB',
			(p: string) => ({ relativePath: p, fileType: 'PNG', preview: 'x'.repeat(30 * 1024) }),
			/Check your file size.*under 30 KB/,
		],
		[
			'an unknown field',
			(p: string) => ({ relativePath: p, fileType: 'PNG', name: 'x.png' }),
			/message\.name is not a known field/,
		],
	])('refuses a publish with %s (400)', async (_what, message, msg) => {
		const { id, path } = await uploaded();
		const r = await send(emu, hostedFileEvent(id, message(path)));
		expect(r.status).toBe(400);
		expect(r.json.body.msg).toMatch(msg);
		expect(emu.state.conversation(id)?.messages).toEqual([]);
	});

	it('refuses a message given as text, and a stored file that is not what its type says', async () => {
		const { id } = await uploaded();
		const asText = await send(emu, {
			kind: 'req',
			id: '1',
			type: 'ms.PublishEvent',
			body: {
				dialogId: id,
				event: { type: 'ContentEvent', contentType: 'hosted/file', message: 'x.png' },
			},
		});
		expect(asText.json.body.msg).toMatch(/message must be an object/);
		const url = await uploadUrl();
		await call(emu, 'PUT', signedPath(url), Buffer.from('not an image'));
		const notPng = { id, path: url.relativePath };
		const r = await send(
			emu,
			hostedFileEvent(notPng.id, { relativePath: notPng.path, fileType: 'PNG' }),
		);
		expect(r.status).toBe(400);
		expect(r.json.body.msg).toMatch(/Check your file size and that it is not corrupted/);
		emu.storage.configure({ checkImageBytes: false });
		expect(
			(await send(emu, hostedFileEvent(notPng.id, { relativePath: notPng.path, fileType: 'PNG' })))
				.status,
		).toBe(200);
	});

	it('lets a preview take the body over 5000 characters by default; "enforce" applies the limit', async () => {
		const { id, path } = await uploaded();
		const preview = 'data:image/png;base64,' + 'A'.repeat(29 * 1024);
		expect(
			(
				await send(
					emu,
					hostedFileEvent(id, {
						caption: 'big preview',
						relativePath: path,
						fileType: 'PNG',
						preview,
					}),
				)
			).status,
		).toBe(200);
		emu.storage.configure({ hostedFileBodyLimit: 'enforce' });
		const refused = await send(
			emu,
			hostedFileEvent(id, { caption: 'big preview', relativePath: path, fileType: 'PNG', preview }),
		);
		expect(refused.status).toBe(400);
		expect(refused.json.body.msg).toMatch(/limit is 5000/);
		// a text message is held to 5000 either way
		emu.storage.configure({ hostedFileBodyLimit: 'exempt' });
		const longText = await send(emu, {
			kind: 'req',
			id: '1',
			type: 'ms.PublishEvent',
			body: {
				dialogId: id,
				event: { type: 'ContentEvent', contentType: 'text/plain', message: 'x'.repeat(5000) },
			},
		});
		expect(longText.status).toBe(400);
	});

	it('refuses the publish into a closed conversation as for text', async () => {
		const { id, path } = await uploaded();
		await emu.agent.closeConversation(id);
		const r = await send(emu, hostedFileEvent(id, { relativePath: path, fileType: 'PNG' }));
		expect(r.json.body.msg).toBe('Bad Request, Conversation is close');
	});

	it('a publish whose answer is lost (drop after processing) is in the conversation all the same', async () => {
		const { id, path } = await uploaded();
		emu.faults.add({
			on: 'send',
			match: (r) => JSON.stringify(r.json).includes('hosted/file'),
			action: { type: 'drop', when: 'after' },
		});
		await expect(
			send(emu, hostedFileEvent(id, { relativePath: path, fileType: 'PNG' })),
		).rejects.toThrow();
		expect(emu.state.conversation(id)?.messages).toHaveLength(1);
		expect(emu.requestsTo('send').at(-1)).toMatchObject({ fault: 'drop:after', processed: true });
	});
});

describe('agent files to the webhooks', () => {
	let hook: http.Server;
	let hookUrl: string;
	let received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
	beforeAll(async () => {
		hook = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
				res.writeHead(200).end();
			});
		});
		await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
		hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/lp`;
	});
	beforeEach(() => {
		received = [];
	});
	afterAll(async () => await new Promise((r) => hook.close(r)));

	it('stores the file and delivers a signed hosted/file ContentEvent that a download URL then opens', async () => {
		emu.webhooks.register({ url: hookUrl });
		const id = await openConversation(emu);
		await send(emu, {
			kind: 'req',
			id: 't',
			type: 'ms.PublishEvent',
			body: {
				dialogId: id,
				event: { type: 'ContentEvent', contentType: 'text/plain', message: 'send me the form' },
			},
		});
		const { sequence, relativePath, deliveries } = await emu.agent.sendFile(id, {
			bytes: PNG_1PX,
			fileType: 'PNG',
			caption: 'The form',
		});
		expect(sequence).toBe(1);
		expect(relativePath).toMatch(PATH_SHAPE);
		expect(deliveries.map((d) => [d.eventType, d.status])).toEqual([
			['ms.MessagingEventNotification.ContentEvent', 200],
		]);
		const [got] = received;
		expect(got.headers['x-liveperson-signature']).toBe(
			webhookSignature(emu.clientSecret, got.body, 'sha1'),
		);
		const body = JSON.parse(got.body);
		expect(body).toEqual({
			kind: 'notification',
			type: 'ms.MessagingEventNotification',
			body: {
				changes: [
					{
						sequence: 1,
						serverTimestamp: expect.any(Number),
						messageAudience: 'ALL',
						originatorId: expect.any(String),
						originatorMetadata: { id: expect.any(String), role: 'ASSIGNED_AGENT' },
						event: {
							type: 'ContentEvent',
							contentType: 'hosted/file',
							message: { caption: 'The form', relativePath, fileType: 'PNG' },
						},
						conversationId: id,
						dialogId: id,
					},
				],
			},
		});
		const dl = await send(emu, downloadUrlRequest(relativePath));
		const get = await call(emu, 'GET', signedPath(dl.json.body));
		expect(get.bytes.equals(PNG_1PX)).toBe(true);
		expect(emu.storage.file(relativePath)?.by).toBe('agent');
	});

	it('takes base64 and a preview through the control endpoint', async () => {
		emu.webhooks.register({ url: hookUrl });
		const id = await openConversation(emu);
		const r = await call(emu, 'POST', '/_emulator/agent/file', {
			conversationId: id,
			base64: PNG_1PX.toString('base64'),
			fileType: 'PNG',
			caption: 'c',
			preview: 'data:image/png;base64,AAAA',
		});
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ sequence: 0, relativePath: expect.stringMatching(PATH_SHAPE) });
		expect(JSON.parse(received[0].body).body.changes[0].event.message).toEqual({
			caption: 'c',
			relativePath: r.json.relativePath,
			fileType: 'PNG',
			preview: 'data:image/png;base64,AAAA',
		});
		expect(
			(
				await call(emu, 'POST', '/_emulator/agent/file', {
					conversationId: id,
					base64: '',
					fileType: 'BMP',
				})
			).status,
		).toBe(400);
	});
});
