/** The checks run against a live n8n through its REST API, with the emulator in this process. */
import { randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';

import type { Emulator } from '../../emulator/src';
import { decodeJwtPayload } from '../../emulator/src/tokens';
import { outputOf, type Execution, type N8nApi, type N8nInstance, type RunItem } from './n8n';
import { Skip, type Checks } from './report';
import {
	CREDENTIAL_TYPE,
	LP_TYPE,
	PACKAGE,
	chain,
	lpNode,
	manualTrigger,
	noOp,
	pin,
	recordConversation,
	splitOut,
	webhookTrigger,
	type CredentialRef,
	type WorkflowJson,
} from './workflows';

export interface Context {
	api: N8nApi;
	n8n: N8nInstance;
	emu: Emulator;
	checks: Checks;
	repo: string;
	/** The saved Client Credentials credential, once created. */
	clientCredentials?: CredentialRef;
	/** Open conversations created by the checks (for the trigger). */
	openConversations: string[];
	nodeTypes?: Array<Record<string, any>>;
}

export function assert(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

function clientCredentialData(emu: Emulator, overrides: Record<string, unknown> = {}) {
	return {
		authentication: 'clientCredentials',
		accountId: emu.accountId,
		clientId: emu.clientId,
		clientSecret: emu.clientSecret,
		csdsHost: emu.baseUrl,
		...overrides,
	};
}

/** Conversations per external consumer id, from the emulator's state. */
export function conversationsByConsumer(emu: Emulator): Map<string, string[]> {
	const map = new Map<string, string[]>();
	for (const c of emu.state.conversations())
		map.set(c.extConsumerId, [...(map.get(c.extConsumerId) ?? []), c.conversationId]);
	return map;
}

export function extConsumerOf(consumerJws: string | undefined): string | undefined {
	const claims = consumerJws ? decodeJwtPayload(consumerJws) : undefined;
	return typeof claims?.ext_consumer_id === 'string' ? claims.ext_consumer_id : undefined;
}

/** How many create requests reached the emulator per external consumer (whatever the answer). */
export function createRequests(emu: Emulator, since = 0): Map<string, number> {
	const map = new Map<string, number>();
	for (const r of emu.requests.slice(since)) {
		if (r.endpoint !== 'conversation') continue;
		const ext = extConsumerOf(r.headers['x-lp-on-behalf']);
		if (ext) map.set(ext, (map.get(ext) ?? 0) + 1);
	}
	return map;
}

function pairedIndex(item: RunItem): number | undefined {
	const p = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return p?.item;
}

/** Saves a credential and runs n8n's credential test on it, as the credential dialog does. */
async function saveAndTest(api: N8nApi, name: string, data: Record<string, unknown>) {
	const saved = await api.createCredential(name, CREDENTIAL_TYPE, data);
	const result = await api.testCredential({
		id: saved.id,
		name: saved.name,
		type: CREDENTIAL_TYPE,
		data,
	});
	return { saved, result };
}

export function executionError(execution: Execution): string {
	const e = execution.data.resultData.error;
	return e ? `${e.message ?? ''}${e.description ? ` (${e.description})` : ''}` : '';
}

/**
 * n8n 2.x registers production webhooks after /activate has answered (a "workflow publication"
 * outbox); it logs `Added webhook "<node>" for workflow "<name>"` when done. 1.x registers them
 * before answering and logs nothing of the kind, so after the timeout this simply goes on.
 */
export async function waitForWebhookRegistration(
	ctx: { n8n: { log(): string } },
	workflowName: string,
	logFrom: number,
	timeoutMs = 15_000,
): Promise<void> {
	const line = `for workflow "${workflowName}"`;
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const log = ctx.n8n.log().slice(logFrom);
		if (log.includes(line) && /Added webhook/.test(log)) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** POSTs to a production webhook; a 404 "not registered" ran nothing, so it is tried again for a while. */
export async function callProductionWebhook(
	url: string,
	payload: unknown,
): Promise<{ response: Response; body: string }> {
	const deadline = Date.now() + 15_000;
	for (;;) {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(payload),
			signal: AbortSignal.timeout(120_000),
		});
		const body = await response.text();
		if (response.status !== 404 || !/not registered/.test(body) || Date.now() > deadline)
			return { response, body };
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

export async function importAndRun(
	ctx: Context,
	workflow: WorkflowJson,
	trigger: string,
): Promise<{ id: string; execution: Execution }> {
	const created = await ctx.api.createWorkflow(workflow as unknown as Record<string, unknown>);
	const executionId = await ctx.api.runManually(String(created.id), trigger);
	return { id: String(created.id), execution: await ctx.api.waitForExecution(executionId) };
}

export async function typesChecks(ctx: Context): Promise<void> {
	await ctx.checks.check('rest.types', async () => {
		const nodes = await ctx.api.nodeTypes();
		ctx.nodeTypes = nodes;
		const node = nodes.find((n) => n.name === LP_TYPE);
		assert(node, `${LP_TYPE} is not in /types/nodes.json`);
		assert(
			nodes.some((n) => n.name === `${LP_TYPE}Tool`),
			`no ${LP_TYPE}Tool (usableAsTool) in /types/nodes.json`,
		);
		const credentials = await ctx.api.credentialTypes();
		assert(
			credentials.some((c) => c.name === CREDENTIAL_TYPE),
			`${CREDENTIAL_TYPE} is not in /types/credentials.json`,
		);
		const icons =
			typeof node.iconUrl === 'object'
				? Object.values(node.iconUrl as Record<string, string>)
				: [node.iconUrl];
		for (const icon of icons) {
			const response = await fetch(`${ctx.n8n.baseUrl}/${String(icon).replace(/^\//, '')}`);
			const body = await response.text();
			assert(
				response.ok && body.includes('<svg'),
				`icon ${icon} answered HTTP ${response.status} without an SVG`,
			);
		}
		const ours = nodes.filter((n) => String(n.name).startsWith(`${PACKAGE}.`)).map((n) => n.name);
		return `${ours.join(', ')}; credential ${CREDENTIAL_TYPE}; icons ${icons.length} served`;
	});

	// n8n adds "Custom API Call" to the Resource and Operation of nodes whose credential has an
	// `authenticate` block; it cannot work here (the ConsumerJWS is per consumer), so it must not show.
	await ctx.checks.check('rest.no-custom-api-call', async () => {
		const ours = (ctx.nodeTypes ?? []).filter((n) => String(n.name).startsWith(`${PACKAGE}.`));
		assert(ours.length > 0, `no ${PACKAGE} node in /types/nodes.json`);
		const offered: string[] = [];
		for (const node of ours)
			for (const property of (node.properties ?? []) as Array<Record<string, any>>)
				if (['resource', 'operation'].includes(property.name))
					for (const option of (property.options ?? []) as Array<Record<string, string>>)
						if (option.value === '__CUSTOM_API_CALL__' || /custom api call/i.test(option.name))
							offered.push(`${node.name} ${property.name}`);
		assert(offered.length === 0, `"Custom API Call" offered in ${offered.join(', ')}`);
		return `none in the Resource and Operation options of ${ours.map((n) => n.name).join(', ')}`;
	});
}

/**
 * The AppJWT the node minted and n8n stored with the credential (the hidden field mintedAppJwt,
 * marked password) must never reach the browser: the credential dialog loads
 * GET /rest/credentials/:id?includeData=true, where n8n blanks password fields.
 */
export async function credentialSecrecyCheck(ctx: Context): Promise<void> {
	await ctx.checks.check('cred.minted-appjwt-not-sent-to-browser', async () => {
		assert(
			ctx.clientCredentials,
			'no Client Credentials credential (cred.client-credentials failed)',
		);
		// The AppJWTs LivePerson (the emulator) was sent with this credential's runs.
		const used = new Set(
			ctx.emu.requests
				.filter((r) => r.endpoint === 'conversation' || r.endpoint === 'send')
				.map((r) => String(r.headers.authorization ?? '').replace(/^Bearer /i, ''))
				.filter((token) => token.split('.').length === 3),
		);
		assert(used.size > 0, 'no run used an AppJWT yet');
		const credential = await ctx.api.request(
			'GET',
			`/rest/credentials/${ctx.clientCredentials.id}?includeData=true`,
		);
		const body = JSON.stringify(credential);
		const leaked = [...used].filter((token) => body.includes(token));
		assert(leaked.length === 0, `the credential as the browser loads it carries an AppJWT in use`);
		assert(!/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/.test(body), 'the credential carries a JWT');
		const stored = String(credential?.data?.mintedAppJwt ?? '');
		assert(
			/^__n8n_BLANK_VALUE_/.test(stored),
			`mintedAppJwt comes back as ${JSON.stringify(stored.slice(0, 24))}, not n8n's blanked value`,
		);
		return `mintedAppJwt blanked (${stored.slice(0, 18)}…); none of the ${used.size} AppJWTs used is in the answer`;
	});
}

export async function credentialChecks(ctx: Context): Promise<void> {
	const { api, emu, checks } = ctx;
	let wrongSecret: CredentialRef | undefined;
	await checks.check('cred.client-credentials', async () => {
		const data = clientCredentialData(emu);
		const { saved, result } = await saveAndTest(api, 'LivePerson (Client Credentials)', data);
		assert(result.status === 'OK', `credential test: ${result.status} ${result.message}`);
		assert(
			emu.requestsTo('sentinel').some((r) => r.status === 200),
			'no AppJWT was minted at the emulator',
		);
		ctx.clientCredentials = saved;
		return `${result.status}: ${result.message}`;
	});

	await checks.check('cred.static-tokens', async () => {
		const response = await fetch(`${emu.baseUrl}/_emulator/tokens`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ extConsumerId: 'e2e-static-consumer' }),
		});
		const tokens = (await response.json()) as { appJwt: string; consumerJws: string };
		const data = {
			authentication: 'staticTokens',
			accountId: emu.accountId,
			domain: emu.baseUrl,
			appJwt: tokens.appJwt,
			consumerJws: tokens.consumerJws,
		};
		const { saved, result } = await saveAndTest(api, 'LivePerson (Static Tokens)', data);
		assert(result.status === 'OK', `credential test: ${result.status} ${result.message}`);

		// And a conversation opened with it, for the Default ConsumerJWS.
		const workflow = chain('e2e static tokens', [
			manualTrigger(),
			lpNode('LivePerson', saved, { operation: 'createWithSdes' }),
		]);
		const { execution } = await importAndRun(ctx, workflow, 'Start');
		assert(
			execution.status === 'success',
			`the run ended ${execution.status}: ${executionError(execution)}`,
		);
		const [item] = outputOf(execution, 'LivePerson');
		assert(
			item?.json.conversationId,
			`no conversationId in the output: ${JSON.stringify(item?.json)}`,
		);
		assert(
			item.json.ext_consumer_id === 'e2e-static-consumer',
			`ext_consumer_id ${item.json.ext_consumer_id}`,
		);
		return `${result.status}: ${result.message}; run created ${item.json.conversationId}`;
	});

	await checks.check('cred.wrong-secret', async () => {
		const data = clientCredentialData(emu, { clientSecret: 'not-the-client-secret' });
		const { saved, result } = await saveAndTest(api, 'LivePerson (wrong secret)', data);
		assert(result.status !== 'OK', `a wrong secret tested ${result.status}: ${result.message}`);
		assert(
			/client id or client secret|secret/i.test(result.message),
			`the message does not name the secret: "${result.message}"`,
		);
		wrongSecret = saved;
		return `${result.status}: ${result.message}`;
	});

	await checks.check('cred.wrong-secret-run', async () => {
		assert(wrongSecret, 'no wrong-secret credential (cred.wrong-secret failed)');
		const workflow = pin(
			chain('e2e wrong secret', [
				manualTrigger(),
				lpNode('LivePerson', wrongSecret, {
					operation: 'createWithSdes',
					consumerId: '={{ $json.contactId }}',
				}),
			]),
			'Start',
			[{ contactId: `e2e-bad-credential-${Date.now()}` }],
		);
		const { execution } = await importAndRun(ctx, workflow, 'Start');
		assert(execution.status === 'error', `the run ended ${execution.status}, not error`);
		const message = execution.data.resultData.error?.message ?? '';
		assert(
			!executionError(execution).includes('not-the-client-secret'),
			'the error shows the secret',
		);
		assert(
			/client id or client secret/i.test(message),
			`the error does not name the Client ID or Secret: "${executionError(execution)}"`,
		);
		return `"${message}"`;
	});

	await checks.check('cred.static-wrong-host', async () => {
		// A Messaging Domain that is not LivePerson's (a web server answering 404): the test must fail.
		const server = http.createServer((_req, res) =>
			res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'),
		);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const domain = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			const data = {
				authentication: 'staticTokens',
				accountId: emu.accountId,
				domain,
				appJwt: emu.mintAppJwt(),
				consumerJws: '',
			};
			const { result } = await saveAndTest(api, 'LivePerson (wrong host)', data);
			assert(
				result.status !== 'OK',
				`a Messaging Domain answering 404 tested ${result.status}: ${result.message}`,
			);
			return `${result.status}: ${result.message}`;
		} finally {
			server.close();
		}
	});

	await checks.check('cred.static-wrong-appjwt', async () => {
		const data = {
			authentication: 'staticTokens',
			accountId: emu.accountId,
			domain: emu.baseUrl,
			appJwt: 'eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.bm90LWEtdG9rZW4',
			consumerJws: '',
		};
		const { result } = await saveAndTest(api, 'LivePerson (wrong AppJWT)', data);
		assert(result.status !== 'OK', `a wrong AppJWT tested ${result.status}: ${result.message}`);
		assert(
			/AppJWT/i.test(result.message),
			`the message does not name the AppJWT: "${result.message}"`,
		);
		return `${result.status}: ${result.message}`;
	});
}

/** 20 consumers in one webhook call: one execution, 20 conversations, none twice. */
export async function webhookLoadCheck(ctx: Context, count = 20): Promise<void> {
	await ctx.checks.check(`load.webhook-${count}`, async () => {
		assert(
			ctx.clientCredentials,
			'no Client Credentials credential (cred.client-credentials failed)',
		);
		const webhookPath = `e2e-contacts-${Date.now()}`;
		const workflow = chain('e2e webhook: 20 contacts', [
			webhookTrigger('New Contacts', webhookPath),
			splitOut('One Item per Contact', 'body.contacts'),
			lpNode('LivePerson', ctx.clientCredentials, {
				operation: 'createAndSend',
				consumerId: '={{ $json.contactId }}',
				message: '={{ $json.message }}',
				userProfile: { firstName: '={{ $json.firstName }}' },
			}),
			recordConversation('Record Conversation'),
		]);
		const created = await ctx.api.createWorkflow(workflow as unknown as Record<string, unknown>);
		const logFrom = ctx.n8n.log().length;
		await ctx.api.activate(String(created.id));
		await waitForWebhookRegistration(ctx, workflow.name, logFrom);
		const run = `${Date.now()}`;
		const contacts = Array.from({ length: count }, (_, i) => ({
			contactId: `e2e-load-${run}-${i + 1}`,
			firstName: `Contact ${i + 1}`,
			message: `Hello from contact ${i + 1}`,
		}));
		const since = ctx.emu.requests.length;
		const started = Date.now();
		const { response, body } = await callProductionWebhook(
			`${ctx.n8n.baseUrl}/webhook/${webhookPath}`,
			{ contacts },
		);
		assert(response.ok, `the webhook answered HTTP ${response.status}: ${body.slice(0, 300)}`);
		const seconds = (Date.now() - started) / 1000;
		const answered = JSON.parse(body) as Array<Record<string, string>>;
		assert(
			Array.isArray(answered) && answered.length === count,
			`the webhook answered ${Array.isArray(answered) ? answered.length : 'no'} items, not ${count}`,
		);

		const executions = await ctx.api.executions(String(created.id));
		assert(executions.length === 1, `${executions.length} executions, not 1`);
		const execution = await ctx.api.waitForExecution(executions[0].id);
		assert(
			execution.status === 'success',
			`the execution ended ${execution.status}: ${executionError(execution)}`,
		);

		const byConsumer = conversationsByConsumer(ctx.emu);
		const creates = createRequests(ctx.emu, since);
		const ids = new Set<string>();
		for (const contact of contacts) {
			const conversations = byConsumer.get(contact.contactId) ?? [];
			assert(
				conversations.length === 1,
				`${contact.contactId} has ${conversations.length} conversations in the emulator`,
			);
			assert(
				creates.get(contact.contactId) === 1,
				`${contact.contactId}: ${creates.get(contact.contactId) ?? 0} create requests`,
			);
			const row = answered.find((a) => a.contactId === contact.contactId);
			assert(
				row?.liveperson_conversation_id === conversations[0],
				`${contact.contactId}: the downstream node saw ${row?.liveperson_conversation_id}, the emulator has ${conversations[0]}`,
			);
			const conversation = ctx.emu.state.conversation(conversations[0]);
			assert(
				conversation?.messages[0]?.event.message === contact.message,
				`${contact.contactId}: first message ${JSON.stringify(conversation?.messages[0]?.event)}`,
			);
			ids.add(conversations[0]);
		}
		assert(ids.size === count, `${ids.size} distinct conversations for ${count} consumers`);
		ctx.openConversations.push(...ids);
		await ctx.api.deactivate(String(created.id));
		return `${count} conversations, one per consumer, first messages in place; webhook answered in ${seconds.toFixed(1)} s`;
	});
}

/** On Error: Continue (using error output), one bad item between two good ones (docs/reliability.md). */
export async function errorOutputCheck(ctx: Context): Promise<void> {
	await ctx.checks.check('errors.error-output', async () => {
		assert(
			ctx.clientCredentials,
			'no Client Credentials credential (cred.client-credentials failed)',
		);
		const run = `${Date.now()}`;
		const items = [
			{ contactId: `e2e-errout-${run}-1`, balance: 10 },
			{ contactId: `e2e-errout-${run}-2`, balance: 'lots' },
			{ contactId: `e2e-errout-${run}-3`, balance: 30.5 },
		];
		const lp = lpNode(
			'LivePerson',
			ctx.clientCredentials,
			{
				operation: 'createWithSdes',
				consumerId: '={{ $json.contactId }}',
				customerInfo: { balance: '={{ $json.balance }}' },
			},
			{ onError: 'continueErrorOutput' },
		);
		const workflow = pin(
			chain(
				'e2e error output',
				[manualTrigger(), lp, noOp('Created')],
				[['LivePerson', 1, 'Failed']],
			),
			'Start',
			items,
		);
		workflow.nodes.push(noOp('Failed'));
		const since = ctx.emu.requests.length;
		const { execution } = await importAndRun(ctx, workflow, 'Start');
		assert(
			execution.status === 'success',
			`the run ended ${execution.status}: ${executionError(execution)}`,
		);

		const ok = outputOf(execution, 'LivePerson', 0);
		const failed = outputOf(execution, 'LivePerson', 1);
		assert(ok.length === 2, `success output: ${ok.length} items, not 2`);
		assert(failed.length === 1, `error output: ${failed.length} items, not 1`);
		assert(
			ok.map(pairedIndex).join(',') === '0,2',
			`success output paired to items ${ok.map(pairedIndex).join(',')}`,
		);
		for (const item of ok)
			assert(
				typeof item.json.conversationId === 'string',
				`success item without conversationId: ${JSON.stringify(item.json)}`,
			);
		const [bad] = failed;
		const details = bad.json.details as Record<string, unknown> | undefined;
		assert(pairedIndex(bad) === 1, `error item paired to ${pairedIndex(bad)}`);
		assert(
			typeof bad.json.error === 'string' &&
				/\[item 1\]/.test(bad.json.error) &&
				/balance/i.test(bad.json.error),
			`error: ${JSON.stringify(bad.json.error)}`,
		);
		assert(
			details?.conversationCreated === 'no',
			`details.conversationCreated: ${JSON.stringify(details?.conversationCreated)}`,
		);
		assert(details?.itemIndex === 1, `details.itemIndex: ${JSON.stringify(details?.itemIndex)}`);
		assert(
			bad.json.contactId === items[1].contactId,
			`the failed item's input fields are not merged in: ${JSON.stringify(bad.json)}`,
		);
		assert(!('conversationId' in bad.json), 'the failed item carries a conversationId');
		assert(
			outputOf(execution, 'Created').length === 2 && outputOf(execution, 'Failed').length === 1,
			'the next nodes did not get 2 and 1 items',
		);
		const creates = createRequests(ctx.emu, since);
		assert(!creates.has(items[1].contactId), 'the bad item was sent to LivePerson');
		assert(
			creates.get(items[0].contactId) === 1 && creates.get(items[2].contactId) === 1,
			'the good items were not sent once each',
		);
		return `2 created on output 0; output 1: "${bad.json.error}" (conversationCreated ${details?.conversationCreated}, input merged)`;
	});
}

/**
 * Retry On Fail with an HTTP 500 to the create of item 2 only: item 1 must be created once and keep
 * its conversationId, item 2 ends as unknown (or created), and no consumer gets two conversations.
 */
export async function retryOnFailCheck(ctx: Context): Promise<void> {
	await ctx.checks.check('errors.retry-on-fail', async () => {
		assert(
			ctx.clientCredentials,
			'no Client Credentials credential (cred.client-credentials failed)',
		);
		const run = `${Date.now()}`;
		const consumers = [1, 2, 3].map((i) => `e2e-retry-${run}-${i}`);
		ctx.emu.faults.add({
			on: 'conversation',
			match: (request) => extConsumerOf(request.headers['x-lp-on-behalf']) === consumers[1],
			nth: 1,
			times: 1,
			action: { type: 'status', status: 500, body: { code: 500, error: 'Internal Server Error' } },
		});
		const lp = lpNode(
			'LivePerson',
			ctx.clientCredentials,
			{ operation: 'createWithSdes', consumerId: '={{ $json.contactId }}' },
			{ retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 },
		);
		const workflow = pin(
			chain('e2e retry on fail', [manualTrigger(), lp]),
			'Start',
			consumers.map((contactId) => ({ contactId })),
		);
		const since = ctx.emu.requests.length;
		let execution: Execution;
		try {
			({ execution } = await importAndRun(ctx, workflow, 'Start'));
		} finally {
			ctx.emu.faults.clear();
		}
		const creates = createRequests(ctx.emu, since);
		const byConsumer = conversationsByConsumer(ctx.emu);
		const attempts = ctx.emu.requests
			.slice(since)
			.filter((r) => r.endpoint === 'conversation').length;
		const facts = `${attempts} create requests, per item ${consumers.map((c) => creates.get(c) ?? 0).join('/')}; conversations per item ${consumers.map((c) => (byConsumer.get(c) ?? []).length).join('/')}`;
		for (const c of consumers)
			assert((byConsumer.get(c) ?? []).length <= 1, `${c} has two conversations (${facts})`);
		const firstConversation = byConsumer.get(consumers[0])?.[0];
		assert(firstConversation, `item 1 has no conversation (${facts})`);
		// Neither item 1 nor item 2 is ever sent twice: n8n re-ran the node, the node remembered.
		assert(
			creates.get(consumers[0]) === 1 && creates.get(consumers[1]) === 1,
			`an item was sent again (${facts})`,
		);
		// Item 2 may have been processed (a 5xx proves nothing), so the run ends with its error, which
		// reports what the run did: item 1's conversation is not lost.
		const error = execution.data.resultData.error;
		assert(
			execution.status === 'error' && /\[item 1\]$/.test(error?.message ?? ''),
			`the run did not stop at item 2: ${execution.status} ${executionError(execution)}`,
		);
		const description = error?.description ?? '';
		assert(
			description.startsWith("Not sent again by n8n's Retry On Fail"),
			`item 2's error does not say it was not sent again: ${description}`,
		);
		assert(
			description.includes(`item 0 (conversationId ${firstConversation}`),
			`the error does not report item 1's conversation: ${description}`,
		);
		return `item 2 unknown, not sent again; item 1 reported in the error; ${facts}; run ${execution.status}`;
	});
}

const OWN_FILE = new RegExp(`[\\\\/]node_modules[\\\\/]${PACKAGE}[\\\\/]`);

/**
 * Errors n8n logged with a stack trace that passes through this package's files: n8n logs a stack
 * only for errors it does not know as expected (node errors, or n8n errors of level "warning").
 */
export function nodeErrorStackTraces(log: string): string[] {
	const blocks: string[] = [];
	const lines = log.split('\n');
	for (let i = 0; i < lines.length; i++) {
		if (!/^\d\d:\d\d:\d\d\.\d+\s+error\s+/.test(lines[i])) continue;
		const block = [lines[i]];
		for (let j = i + 1; j < lines.length && !/^\d\d:\d\d:\d\d\.\d+\s+\w+\s+/.test(lines[j]); j++)
			block.push(lines[j]);
		const text = block.join('\n');
		if (/\n\s+at /.test(text) && OWN_FILE.test(text)) blocks.push(text);
	}
	return blocks;
}

/** A consumer's second create is refused: an expected node error, to be logged without a stack trace. */
export async function expectedErrorCheck(ctx: Context, id: string): Promise<void> {
	await ctx.checks.check(id, async () => {
		const credential =
			ctx.clientCredentials ??
			(await ctx.api.createCredential(
				'LivePerson (Client Credentials)',
				CREDENTIAL_TYPE,
				clientCredentialData(ctx.emu),
			));
		ctx.clientCredentials = credential;
		const consumer = `e2e-twice-${Date.now()}`;
		const workflow = pin(
			chain('e2e expected node error', [
				manualTrigger(),
				lpNode('LivePerson', credential, {
					operation: 'createWithSdes',
					consumerId: '={{ $json.contactId }}',
				}),
			]),
			'Start',
			[{ contactId: consumer }, { contactId: consumer }],
		);
		const logBefore = ctx.n8n.log().length;
		const { execution } = await importAndRun(ctx, workflow, 'Start');
		assert(execution.status === 'error', `the run ended ${execution.status}, not error`);
		const message = executionError(execution);
		assert(/already has an open conversation/i.test(message), `the error: ${message}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
		const traces = nodeErrorStackTraces(ctx.n8n.log().slice(logBefore));
		if (traces.length > 0) {
			throw new Error(
				`n8n logged the expected node error as a bare error with a stack trace: ${traces[0].split('\n').slice(0, 3).join(' | ')}`,
			);
		}
		return `"${execution.data.resultData.error?.message}" reached n8n as a node error, no stack trace logged`;
	});
}

export function ownTriggerType(ctx: Context): Record<string, any> | undefined {
	return (ctx.nodeTypes ?? []).find(
		(n) => String(n.name).startsWith(`${PACKAGE}.`) && /Trigger$/.test(n.name),
	);
}

/** The package's trigger node, with its newest version, a webhook id and the given credential. */
function triggerNode(trigger: Record<string, any>, credential: unknown) {
	return {
		id: randomUUID(),
		name: 'LivePerson Connector Trigger',
		type: trigger.name,
		typeVersion: Array.isArray(trigger.version) ? Math.max(...trigger.version) : trigger.version,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: {},
		credentials: { [CREDENTIAL_TYPE]: credential },
	};
}

/** A new open conversation for a fresh consumer, opened by the Connector through n8n. */
export async function openConversation(ctx: Context, label: string): Promise<string> {
	assert(
		ctx.clientCredentials,
		'no Client Credentials credential (cred.client-credentials failed)',
	);
	const workflow = pin(
		chain(`e2e open a conversation (${label})`, [
			manualTrigger(),
			lpNode('LivePerson', ctx.clientCredentials, {
				operation: 'createWithSdes',
				consumerId: '={{ $json.contactId }}',
			}),
		]),
		'Start',
		[{ contactId: `e2e-${label}-${Date.now()}` }],
	);
	const { execution } = await importAndRun(ctx, workflow, 'Start');
	const id = outputOf(execution, 'LivePerson')[0]?.json.conversationId as string | undefined;
	assert(
		execution.status === 'success' && id,
		`could not open a conversation: ${executionError(execution)}`,
	);
	return id;
}

/**
 * Activates a workflow starting with this package's trigger, registers the trigger's production
 * URL with the emulator, has the agent reply in an open conversation (a signed webhook) and returns
 * the one execution that delivery started (`execution`); with several messages, one reply each, in
 * turn, and every execution they started (`executions`, in order).
 */
export async function runOnAgentReply(
	ctx: Context,
	workflow: WorkflowJson,
	triggerName: string,
	conversationId: string,
	message: string | string[],
): Promise<{ url: string; execution: Execution; executions: Execution[] }> {
	const type = ownTriggerType(ctx);
	assert(type, 'the package has no trigger node');
	const webhook = (type.webhooks as Array<Record<string, any>> | undefined)?.[0];
	assert(webhook, `${type.name} declares no webhook`);
	const node = workflow.nodes.find((n) => n.name === triggerName);
	assert(node, `no node "${triggerName}"`);
	node.webhookId ??= randomUUID();
	const created = await ctx.api.createWorkflow(workflow as unknown as Record<string, unknown>);
	const logFrom = ctx.n8n.log().length;
	await ctx.api.activate(String(created.id));
	await waitForWebhookRegistration(ctx, workflow.name, logFrom);
	const webhookPath =
		typeof webhook.path === 'string' && !webhook.path.startsWith('=') ? webhook.path : 'webhook';
	const url = webhook.isFullPath
		? `${ctx.n8n.baseUrl}/webhook/${webhookPath}`
		: `${ctx.n8n.baseUrl}/webhook/${node.webhookId}/${webhookPath}`;
	try {
		ctx.emu.webhooks.register({ url });
		const ended: Execution[] = [];
		for (const text of Array.isArray(message) ? message : [message]) {
			const sent = await ctx.emu.agent.sendMessage(conversationId, text);
			const delivery = sent.deliveries.find((d) => d.url === url);
			assert(
				delivery?.status && delivery.status < 300,
				`delivery to ${url}: ${delivery?.status ?? delivery?.error}`,
			);
			const deadline = Date.now() + 30_000;
			let executions = await ctx.api.executions(String(created.id));
			while (executions.length === ended.length && Date.now() < deadline) {
				await new Promise((resolve) => setTimeout(resolve, 300));
				executions = await ctx.api.executions(String(created.id));
			}
			assert(
				executions.length === ended.length + 1,
				`${executions.length} executions after ${ended.length + 1} deliveries`,
			);
			const started = executions.find((e) => !ended.some((done) => done.id === e.id));
			ended.push(await ctx.api.waitForExecution((started as { id: string }).id));
		}
		return { url, execution: ended[0], executions: ended };
	} finally {
		ctx.emu.webhooks.clear();
		await ctx.api.deactivate(String(created.id)).catch(() => undefined);
	}
}

/** The LivePerson Connector Trigger: production webhook, signed delivery from the emulator, one execution. */
export async function triggerChecks(ctx: Context): Promise<void> {
	await ctx.checks.check('trigger.signed-webhook', async () => {
		const trigger = ownTriggerType(ctx);
		if (!trigger) throw new Skip('the package has no trigger node yet');
		assert(
			ctx.clientCredentials,
			'no Client Credentials credential (cred.client-credentials failed)',
		);
		const conversationId = await openConversation(ctx, 'trigger');
		const node = triggerNode(trigger, ctx.clientCredentials);
		const message = `e2e agent reply ${Date.now()}`;
		const { url, execution } = await runOnAgentReply(
			ctx,
			chain('e2e trigger', [node, noOp('Agent Replied')]),
			node.name,
			conversationId,
			message,
		);
		assert(
			execution.status === 'success',
			`the execution ended ${execution.status}: ${executionError(execution)}`,
		);
		const seen = JSON.stringify(outputOf(execution, node.name).map((i) => i.json));
		assert(
			seen.includes(message) && seen.includes(conversationId),
			`the trigger's output lacks the message or conversation: ${seen.slice(0, 300)}`,
		);
		return `signed delivery to ${url} -> execution ${execution.id}, message and conversationId in the output`;
	});

	await ctx.checks.check('trigger.activation-refused', async () => {
		const trigger = ownTriggerType(ctx);
		if (!trigger) throw new Skip('the package has no trigger node yet');
		const credential = await ctx.api.createCredential(
			'LivePerson (Static Tokens, no Webhook Secret)',
			CREDENTIAL_TYPE,
			{
				authentication: 'staticTokens',
				accountId: ctx.emu.accountId,
				domain: ctx.emu.baseUrl,
				appJwt: ctx.emu.mintAppJwt(),
			},
		);
		const created = await ctx.api.createWorkflow(
			chain('e2e trigger without a webhook key', [
				triggerNode(trigger, credential),
				noOp('Agent Replied'),
			]) as unknown as Record<string, unknown>,
		);
		const id = String(created.id);
		// 1.x refuses in the activation request; 2.x answers it, then activates (retrying for about
		// 15 s), and records why it could not.
		let message: string | null = null;
		try {
			await ctx.api.activate(id);
		} catch (error) {
			message = error instanceof Error ? error.message : String(error);
		}
		const deadline = Date.now() + 60_000;
		while (message === null && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 500));
			message = await ctx.api.activationError(id);
		}
		await ctx.api.deactivate(id).catch(() => undefined);
		assert(message !== null, 'n8n activated a trigger whose credential cannot verify signatures');
		assert(/Webhook Secret is empty/.test(message), `activation failed otherwise: ${message}`);
		return `activation refused: ${message.slice(0, 160)}`;
	});
}
