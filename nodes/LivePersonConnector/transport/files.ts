import type { IDataObject } from 'n8n-workflow';

import { Cancelled, LivePersonFailure, LivePersonSetupError } from '../../shared/errors';
import type { FailureFacts } from '../../shared/errors';
import { excerpt } from '../../shared/text';
import { noAnswerFailure, statusFailure, type RequestRole } from '../../shared/transport/failures';
import type { FullResponse } from '../../shared/transport/hosts';
import type { RetrySettings } from '../../shared/transport/retry';
import { plainRequest, serviceUrl } from '../../shared/transport/session';
import { isPlainObject } from '../../shared/values';
import { staticHostField, type ConnectorSession } from './api';
import { callConnectorAs } from './connector';
import type { Consumer, ConsumerChoice } from './consumer';
import { REQUEST_TYPES, type ConnectorRequest } from './types';

/**
 * Files shared in a conversation (SendAPI "File Sharing"): SEND gives a temporary URL signed for
 * one method (`ms.GenerateURLForUploadFile`, `ms.GenerateURLForDownloadFile`), and the file moves
 * at LivePerson's storage host (CSDS `swift`) with that URL alone: no AppJWT goes there, the
 * signature is the authorisation. A URL lives about a minute.
 */

export const FILE_URL_TYPES = {
	upload: 'ms.GenerateURLForUploadFile',
	download: 'ms.GenerateURLForDownloadFile',
} as const;

/** A storage URL as SEND answers it: the file's path and the signature's query parameters. */
export interface SignedUrl {
	relativePath: string;
	queryParams: { temp_url_sig: string; temp_url_expires: string };
}

/**
 * A file's path at the storage, as LivePerson gives it (`/v1/AUTH_async-images/{account}/…`): an
 * absolute path of plain URL characters, without `..`, `?` or `#`. Anything else is refused, so a
 * path from an answer or an input can only ever name a file on the storage host.
 */
export function isStoragePath(value: unknown): value is string {
	return (
		typeof value === 'string' &&
		value.length <= 1000 &&
		/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]+$/.test(value) &&
		!value.startsWith('//') &&
		!value.split('/').some((part) => part === '..' || part === '.')
	);
}

export function uploadUrlRequest(fileSize: number, fileType: string): ConnectorRequest {
	// fileSize is a string in LivePerson's schema (a documented example sends a number).
	return {
		kind: 'req',
		id: '1',
		type: FILE_URL_TYPES.upload,
		body: { fileSize: String(fileSize), fileType },
	};
}

export function downloadUrlRequest(relativePath: string): ConnectorRequest {
	return { kind: 'req', id: '1', type: FILE_URL_TYPES.download, body: { relativePath } };
}

/** A SEND of a hosted/file ContentEvent into `conversationId`: publishes an uploaded file. */
export function hostedFileRequest(conversationId: string, message: IDataObject): ConnectorRequest {
	return {
		kind: 'req',
		id: '1',
		type: REQUEST_TYPES.publishEvent,
		body: {
			dialogId: conversationId,
			event: { type: 'ContentEvent', contentType: 'hosted/file', message },
		},
	};
}

function unusableUrl(body: unknown): LivePersonFailure {
	return new LivePersonFailure({
		reason: 'unreadableAnswer',
		message: "LivePerson's answer gave no usable file URL",
		description: `SEND answered OK without a relative path and a signature the node can use: ${excerpt(JSON.stringify(body) ?? '')}.`,
		effect: 'no',
	});
}

/**
 * Asks SEND for a signed storage URL. Asking again has no effect (a URL that is not used expires),
 * so the request is retried after a 5xx or a lost answer; failures carry the consumer's IDs.
 */
export async function fileUrl(
	session: ConnectorSession,
	choice: ConsumerChoice,
	request: ConnectorRequest,
	settings: RetrySettings,
	onConsumer: (consumer: Consumer) => void,
	inputs: Record<string, unknown>,
): Promise<SignedUrl> {
	const { results } = await callConnectorAs(
		session,
		choice,
		{ endpoint: 'send', requests: [request], safeToRepeat: true, inputs },
		settings,
		onConsumer,
	);
	const body = results[0]?.body;
	const query = isPlainObject(body?.queryParams) ? body.queryParams : {};
	const sig = query.temp_url_sig;
	const expires = query.temp_url_expires;
	if (
		!body ||
		!isStoragePath(body.relativePath) ||
		typeof sig !== 'string' ||
		!/^[A-Za-z0-9]+$/.test(sig) ||
		!(typeof expires === 'string' || typeof expires === 'number') ||
		!/^\d+$/.test(String(expires))
	)
		throw unusableUrl(body);
	return {
		relativePath: body.relativePath,
		queryParams: { temp_url_sig: sig, temp_url_expires: String(expires) },
	};
}

/** The storage host's base URL, named by the field to fill in when Static Tokens have none. */
export async function storageBaseUrl(
	session: ConnectorSession,
	settings: RetrySettings,
): Promise<string> {
	const { credential } = session;
	if (credential.mode === 'staticTokens' && !credential.hostOverrides.swift) {
		throw new LivePersonSetupError(
			`The credential's ${staticHostField('swift')} is empty`,
			"Send File and Download File move files at LivePerson's storage host. Set the account's swift host (from LivePerson's Domain API) in the credential, or switch it to Client Credentials, which looks it up.",
		);
	}
	return await serviceUrl(session, 'swift', settings);
}

/** `https://{swift}{relativePath}?temp_url_sig=…&temp_url_expires=…`: the path as signed, no second slash. */
export function storageUrl(baseUrl: string, url: SignedUrl): string {
	const { temp_url_sig, temp_url_expires } = url.queryParams;
	return `${baseUrl}${url.relativePath}?temp_url_sig=${encodeURIComponent(temp_url_sig)}&temp_url_expires=${encodeURIComponent(temp_url_expires)}`;
}

/** Whether the storage refused the URL itself (Swift's 401 "Temp URL invalid": expired, or signed otherwise). */
export function urlRefused(response: FullResponse): boolean {
	return response.statusCode === 401;
}

export type StorageStep = 'upload' | 'download';

/**
 * One request at the storage host with a signed URL (no AppJWT). Repeating it is harmless (a PUT
 * stores the same bytes at the same path, a GET reads), so 429s, 5xx and lost answers are retried;
 * no answer at all throws a LivePersonFailure, a status is returned for the caller to read.
 */
export async function atStorage(
	session: ConnectorSession,
	step: StorageStep,
	url: SignedUrl,
	settings: RetrySettings,
	file?: { bytes: Buffer; mimeType: string },
): Promise<FullResponse> {
	const base = await storageBaseUrl(session, settings);
	const request = plainRequest(session, settings);
	return await request(
		file
			? {
					method: 'PUT',
					url: storageUrl(base, url),
					body: file.bytes,
					headers: { 'Content-Type': file.mimeType },
					json: false,
				}
			: { method: 'GET', url: storageUrl(base, url), encoding: 'arraybuffer', json: false },
	).catch((error: unknown) => {
		if (error instanceof Cancelled || error instanceof LivePersonSetupError) throw error;
		throw new LivePersonFailure({
			...noAnswerFailure(error, ROLE[step], settings.timeoutMs),
			message:
				step === 'upload'
					? "The upload to LivePerson's file storage got no answer"
					: "The download from LivePerson's file storage got no answer",
		});
	});
}

const ROLE: Record<StorageStep, RequestRole> = {
	upload: { main: false },
	download: { main: false },
};

/** A status from the storage host that is not success, as failure facts (the caller words the step). */
export function storageFailure(step: StorageStep, response: FullResponse): FailureFacts {
	const status = response.statusCode;
	const text = Buffer.isBuffer(response.body)
		? response.body.toString('utf8')
		: typeof response.body === 'string'
			? response.body
			: (JSON.stringify(response.body) ?? '');
	const said = `LivePerson's storage said: ${excerpt(text, 200) || `HTTP ${status}`}.`;
	if (status === 404 && step === 'download') {
		return {
			reason: 'fileNotFound',
			message: "LivePerson's file storage has no file at this path (HTTP 404)",
			description: `Check the path: it is a file's relativePath from Get Messages or the trigger. A file just uploaded can take a moment to pass LivePerson's checks: try again shortly. ${said}`,
			httpCode: status,
			effect: 'no',
		};
	}
	if (status === 413) {
		return {
			reason: 'refused',
			message: "LivePerson's file storage refused the file as too large (HTTP 413)",
			description: `Files can be up to 3 MB. ${said}`,
			httpCode: status,
			effect: 'no',
		};
	}
	if (status === 401) {
		return {
			reason: 'refused',
			message: `LivePerson's file storage refused the ${step} URL, also a new one (HTTP 401)`,
			description: `The storage answers 401 to an expired URL or one signed for something else; the node asked SEND for a new URL once. Check the host of the file storage (the credential's File Storage Host, or the Domain API's swift). ${said}`,
			httpCode: status,
			effect: 'no',
		};
	}
	return { ...statusFailure(status, text, ROLE[step]), effect: 'no' };
}
