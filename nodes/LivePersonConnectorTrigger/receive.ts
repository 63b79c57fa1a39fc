import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { AGENT_ROLES, DEFAULT_EVENTS } from './descriptions/trigger.description';
import {
	changeItem,
	passes,
	readNotification,
	type ChangeFilter,
	type ChangeItem,
} from './helpers/changes';
import type { WebhookKey } from './helpers/credential';
import { changeKey, firstSighting, triggerOf } from './helpers/seenChanges';
import { REFUSAL_MESSAGES, verifySignature } from './helpers/signature';
import { fileDownloadsOf, withFiles, type FileDownloads } from './files';
import { readWebhookKey } from './webhookKey';

/** The parts of n8n's request (express, with the raw body n8n keeps) the trigger reads. */
interface RawRequest {
	rawBody?: unknown;
	readRawBody?: () => Promise<void>;
}

/** Node's own ServerResponse methods, which express's response inherits. */
interface RawResponse {
	headersSent?: boolean;
	writeHead(status: number, headers: Record<string, string | number>): unknown;
	end(body: string): unknown;
}

function answer(res: RawResponse, status: number, body: IDataObject): void {
	if (res.headersSent) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(text),
	});
	res.end(text);
}

async function rawBodyOf(req: RawRequest): Promise<Buffer> {
	if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function')
		await req.readRawBody();
	return Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0);
}

function single(value: string | string[] | undefined): string | undefined {
	return typeof value === 'string' ? value.trim() : undefined;
}

/** Why the account or client ID headers do not name this credential's installation, if they do not. */
function senderMismatch(
	headers: Record<string, string | string[] | undefined>,
	key: WebhookKey,
): string | undefined {
	const accountId = single(headers['x-liveperson-account-id']);
	if (accountId !== key.accountId) {
		return accountId === undefined
			? 'the x-liveperson-account-id header is missing'
			: "the x-liveperson-account-id header is not the credential's Account ID";
	}
	if (key.clientId === undefined) return undefined;
	const clientId = single(headers['x-liveperson-client-id']);
	if (clientId === key.clientId) return undefined;
	return clientId === undefined
		? 'the x-liveperson-client-id header is missing'
		: "the x-liveperson-client-id header is not the credential's client ID";
}

type TriggerFilter = ChangeFilter & { dropDuplicates: boolean; files: FileDownloads };

function filterOf(this: IWebhookFunctions): TriggerFilter {
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const roles = Array.isArray(options.originatorRoles)
		? (options.originatorRoles as string[])
		: AGENT_ROLES;
	return {
		events: new Set(this.getNodeParameter('events', DEFAULT_EVENTS) as string[]),
		roles: new Set(roles),
		includePrivateNotes: options.includePrivateNotes === true,
		closedOnly: options.closedOnly === true,
		dropDuplicates: options.dropDuplicates === true,
		files: fileDownloadsOf(options),
	};
}

function itemsOf(this: IWebhookFunctions, rawBody: Buffer, filter: TriggerFilter): ChangeItem[] {
	const notification = readNotification(rawBody.toString('utf8'));
	if (!notification) {
		this.logger.warn(
			`LivePerson Connector Trigger "${this.getNode().name}": a signed webhook held no notification; it was answered and dropped`,
		);
		return [];
	}
	const trigger = triggerOf(this.getWorkflow().id, this.getNode().id, this.getMode());
	const items: ChangeItem[] = [];
	for (const change of notification.changes) {
		const item = changeItem(notification, change);
		if (!item || !passes(item, filter)) continue;
		const key = filter.dropDuplicates ? changeKey(item, filter.closedOnly) : undefined;
		if (key !== undefined && !firstSighting(trigger, key)) continue;
		items.push(item);
	}
	return items;
}

/**
 * Answers LivePerson before anything else runs: 401 (and no workflow run) unless the signature
 * matches the raw bytes and the headers name the credential's installation, else 200 at once. The
 * workflow runs after n8n has the answer on its way, never before it.
 */
export async function receive(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = this.getResponseObject() as unknown as RawResponse;
	// Everything that can fail on the node's setup fails before answering, so n8n answers 500 and
	// records the failed execution, and LivePerson keeps the event for a retry.
	const key = await readWebhookKey.call(this);
	const filter = filterOf.call(this);
	const rawBody = await rawBodyOf(this.getRequestObject() as unknown as RawRequest);
	const headers = this.getHeaderData();
	const verdict = verifySignature(rawBody, headers['x-liveperson-signature'], key.hmacSecret);
	const refusal = verdict.valid ? senderMismatch(headers, key) : REFUSAL_MESSAGES[verdict.reason];
	if (refusal !== undefined) {
		this.logger.warn(
			`LivePerson Connector Trigger "${this.getNode().name}" refused a webhook: ${refusal}`,
		);
		answer(res, 401, { message: `Refused: ${refusal}` });
		return { noWebhookResponse: true };
	}
	answer(res, 200, { received: true });

	let items: ChangeItem[];
	try {
		items = itemsOf.call(this, rawBody, filter);
	} catch (error) {
		// Answered already: a second answer would fail, so the error goes to n8n's log.
		this.logger.error(
			`LivePerson Connector Trigger "${this.getNode().name}" could not read a signed webhook: ${(error as Error).message}`,
		);
		return { noWebhookResponse: true };
	}
	if (items.length === 0) return { noWebhookResponse: true };
	// LivePerson has its answer: files are fetched now, and a failed one only marks its item.
	const data = await withFiles.call(this, items, filter.files);
	return { noWebhookResponse: true, workflowData: [data] };
}
