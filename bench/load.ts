/**
 * npm run test:load [-- --items 5000 --rate-limit-share 0.05]
 * One n8n execution of many items against the emulator with random 429s: prints what happened to
 * every item, the duration and the peak memory, and exits non-zero if an item is unaccounted for
 * or a consumer got two conversations.
 */
import * as path from 'path';

process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_USER_FOLDER ??= path.join(__dirname, '..', '.n8n-test');
process.env.N8N_RUNNERS_ENABLED ??= 'false';

import { runLoad } from './loadRun';

function argument(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : Number(process.argv[index + 1]);
}

async function main() {
	const items = argument('items', 5000);
	const rateLimitShare = argument('rate-limit-share', 0.05);
	console.log(
		`Load run: ${items} items, one execution, ~${rateLimitShare * 100}% of creates answered 429…`,
	);
	const report = await runLoad({ items, rateLimitShare });
	console.table(report);
	console.log(
		`${report.items} items -> ${report.outputItems} output items (${report.succeeded} created, ${report.failed} failed, ${report.unpaired} unpaired); ` +
			`${report.rateLimitedAnswers} 429s retried; ${report.consumersWithTwoConversations} consumers with two conversations; ` +
			`${(report.durationMs / 1000).toFixed(1)} s (${Math.round((report.items / report.durationMs) * 1000)} items/s); ` +
			`peak RSS ${report.peakRssMb} MB, peak heap ${report.peakHeapMb} MB`,
	);
	const accounted =
		report.outputItems === report.items &&
		report.unpaired === 0 &&
		report.succeeded + report.failed === report.items;
	if (
		!accounted ||
		report.consumersWithTwoConversations > 0 ||
		report.conversations !== report.succeeded
	)
		process.exitCode = 1;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
