import type { IDataObject, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import { toNodeError } from '../shared/actions/nodeErrors';
import type { OutcomeWords } from '../shared/actions/operation';
import { LivePersonFailure } from '../shared/errors';
import { excerpt } from '../shared/text';
import { openSession, retrySettings, sessionSecrets } from '../shared/transport';
import {
	connectorApi,
	type Consumer,
	type ConnectorSession,
} from '../LivePersonConnector/transport';
import { downloadFile } from '../LivePersonConnector/actions/conversation/downloadFile.operation';
import { isStoragePath } from '../LivePersonConnector/transport/files';
import type { ChangeItem } from './helpers/changes';

/**
 * The trigger's Download Files option: an agent's file (a `hosted/file` ContentEvent) is fetched
 * after LivePerson has been answered, and attached to its item as binary data. A download that
 * fails never fails the webhook or the run: the item says why in `fileDownload`.
 *
 * LivePerson's download URL request (`ms.GenerateURLForDownloadFile`) names only the file, and a
 * webhook carries no ConsumerJWS: the node asks as one consumer of the account (Client
 * Credentials: the Consumer ID of the option, minted once and cached; Static Tokens: the
 * credential's Default ConsumerJWS). LivePerson's pages do not say whether the consumer must be
 * the conversation's own (inferred: no, since the request names no conversation).
 */

export const DEFAULT_DOWNLOAD_CONSUMER = 'n8n-file-downloads';
export const DEFAULT_MAX_FILE_MB = 10;

export interface FileDownloads {
	enabled: boolean;
	maxBytes: number;
	field: string;
	consumerId: string;
}

export function fileDownloadsOf(options: IDataObject): FileDownloads {
	const mb = Number(options.maxFileSize);
	const field =
		typeof options.binaryPropertyName === 'string' ? options.binaryPropertyName.trim() : '';
	const consumerId =
		typeof options.downloadConsumerId === 'string' ? options.downloadConsumerId.trim() : '';
	return {
		enabled: options.downloadFiles === true,
		maxBytes: Math.round((Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_MAX_FILE_MB) * 1024 * 1024),
		field: field || 'data',
		consumerId: consumerId || DEFAULT_DOWNLOAD_CONSUMER,
	};
}

const OUTCOME: OutcomeWords = {
	field: 'fileDownloaded',
	notDone: 'The file was not downloaded.',
	maybe: 'The file was not downloaded.',
	check:
		'Download it with the LivePerson Connector node (Download File), or let the next webhook try.',
};

function sizeText(bytes: number): string {
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * The items, each with its file attached when asked: one download at a time, after LivePerson
 * has its answer. Never throws.
 */
export async function withFiles(
	this: IWebhookFunctions,
	items: ChangeItem[],
	downloads: FileDownloads,
): Promise<INodeExecutionData[]> {
	const data: INodeExecutionData[] = items.map((json) => ({ json }));
	const files = data.filter((entry) => entry.json.file !== undefined);
	if (!downloads.enabled || files.length === 0) return data;
	let session: ConnectorSession | undefined;
	const secrets: string[] = [];
	const settings = retrySettings({
		timeout: 20,
		serverErrorRetryInterval: 1,
		rateLimitRetries: 3,
		maxRateLimitWait: 10,
	});
	for (const [index, entry] of files.entries()) {
		const file = entry.json.file as IDataObject;
		const outcome = await (async () => {
			if (!isStoragePath(file.relativePath))
				throw new LivePersonFailure({
					reason: 'unreadableAnswer',
					message: 'The webhook names no file path the node can download',
					description: `Its relativePath is ${excerpt(JSON.stringify(file.relativePath) ?? '')}.`,
					effect: 'no',
				});
			session ??= (await openSession(this, connectorApi)) as ConnectorSession;
			secrets.push(...sessionSecrets(session));
			const choice =
				session.credential.mode === 'clientCredentials' ? { consumerId: downloads.consumerId } : {};
			const downloaded = await downloadFile(
				{ session, settings },
				choice,
				file.relativePath,
				(consumer: Consumer) => secrets.push(consumer.consumerJws),
			);
			if (downloaded.bytes.length > downloads.maxBytes) {
				return {
					error: `The file is ${sizeText(downloaded.bytes.length)}, over Max File Size (${sizeText(downloads.maxBytes)})`,
					reason: 'fileTooLarge',
				};
			}
			entry.binary = {
				[downloads.field]: await this.helpers.prepareBinaryData(
					downloaded.bytes,
					downloaded.fileName,
					downloaded.mimeType,
				),
			};
			return undefined;
		})().then(
			(problem) => problem,
			(error: unknown) => {
				if (session) secrets.push(...sessionSecrets(session));
				const failure = toNodeError(this.getNode(), error, index, OUTCOME, secrets);
				const context = failure.context as IDataObject;
				return {
					error: failure.message.replace(/ \[item \d+\]$/, ''),
					reason: String(context.reason),
					...(failure.description ? { description: failure.description } : {}),
				};
			},
		);
		if (outcome) {
			entry.json.fileDownload = outcome;
			this.logger.warn(
				`LivePerson Connector Trigger "${this.getNode().name}": a file was not downloaded (${outcome.reason}): ${outcome.error}`,
			);
		}
	}
	return data;
}
