import type { IDataObject, INode } from 'n8n-workflow';

import type { RecordedRequest } from '../../emulator/src';
import { CONVERT_TO_FILE_TYPE } from '../harness';
import { LP_NODE, lpWorkflow, type LpNodeOptions } from './workflows';

/** A 1x1 PNG (68 bytes): small enough to go as its own preview. */
export const PNG_1PX = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
	'base64',
);

/** A file that starts as a PNG and has `size` bytes in all (the emulator checks the signature only). */
export function pngOf(size: number, fill = 7): Buffer {
	const bytes = Buffer.alloc(size, fill);
	PNG_1PX.copy(bytes, 0, 0, Math.min(8, size));
	return bytes;
}

export const JPEG_BYTES = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);

/**
 * Start -> Make File (n8n's Convert to File: the item's `base64` field becomes binary `data`, named
 * and typed by the item's `fileName` and `mimeType`) -> LivePerson Connector.
 */
export function fileWorkflow(parameters: IDataObject, options: LpNodeOptions = {}) {
	const workflow = lpWorkflow(parameters, options);
	const makeFile: INode = {
		id: 'make-file',
		name: 'Make File',
		type: CONVERT_TO_FILE_TYPE,
		typeVersion: 1.1,
		position: [120, 0],
		parameters: {
			operation: 'toBinary',
			sourceProperty: 'base64',
			options: { fileName: '={{ $json.fileName }}', mimeType: '={{ $json.mimeType }}' },
		},
	};
	workflow.nodes.splice(1, 0, makeFile);
	const connections = workflow.connections as unknown as IDataObject;
	connections.Start = { main: [[{ node: 'Make File', type: 'main', index: 0 }]] };
	connections['Make File'] = { main: [[{ node: LP_NODE, type: 'main', index: 0 }]] };
	return workflow;
}

/** An input item for fileWorkflow. */
export function fileItem(
	bytes: Buffer,
	extra: IDataObject = {},
	fileName = 'photo.png',
	mimeType = 'image/png',
): IDataObject {
	return { base64: bytes.toString('base64'), fileName, mimeType, ...extra };
}

const jsonOf = (request: RecordedRequest) => (request.json ?? {}) as IDataObject;

/** A SEND that publishes a hosted/file event. */
export const isFilePublish = (request: RecordedRequest) =>
	request.endpoint === 'send' &&
	((jsonOf(request).body as IDataObject | undefined)?.event as IDataObject | undefined)
		?.contentType === 'hosted/file';

/** A SEND that asks for a storage URL. */
export const isUrlRequest = (request: RecordedRequest, kind: 'Upload' | 'Download') =>
	request.endpoint === 'send' && jsonOf(request).type === `ms.GenerateURLFor${kind}File`;
