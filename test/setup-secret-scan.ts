/**
 * After every test file: scans everything the LivePerson nodes produced in every run of that file
 * (output items, errors, descriptions), and every answer and log line of the LivePerson Trigger's
 * webhook calls, for any token an emulator signed and any secret a credential held. Tokens the test
 * itself fed in as input items are the user's own data and are skipped (n8n merges a failed item's
 * input into its error output).
 */
import { DEFAULTS, issuedTokens } from './emulator';
import type { CredentialsInput } from './harness/credentials-store';
import { onWorkflowRun } from './harness/run-workflow';
import { onWebhookCall } from './harness/webhook-server';
import { distinctivePart, leakedSecrets, visibleText } from './support/secrets';

const LP_TYPES = ['n8n-nodes-liveperson.livePersonConnector', 'n8n-nodes-liveperson.livePersonTrigger'];
const SECRET_FIELDS = ['clientSecret', 'appJwt', 'consumerJws', 'mintedAppJwt', 'webhookSecret'];

const runs: Array<{ text: string; given: string; secrets: string[] }> = [];

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
	runs.push({ text: visibleText(result, names), given: JSON.stringify(options.input ?? []), secrets: secretsOf(options.credentials) });
});

// What the trigger answered LivePerson and logged, refused calls included (they start no run).
onWebhookCall((call, options) => {
	const { error } = call;
	const errorText = error ? JSON.stringify({ message: error.message, description: (error as { description?: string }).description, stack: error.stack }) : '';
	const text = [call.responseBody ?? '', JSON.stringify(call.logs), errorText].join('\n');
	runs.push({ text, given: '[]', secrets: secretsOf(options.credentials) });
});

afterAll(() => {
	const leaks: string[] = [];
	for (const run of runs) {
		const candidates = [DEFAULTS.clientSecret, ...issuedTokens, ...run.secrets].filter((secret) => !run.given.includes(secret));
		for (const leaked of leakedSecrets(run.text, candidates)) leaks.push(`${leaked.slice(0, 12)}… in: ${context(run.text, leaked)}`);
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
