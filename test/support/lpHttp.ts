/** Plain HTTP calls against the emulator for the REST API and storage tests (no node involved). */
import { startEmulator, type Emulator } from '../../emulator/src';

/**
 * One emulator for the test file, reset before each test. Unlike emulatorPerFile() it touches no
 * node cache, so these tests need no build.
 */
export function emulatorForFile(): Emulator {
	let current: Emulator | undefined;
	beforeAll(async () => {
		current = await startEmulator();
	});
	afterAll(async () => await current?.close());
	beforeEach(() => current?.reset());
	return new Proxy({} as Emulator, {
		get: (_target, key) => {
			if (!current) throw new Error('The emulator starts in beforeAll: use it inside a test');
			return current[key as keyof Emulator];
		},
	});
}

export interface Reply {
	status: number;
	headers: Headers;
	text: string;
	bytes: Buffer;
	json: any;
}

export async function call(
	emu: Emulator,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<Reply> {
	const isBytes = Buffer.isBuffer(body);
	const res = await fetch(emu.baseUrl + path, {
		method,
		headers: isBytes ? headers : { 'Content-Type': 'application/json', ...headers },
		body:
			body === undefined
				? undefined
				: isBytes
					? new Uint8Array(body)
					: typeof body === 'string'
						? body
						: JSON.stringify(body),
	});
	const bytes = Buffer.from(await res.arrayBuffer());
	const text = bytes.toString('utf8');
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, bytes, json };
}

export const sendPath = (emu: Emulator) =>
	`/api/account/${emu.accountId}/messaging/consumer/conversation/send?v=3`;
const createPath = (emu: Emulator) =>
	`/api/account/${emu.accountId}/messaging/consumer/conversation?v=3`;

/** SEND/CONVERSATION headers for a consumer. */
export function sendAuth(emu: Emulator, ext = 'crm-contact-4711'): Record<string, string> {
	return { Authorization: emu.mintAppJwt(), 'X-LP-ON-BEHALF': emu.mintConsumerJws(ext) };
}

/** Messaging REST API headers for a consumer. */
export function restHeaders(
	emu: Emulator,
	ext = 'crm-contact-4711',
	extra: Record<string, string | null> = {},
): Record<string, string> {
	const h: Record<string, string | null> = {
		Authorization: emu.mintAppJwt(),
		'LP-On-Behalf': emu.mintConsumerJws(ext),
		'Brand-ID': emu.accountId,
		'Client-source': 'n8n-nodes-liveperson-tests',
		...extra,
	};
	return Object.fromEntries(Object.entries(h).filter(([, v]) => v !== null)) as Record<
		string,
		string
	>;
}

export async function openConversation(emu: Emulator, ext = 'crm-contact-4711'): Promise<string> {
	const r = await call(
		emu,
		'POST',
		createPath(emu),
		[
			{ kind: 'req', id: '1', type: 'userprofile.SetUserProfile', body: {} },
			{
				kind: 'req',
				id: '2',
				type: 'cm.ConsumerRequestConversation',
				body: { brandId: emu.accountId, channelType: 'MESSAGING' },
			},
		],
		sendAuth(emu, ext),
	);
	if (r.status !== 200) throw new Error(`create failed: ${r.status} ${r.text}`);
	return r.json[1].body.conversationId as string;
}

export async function send(
	emu: Emulator,
	request: object,
	ext = 'crm-contact-4711',
	headers: Record<string, string> = {},
): Promise<Reply> {
	return call(emu, 'POST', sendPath(emu), request, { ...sendAuth(emu, ext), ...headers });
}

export const textEvent = (dialogId: string, message: string, id = 't-1') => ({
	kind: 'req',
	id,
	type: 'ms.PublishEvent',
	body: { dialogId, event: { type: 'ContentEvent', contentType: 'text/plain', message } },
});

export const uploadUrlRequest = (fileSize: string | number, fileType: string, id = 'u-1') => ({
	kind: 'req',
	id,
	type: 'ms.GenerateURLForUploadFile',
	body: { fileSize, fileType },
});

export const downloadUrlRequest = (relativePath: string, id = 'd-1') => ({
	kind: 'req',
	id,
	type: 'ms.GenerateURLForDownloadFile',
	body: { relativePath },
});

export const hostedFileEvent = (
	dialogId: string,
	message: Record<string, unknown>,
	id = 'f-1',
) => ({
	kind: 'req',
	id,
	type: 'ms.PublishEvent',
	body: { dialogId, event: { type: 'ContentEvent', contentType: 'hosted/file', message } },
});

/** `relativePath?temp_url_sig=…&temp_url_expires=…` from a URL answer's body. */
export function signedPath(body: {
	relativePath: string;
	queryParams: { temp_url_sig: string; temp_url_expires: string };
}): string {
	const q = body.queryParams;
	return `${body.relativePath}?temp_url_sig=${q.temp_url_sig}&temp_url_expires=${q.temp_url_expires}`;
}

/** A 1×1 PNG. */
export const PNG_1PX = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
	'base64',
);
