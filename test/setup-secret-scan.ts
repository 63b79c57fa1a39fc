/**
 * After every test file: scans everything the LivePerson nodes produced in every run of that file
 * (output items, errors, descriptions), every answer and log line of the LivePerson Connector Trigger's
 * webhook calls, and everything logged through n8n's logger or the console, for any token an
 * emulator signed and any secret a credential held, tokens the test fed in as input included
 * (of a failed item sent to the error output, only the node's own fields are scanned: n8n merges
 * the item's input into it).
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

import { DEFAULTS, issuedTokens } from '../emulator/src';
import type { CredentialsInput } from './harness/credentials-store';
import { onWorkflowRun } from './harness/run-workflow';
import { onWebhookCall } from './harness/webhook-server';
import { distinctivePart, leakedSecrets, visibleText } from './support/secrets';

const LP_TYPES = [
	'n8n-nodes-liveperson.livePersonConnector',
	'n8n-nodes-liveperson.livePersonConnectorTrigger',
	'n8n-nodes-liveperson.livePersonProactiveMessaging',
];
const SECRET_FIELDS = ['clientSecret', 'appJwt', 'consumerJws', 'mintedAppJwt', 'webhookSecret'];

const runs: Array<{ text: string; secrets: string[] }> = [];
const logged: string[] = [];

/** Every line n8n's logger (what nodes log through `this.logger`) and the console get, passed on unchanged. */
function recordLogs(): void {
	const logger = Container.get(Logger);
	for (const level of ['error', 'warn', 'info', 'debug'] as const) {
		const original = logger[level].bind(logger);
		jest
			.spyOn(logger, level)
			.mockImplementation((message: string, metadata?: Parameters<Logger['warn']>[1]) => {
				logged.push(JSON.stringify([message, metadata ?? null]));
				original(message, metadata);
			});
	}
	for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
		const original = console[method].bind(console);
		jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
			logged.push(
				args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '),
			);
			original(...args);
		});
	}
}

beforeAll(recordLogs);

function secretsOf(credentials: CredentialsInput | undefined): string[] {
	const secrets: string[] = [];
	for (const entry of Object.values(credentials ?? {})) {
		for (const credential of Array.isArray(entry) ? entry : [entry]) {
			for (const field of SECRET_FIELDS) {
				const value = credential.data?.[field];
				if (typeof value === 'string' && value.length >= 12) secrets.push(value);
			}
		}
	}
	return secrets;
}

onWorkflowRun((result, options) => {
	const names = Object.values(result.workflow.nodes)
		.filter((node) => LP_TYPES.includes(node.type))
		.map((node) => node.name);
	if (names.length === 0) return;
	runs.push({ text: visibleText(result, names), secrets: secretsOf(options.credentials) });
});

// What the trigger answered LivePerson and logged, refused calls included (they start no run).
onWebhookCall((call, options) => {
	const { error } = call;
	const errorText = error
		? JSON.stringify({
				message: error.message,
				description: (error as { description?: string }).description,
				stack: error.stack,
			})
		: '';
	const text = [call.responseBody ?? '', JSON.stringify(call.logs), errorText].join('\n');
	runs.push({ text, secrets: secretsOf(options.credentials) });
});

afterAll(() => {
	const leaks: string[] = [];
	const everySecret = [
		DEFAULTS.clientSecret,
		...issuedTokens,
		...runs.flatMap((run) => run.secrets),
	];
	for (const run of [...runs, { text: logged.join('\n'), secrets: [] }]) {
		const candidates = [
			DEFAULTS.clientSecret,
			...issuedTokens,
			...(run.secrets.length ? run.secrets : everySecret),
		];
		for (const leaked of leakedSecrets(run.text, candidates))
			leaks.push(`${leaked.slice(0, 12)}… in: ${context(run.text, leaked)}`);
	}
	expect(leaks).toEqual([]);
});

/** Where in the text a piece of the secret shows, for the failure message. */
function context(text: string, secret: string): string {
	const distinctive = distinctivePart(secret);
	for (let start = 0; start + 16 <= distinctive.length; start += 8) {
		const at = text.indexOf(distinctive.slice(start, start + 16));
		if (at !== -1) return text.slice(Math.max(0, at - 120), at + 40);
	}
	return text.slice(0, 160);
}
