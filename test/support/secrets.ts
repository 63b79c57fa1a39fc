import type { WorkflowRunResult } from '../harness';

/**
 * Everything a user could see of what the given nodes produced: their output items, errors and
 * the workflow error, serialised with descriptions and context. (The start node's output is the
 * test's own input, which may hold tokens on purpose.)
 */
export function visibleText(result: WorkflowRunResult, nodes: string[] = ['LivePerson']): string {
	const parts: unknown[] = [result.run.data.resultData.error, result.error];
	for (const [name, tasks] of Object.entries(result.run.data.resultData.runData)) {
		if (!nodes.includes(name)) continue;
		for (const task of tasks) parts.push(task.data, task.error);
	}
	return parts
		.map((part) => {
			if (part instanceof Error) {
				const { message, description, context } = part as Error & { description?: string; context?: unknown };
				return JSON.stringify({ message, description, context, stack: part.stack });
			}
			return JSON.stringify(part ?? null);
		})
		.join('\n');
}

/**
 * The secrets that appear in `text`, whole or as any 16-character piece. A JWT's first segment
 * (its header) is the same for every token of one issuer, so only what follows it is searched.
 */
export function leakedSecrets(text: string, secrets: string[]): string[] {
	return secrets.filter((secret) => {
		if (!secret) return false;
		const distinctive = secret.includes('.') ? secret.slice(secret.indexOf('.') + 1) : secret;
		for (let start = 0; start + 16 <= distinctive.length; start += 8) {
			if (text.includes(distinctive.slice(start, start + 16))) return true;
		}
		return text.includes(distinctive);
	});
}
