/**
 * npm run bench:trigger [-- --webhooks 1000] [-- --one-run-at-a-time]
 * How long the LivePerson Connector Trigger takes to answer LivePerson: the emulator sends signed agent-message
 * webhooks one after the other over HTTP to the trigger running in n8n-core (each answer awaited,
 * the workflow runs piling up behind, or with --one-run-at-a-time each run finished before the next
 * webhook), and the time from sending each request to the end of its answer is measured on the
 * emulator's side. Prints median, p95, p99 and worst; exits non-zero if a
 * webhook was not answered 200 or a reply never reached the workflow. Measured, not asserted: the
 * numbers depend on the machine.
 */
import * as path from 'path';

process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_USER_FOLDER ??= path.join(__dirname, '..', '.n8n-test');
process.env.N8N_RUNNERS_ENABLED ??= 'false';

import { startEmulator, type WebhookDelivery } from '../emulator/src';
import { startWebhookServer } from '../test/harness';
import { clientCredential } from '../test/support/workflows';
import { TRIGGER, openConversation, triggerWorkflow } from '../test/trigger/support';

function argument(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : Number(process.argv[index + 1]);
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
	const count = argument('webhooks', 1000);
	const oneRunAtATime = process.argv.includes('--one-run-at-a-time');
	const emulator = await startEmulator();
	const server = await startWebhookServer(
		triggerWorkflow({ events: ['ContentEvent'], options: { dropDuplicates: true } }),
		{
			credentials: clientCredential(emulator),
		},
	);
	try {
		emulator.webhooks.register({ url: server.url(TRIGGER) });
		const conversationId = await openConversation(emulator, 'bench-consumer');
		const backlog = oneRunAtATime
			? 'each run finished before the next webhook'
			: 'workflow runs piling up behind';
		console.log(
			`${count} signed agent-message webhooks, one after the other (${backlog}), to the LivePerson Connector Trigger in n8n-core…`,
		);
		const started = Date.now();
		const deliveries: WebhookDelivery[] = [];
		for (let i = 0; i < count; i++) {
			deliveries.push(
				...(await emulator.agent.sendMessage(conversationId, `Reply ${i} 🙂`)).deliveries,
			);
			if (oneRunAtATime) await server.calls[server.calls.length - 1]?.run;
		}
		const sendingMs = Date.now() - started;
		const runs = await server.runs();
		const received = runs.flatMap((run) => run.jsonOf('Received')).length;

		const times = deliveries.map((d) => d.durationMs ?? Infinity).sort((a, b) => a - b);
		const not200 = deliveries.filter((d) => d.status !== 200).length;
		const slowest = deliveries.reduce((a, b) =>
			(b.durationMs ?? 0) > (a.durationMs ?? 0) ? b : a,
		);
		const ms = (value: number) => `${value.toFixed(2)} ms`;
		console.table({
			webhooks: deliveries.length,
			'answered 200': deliveries.length - not200,
			'median answer': ms(percentile(times, 50)),
			p95: ms(percentile(times, 95)),
			p99: ms(percentile(times, 99)),
			worst: ms(times[times.length - 1]),
			'worst was webhook #': deliveries.indexOf(slowest) + 1,
			'workflow runs': runs.length,
			'replies received by the workflow': received,
			'all sent in': `${(sendingMs / 1000).toFixed(1)} s`,
		});
		if (not200 > 0 || received !== count || runs.some((run) => run.status !== 'success'))
			process.exitCode = 1;
	} finally {
		await server.close();
		await emulator.close();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
