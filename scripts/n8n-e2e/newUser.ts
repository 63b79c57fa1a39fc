/**
 * What a new user sees in the editor in the first minutes, checked and screenshotted: each example's
 * canvas as imported (every node drawn, none over another), the trigger's panel (its notice two lines
 * and a link, its event chips whole), and the nodes panel of a new workflow, whose first step is a
 * trigger: one app "LivePerson Connector" with its triggers, one of which adds the trigger node.
 */
import * as fs from 'fs';
import * as path from 'path';
import { randomUUID } from 'crypto';

import type { Page } from 'puppeteer-core';

import {
	CATEGORY,
	TIMEOUT,
	closePanel,
	iconLoaded,
	openPanel,
	stableClick,
	visibleTexts,
	visibleWithText,
	waitForText,
} from './browser';
import { asImported } from './examples';
import { ownTriggerType, type Context } from './scenarios';
import { CREDENTIAL_TYPE, chain, noOp } from './workflows';

function assert(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

const NDV = '[data-test-id="ndv"]';
const canvasNode = (name: string) => `[data-test-id="canvas-node"][data-node-name="${name}"]`;
const ITEM = '[data-test-id="node-creator"] [data-test-id="item-iterator-item"]';
const PROACTIVE_NODE_TYPE = 'n8n-nodes-liveperson.livePersonProactiveMessaging';
/** The emulator's WhatsApp handoff, the one the Proactive example uses. */
const WHATSAPP_TEMPLATE = 'Appointment reminder (WhatsApp)';

/** Waits until the canvas has stopped moving (zoom-to-fit animates). */
async function canvasSettled(page: Page): Promise<void> {
	await page.waitForFunction(
		() =>
			new Promise<boolean>((resolve) => {
				const at = () =>
					JSON.stringify(
						Array.from(document.querySelectorAll('[data-test-id="canvas-node"]')).map((e) =>
							e.getBoundingClientRect(),
						),
					);
				const first = at();
				setTimeout(() => resolve(first === at()), 300);
			}),
		{ timeout: TIMEOUT, polling: 350 },
	);
}

/** Opens a workflow in the editor and waits until all its nodes are drawn, fitted to the view. */
async function openWorkflow(ctx: Context, page: Page, id: string, nodes: string[]): Promise<void> {
	await page.goto(`${ctx.n8n.baseUrl}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
	for (const name of nodes) await page.waitForSelector(canvasNode(name), { visible: true });
	const fit = await page.$('[data-test-id="zoom-to-fit"]');
	if (fit) await fit.click();
	await canvasSettled(page);
}

/** Pairs of nodes whose boxes or names overlap on the canvas (handles and their labels left out). */
async function overlappingNodes(page: Page): Promise<string[]> {
	return await page.$$eval('[data-test-id="canvas-node"]', (nodes) => {
		const areas = nodes.map((node) => {
			const rects = [node, ...Array.from(node.querySelectorAll('*'))]
				.filter((e) => !e.closest('.vue-flow__handle') && (e as HTMLElement).offsetParent !== null)
				.map((e) => e.getBoundingClientRect())
				.filter((r) => r.width > 0 && r.height > 0);
			return {
				name: node.getAttribute('data-node-name') ?? '?',
				left: Math.min(...rects.map((r) => r.left)),
				right: Math.max(...rects.map((r) => r.right)),
				top: Math.min(...rects.map((r) => r.top)),
				bottom: Math.max(...rects.map((r) => r.bottom)),
			};
		});
		const pairs: string[] = [];
		areas.forEach((a, i) =>
			areas.slice(i + 1).forEach((b) => {
				if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
					pairs.push(`${a.name} / ${b.name}`);
			}),
		);
		return pairs;
	});
}

export async function newUserChecks(
	ctx: Context,
	page: Page,
	shot: (page: Page, name: string) => Promise<void>,
): Promise<void> {
	const { checks } = ctx;
	// Leaving an unsaved new workflow asks first: go on.
	page.on('dialog', (dialog) => void dialog.accept().catch(() => undefined));

	// Each example, imported exactly as shipped (the credential picked), as a user first sees it.
	const dir = path.join(ctx.repo, 'examples');
	for (const file of fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.workflow.json'))
		.sort()) {
		const name = file.replace(/\.workflow\.json$/, '');
		await checks.check(`browser.example-canvas.${name}`, async () => {
			const workflow = await asImported(ctx, file, `e2e canvas ${file}`);
			const created = await ctx.api.createWorkflow(workflow as unknown as Record<string, unknown>);
			const names = workflow.nodes.map((n) => String(n.name));
			await openWorkflow(ctx, page, String(created.id), names);
			await shot(page, `08-example-${name}`);
			const drawn = await page.$$eval('[data-test-id="canvas-node"]', (els) => els.length);
			assert(drawn === names.length, `${drawn} nodes drawn, not ${names.length}`);
			const overlapping = await overlappingNodes(page);
			assert(overlapping.length === 0, `overlapping on the canvas: ${overlapping.join(', ')}`);
			const ours = workflow.nodes.filter((n) => String(n.type).startsWith('n8n-nodes-liveperson.'));
			for (const node of ours)
				assert(
					await iconLoaded(page, canvasNode(String(node.name))),
					`no LivePerson icon on ${node.name}`,
				);
			return `${drawn} nodes drawn, none overlapping, LivePerson icon on ${ours.length}`;
		});
	}

	// The trigger's panel, with every event type chosen: the notice and the chips.
	const trigger = ownTriggerType(ctx);
	await checks.check('browser.trigger-panel', async () => {
		assert(trigger, 'the package has no trigger node');
		assert(ctx.clientCredentials, 'no Client Credentials credential');
		const events = (
			(trigger.properties as Array<Record<string, any>>).find((p) => p.name === 'events')
				?.options ?? []
		).map((o: Record<string, string>) => ({ name: o.name, value: o.value }));
		const node = {
			id: randomUUID(),
			name: 'LivePerson Connector Trigger',
			type: trigger.name,
			typeVersion: Array.isArray(trigger.version) ? Math.max(...trigger.version) : trigger.version,
			position: [0, 0],
			webhookId: randomUUID(),
			parameters: { events: events.map((e: { value: string }) => e.value) },
			credentials: { [CREDENTIAL_TYPE]: ctx.clientCredentials },
		};
		const workflow = chain('e2e trigger panel', [node, noOp('Agent Replied')]);
		const created = await ctx.api.createWorkflow(workflow as unknown as Record<string, unknown>);
		await openWorkflow(ctx, page, String(created.id), [node.name, 'Agent Replied']);
		await closePanel(page);
		await page.click(canvasNode(node.name), { count: 2 });
		const chips = `${NDV} [data-test-id="parameter-input-events"] .el-select__tags-text`;
		await page.waitForSelector(chips, { visible: true });
		await waitForText(page, NDV, 'Connector App Hub');
		await shot(page, '11-trigger-panel');

		const notice = await page.$$eval(`${NDV} .notice`, (els) =>
			els
				.filter((e) => (e as HTMLElement).innerText.includes('Connector App Hub'))
				.map((e) => {
					const content = (e.querySelector('[id$="-content"]') ?? e) as HTMLElement;
					// The lines the text is laid out in: the distinct tops of its line boxes.
					const range = document.createRange();
					range.selectNodeContents(content);
					const tops = Array.from(range.getClientRects())
						.filter((r) => r.width > 0 && r.height > 0)
						.map((r) => r.top)
						.sort((x, y) => x - y);
					const lines = tops.filter((top, i) => i === 0 || top - tops[i - 1] > 6).length;
					const link = e.querySelector('a');
					return {
						text: (e as HTMLElement).innerText.trim(),
						lines,
						link: link ? { text: link.textContent?.trim(), href: link.getAttribute('href') } : null,
						toggle: /show more|read more|show less/i.test((e as HTMLElement).innerText),
					};
				}),
		);
		assert(notice.length === 1, `${notice.length} setup notices in the panel`);
		const [n] = notice;
		assert(n.lines <= 2, `the notice takes ${n.lines} lines: "${n.text}"`);
		assert(!n.toggle, `the notice is cut with a toggle: "${n.text}"`);
		assert(
			n.link?.text === 'Setup steps' && /docs\/trigger\.md$/.test(String(n.link.href)),
			`the notice's link: ${JSON.stringify(n.link)}`,
		);

		const shown = await page.$$eval(chips, (els) =>
			els.map((e) => ({
				text: (e as HTMLElement).innerText.trim(),
				cut: (e as HTMLElement).scrollWidth > (e as HTMLElement).clientWidth + 1,
			})),
		);
		const cut = shown.filter((c) => c.cut).map((c) => c.text);
		assert(cut.length === 0, `event chips cut short: ${cut.join(', ')}`);
		const names = events.map((e: { name: string }) => e.name);
		const missing = names.filter((name: string) => !shown.some((c) => c.text === name));
		assert(
			missing.length === 0,
			`chips missing: ${missing.join(', ')} (shown: ${shown.map((c) => c.text).join(', ')})`,
		);
		await closePanel(page).catch(() => page.keyboard.press('Escape'));
		return `notice in ${n.lines} lines with its "${n.link?.text}" link; ${shown.length} event chips whole: ${shown.map((c) => c.text).join(', ')}`;
	});

	// The Proactive example as imported, its template cleared: the picker lists the account's
	// handoffs, and choosing one draws the template's variables.
	await checks.check('browser.proactive-template-picker', async () => {
		const file = 'appointment-reminder-whatsapp.workflow.json';
		const workflow = await asImported(ctx, file, 'e2e template picker');
		const node = workflow.nodes.find((n) => n.type === PROACTIVE_NODE_TYPE);
		assert(node, `no ${PROACTIVE_NODE_TYPE} node in ${file}`);
		node.parameters = {
			...node.parameters,
			template: { __rl: true, mode: 'list', value: '' },
			variables: { mappingMode: 'defineBelow', value: null },
		};
		const created = await ctx.api.createWorkflow(workflow as unknown as Record<string, unknown>);
		await openWorkflow(
			ctx,
			page,
			String(created.id),
			workflow.nodes.map((n) => String(n.name)),
		);
		await openPanel(page, canvasNode(String(node.name)), String(node.name));
		await stableClick(page, `${NDV} [data-test-id="rlc-input"]`);
		// The list is a popover n8n 2.x teleports out of the dropdown's element: the items alone.
		const item = '[data-test-id="rlc-item"]';
		await waitForText(page, item, WHATSAPP_TEMPLATE);
		const listed = await visibleTexts(page, item);
		await shot(page, '12-proactive-template-picker');
		const template = await visibleWithText(page, item, (text) => text.includes(WHATSAPP_TEMPLATE));
		assert(template, `"${WHATSAPP_TEMPLATE}" not in the picker: ${listed.join(' | ')}`);
		await template.click();
		// The template's {{1}} and {{2}} as fields to map.
		await waitForText(page, `${NDV} [data-test-id="mapping-fields-container"]`, '{{2}}');
		const fields = await page.$eval(
			`${NDV} [data-test-id="mapping-fields-container"]`,
			(e) => (e as HTMLElement).innerText,
		);
		const chosen = await page.$eval(
			`${NDV} [data-test-id="rlc-input"]`,
			(e) => (e as HTMLInputElement).value,
		);
		await shot(page, '13-proactive-template-variables');
		assert(
			chosen.includes(WHATSAPP_TEMPLATE),
			`the Template field shows "${chosen}" after choosing ${WHATSAPP_TEMPLATE}`,
		);
		assert(/\{\{1\}\}/.test(fields), `the variables drawn: ${fields.replace(/\s+/g, ' ')}`);
		await closePanel(page).catch(() => page.keyboard.press('Escape'));
		return `${listed.length} templates listed (${listed.map((t) => t.split('\n')[0]).join(' | ')}); "${chosen}" chosen, variables ${(fields.match(/\{\{\d+\}\}/g) ?? []).join(', ')} drawn`;
	});

	// A new workflow: its first step is a trigger. The nodes panel shows the app with its triggers.
	await checks.check('browser.nodes-panel.trigger-view', async () => {
		assert(trigger, 'the package has no trigger node');
		await page.goto(`${ctx.n8n.baseUrl}/workflow/new`, { waitUntil: 'domcontentloaded' });
		await stableClick(
			page,
			'[data-test-id="canvas-add-button"], [data-test-id="node-creator-plus-button"]',
		);
		const search = '[data-test-id="node-creator"] input';
		await page.waitForSelector(search, { visible: true });
		await page.type(search, 'LivePerson');
		await waitForText(page, ITEM, 'LivePerson Connector');
		const found = (await visibleTexts(page, ITEM)).map((t) => t.split('\n')[0].trim());
		assert(
			found.filter((t) => t === 'LivePerson Connector').length === 1 &&
				!found.some((t) => /LivePerson Connector Trigger/.test(t)),
			`not one app "LivePerson Connector" with its trigger: ${found.map((t) => `"${t}"`).join(', ')}`,
		);
		await shot(page, '09-nodes-panel-trigger-search');
		const app = await visibleWithText(
			page,
			ITEM,
			(text) => text.split('\n')[0].trim() === 'LivePerson Connector',
		);
		assert(app, 'no "LivePerson Connector" item');
		await app.click();
		const events = (
			(trigger.properties as Array<Record<string, any>>).find((p) => p.name === 'events')
				?.options ?? []
		).map((o: Record<string, string>) => String(o.name));
		await waitForText(page, CATEGORY, `Triggers (${events.length})`);
		const text = await page.$eval(
			'[data-test-id="node-creator"]',
			(e) => (e as HTMLElement).innerText,
		);
		assert(!/Triggers available/i.test(text), 'the panel says no triggers are available');
		for (const event of events) await waitForText(page, ITEM, `On ${event.toLowerCase()}`);
		const categories = await visibleTexts(page, CATEGORY);
		await shot(page, '10-nodes-panel-triggers');

		// Choosing one adds the trigger, with that event, and opens its panel.
		const items = await page.$$(ITEM);
		let chosen = false;
		for (const item of items)
			if ((await item.evaluate((e) => (e as HTMLElement).innerText.trim())) === 'On messages') {
				await item.click();
				chosen = true;
				break;
			}
		assert(chosen, 'no "On messages" trigger to choose');
		await page.waitForSelector(`${NDV} [data-test-id="parameter-input-events"]`, {
			visible: true,
		});
		const chips = await visibleTexts(
			page,
			`${NDV} [data-test-id="parameter-input-events"] .el-select__tags-text`,
		);
		await shot(page, '10b-trigger-added');
		assert(
			chips.length === 1 && chips[0] === 'Messages',
			`the trigger added with events ${chips.join(', ')}`,
		);
		return `one app "LivePerson Connector": ${categories.map((c) => c.split('\n')[0]).join(', ')}; "On messages" added the trigger with Messages chosen`;
	});
}
