import type { IDataObject } from 'n8n-workflow';

export const EVENT_TYPES = [
	'ContentEvent',
	'RichContentEvent',
	'ChatStateEvent',
	'AcceptStatusEvent',
	'ExConversationChangeNotification',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

const MESSAGING_EVENTS = new Set<string>(EVENT_TYPES.slice(0, 4));
const CONVERSATION_NOTIFICATION = 'cqm.ExConversationChangeNotification';

/** One change of a notification, as a workflow item: common fields first, LivePerson's own under `rawChange`. */
export type ChangeItem = IDataObject & {
	eventType: EventType;
	conversationId: string | null;
	dialogId: string | null;
	serverTime: string | null;
	rawChange: IDataObject;
};

export interface Notification {
	type: string;
	changes: IDataObject[];
	/** The notification's own send time, when LivePerson gives one. */
	sentTs?: number;
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

function isoTime(...candidates: unknown[]): string | null {
	for (const ms of candidates) {
		if (typeof ms === 'number' && Number.isFinite(ms)) {
			const date = new Date(ms);
			if (!Number.isNaN(date.getTime())) return date.toISOString();
		}
	}
	return null;
}

/** The notification in a webhook body, or undefined when the body is not one (no `body.changes` list). */
export function readNotification(rawBody: string): Notification | undefined {
	let parsed: unknown;
	try {
		parsed = JSON.parse(rawBody);
	} catch {
		return undefined;
	}
	if (!isObject(parsed) || !isObject(parsed.body) || !Array.isArray(parsed.body.changes))
		return undefined;
	const notification: Notification = {
		type: typeof parsed.type === 'string' ? parsed.type : '',
		changes: parsed.body.changes.filter(isObject),
	};
	if (typeof parsed.body.sentTs === 'number') notification.sentTs = parsed.body.sentTs;
	return notification;
}

/** A hosted/file ContentEvent's file (an agent's image): where the storage keeps it, and its caption. */
function fileOf(event: IDataObject): IDataObject | undefined {
	if (
		event.type !== 'ContentEvent' ||
		event.contentType !== 'hosted/file' ||
		!isObject(event.message)
	)
		return undefined;
	const { message } = event;
	return {
		relativePath: stringOrNull(message.relativePath),
		fileType: stringOrNull(message.fileType),
		caption: typeof message.caption === 'string' ? message.caption : '',
	};
}

function messagingItem(eventType: EventType, change: IDataObject, sentTs: unknown): ChangeItem {
	const event = change.event as IDataObject;
	const originator = isObject(change.originatorMetadata) ? change.originatorMetadata : {};
	const item: ChangeItem = {
		eventType,
		// Older payloads carry only dialogId; in a post-conversation survey the two differ.
		conversationId: stringOrNull(change.conversationId) ?? stringOrNull(change.dialogId),
		dialogId: stringOrNull(change.dialogId),
		sequence: typeof change.sequence === 'number' ? change.sequence : null,
		text: typeof event.message === 'string' && eventType === 'ContentEvent' ? event.message : null,
		contentType: stringOrNull(event.contentType),
		originatorId: stringOrNull(change.originatorId) ?? stringOrNull(originator.id),
		originatorRole: stringOrNull(originator.role),
		messageAudience: stringOrNull(change.messageAudience),
		// Typing changes carry no serverTimestamp.
		serverTime: isoTime(change.serverTimestamp, sentTs),
		rawChange: change,
	};
	const file = fileOf(event);
	if (file) item.file = file;
	if (eventType === 'ChatStateEvent') item.chatState = stringOrNull(event.chatState);
	if (eventType === 'AcceptStatusEvent') {
		item.status = stringOrNull(event.status);
		item.sequenceList = Array.isArray(event.sequenceList) ? event.sequenceList : [];
	}
	return item;
}

function participantsOf(details: IDataObject): IDataObject[] {
	if (!Array.isArray(details.participants)) return [];
	return details.participants
		.filter(isObject)
		.map((p) => ({ id: stringOrNull(p.id), role: stringOrNull(p.role) }));
}

function conversationItem(change: IDataObject, sentTs: unknown): ChangeItem {
	const result = isObject(change.result) ? change.result : {};
	const details = isObject(result.conversationDetails) ? result.conversationDetails : {};
	return {
		eventType: 'ExConversationChangeNotification',
		conversationId:
			stringOrNull(change.conversationId) ??
			stringOrNull(change.dialogId) ??
			stringOrNull(result.convId),
		dialogId: stringOrNull(change.dialogId),
		changeType: stringOrNull(change.type),
		// `state` is the main dialog, `stage` the whole conversation: with a post-conversation survey
		// the main dialog can be closed (state CLOSE) while the conversation is not (stage OPEN).
		state: stringOrNull(details.state),
		stage: stringOrNull(details.stage),
		closeReason: stringOrNull(details.closeReason),
		participants: participantsOf(details),
		serverTime: isoTime(details.metaDataLastUpdateTs, sentTs),
		rawChange: change,
	};
}

/** A change as an item, or undefined for an event type the trigger does not know. */
export function changeItem(
	notification: Notification,
	change: IDataObject,
): ChangeItem | undefined {
	const isConversationChange =
		notification.type === CONVERSATION_NOTIFICATION || isObject(change.result);
	if (isConversationChange) return conversationItem(change, notification.sentTs);
	const eventType = isObject(change.event) ? change.event.type : undefined;
	if (typeof eventType !== 'string' || !MESSAGING_EVENTS.has(eventType)) return undefined;
	return messagingItem(eventType as EventType, change, notification.sentTs);
}

export interface ChangeFilter {
	events: ReadonlySet<string>;
	/** Originator roles whose messaging events pass; conversation changes have no originator. */
	roles: ReadonlySet<string>;
	includePrivateNotes: boolean;
	/** Conversation changes pass only when the main dialog is closed (state CLOSE). */
	closedOnly: boolean;
}

export const PRIVATE_AUDIENCE = 'AGENTS_AND_MANAGERS';

export function passes(item: ChangeItem, filter: ChangeFilter): boolean {
	if (!filter.events.has(item.eventType)) return false;
	if (item.eventType === 'ExConversationChangeNotification')
		return !filter.closedOnly || item.state === 'CLOSE';
	// A change without a role cannot be told apart from the consumer's own echo, so it does not pass.
	if (typeof item.originatorRole !== 'string' || !filter.roles.has(item.originatorRole))
		return false;
	return filter.includePrivateNotes || item.messageAudience !== PRIVATE_AUDIENCE;
}
