/**
 * The editor as a user sees it: Debian's Chromium, headless, driven by puppeteer-core. Every wait is
 * on a selector or a condition in the page, never a fixed sleep. Screenshots go to one folder.
 */
import * as fs from 'fs';
import * as path from 'path';

import type { Browser, ElementHandle, Page } from 'puppeteer-core';

import { OWNER } from './n8n';
import { ensureDebianPackages } from './debian';
import { onCleanup, registerPid, unregisterPid } from './processes';
import { newUserChecks } from './newUser';
import type { Context } from './scenarios';
import { LP_TYPE, chain, lpNode, manualTrigger } from './workflows';

/** Defined in the page (see VISIBILITY_HELPER): the functions passed to the page run there. */
declare function isVisible(element: Element): boolean;

/** Shown on screen: a box of some size, not hidden (offsetParent is null for fixed elements). */
const VISIBILITY_HELPER = () => {
	(window as unknown as { isVisible: (e: Element) => boolean }).isVisible = (e: Element) => {
		const box = e.getBoundingClientRect();
		const style = getComputedStyle(e);
		return (
			box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none'
		);
	};
};

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];
export const TIMEOUT = 30_000;

/** Chromium's path (N8N_E2E_CHROMIUM, or Debian's); when missing, installs Debian's package. */
export async function ensureChromium(log: (s: string) => void, logFile: string): Promise<string> {
	return await ensureDebianPackages(
		['chromium'],
		[process.env.N8N_E2E_CHROMIUM ?? '', ...CANDIDATES],
		log,
		logFile,
	);
}

function assert(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

/** Waits until an element matching `selector` is visible and (optionally) contains `text`. */
export async function waitForText(
	page: Page,
	selector: string,
	text = '',
	timeout = TIMEOUT,
): Promise<void> {
	await page.waitForFunction(
		(sel: string, t: string) =>
			Array.from(document.querySelectorAll(sel)).some(
				(e) => isVisible(e) && (e as HTMLElement).innerText.includes(t),
			),
		{ timeout },
		selector,
		text,
	);
}

/** The first visible element matching `selector` whose text passes `matches`, if any. */
export async function visibleWithText(
	page: Page,
	selector: string,
	matches: (text: string) => boolean,
): Promise<ElementHandle | undefined> {
	for (const handle of await page.$$(selector)) {
		const text = await handle.evaluate((e) => (isVisible(e) ? (e as HTMLElement).innerText : null));
		if (text !== null && matches(text)) return handle;
	}
	return undefined;
}

export async function visibleTexts(page: Page, selector: string): Promise<string[]> {
	return await page.$$eval(selector, (els) =>
		els.filter((e) => isVisible(e)).map((e) => (e as HTMLElement).innerText.trim()),
	);
}

/** Our icon, loaded (an <img> whose SVG decoded), inside `scope`. */
export async function iconLoaded(page: Page, scope: string): Promise<boolean> {
	await page
		.waitForFunction(
			(sel: string) =>
				Array.from(document.querySelectorAll(`${sel} img`)).some(
					(img) =>
						/liveperson(\.dark)?\.svg/.test((img as HTMLImageElement).src) &&
						(img as HTMLImageElement).complete &&
						(img as HTMLImageElement).naturalWidth > 0,
				),
			{ timeout: 10_000 },
			scope,
		)
		.catch(() => undefined);
	return await page.$$eval(`${scope} img`, (imgs) =>
		imgs.some(
			(img) =>
				/liveperson(\.dark)?\.svg/.test((img as HTMLImageElement).src) &&
				(img as HTMLImageElement).naturalWidth > 0,
		),
	);
}

export const PANEL_OPEN = '[data-test-id="ndv"] [data-test-id="parameter-input-operation"]';
/** A section of an app in the nodes panel ("Actions (8)", "Triggers (5)"). */
export const CATEGORY = '[data-test-id="node-creator"] [data-test-id="node-creator-category-item"]';

/** Closes the node panel (close button, back-to-canvas, or Escape) and waits until it is gone. */
export async function closePanel(page: Page): Promise<void> {
	const isOpen = () => page.$eval(PANEL_OPEN, (e) => isVisible(e)).catch(() => false);
	for (let attempt = 0; attempt < 3 && (await isOpen()); attempt++) {
		const button =
			(await page.$('[data-test-id="ndv-close-button"]')) ??
			(await page.$('[data-test-id="back-to-canvas"]'));
		const visible = button && (await button.evaluate((e) => isVisible(e)));
		if (visible) await button.click();
		else await page.keyboard.press('Escape');
		await page
			.waitForFunction(
				(sel: string) => !Array.from(document.querySelectorAll(sel)).some((e) => isVisible(e)),
				{ timeout: 5000 },
				PANEL_OPEN,
			)
			.catch(() => undefined);
	}
	if (await isOpen()) throw new Error('the node panel does not close');
}

/** Opens a node's panel from the canvas and waits until it shows that node. */
export async function openPanel(
	page: Page,
	canvasSelector: string,
	nodeName: string,
): Promise<void> {
	await closePanel(page);
	await page.waitForSelector(canvasSelector, { visible: true });
	// A double-click right after the panel closed can land while the canvas still settles: try again.
	for (let attempt = 1; ; attempt++) {
		await page.click(canvasSelector, { count: 2 });
		try {
			await page.waitForSelector(PANEL_OPEN, {
				visible: true,
				timeout: attempt < 3 ? 2500 : TIMEOUT,
			});
			break;
		} catch (error) {
			if (attempt >= 3) throw error;
		}
	}
	await waitForText(page, '[data-test-id="ndv"]', nodeName);
}

/** Clicks an element once it is visible and has stopped moving (drop-downs and dialogs animate in). */
export async function stableClick(page: Page, selector: string): Promise<void> {
	await page.waitForSelector(selector, { visible: true });
	await page.waitForFunction(
		(sel: string) =>
			new Promise<boolean>((resolve) => {
				const box = () => JSON.stringify(document.querySelector(sel)?.getBoundingClientRect());
				const first = box();
				requestAnimationFrame(() =>
					requestAnimationFrame(() => resolve(first === box() && first !== undefined)),
				);
			}),
		{ timeout: TIMEOUT },
		selector,
	);
	await page.click(selector);
}

interface OperationInfo {
	value: string;
	name: string;
	action?: string;
}

export async function browserChecks(
	ctx: Context,
	chromium: string,
	screenshots: string,
): Promise<void> {
	const { checks } = ctx;
	fs.mkdirSync(screenshots, { recursive: true });
	console.log(`  screenshots: ${screenshots}`);
	const shot = async (page: Page, name: string) => {
		await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
	};

	const description = (ctx.nodeTypes ?? []).find((n) => n.name === LP_TYPE);
	const operationProperty = (
		description?.properties as Array<Record<string, any>> | undefined
	)?.find((p) => p.name === 'operation');
	// n8n adds its own "Custom API Call" (__CUSTOM_API_CALL__) to nodes with an authenticating credential.
	const operations: OperationInfo[] = (
		(operationProperty?.options ?? []) as Array<Record<string, string>>
	)
		.filter((o) => !o.value.startsWith('__'))
		.map((o) => ({ value: o.value, name: o.name, action: o.action }));
	const required = new Set(
		((description?.properties as Array<Record<string, any>> | undefined) ?? [])
			.filter((p) => p.required)
			.map((p) => p.name as string),
	);
	if (!description || operations.length === 0) {
		checks.fail('browser', `no operations for ${LP_TYPE} in /types/nodes.json`);
		return;
	}
	assert(ctx.clientCredentials, 'no Client Credentials credential');
	// One untouched node per operation, as added from the nodes panel.
	const nodeName = (op: OperationInfo) => `LP ${op.name}`;
	const workflow = chain('e2e editor', [
		manualTrigger(),
		...operations.map((op) =>
			lpNode(nodeName(op), ctx.clientCredentials as never, { operation: op.value }),
		),
	]);
	let created: Record<string, any> = {};
	const ready = await checks.check('browser.workflow', async () => {
		created = await ctx.api.createWorkflow(workflow as unknown as Record<string, unknown>);
		return `one untouched node per operation: ${operations.map(nodeName).join(', ')}`;
	});
	if (!ready) return;

	const puppeteer = await import('puppeteer-core');
	let browser: Browser | undefined;
	let pid: number | undefined;
	const close = async () => {
		await browser?.close().catch(() => undefined);
		if (pid) unregisterPid(pid);
		browser = undefined;
	};
	onCleanup(close);
	try {
		browser = await puppeteer.launch({
			executablePath: chromium,
			headless: true,
			args: [
				'--no-sandbox',
				'--disable-dev-shm-usage',
				'--disable-gpu',
				'--no-first-run',
				'--no-default-browser-check',
			],
			defaultViewport: { width: 1440, height: 1000 },
		});
		pid = browser.process()?.pid;
		if (pid) registerPid(pid, 'chromium');
		const page = await browser.newPage();
		page.setDefaultTimeout(TIMEOUT);
		await page.evaluateOnNewDocument(VISIBILITY_HELPER);
		// A failed check leaves a screenshot of what the page showed.
		const check = checks.check.bind(checks);
		checks.check = async (id, fn) =>
			await check(id, async () => {
				try {
					return await fn();
				} catch (error) {
					await shot(page, `failed-${id}`).catch(() => undefined);
					throw error;
				}
			});

		const signedIn = await checks.check('browser.signin', async () => {
			await page.goto(`${ctx.n8n.baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
			const email = 'input[name="emailOrLdapLoginId"], input[name="email"]';
			await page.waitForSelector(email, { visible: true });
			await page.type(email, OWNER.email);
			await page.type('input[name="password"]', OWNER.password);
			await page.click('[data-test-id="form-submit-button"]');
			await page.waitForFunction(() => !location.pathname.startsWith('/signin'), {
				timeout: TIMEOUT,
			});
			await shot(page, '00-after-signin');
			return `signed in as ${OWNER.email}, at ${new URL(page.url()).pathname}`;
		});
		if (!signedIn) return;

		const canvasNode = (name: string) => `[data-test-id="canvas-node"][data-node-name="${name}"]`;
		const opened = await checks.check('browser.canvas-icon', async () => {
			await page.goto(`${ctx.n8n.baseUrl}/workflow/${created.id}`, {
				waitUntil: 'domcontentloaded',
			});
			for (const op of operations)
				await page.waitForSelector(canvasNode(nodeName(op)), { visible: true });
			const missing: string[] = [];
			for (const op of operations)
				if (!(await iconLoaded(page, canvasNode(nodeName(op))))) missing.push(nodeName(op));
			await shot(page, '01-canvas');
			assert(missing.length === 0, `no LivePerson icon on ${missing.join(', ')}`);
			return `icon shown on ${operations.length} nodes`;
		});
		if (!opened) return;

		await checks.check('browser.canvas-subtitle', async () => {
			const subtitles: string[] = [];
			for (const op of operations) {
				const text = await page.$eval(
					canvasNode(nodeName(op)),
					(e) => (e as HTMLElement).innerText,
				);
				subtitles.push(text.split('\n').slice(1).join(' ').trim());
			}
			const raw = subtitles.filter((s, i) => s.includes(operations[i].value));
			assert(
				raw.length === 0,
				`raw values in the canvas subtitle: ${raw.map((s) => `"${s}"`).join(', ')}`,
			);
			return subtitles.map((s) => `"${s}"`).join(', ');
		});

		await checks.check('browser.nodes-panel', async () => {
			await stableClick(page, '[data-test-id="node-creator-plus-button"]');
			const search = '[data-test-id="node-creator"] input';
			await page.waitForSelector(search, { visible: true });
			await page.type(search, 'LivePerson');
			const item = '[data-test-id="node-creator"] [data-test-id="item-iterator-item"]';
			await waitForText(page, item, 'LivePerson Connector');
			assert(
				await iconLoaded(page, '[data-test-id="node-creator"]'),
				'no LivePerson icon in the nodes panel',
			);
			await shot(page, '02-nodes-panel-search');
			const target = await visibleWithText(page, item, (text) =>
				text.includes('LivePerson Connector'),
			);
			assert(target, 'no "LivePerson Connector" item in the nodes panel');
			// n8n pairs the trigger with the action node (its name without "Trigger"): one app.
			const found = (await visibleTexts(page, item)).map((t) => t.split('\n')[0].trim());
			assert(
				found.filter((t) => t === 'LivePerson Connector').length === 1 &&
					!found.some((t) => /LivePerson Connector Trigger/.test(t)),
				`not one app "LivePerson Connector" with its trigger: ${found.map((t) => `"${t}"`).join(', ')}`,
			);
			await target.click();
			const actions = operations.map((op) => op.action ?? op.name);
			for (const action of actions) await waitForText(page, item, action);
			const categories = await visibleTexts(page, CATEGORY);
			const triggers = categories.find((c) => /^Triggers \(\d+\)/.test(c));
			assert(
				categories.some((c) => c.startsWith(`Actions (${actions.length})`)),
				`no "Actions (${actions.length})" in ${categories.join(', ')}`,
			);
			assert(triggers, `the app has no Triggers section: ${categories.join(', ')}`);
			const text = await page.$eval(
				'[data-test-id="node-creator"]',
				(e) => (e as HTMLElement).innerText,
			);
			assert(!/Triggers available/i.test(text), 'the panel says no triggers are available');
			await shot(page, '03-nodes-panel-actions');
			await page.keyboard.press('Escape');
			await page
				.waitForFunction(() => !document.querySelector('[data-test-id="node-creator"] input'), {
					timeout: TIMEOUT,
				})
				.catch(() => undefined);
			return `one app "LivePerson Connector" with its icon: ${triggers.split('\n')[0]}, actions: ${actions.join(', ')}`;
		});

		for (const op of operations) {
			const panelOpen = await checks.check(`browser.panel.${op.value}`, async () => {
				await openPanel(page, canvasNode(nodeName(op)), nodeName(op));
				const operationInput = PANEL_OPEN;
				const shown = await page.$eval(
					`${operationInput} input`,
					(e) => (e as HTMLInputElement).value,
				);
				assert(shown === op.name, `the Operation field shows "${shown}", not "${op.name}"`);
				assert(
					await iconLoaded(page, '[data-test-id="ndv"]'),
					'no LivePerson icon in the panel header',
				);
				await shot(page, `04-panel-${op.value}`);
				await stableClick(page, operationInput);
				for (const other of operations)
					await waitForText(page, '.el-select-dropdown__item', other.name);
				const listed = await visibleTexts(page, '.el-select-dropdown__item');
				await shot(page, `05-panel-${op.value}-operations`);
				assert(
					!listed.some((l) => /custom api call/i.test(l)),
					'the Operation list offers "Custom API Call"',
				);
				await page.keyboard.press('Escape');
				await page
					.waitForFunction(
						() =>
							!Array.from(document.querySelectorAll('.el-select-dropdown__item')).some((e) =>
								isVisible(e),
							),
						{ timeout: 5000 },
					)
					.catch(() => undefined);
				return `Operation "${shown}"; the list: ${listed.map((l) => l.split('\n')[0]).join(', ')}`;
			});
			if (!panelOpen) continue;
			await checks.check(`browser.panel.${op.value}.no-error-marker`, async () => {
				// An untouched optional field must not be marked; n8n flags empty required fields itself.
				const markers = await page.$$eval(
					'[data-test-id="ndv"] .cm-lint-marker-error, [data-test-id="ndv"] .cm-lintRange-error, [data-test-id="ndv"] [data-test-id="parameter-issues"]',
					(els) =>
						els.map((e) => {
							const input =
								e.closest('[data-test-id^="parameter-input-"]')?.getAttribute('data-test-id') ?? '';
							return {
								field: input.replace('parameter-input-', ''),
								lint: e.className.includes('cm-lint'),
							};
						}),
				);
				const marked = [
					...new Set(
						markers
							.filter((m) => !(required.has(m.field) && !m.lint))
							.map((m) => m.field || '(unknown field)'),
					),
				];
				if (marked.length === 0) return 'no error marker on untouched fields';
				let tooltip = '';
				const lint = await page.$('[data-test-id="ndv"] .cm-lint-marker-error');
				if (lint) {
					await lint.hover();
					await page
						.waitForSelector('.cm-tooltip-lint', { visible: true, timeout: 5000 })
						.catch(() => undefined);
					tooltip = (await visibleTexts(page, '.cm-tooltip-lint')).join(' ');
					await shot(page, `06-panel-${op.value}-error-marker`);
				}
				throw new Error(
					`error marker on untouched ${marked.join(', ')}${tooltip ? `: "${tooltip}"` : ''}`,
				);
			});
		}

		const dialog = '[data-test-id="editCredential-modal"]';
		const dialogOpen = await checks.check('browser.credential-dialog', async () => {
			await openPanel(page, canvasNode(nodeName(operations[0])), nodeName(operations[0]));
			const select = '[data-test-id="ndv"] [data-test-id="node-credentials-select"]';
			const createNew = '[data-test-id="node-credentials-select-item-new"]';
			const authentication = `${dialog} [data-test-id="parameter-input-authentication"]`;
			for (let attempt = 1; ; attempt++) {
				await stableClick(page, select);
				await stableClick(page, createNew);
				try {
					await page.waitForSelector(authentication, {
						visible: true,
						timeout: attempt < 3 ? 5000 : TIMEOUT,
					});
					break;
				} catch (error) {
					if (attempt >= 3) throw error;
					await page.keyboard.press('Escape');
				}
			}
			await waitForText(page, dialog, 'LivePerson Connector API');
			assert(await iconLoaded(page, dialog), 'no LivePerson icon in the credential dialog');
			await shot(page, '07-credential-dialog');
			const fields = await page.$$eval(`${dialog} [data-test-id^="parameter-input-"]`, (els) => [
				...new Set(
					els
						.filter((e) => isVisible(e))
						.map((e) => e.getAttribute('data-test-id')?.replace('parameter-input-', '')),
				),
			]);
			return `"LivePerson Connector API" with its icon; fields: ${fields.filter((f) => f && f !== 'field').join(', ')}`;
		});
		if (dialogOpen) {
			await checks.check('browser.credential-default-mode', async () => {
				const mode = await page.$eval(
					`${dialog} [data-test-id="parameter-input-authentication"] input`,
					(e) => (e as HTMLInputElement).value,
				);
				assert(
					/client credentials/i.test(mode),
					`a new credential opens in "${mode}", not Client Credentials`,
				);
				return `opens in "${mode}"`;
			});
		}
		// Last: it leaves the workflow the checks above work in.
		await newUserChecks(ctx, page, shot);
	} finally {
		delete (checks as { check?: unknown }).check;
		await close();
	}
}
