import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { BinaryOutput } from '../../../shared/actions/operation';
import { InputError, LivePersonFailure } from '../../../shared/errors';
import { optionalString } from '../../../shared/values';
import type { Consumer } from '../../transport';
import {
	atStorage,
	downloadUrlRequest,
	fileUrl,
	isStoragePath,
	storageFailure,
	urlRefused,
	type SignedUrl,
} from '../../transport/files';
import type { FullResponse } from '../../../shared/transport/hosts';
import { fileNameOf, imageKindOf, kindOfFileType } from '../../helpers/files';
import { consumerIdProperty, optionsProperty } from '../../descriptions/consumer.description';
import type { ConversationItem, ConversationOperation } from './consumer';
import { consumerChoice, consumerFields, withConsumer } from './consumer';
import { asRead } from '../../transport/rest';
import { readOutcome } from './read';

const PATH_FIELD = 'Relative Path';
const OUTPUT_FIELD = 'Put Output File in Field';

const fields: INodeProperties[] = [
	{
		displayName: 'Relative Path',
		name: 'relativePath',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.file.relativePath }}',
		description:
			"The file's path at LivePerson's storage (/v1/AUTH_async-images/…): a message's file.relativePath from Get Messages, or the LivePerson Connector Trigger's",
	},
	{
		...consumerIdProperty,
		description:
			"Your ID for a consumer of this account (LivePerson's ext_consumer_id), usually the one whose conversation holds the file. LivePerson's download request names only the file.",
		hint: 'Map it from where you keep the conversation, e.g. {{ $json.contactId }}',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'e.g. data',
		hint: 'The name of the output binary field to put the file in',
	},
];

const fileNameOption: INodeProperties = {
	displayName: 'File Name',
	name: 'fileName',
	type: 'string',
	default: '',
	placeholder: 'e.g. receipt.png',
	description: "The binary data's file name. Empty: the last part of the path.",
};

/** A relative path the storage can serve, or bad input: only a path on LivePerson's storage host. */
export function relativePathOf(value: unknown): string {
	const path = optionalString(PATH_FIELD, value);
	const fix =
		"Map the file's path from Get Messages or the trigger, e.g. {{ $json.file.relativePath }}: it starts with /v1/.";
	if (path === undefined) throw new InputError(PATH_FIELD, 'is empty', fix);
	if (!isStoragePath(path))
		throw new InputError(PATH_FIELD, "is not a path at LivePerson's file storage", fix);
	return path;
}

export interface Downloaded {
	bytes: Buffer;
	mimeType: string;
	fileName: string;
}

/** The bytes as the storage answered them, with the file's name and type (read from the bytes first). */
function fileOf(relativePath: string, response: FullResponse): Downloaded {
	const body = response.body;
	const bytes = Buffer.isBuffer(body)
		? body
		: body instanceof ArrayBuffer
			? Buffer.from(body)
			: Buffer.from(typeof body === 'string' ? body : '', 'binary');
	const byExtension = kindOfFileType(relativePath.split('.').pop());
	const image = imageKindOf(bytes);
	const header = response.headers?.['content-type'];
	const answered = typeof header === 'string' ? header.split(';')[0].trim() : '';
	const mimeType =
		image?.mimeType ??
		(answered && answered !== 'application/octet-stream' ? answered : byExtension.mimeType);
	return {
		bytes,
		mimeType,
		fileName: fileNameOf(relativePath, image?.extension ?? byExtension.extension),
	};
}

/**
 * Downloads a stored file as `choice`'s consumer: SEND gives a URL signed for GET (asking again has
 * no effect, so it is retried), then the storage host serves the bytes; a URL it refuses (expired)
 * is asked for once more. Shared with the trigger.
 */
export async function downloadFile(
	item: Pick<ConversationItem, 'session' | 'settings'>,
	choice: ReturnType<typeof consumerChoice>,
	relativePath: string,
	onConsumer: (consumer: Consumer) => void,
): Promise<Downloaded> {
	const newUrl = async (): Promise<SignedUrl> =>
		await fileUrl(
			item.session,
			choice,
			downloadUrlRequest(relativePath),
			item.settings,
			onConsumer,
			{
				[PATH_FIELD]: relativePath,
			},
		);
	let response = await atStorage(item.session, 'download', await newUrl(), item.settings);
	if (urlRefused(response))
		response = await atStorage(item.session, 'download', await newUrl(), item.settings);
	if (response.statusCode < 200 || response.statusCode >= 300)
		throw new LivePersonFailure(storageFailure('download', response));
	return fileOf(relativePath, response);
}

export const definition: ConversationOperation<'downloadFile'> = {
	value: 'downloadFile',
	name: 'Download File',
	description:
		'Download a file shared in a conversation (its path from Get Messages or the trigger) as binary data, with its file name and MIME type',
	action: 'Download a file of a conversation',
	properties: [...fields, optionsProperty(fileNameOption)],
	outcome: readOutcome('fileDownloaded', 'The file was'),
	// A URL request and a GET: repeating them changes nothing.
	safeToRepeat: true,
	async execute(item) {
		const relativePath = relativePathOf(item.parameter<unknown>('relativePath', PATH_FIELD, ''));
		const field = optionalString(
			OUTPUT_FIELD,
			item.parameter<unknown>('binaryPropertyName', OUTPUT_FIELD, 'data'),
		);
		if (!field)
			throw new InputError(
				OUTPUT_FIELD,
				'is empty',
				'Name the binary field to put the file in, e.g. data.',
			);
		const name = optionalString('Options › File Name', item.options.fileName);
		let consumer: Consumer | undefined;
		let file: Downloaded;
		try {
			file = await downloadFile(item, consumerChoice(item), relativePath, (used) => {
				consumer = used;
				item.secrets.push(used.consumerJws);
			});
		} catch (error) {
			throw withConsumer(asRead(error), consumer);
		}
		const fileName = name ?? file.fileName;
		const binary = await this.helpers.prepareBinaryData(file.bytes, fileName, file.mimeType);
		const json: IDataObject = {
			relativePath,
			fileName,
			mimeType: file.mimeType,
			fileSize: file.bytes.length,
			binaryField: field,
			...consumerFields(consumer),
		};
		return new BinaryOutput(json, { [field]: binary });
	},
};
