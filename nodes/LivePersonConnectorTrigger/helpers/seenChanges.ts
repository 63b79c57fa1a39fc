import type { ChangeItem } from './changes';

/** Per trigger node; the oldest keys are forgotten first. */
export const MAX_KEYS_PER_TRIGGER = 10_000;

// In memory, for this n8n process only: n8n saves workflow static data only for active production
// workflows, after the answer, and one write per webhook would race with the next webhook's write.
const seenByTrigger = new Map<string, Set<string>>();

/**
 * What makes a change the same change when LivePerson delivers it again, or undefined when nothing
 * does. Messages and read receipts: conversation, dialog and sequence. Conversation changes: state
 * and stage (with Closed Only, so one close is one item), else also LivePerson's last update time.
 * Typing carries neither a sequence nor a time, so a repeat cannot be told from a new one.
 */
export function changeKey(item: ChangeItem, closedOnly: boolean): string | undefined {
	const conversation = `${item.conversationId ?? ''}/${item.dialogId ?? ''}`;
	switch (item.eventType) {
		case 'ContentEvent':
		case 'RichContentEvent':
			return typeof item.sequence === 'number'
				? `${item.eventType}:${conversation}:${item.sequence}`
				: undefined;
		case 'AcceptStatusEvent':
			return typeof item.sequence === 'number'
				? `${item.eventType}:${conversation}:${item.sequence}:${String(item.status)}:${JSON.stringify(item.sequenceList)}`
				: undefined;
		case 'ExConversationChangeNotification': {
			const kind = `${item.eventType}:${conversation}:${String(item.state)}:${String(item.stage)}`;
			if (closedOnly) return kind;
			const details = (
				item.rawChange.result as
					{ conversationDetails?: { metaDataLastUpdateTs?: unknown } } | undefined
			)?.conversationDetails;
			return typeof details?.metaDataLastUpdateTs === 'number'
				? `${kind}:${details.metaDataLastUpdateTs}`
				: undefined;
		}
		default:
			return undefined;
	}
}

/** Whose memory: one per trigger node, apart for its production and its test webhook. */
export function triggerOf(workflowId: string | undefined, nodeId: string, mode: string): string {
	return `${workflowId ?? ''}/${nodeId}/${mode === 'manual' ? 'manual' : 'webhook'}`;
}

/** Drops what a trigger node remembers, for both of its webhooks. */
export function forgetTrigger(workflowId: string | undefined, nodeId: string): void {
	seenByTrigger.delete(triggerOf(workflowId, nodeId, 'webhook'));
	seenByTrigger.delete(triggerOf(workflowId, nodeId, 'manual'));
}

/** True the first time `key` is offered for `trigger`, false for every repeat still remembered. */
export function firstSighting(trigger: string, key: string): boolean {
	let seen = seenByTrigger.get(trigger);
	if (!seen) {
		seen = new Set();
		seenByTrigger.set(trigger, seen);
	}
	if (seen.has(key)) return false;
	seen.add(key);
	if (seen.size > MAX_KEYS_PER_TRIGGER) seen.delete(seen.values().next().value as string);
	return true;
}
