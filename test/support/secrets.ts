import type { INodeExecutionData } from 'n8n-workflow';

import type { WorkflowRunResult } from '../harness';

/**
 * An output item as the node made it. n8n merges a failed item's input into what goes to the
 * error output; that input is the test's own (and may hold a token on purpose), so only the node's
 * own `error` and `details` are kept of such an item.
 */
function ownPart(item: INodeExecutionData): unknown {
	const json = item.json ?? {};
	return 'error' in json && 'details' in json ? { error: json.error, details: json.details } : json;
}

/**
 * Everything a user could see of what the given nodes produced: their output items, errors and
 * the workflow error, serialised with descriptions and context. (The start node's output is the
 * test's own input, which may hold tokens on purpose.)
 */
export function visibleText(result: WorkflowRunResult, nodes: string[] = ['LivePerson']): string {
	const parts: unknown[] = [result.run.data.resultData.error, result.error];
	for (const [name, tasks] of Object.entries(result.run.data.resultData.runData)) {
		if (!nodes.includes(name)) continue;
		for (const task of tasks) {
			const outputs = Object.values(task.data ?? {}).flat();
			parts.push(
				outputs.map((items) => (items ?? []).map(ownPart)),
				task.error,
			);
		}
	}
	return parts
		.map((part) => {
			if (part instanceof Error) {
				const { message, description, context } = part as Error & {
					description?: string;
					context?: unknown;
				};
				return JSON.stringify({ message, description, context, stack: part.stack });
			}
			return JSON.stringify(part ?? null);
		})
		.join('\n');
}

/** A JWT's header and the start of its claims are shared by every token of one issuer; its signature is its own. */
export function distinctivePart(secret: string): string {
	const parts = secret.split('.');
	return parts.length === 3 && parts[2].length >= 16 ? parts[2] : secret;
}

/** The secrets that appear in `text`, whole or as any 16-character piece of their distinctive part. */
export function leakedSecrets(text: string, secrets: string[]): string[] {
	return secrets.filter((secret) => {
		if (!secret) return false;
		const distinctive = distinctivePart(secret);
		for (let start = 0; start + 16 <= distinctive.length; start += 8) {
			if (text.includes(distinctive.slice(start, start + 16))) return true;
		}
		return text.includes(distinctive);
	});
}
