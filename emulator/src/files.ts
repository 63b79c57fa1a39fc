/**
 * Hosted files over SEND: `ms.GenerateURLForUploadFile`, `ms.GenerateURLForDownloadFile`, the
 * `hosted/file` ContentEvent a consumer publishes after the upload, and the agent's file that
 * reaches the webhooks. The storage host itself is in storage.ts.
 */
import { bad, json, ok } from './answers';
import type { ConversationStore } from './conversations';
import {
	contentTypeOf,
	MAX_PREVIEW_CHARS,
	parseStoragePath,
	UPLOAD_FILE_TYPES,
	type FileStore,
} from './storage';
import type { ConsumerJwsClaims } from './tokens';
import type { AgentFile, EmulatorAnswer, RecordedRequest } from './types';
import { isObj, type LpRequest, type Obj } from './validation';

export const TYPE_GENERATE_UPLOAD_URL = 'ms.GenerateURLForUploadFile';
export const TYPE_GENERATE_DOWNLOAD_URL = 'ms.GenerateURLForDownloadFile';
export const FILE_URL_TYPES = [TYPE_GENERATE_UPLOAD_URL, TYPE_GENERATE_DOWNLOAD_URL] as const;

/**
 * File types a hosted/file publish may name. inferred: the union of HostedFile.json's enum (IMG,
 * JPG, PNG, GIF, TXT, PDF; no JPEG) and the pages' examples, which publish JPEG; LivePerson's
 * pages disagree, so both readings pass. Only JPG, JPEG, PNG and GIF can be uploaded at all.
 */
export const PUBLISH_FILE_TYPES = ['JPG', 'JPEG', 'PNG', 'GIF', 'IMG', 'TXT', 'PDF'] as const;

export interface FilesContext {
	record: RecordedRequest;
	accountId: string;
	store: ConversationStore;
	files: FileStore;
}

function sendBad(msg: string, reqId: string | undefined): EmulatorAnswer {
	return json(400, bad(msg, reqId));
}

function describe(v: unknown): string {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'an array';
	if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
	if (typeof v === 'object') return 'an object';
	return String(v);
}

function unknownField(body: Obj, allowed: readonly string[], path: string): string | undefined {
	const extra = Object.keys(body).find((k) => !allowed.includes(k));
	return extra === undefined ? undefined : `${path}.${extra} is not a known field`;
}

/** fileSize: bytes, a string in the schema; a documented example sends a number and gets a 200. */
function fileSizeOf(v: unknown): number | undefined {
	if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
	if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
	return undefined;
}

/** The two URL requests; both are answered like every SEND request, `{code, body, reqId}`. */
export function handleFileUrlRequest(
	ctx: FilesContext,
	req: LpRequest,
	consumer: ConsumerJwsClaims,
): EmulatorAnswer {
	const { files } = ctx;
	if (req.type === TYPE_GENERATE_UPLOAD_URL) {
		const problem = unknownField(req.body, ['fileSize', 'fileType'], 'body');
		if (problem) return sendBad(`Bad Request, ${problem}`, req.id);
		if (req.body.fileSize === undefined)
			return sendBad('Bad Request, body.fileSize is missing', req.id);
		if (req.body.fileType === undefined)
			return sendBad('Bad Request, body.fileType is missing', req.id);
		const size = fileSizeOf(req.body.fileSize);
		if (size === undefined) {
			return sendBad(
				`Bad Request, body.fileSize must be the file's size in bytes (a string of digits), got ${describe(req.body.fileSize)}`,
				req.id,
			);
		}
		// inferred: an empty file is refused like an oversized one.
		if (size === 0) return sendBad('Bad Request, body.fileSize must be more than 0 bytes', req.id);
		// The schema: "file size is limited and over-sized request will be rejected".
		const max = files.settings.maxFileBytes;
		if (size > max) {
			return sendBad(
				`Bad Request, body.fileSize ${size} is over the limit of ${max} bytes (3 MB)`,
				req.id,
			);
		}
		const fileType = req.body.fileType;
		// inferred: the type is matched exactly, upper case, as the schema's enum lists it.
		if (
			typeof fileType !== 'string' ||
			!(UPLOAD_FILE_TYPES as readonly string[]).includes(fileType)
		) {
			return sendBad(
				`Bad Request, body.fileType has unknown value ${describe(fileType)}; expected one of ${UPLOAD_FILE_TYPES.join(', ')}`,
				req.id,
			);
		}
		// inferred: the documented flow opens a conversation first; the request names none, so the
		// consumer's open conversation is what counts (switchable).
		if (files.settings.uploadNeedsOpenConversation && !ctx.store.openFor(consumer.lp_consumer_id)) {
			return sendBad(
				'Bad Request, the consumer has no open conversation to share a file in',
				req.id,
			);
		}
		const url = files.issueUpload(fileType, size, consumer.lp_consumer_id);
		ctx.record.processed = true;
		return json(200, ok({ ...url }, req.id));
	}

	const problem = unknownField(req.body, ['relativePath'], 'body');
	if (problem) return sendBad(`Bad Request, ${problem}`, req.id);
	const relativePath = req.body.relativePath;
	if (typeof relativePath !== 'string' || relativePath === '')
		return sendBad('Bad Request, body.relativePath is missing', req.id);
	const where = parseStoragePath(relativePath);
	// inferred: a path outside the account's container is refused; a path inside it is signed
	// whether or not an object is there (the storage answers 404 then), as Swift would.
	if (!where || where.accountId !== ctx.accountId) {
		return sendBad(
			`Bad Request, body.relativePath ${describe(relativePath)} is not a file of account ${ctx.accountId} (expected /v1/AUTH_async-images/${ctx.accountId}/…)`,
			req.id,
		);
	}
	const url = files.issueDownload(relativePath);
	ctx.record.processed = true;
	return json(200, ok({ ...url }, req.id));
}

// ---------------------------------------------------------------------------------------------
// The hosted/file publish

/** Whether a SEND body is an ms.PublishEvent of a hosted/file ContentEvent. */
export function isHostedFilePublish(body: unknown): boolean {
	if (!isObj(body) || body.type !== 'ms.PublishEvent' || !isObj(body.body)) return false;
	const event = body.body.event;
	return isObj(event) && event.contentType === 'hosted/file';
}

/** Whether SEND's 5000-character limit is waived for this body (a hosted/file publish, by default). */
// inferred: SEND refuses bodies over 5000 characters, while the File Sharing page allows a preview
// of up to 30 KB inside the publish; both cannot hold. By default the preview does not count (the
// rest of the body still must fit); 'enforce' applies the limit to the whole body.
export function exemptFromBodyLimit(
	record: RecordedRequest,
	files: FileStore | undefined,
	limit: number,
): boolean {
	return (
		files !== undefined &&
		files.settings.hostedFileBodyLimit === 'exempt' &&
		isHostedFilePublish(record.json) &&
		record.rawBody.length - previewLength(record.json) <= limit
	);
}

function previewLength(body: unknown): number {
	if (!isObj(body) || !isObj(body.body) || !isObj(body.body.event)) return 0;
	const message = body.body.event.message;
	return isObj(message) && typeof message.preview === 'string' ? message.preview.length : 0;
}

const SIGNATURES: Record<string, Buffer[]> = {
	PNG: [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
	JPG: [Buffer.from([0xff, 0xd8, 0xff])],
	JPEG: [Buffer.from([0xff, 0xd8, 0xff])],
	GIF: [Buffer.from('GIF87a'), Buffer.from('GIF89a')],
};

/** false when the bytes do not start the way a file of this type does (only image types are checked). */
export function looksLike(fileType: string, bytes: Buffer): boolean {
	const sigs = SIGNATURES[fileType.toUpperCase()];
	if (!sigs) return true;
	return sigs.some(
		(sig) => bytes.length >= sig.length && bytes.subarray(0, sig.length).equals(sig),
	);
}

/** The publish's event, checked; a message naming the first problem otherwise. */
export function checkHostedFileEvent(
	event: Obj,
	files: FileStore,
): { ok: true; message: Obj } | { ok: false; msg: string } {
	const path = 'body.event';
	const extra = unknownField(event, ['type', 'contentType', 'message'], path);
	if (extra) return { ok: false, msg: extra };
	if (event.type !== 'ContentEvent')
		return {
			ok: false,
			msg: `${path}.type must be "ContentEvent" for hosted/file, got ${describe(event.type)}`,
		};
	const message = event.message;
	if (!isObj(message)) {
		return {
			ok: false,
			msg: `${path}.message must be an object {caption, relativePath, fileType, preview} for hosted/file, got ${describe(message)}`,
		};
	}
	const m = `${path}.message`;
	const unknown = unknownField(message, ['caption', 'relativePath', 'fileType', 'preview'], m);
	if (unknown) return { ok: false, msg: unknown };
	if (message.relativePath === undefined) return { ok: false, msg: `${m}.relativePath is missing` };
	if (typeof message.relativePath !== 'string')
		return {
			ok: false,
			msg: `${m}.relativePath must be a string, got ${describe(message.relativePath)}`,
		};
	if (message.fileType === undefined) return { ok: false, msg: `${m}.fileType is missing` };
	if (
		typeof message.fileType !== 'string' ||
		!(PUBLISH_FILE_TYPES as readonly string[]).includes(message.fileType)
	) {
		return {
			ok: false,
			msg: `${m}.fileType has unknown value ${describe(message.fileType)}; expected one of ${PUBLISH_FILE_TYPES.join(', ')}`,
		};
	}
	// inferred: HostedFile.json requires caption, the pages call it optional: both pass.
	if (message.caption !== undefined && typeof message.caption !== 'string')
		return { ok: false, msg: `${m}.caption must be a string, got ${describe(message.caption)}` };
	if (message.preview !== undefined) {
		if (typeof message.preview !== 'string')
			return {
				ok: false,
				msg: `${m}.preview must be a string (a data URL), got ${describe(message.preview)}`,
			};
		if (message.preview.length >= MAX_PREVIEW_CHARS) {
			return {
				ok: false,
				msg: `Check your file size and that it is not corrupted: ${m}.preview has ${message.preview.length} characters; it must be under 30 KB (${MAX_PREVIEW_CHARS})`,
			};
		}
	}
	const stored = files.get(message.relativePath);
	// inferred: a publish naming nothing stored is refused.
	if (!stored) {
		return {
			ok: false,
			msg: `${m}.relativePath ${describe(message.relativePath)} names no uploaded file; upload it first (PUT to the storage host)`,
		};
	}
	if (
		stored.size > files.settings.maxFileBytes ||
		(files.settings.checkImageBytes && !looksLike(stored.fileType, stored.bytes))
	) {
		return {
			ok: false,
			msg: `Check your file size and that it is not corrupted: the stored ${stored.fileType} file (${stored.size} bytes) is not a valid ${stored.fileType}`,
		};
	}
	return { ok: true, message };
}

/** A consumer's hosted/file publish into `conversationId` (auth and the conversation already checked). */
export function publishHostedFile(
	ctx: FilesContext & { clientProperties?: string },
	req: LpRequest,
	conversationId: string,
): EmulatorAnswer {
	const extra = unknownField(req.body, ['dialogId', 'conversationId', 'event'], 'body');
	if (extra) return sendBad(`Bad Request, ${extra}`, req.id);
	if (!isObj(req.body.event)) return sendBad('Bad Request, body.event must be an object', req.id);
	const checked = checkHostedFileEvent(req.body.event, ctx.files);
	if (!checked.ok) return sendBad(`Bad Request, ${checked.msg}`, req.id);
	const conv = ctx.store.get(conversationId);
	if (!conv) return sendBad(`Bad Request, dialog ${conversationId} was not found`, req.id);
	const sequence = ctx.store.publish(conv, 'consumer', req.body.event, {
		reqId: req.id,
		...(ctx.clientProperties !== undefined ? { clientProperties: ctx.clientProperties } : {}),
	});
	ctx.record.processed = true;
	return json(200, ok({ sequence }, req.id));
}

// ---------------------------------------------------------------------------------------------
// Agent files

export interface AgentFileTarget {
	/** Adds the event to the conversation; returns its sequence. */
	publish(event: Obj): number;
}

/** Stores an agent's file and publishes its hosted/file event through `target`. */
export function publishAgentFile(
	files: FileStore,
	file: AgentFile,
	target: AgentFileTarget,
): { event: Obj; sequence: number; relativePath: string } {
	if (!file || typeof file !== 'object')
		throw new Error('sendFile needs {bytes | base64, fileType}');
	const fileType = file.fileType;
	if (typeof fileType !== 'string' || !(UPLOAD_FILE_TYPES as readonly string[]).includes(fileType))
		throw new Error(`sendFile: fileType must be one of ${UPLOAD_FILE_TYPES.join(', ')}`);
	let bytes: Buffer;
	if (file.bytes !== undefined) bytes = Buffer.from(file.bytes);
	else if (typeof file.base64 === 'string') bytes = Buffer.from(file.base64, 'base64');
	else throw new Error('sendFile needs bytes or base64');
	if (bytes.length === 0) throw new Error('sendFile: the file is empty');
	if (bytes.length > files.settings.maxFileBytes)
		throw new Error(
			`sendFile: the file has ${bytes.length} bytes; the limit is ${files.settings.maxFileBytes}`,
		);
	if (
		file.preview !== undefined &&
		(typeof file.preview !== 'string' || file.preview.length >= MAX_PREVIEW_CHARS)
	)
		throw new Error('sendFile: preview must be a string under 30 KB');
	const relativePath = files.agentPath(fileType);
	files.put(relativePath, bytes, fileType, contentTypeOf(fileType), 'agent');
	const message: Obj = { caption: file.caption ?? '', relativePath, fileType };
	if (file.preview !== undefined) message.preview = file.preview;
	const event: Obj = { type: 'ContentEvent', contentType: 'hosted/file', message };
	const sequence = target.publish(event);
	return { event, sequence, relativePath };
}
