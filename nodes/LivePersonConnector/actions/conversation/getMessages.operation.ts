import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { LivePersonFailure } from '../../../shared/errors';
import { excerpt } from '../../../shared/text';
import { isPlainObject, optionalInteger } from '../../../shared/values';
import type { RestAnswer } from '../../transport/rest';
import {
	conversationConsumerIdProperty,
	conversationIdProperty,
	optionsProperty,
} from '../../descriptions/consumer.description';
import type { ConversationOperation } from './consumer';
import { consumerFields } from './consumer';
import { pathPart, readAsConsumer, readOutcome, REST_NOTICE, textOf, timeOf } from './read';
import { conversationIdOf } from './sendToConversation';

/** The most messages a page may ask for (the REST API's limit, as clients read it). */
export const PAGE_SIZE = 100;
/** Most messages one item reads: beyond it, the item fails rather than hold an unbounded list. */
export const MAX_MESSAGES = 10_000;

const PRIVATE_AUDIENCE = 'AGENTS_AND_MANAGERS';

const fields: INodeProperties[] = [
	{
		displayName:
			'Typing indicators and read receipts are not messages: LivePerson lists neither. Files are listed with their path: Download File gets their content.',
		name: 'messagesNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		hint: `All messages, oldest first, read in pages of ${PAGE_SIZE} (up to ${MAX_MESSAGES.toLocaleString('en-US')})`,
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_MESSAGES, numberPrecision: 0 },
		default: 50,
		description: 'Max number of results to return',
		hint: 'The most recent messages, oldest first',
		displayOptions: { show: { returnAll: [false] } },
	},
];

const surveyOption: INodeProperties = {
	displayName: 'Include Survey Dialogs',
	name: 'includeSurveys',
	type: 'boolean',
	default: false,
	description:
		"Whether to add the messages of the conversation's post-conversation survey dialogs (read from Get Conversation first: one more request). Off: the main dialog only.",
};

const privateNotesOption: INodeProperties = {
	displayName: 'Include Private Agent Notes',
	name: 'includePrivateNotes',
	type: 'boolean',
	default: false,
	description:
		"Whether to keep messages only agents and managers see (messageAudience AGENTS_AND_MANAGERS), when LivePerson shows them to the consumer's API at all",
};

type Get = (path: string, qs?: IDataObject) => Promise<RestAnswer>;

interface Page {
	messages: IDataObject[];
	/** More messages remain in this direction: links.next, or a full page when the answer has no links. */
	more: boolean;
}

function pageOf(answer: RestAnswer, asked: number): Page {
	const { body } = answer;
	const data = body.data ?? body.messages;
	if (!Array.isArray(data)) {
		throw new LivePersonFailure({
			reason: 'unreadableAnswer',
			message: "LivePerson's answer could not be read",
			description: `The Messaging REST API answered a message list without a "data" list: ${excerpt(JSON.stringify(body))}.`,
			effect: 'no',
		});
	}
	const messages = data.filter(isPlainObject);
	const links = isPlainObject(body.links) ? body.links : undefined;
	const more = links
		? typeof links.next === 'string' && links.next !== ''
		: messages.length >= asked;
	return { messages, more };
}

function sequenceOf(message: IDataObject): number | undefined {
	return typeof message.sequence === 'number' && Number.isFinite(message.sequence)
		? message.sequence
		: undefined;
}

/**
 * A dialog's messages, oldest first: all of them (pages of 100 upwards from the first), or the
 * last `last` (pages downwards from the newest). The next page starts after the last sequence
 * seen, whatever `links.next` says (its host is never followed), and messages are kept once per
 * sequence: LivePerson's pages do not say whether the bounds are exclusive.
 */
async function readDialog(
	get: Get,
	conversationId: string,
	dialogId: string,
	last: number | undefined,
): Promise<{ messages: IDataObject[]; older: boolean }> {
	const path = `/conversations/${pathPart(conversationId)}/dialogs/${pathPart(dialogId)}/messages`;
	const kept = new Map<string, IDataObject>();
	const keyOf = (message: IDataObject, i: number) =>
		sequenceOf(message) !== undefined
			? `s${sequenceOf(message)}`
			: `i${textOf(message.id) ?? `${kept.size}:${i}`}`;
	const ascending = last === undefined;
	let cursor: number | undefined;
	let more = false;
	for (;;) {
		const wanted = ascending ? PAGE_SIZE : Math.min(PAGE_SIZE, (last as number) - kept.size);
		const qs: IDataObject = {
			sortBy: 'sequence',
			sortOrder: ascending ? 'ASC' : 'DESC',
			limit: wanted,
		};
		if (cursor !== undefined) qs[ascending ? 'newerThanSequence' : 'olderThanSequence'] = cursor;
		const page = pageOf(await get(path, qs), wanted);
		let added = 0;
		let edge = cursor;
		page.messages.forEach((message, i) => {
			const key = keyOf(message, i);
			if (!kept.has(key)) {
				kept.set(key, message);
				added++;
			}
			const sequence = sequenceOf(message);
			if (
				sequence !== undefined &&
				(edge === undefined || (ascending ? sequence > edge : sequence < edge))
			)
				edge = sequence;
		});
		if (kept.size > MAX_MESSAGES) throw tooMany(conversationId);
		more = page.more;
		const done = !ascending && kept.size >= (last as number);
		// No new message or no progress: stop, whatever the answer claims.
		if (!more || done || added === 0 || edge === undefined || edge === cursor) break;
		cursor = edge;
	}
	const messages = [...kept.values()].sort(bySequence);
	return {
		messages: ascending ? messages : messages.slice(-(last as number)),
		older: !ascending && more,
	};
}

function bySequence(a: IDataObject, b: IDataObject): number {
	const x = sequenceOf(a);
	const y = sequenceOf(b);
	if (x === undefined || y === undefined) return x === undefined ? (y === undefined ? 0 : 1) : -1;
	return x - y;
}

function tooMany(conversationId: string): LivePersonFailure {
	return new LivePersonFailure({
		reason: 'invalidInput',
		message: `Conversation ${conversationId} has more than ${MAX_MESSAGES.toLocaleString('en-US')} messages`,
		description: `Get Messages reads at most ${MAX_MESSAGES.toLocaleString('en-US')} messages per item. Turn Return All off and set Limit to read the most recent ones.`,
		effect: 'no',
		data: { field: 'Return All' },
	});
}

/** A message in the node's words; LivePerson's own `content` is kept as it came. */
export function messageFromRest(message: IDataObject, dialogId: string): IDataObject {
	const type = textOf(message.type) ?? null;
	const content = message.content;
	const body = isPlainObject(content) ? content : {};
	const originator = isPlainObject(message.originator) ? message.originator : {};
	const file = typeof body.relativePath === 'string' ? body : undefined;
	const text =
		typeof content === 'string' && type === 'PLAIN_TEXT'
			? content
			: typeof body.text === 'string'
				? body.text
				: null;
	return {
		sequence: sequenceOf(message) ?? null,
		dialogId: textOf(message.dialogId) ?? dialogId,
		type,
		text,
		...(file
			? {
					file: {
						relativePath: file.relativePath,
						fileType: textOf(file.fileType) ?? null,
						caption: typeof file.caption === 'string' ? file.caption : '',
					},
				}
			: {}),
		originatorId: textOf(originator.id) ?? null,
		originatorRole: textOf(originator.role) ?? null,
		audience: textOf(message.messageAudience) ?? 'ALL',
		createdAt: timeOf(message.createdTs ?? message.timestamp),
		content: content ?? null,
	};
}

/** One line per message, for a CRM note or an AI agent: `[time] ROLE: text`. */
export function transcriptOf(messages: IDataObject[]): string {
	return messages
		.map((message) => {
			const who = `${message.originatorRole ?? 'UNKNOWN'}${message.audience === PRIVATE_AUDIENCE ? ' (private note)' : ''}`;
			const file = message.file as IDataObject | undefined;
			const what =
				typeof message.text === 'string'
					? message.text
					: file
						? `[file ${file.fileType ?? ''}${file.caption ? ` "${String(file.caption)}"` : ''}: ${String(file.relativePath)}]`
						: `[${String(message.type ?? 'message')
								.toLowerCase()
								.replace(/_/g, ' ')}]`;
			return `${message.createdAt ? `[${String(message.createdAt)}] ` : ''}${who}: ${what}`;
		})
		.join('\n');
}

/** The dialogs to read: the main one (whose ID is the conversation's), and with surveys every other one. */
async function dialogsToRead(
	get: Get,
	conversationId: string,
	surveys: boolean,
): Promise<string[]> {
	if (!surveys) return [conversationId];
	const { body } = await get(`/conversations/${pathPart(conversationId)}`);
	const ids = (Array.isArray(body.dialogs) ? body.dialogs : [])
		.filter(isPlainObject)
		.map((dialog) => textOf(dialog.dialogId) ?? textOf(dialog.id))
		.filter((id): id is string => id !== undefined);
	return [conversationId, ...ids.filter((id) => id !== conversationId)];
}

export const definition: ConversationOperation<'getMessages'> = {
	value: 'getMessages',
	name: 'Get Messages',
	description:
		"Read a conversation's messages, oldest first: consumer, agent and bot messages with sequence, time, type and text (files with their path), plus a plain-text transcript. Needs the conversation's consumer.",
	action: 'Get the messages of a conversation',
	properties: [
		REST_NOTICE,
		conversationIdProperty,
		conversationConsumerIdProperty,
		...fields,
		optionsProperty(surveyOption, privateNotesOption),
	],
	outcome: readOutcome('messagesRead', 'The messages were'),
	// GETs: repeating them changes nothing.
	safeToRepeat: true,
	async execute(item) {
		const conversationId = conversationIdOf(item);
		const returnAll = item.parameter<unknown>('returnAll', 'Return All', false) === true;
		const last = returnAll
			? undefined
			: (optionalInteger('Limit', item.parameter<unknown>('limit', 'Limit', 50), {
					min: 1,
					max: MAX_MESSAGES,
				}) ?? 50);
		const privateNotes = item.options.includePrivateNotes === true;
		const { consumer, result } = await readAsConsumer(item, async (get) => {
			const dialogs = await dialogsToRead(
				get,
				conversationId,
				item.options.includeSurveys === true,
			);
			let older = false;
			const all: IDataObject[] = [];
			for (const dialogId of dialogs) {
				const read = await readDialog(get, conversationId, dialogId, last);
				older ||= read.older;
				all.push(...read.messages.map((message) => messageFromRest(message, dialogId)));
			}
			return { all, older };
		});
		const sorted = result.all
			.filter((message) => privateNotes || message.audience !== PRIVATE_AUDIENCE)
			.sort((a, b) => bySequence(a, b));
		const messages = last === undefined ? sorted : sorted.slice(-last);
		return {
			conversationId,
			messages,
			messageCount: messages.length,
			...(last === undefined
				? {}
				: { olderMessages: result.older || sorted.length > messages.length }),
			transcript: transcriptOf(messages),
			...consumerFields(consumer),
		};
	},
};
