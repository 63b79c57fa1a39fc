/**
 * Files and reads in a real n8n: an image fetched by n8n's own HTTP Request node is sent with Send
 * File, Get Messages lists it, an agent's file becomes binary data with Download File and is shown
 * in the editor's binary view (a screenshot), and the trigger's Download Files attaches one.
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import * as zlib from 'zlib';

import type { Browser, Page } from 'puppeteer-core';

import { OWNER, outputOf, type Execution } from './n8n';
import { onCleanup, registerPid, unregisterPid } from './processes';
import { Skip } from './report';
import { waitForWebhookRegistration, type Context } from './scenarios';
import {
	CREDENTIAL_TYPE,
	PACKAGE,
	chain,
	lpNode,
	manualTrigger,
	noOp,
	pin,
	type CredentialRef,
	type WorkflowJson,
} from './workflows';

function assert(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes: Buffer): number {
	let c = 0xffffffff;
	for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

/** A `size`-pixel square PNG in two colours (a diagonal split), something to see in the binary view. */
export function pngImage(size: number, a: [number, number, number], b: [number, number, number]) {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(size, 0);
	header.writeUInt32BE(size, 4);
	header[8] = 8; // bit depth
	header[9] = 2; // RGB
	const rows: Buffer[] = [];
	for (let y = 0; y < size; y++) {
		const row = Buffer.alloc(1 + size * 3);
		for (let x = 0; x < size; x++) Buffer.from(x > y ? a : b).copy(row, 1 + x * 3);
		rows.push(row);
	}
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

function executionError(execution: Execution): string {
	const e = execution.data.resultData.error;
	return e ? `${e.message ?? ''}${e.description ? ` (${e.description})` : ''}` : '';
}

async function importAndRun(ctx: Context, workflow: WorkflowJson, trigger = 'Start') {
	const created = await ctx.api.createWorkflow(workflow as unknown as Record<string, unknown>);
	const executionId = await ctx.api.runManually(String(created.id), trigger);
	return { id: String(created.id), execution: await ctx.api.waitForExecution(executionId) };
}

/** Serves one image on 127.0.0.1, as a web page or a CRM's attachment would. */
async function serveImage(bytes: Buffer): Promise<{ url: string; close(): void }> {
	const server = http.createServer((_req, res) => {
		res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': bytes.length });
		res.end(bytes);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return { url: `http://127.0.0.1:${port}/receipt.png`, close: () => server.close() };
}

function httpRequestFile(name: string, url: string) {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [0, 200],
		parameters: {
			url,
			options: { response: { response: { responseFormat: 'file', outputPropertyName: 'data' } } },
		},
	};
}

export async function fileChecks(
	ctx: Context,
	chromium: string | undefined,
	screenshots: string,
): Promise<void> {
	const { checks } = ctx;
	const credential = () => {
		assert(
			ctx.clientCredentials,
			'no Client Credentials credential (cred.client-credentials failed)',
		);
		return ctx.clientCredentials;
	};
	const contactId = `e2e-files-${Date.now()}`;
	let conversationId = '';
	let downloadWorkflow = '';

	await checks.check('files.send-from-http-request', async () => {
		const receipt = pngImage(48, [255, 102, 0], [255, 255, 255]);
		const image = await serveImage(receipt);
		try {
			const workflow = pin(
				chain('e2e files: send an image fetched by HTTP Request, then read the messages', [
					manualTrigger(),
					lpNode('Open', credential(), {
						operation: 'createAndSend',
						consumerId: '={{ $json.contactId }}',
						message: 'Here is my receipt',
					}),
					httpRequestFile('Fetch Image', image.url),
					lpNode('Send File', credential(), {
						operation: 'sendFile',
						consumerId: "={{ $('Start').item.json.contactId }}",
						conversationId: "={{ $('Open').item.json.conversationId }}",
						caption: 'Receipt',
					}),
					lpNode('Get Messages', credential(), {
						operation: 'getMessages',
						consumerId: "={{ $('Start').item.json.contactId }}",
						conversationId: '={{ $json.conversationId }}',
						returnAll: true,
					}),
				]),
				'Start',
				[{ contactId }],
			);
			const { execution } = await importAndRun(ctx, workflow);
			assert(
				execution.status === 'success',
				`the run ended ${execution.status}: ${executionError(execution)}`,
			);
			const sent = outputOf(execution, 'Send File')[0]?.json as Record<string, any>;
			conversationId = String(sent.conversationId);
			const stored = ctx.emu.storage.file(sent.file.relativePath);
			assert(stored?.bytes.equals(receipt), 'the storage does not hold the fetched image');
			const messages = (outputOf(execution, 'Get Messages')[0]?.json.messages ?? []) as Array<
				Record<string, any>
			>;
			const listed = messages.find((m) => m.file?.relativePath === sent.file.relativePath);
			assert(
				listed,
				`Get Messages does not list the file: ${JSON.stringify(messages).slice(0, 300)}`,
			);
			return `${receipt.length}-byte PNG fetched by HTTP Request, sent as #${sent.sequence} (${sent.file.relativePath}); Get Messages lists ${messages.length} messages with it`;
		} finally {
			image.close();
		}
	});

	await checks.check('files.download-binary', async () => {
		if (!conversationId) throw new Skip('no conversation (files.send-from-http-request failed)');
		const form = pngImage(96, [0, 102, 204], [255, 204, 0]);
		const { relativePath } = await ctx.emu.agent.sendFile(conversationId, {
			bytes: form,
			fileType: 'PNG',
			caption: 'Your return form',
		});
		const workflow = pin(
			chain('e2e files: download an agent file', [
				manualTrigger(),
				lpNode('Download File', credential(), {
					operation: 'downloadFile',
					consumerId: '={{ $json.contactId }}',
					relativePath: '={{ $json.relativePath }}',
					options: { fileName: 'return-form.png' },
				}),
			]),
			'Start',
			[{ contactId, relativePath }],
		);
		const { id, execution } = await importAndRun(ctx, workflow);
		downloadWorkflow = id;
		assert(
			execution.status === 'success',
			`the run ended ${execution.status}: ${executionError(execution)}`,
		);
		const [item] = outputOf(execution, 'Download File') as Array<{
			json: Record<string, any>;
			binary?: Record<string, Record<string, any>>;
		}>;
		const data = item?.binary?.data;
		assert(data, `no binary data on the output: ${JSON.stringify(item).slice(0, 300)}`);
		assert(
			data.mimeType === 'image/png' && data.fileName === 'return-form.png',
			`binary data ${JSON.stringify(data).slice(0, 300)}`,
		);
		return `binary "${data.fileName}" (${data.mimeType}, ${data.fileSize ?? item.json.fileSize}) from ${relativePath}`;
	});

	await checks.check('files.trigger-download-files', async () => {
		if (!conversationId) throw new Skip('no conversation (files.send-from-http-request failed)');
		const trigger = (ctx.nodeTypes ?? []).find(
			(n) => n.name === `${PACKAGE}.livePersonConnectorTrigger`,
		);
		assert(trigger, 'the package has no trigger node');
		const node = {
			id: randomUUID(),
			name: 'LivePerson Connector Trigger',
			type: trigger.name,
			typeVersion: 1,
			position: [0, 0],
			webhookId: randomUUID(),
			parameters: { events: ['ContentEvent'], options: { downloadFiles: true } },
			credentials: { [CREDENTIAL_TYPE]: credential() as CredentialRef },
		};
		const workflow = chain('e2e files: trigger with Download Files', [node, noOp('Agent File')]);
		const created = await ctx.api.createWorkflow(workflow as unknown as Record<string, unknown>);
		const logFrom = ctx.n8n.log().length;
		await ctx.api.activate(String(created.id));
		await waitForWebhookRegistration(ctx, workflow.name, logFrom);
		const url = `${ctx.n8n.baseUrl}/webhook/${node.webhookId}/liveperson`;
		try {
			ctx.emu.webhooks.register({ url });
			const bytes = pngImage(32, [0, 153, 0], [255, 255, 255]);
			const sent = await ctx.emu.agent.sendFile(conversationId, { bytes, fileType: 'PNG' });
			const delivery = sent.deliveries.find((d) => d.url === url);
			assert(
				delivery?.status === 200,
				`delivery to ${url}: ${delivery?.status ?? delivery?.error}`,
			);
			const deadline = Date.now() + 30_000;
			let executions = await ctx.api.executions(String(created.id));
			while (executions.length === 0 && Date.now() < deadline) {
				await new Promise((resolve) => setTimeout(resolve, 300));
				executions = await ctx.api.executions(String(created.id));
			}
			assert(executions.length === 1, `${executions.length} executions after one delivery`);
			const execution = await ctx.api.waitForExecution(executions[0].id);
			const [item] = outputOf(execution, node.name) as Array<{
				json: Record<string, any>;
				binary?: Record<string, Record<string, any>>;
			}>;
			assert(
				item?.binary?.data?.mimeType === 'image/png',
				`the trigger's item has no file: ${JSON.stringify(item?.json ?? {}).slice(0, 300)}`,
			);
			return `answered ${delivery.status} in ${delivery.durationMs} ms; the run's item carries ${item.binary.data.fileName} (${item.binary.data.mimeType})`;
		} finally {
			ctx.emu.webhooks.clear();
			await ctx.api.deactivate(String(created.id)).catch(() => undefined);
		}
	});

	if (!chromium) {
		checks.skip('files.browser-binary-view', 'no Chromium');
		return;
	}
	await checks.check('files.browser-binary-view', async () => {
		if (!downloadWorkflow)
			throw new Skip('no Download File workflow (files.download-binary failed)');
		fs.mkdirSync(screenshots, { recursive: true });
		return await showBinary(ctx, chromium, screenshots, downloadWorkflow);
	});
}

/** Signs in, runs the Download File workflow from the editor, and opens the node's binary view. */
async function showBinary(
	ctx: Context,
	chromium: string,
	screenshots: string,
	workflowId: string,
): Promise<string> {
	const puppeteer = await import('puppeteer-core');
	let browser: Browser | undefined;
	let pid: number | undefined;
	const close = async () => {
		await browser?.close().catch(() => undefined);
		if (pid) unregisterPid(pid);
		browser = undefined;
	};
	onCleanup(close);
	const shot = async (page: Page, name: string) =>
		await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
	try {
		browser = await puppeteer.launch({
			executablePath: chromium,
			headless: true,
			args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run'],
			defaultViewport: { width: 1440, height: 1000 },
		});
		pid = browser.process()?.pid;
		if (pid) registerPid(pid, 'chromium');
		const page = await browser.newPage();
		page.setDefaultTimeout(30_000);
		try {
			await page.goto(`${ctx.n8n.baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
			const email = 'input[name="emailOrLdapLoginId"], input[name="email"]';
			await page.waitForSelector(email, { visible: true });
			await page.type(email, OWNER.email);
			await page.type('input[name="password"]', OWNER.password);
			await page.click('[data-test-id="form-submit-button"]');
			await page.waitForFunction(() => !location.pathname.startsWith('/signin'));

			await page.goto(`${ctx.n8n.baseUrl}/workflow/${workflowId}`, {
				waitUntil: 'domcontentloaded',
			});
			const node = '[data-test-id="canvas-node"][data-node-name="Download File"]';
			await page.waitForSelector(node, { visible: true });
			const before = (await ctx.api.executions(workflowId)).length;
			await page.click('[data-test-id="execute-workflow-button"]');
			// The run the editor started, finished.
			const deadline = Date.now() + 60_000;
			for (;;) {
				const runs = await ctx.api.executions(workflowId);
				if (
					runs.length > before &&
					runs.every((run) => run.status !== 'running' && run.status !== 'new')
				)
					break;
				assert(Date.now() < deadline, 'the run started in the editor did not finish within 60 s');
				await new Promise((resolve) => setTimeout(resolve, 300));
			}
			await shot(page, 'files-01-canvas-after-run');
			await page.click(node, { count: 2 });
			await page.waitForSelector('[data-test-id="ndv"]', { visible: true });
			const binaryMode = await page
				.waitForSelector(
					'[data-test-id="ndv-run-data-display-mode"] [data-test-id="radio-button-binary"], [data-test-id="ndv-run-data-display-mode"] label:has(input[value="binary"])',
					{ visible: true, timeout: 15_000 },
				)
				.catch(() => null);
			if (binaryMode) await binaryMode.click();
			else {
				// Older editors name the option by its label.
				const clicked = await page.evaluate(() => {
					const mode = document.querySelector('[data-test-id="ndv-run-data-display-mode"]');
					const option = Array.from(mode?.querySelectorAll('label, button, span') ?? []).find(
						(e) => (e as HTMLElement).innerText?.trim() === 'Binary',
					) as HTMLElement | undefined;
					option?.click();
					return option !== undefined;
				});
				assert(clicked, 'the output panel offers no Binary view');
			}
			await page.waitForSelector('[data-test-id="ndv-view-binary-data"]', { visible: true });
			const card = await page.$eval('[data-test-id="ndv"]', (e) => (e as HTMLElement).innerText);
			assert(/return-form\.png/.test(card), 'the binary view does not name return-form.png');
			assert(/image\/png/.test(card), 'the binary view does not show the MIME type image/png');
			await shot(page, 'files-02-binary-view');
			await page.click('[data-test-id="ndv-view-binary-data"]');
			// The image itself, decoded: the 96-pixel square the agent sent. n8n serves it from
			// /rest/binary-data when it keeps binary data in files (2.x's default); with binary data in
			// memory (1.x's default) the editor shows it as a data: URL.
			const width = await page
				.waitForFunction(
					() =>
						Array.from(document.querySelectorAll('img'))
							.filter(
								(img) =>
									img.src.includes('/rest/binary-data') || img.src.startsWith('data:image/png'),
							)
							.map((img) => img.naturalWidth)
							.find((w) => w > 0),
					{ timeout: 15_000 },
				)
				.then(async (handle) => (await handle.jsonValue()) as number)
				.catch(async (error: Error) => {
					const seen = await page.evaluate(() =>
						Array.from(document.querySelectorAll('img, embed'))
							.map((e) => `${e.tagName} ${(e as HTMLImageElement).src.slice(0, 60)}`)
							.join('; '),
					);
					throw new Error(`${error.message}: no 96 px image shown; images on the page: ${seen}`);
				});
			await shot(page, 'files-03-binary-image');
			assert(width === 96, `the image shown is ${width} px wide, not 96`);
			return `return-form.png (image/png) in the output's Binary view, and the 96 px image shown: screenshots files-02-binary-view.png, files-03-binary-image.png`;
		} catch (error) {
			await shot(page, 'failed-files-browser-binary-view').catch(() => undefined);
			throw error;
		}
	} finally {
		await close();
	}
}
