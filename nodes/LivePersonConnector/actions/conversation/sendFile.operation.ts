import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { Cancelled, LivePersonFailure } from '../../../shared/errors';
import { optionalString } from '../../../shared/values';
import { sentences } from '../../../shared/transport/failures';
import { callConnectorAs, type Consumer } from '../../transport';
import { publishedSequence } from '../../transport/answers';
import {
	atStorage,
	fileUrl,
	hostedFileRequest,
	storageFailure,
	uploadUrlRequest,
	urlRefused,
	type SignedUrl,
} from '../../transport/files';
import { MAX_BODY_CHARACTERS } from '../../transport/types';
import { tooLarge } from '../../helpers/requests';
import { checkedImage, dataUrl, type ImageKind } from '../../helpers/files';
import {
	conversationConsumerIdProperty,
	conversationIdProperty,
	optionsProperty,
} from '../../descriptions/consumer.description';
import type { ConversationItem, ConversationOperation } from './consumer';
import { consumerChoice, consumerFields, withConsumer } from './consumer';
import { conversationIdOf } from './sendToConversation';

const BINARY_FIELD = 'Input Binary Field';

const fields: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'e.g. data',
		hint: 'The name of the input binary field containing the file to be sent',
		description: 'A JPG, PNG or GIF image of up to 3 MB (LivePerson shares nothing else)',
	},
	{
		displayName: 'Caption',
		name: 'caption',
		type: 'string',
		default: '',
		placeholder: 'e.g. Receipt for order 4711',
		description: 'Text shown with the image. Optional.',
	},
];

/** Longest relative path LivePerson's answers are expected to carry, to check the publish's size first. */
const PATH_ALLOWANCE = 300;

/** The publish's `message`: caption (empty when none, as the schema requires it), path, type, and a preview when it fits. */
function fileMessage(
	caption: string,
	relativePath: string,
	kind: ImageKind,
	preview?: string,
): IDataObject {
	return {
		caption,
		relativePath,
		fileType: kind.fileType,
		...(preview ? { preview } : {}),
	};
}

/**
 * Whether the file can go as its own preview: LivePerson allows a preview under 30 KB, but SEND
 * refuses any body over 5,000 characters, so only a tiny image fits (the node cannot make a thumbnail).
 */
function previewFor(
	conversationId: string,
	caption: string,
	kind: ImageKind,
	bytes: Buffer,
): string | undefined {
	const preview = dataUrl(kind, bytes);
	const body = hostedFileRequest(
		conversationId,
		fileMessage(caption, '/'.padEnd(PATH_ALLOWANCE, 'x'), kind, preview),
	);
	return JSON.stringify(body).length <= MAX_BODY_CHARACTERS ? preview : undefined;
}

/** The step that failed, in the words the error item carries (`details.failedStep`). */
type Step = 'uploadUrl' | 'upload' | 'publish';

const NOT_UPLOADED = 'It was not uploaded.';

/** A failure before the publish: nothing reached the conversation, whatever the request's own effect. */
function beforePublish(error: unknown, step: Step, consumer: Consumer | undefined): unknown {
	if (error instanceof Cancelled) return new Cancelled('no');
	if (!(error instanceof LivePersonFailure)) return withConsumer(error, consumer);
	const stepWords =
		step === 'uploadUrl'
			? 'LivePerson did not give an upload URL (ms.GenerateURLForUploadFile).'
			: "The upload to LivePerson's file storage failed.";
	return withConsumer(
		new LivePersonFailure({
			...error.facts,
			effect: 'no',
			description: sentences(NOT_UPLOADED, stepWords, error.facts.description),
			data: { ...(error.facts.data ?? {}), failedStep: step, fileUploaded: 'no' },
		}),
		consumer,
	);
}

/**
 * Uploads the bytes with a fresh URL. The storage refuses a URL that expired (401 "Temp URL
 * invalid", about a minute after it was given): then a new URL is asked for and the upload sent
 * once more. A PUT is repeatable (same bytes, same path), so its 5xx and lost answers are retried.
 */
async function upload(
	item: ConversationItem,
	kind: ImageKind,
	bytes: Buffer,
	onConsumer: (consumer: Consumer) => void,
	consumer: () => Consumer | undefined,
): Promise<SignedUrl> {
	const { session, settings } = item;
	const choice = consumerChoice(item);
	const failed = (step: Step) => (error: unknown) =>
		Promise.reject(beforePublish(error, step, consumer()));
	const newUrl = async () =>
		await fileUrl(
			session,
			choice,
			uploadUrlRequest(bytes.length, kind.fileType),
			settings,
			onConsumer,
			{ [BINARY_FIELD]: '' },
		).catch(failed('uploadUrl'));
	const put = async (url: SignedUrl) =>
		await atStorage(session, 'upload', url, settings, {
			bytes,
			mimeType: kind.mimeType,
		}).catch(failed('upload'));
	let url = await newUrl();
	let response = await put(url);
	if (urlRefused(response)) {
		url = await newUrl();
		response = await put(url);
	}
	if (response.statusCode < 200 || response.statusCode >= 300)
		throw beforePublish(
			new LivePersonFailure(storageFailure('upload', response)),
			'upload',
			consumer(),
		);
	return url;
}

/** A failed publish, worded: uploaded but not published (`no`), or maybe published (`unknown`). */
function publishFailure(
	error: unknown,
	kind: ImageKind,
	uploaded: IDataObject,
	consumer: Consumer | undefined,
): unknown {
	if (error instanceof Cancelled || !(error instanceof LivePersonFailure))
		return withConsumer(error, consumer);
	const { facts } = error;
	const uploadedWords =
		facts.effect === 'no'
			? `It was uploaded but not published in the conversation: details.relativePath names the uploaded file, which Send Message can publish with Options › Event (JSON) {"type":"ContentEvent","contentType":"hosted/file","message":{"caption":"…","relativePath":"…","fileType":"${kind.fileType}"}}.`
			: '';
	return withConsumer(
		new LivePersonFailure({
			...facts,
			description: sentences(uploadedWords, facts.description),
			data: { ...(facts.data ?? {}), failedStep: 'publish', fileUploaded: 'yes', ...uploaded },
		}),
		consumer,
	);
}

export const definition: ConversationOperation<'sendFile'> = {
	value: 'sendFile',
	name: 'Send File',
	description:
		"Send an image (JPG, PNG or GIF, up to 3 MB) from the item's binary data into a conversation, as the consumer, with an optional caption",
	action: 'Send a file into a conversation',
	properties: [
		conversationIdProperty,
		conversationConsumerIdProperty,
		...fields,
		optionsProperty(),
	],
	outcome: {
		field: 'fileSent',
		notDone: 'The file was not sent.',
		maybe:
			'The file was uploaded, and may or may not have been published in the conversation, so the node did not publish it again.',
		check: 'Check the conversation in LivePerson before sending the file again.',
	},
	// The upload URL and the upload are repeatable; the publish is a message, never sent twice.
	safeToRepeat: false,
	async execute(item) {
		const conversationId = conversationIdOf(item);
		const captionText =
			optionalString('Caption', item.parameter<unknown>('caption', 'Caption', '')) ?? '';
		const { data, bytes } = await item.binary(
			item.parameter<unknown>('binaryPropertyName', BINARY_FIELD, 'data'),
			BINARY_FIELD,
		);
		const kind = checkedImage(BINARY_FIELD, bytes, data.mimeType);
		// The publish must fit SEND's limit: checked now, before anything is uploaded.
		const largest = hostedFileRequest(
			conversationId,
			fileMessage(captionText, '/'.padEnd(PATH_ALLOWANCE, 'x'), kind),
		);
		const size = JSON.stringify(largest).length;
		if (size > MAX_BODY_CHARACTERS)
			throw tooLarge(size, { Caption: captionText, 'Conversation ID': conversationId });

		let consumer: Consumer | undefined;
		const onConsumer = (used: Consumer) => {
			consumer = used;
			item.secrets.push(used.consumerJws);
		};
		const url = await upload(item, kind, bytes, onConsumer, () => consumer);

		const uploaded = { relativePath: url.relativePath, fileType: kind.fileType };
		const message = fileMessage(
			captionText,
			url.relativePath,
			kind,
			previewFor(conversationId, captionText, kind, bytes),
		);
		try {
			const sent = await callConnectorAs(
				item.session,
				consumerChoice(item),
				{
					endpoint: 'send',
					requests: [hostedFileRequest(conversationId, message)],
					safeToRepeat: false,
					inputs: { Caption: captionText, 'Conversation ID': conversationId },
				},
				item.settings,
				onConsumer,
			);
			const sequence = publishedSequence(sent.results);
			return {
				conversationId,
				...(sequence === undefined ? {} : { sequence }),
				file: {
					...uploaded,
					caption: captionText,
					mimeType: kind.mimeType,
					fileSize: bytes.length,
					previewSent: message.preview !== undefined,
				},
				...consumerFields(consumer),
				livePersonResponses: sent.results,
			};
		} catch (error) {
			throw publishFailure(error, kind, uploaded, consumer);
		}
	},
};
