import { InputError } from '../../shared/errors';

/**
 * What LivePerson lets a consumer share (SendAPI "File Sharing", GenerateURLForUploadFileBody.json):
 * JPG/JPEG, PNG and GIF images, up to 3 MB each. Read as 3 MiB (LivePerson gives no unit), and
 * the type is read from the bytes themselves, whatever the file name or MIME type says.
 */
export const MAX_FILE_BYTES = 3 * 1024 * 1024;

export interface ImageKind {
	/** The value sent in the URL request and the publish: `JPG` is the one JPEG name both schemas list. */
	fileType: 'PNG' | 'JPG' | 'GIF';
	mimeType: string;
	extension: string;
}

const KINDS: Array<ImageKind & { signatures: Buffer[] }> = [
	{
		fileType: 'PNG',
		mimeType: 'image/png',
		extension: 'png',
		signatures: [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
	},
	{
		fileType: 'JPG',
		mimeType: 'image/jpeg',
		extension: 'jpg',
		signatures: [Buffer.from([0xff, 0xd8, 0xff])],
	},
	{
		fileType: 'GIF',
		mimeType: 'image/gif',
		extension: 'gif',
		signatures: [Buffer.from('GIF87a'), Buffer.from('GIF89a')],
	},
];

/** The image kind the bytes start as, if any. */
export function imageKindOf(bytes: Buffer): ImageKind | undefined {
	const kind = KINDS.find(({ signatures }) =>
		signatures.some(
			(sig) => bytes.length >= sig.length && bytes.subarray(0, sig.length).equals(sig),
		),
	);
	return kind && { fileType: kind.fileType, mimeType: kind.mimeType, extension: kind.extension };
}

/** A MIME type or extension for a file type LivePerson names (`PNG`, `JPEG`, `JPG`, `GIF`, …). */
export function kindOfFileType(fileType: unknown): Pick<ImageKind, 'mimeType' | 'extension'> {
	const name = typeof fileType === 'string' ? fileType.trim().toUpperCase() : '';
	if (name === 'JPEG' || name === 'JPG') return { mimeType: 'image/jpeg', extension: 'jpg' };
	if (name === 'PNG') return { mimeType: 'image/png', extension: 'png' };
	if (name === 'GIF') return { mimeType: 'image/gif', extension: 'gif' };
	if (name === 'PDF') return { mimeType: 'application/pdf', extension: 'pdf' };
	if (name === 'TXT') return { mimeType: 'text/plain', extension: 'txt' };
	return { mimeType: 'application/octet-stream', extension: 'bin' };
}

function size(bytes: number): string {
	return bytes >= 1024 * 1024
		? `${(bytes / (1024 * 1024)).toFixed(1)} MB`
		: `${Math.ceil(bytes / 1024)} KB`;
}

/**
 * The file as LivePerson accepts it, or bad input naming the field: an image (JPG, PNG or GIF by
 * its bytes) of 1 byte to 3 MB. `claimed` is the MIME type n8n holds for it, quoted when it differs.
 */
export function checkedImage(field: string, bytes: Buffer, claimed?: string): ImageKind {
	if (bytes.length === 0)
		throw new InputError(field, 'holds an empty file', 'Check the node that made the file.');
	if (bytes.length > MAX_FILE_BYTES) {
		throw new InputError(
			field,
			`holds a file of ${size(bytes.length)}; LivePerson takes files up to 3 MB`,
			"Resize or compress the image first (e.g. with n8n's Edit Image node), or send a link to it as a message.",
		);
	}
	const kind = imageKindOf(bytes);
	if (!kind) {
		throw new InputError(
			field,
			`holds a file that is not a JPG, PNG or GIF image${claimed ? ` (n8n calls it ${claimed})` : ''}`,
			'LivePerson shares JPG, PNG and GIF images only: convert the file first, or send a link to it as a message.',
		);
	}
	return kind;
}

/** A data URL of the file, for the publish's optional preview. */
export function dataUrl(kind: ImageKind, bytes: Buffer): string {
	return `data:${kind.mimeType};base64,${bytes.toString('base64')}`;
}

/** A file name for a download: the path's last part, or one made from the conversation. */
export function fileNameOf(relativePath: string, fallbackExtension: string): string {
	const last = relativePath.split('/').pop() ?? '';
	const clean = last.replace(/[^A-Za-z0-9._-]/g, '_');
	if (!clean) return `liveperson-file.${fallbackExtension}`;
	const extension = /\.([A-Za-z0-9]{1,5})$/.exec(clean);
	return extension
		? `${clean.slice(0, -extension[1].length)}${extension[1].toLowerCase()}`
		: `${clean}.${fallbackExtension}`;
}
