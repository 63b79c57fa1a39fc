/**
 * The storage host LivePerson names `swift` in CSDS: temporary URLs signed OpenStack Swift TempURL
 * style, a PUT of the raw bytes, a GET that returns them, all on a test clock that a test can move
 * so that an expired URL is produced deterministically.
 *
 * Documented (SendAPI examples "File Sharing", the `ms` schemas, the Swift Postman collection):
 * the path shape `/v1/AUTH_async-images/{accountId}/…`, the query parameters `temp_url_sig`
 * (40 hex characters) and `temp_url_expires` (epoch seconds, a string), 201 for an upload and
 * 401 "Temp URL invalid", a lifetime of one minute "by default", files up to 3 MB, JPG, JPEG,
 * PNG and GIF. Everything else here is marked inferred.
 */
import * as crypto from 'crypto';
import { seededRandom } from './faults';
import type { EmulatorAnswer, FaultSpec, RecordedRequest } from './types';

export type StorageEndpointName = 'swiftUpload' | 'swiftDownload';

/** The container every upload URL points into. */
export const CONTAINER = 'AUTH_async-images';
export const MAX_FILE_BYTES = 3 * 1024 * 1024; // inferred: "3MB" read as 3 MiB
export const MAX_PREVIEW_CHARS = 30 * 1024; // inferred: "under 30KB" read as the preview string's length
export const DEFAULT_URL_TTL_SECONDS = 60;
/** Types a URL can be requested for (GenerateURLForUploadFileBody.json and every page agree). */
export const UPLOAD_FILE_TYPES = ['JPG', 'JPEG', 'PNG', 'GIF'] as const;

const CONTENT_TYPES: Record<string, string> = {
	JPG: 'image/jpeg',
	JPEG: 'image/jpeg',
	PNG: 'image/png',
	GIF: 'image/gif',
};

export function contentTypeOf(fileType: string): string {
	return CONTENT_TYPES[fileType.toUpperCase()] ?? 'application/octet-stream';
}

// ---------------------------------------------------------------------------------------------
// Test clock

/** Real time plus an offset that tests move; only the storage's URLs use it. */
export interface TestClock {
	/** Milliseconds since the epoch, as the emulator's storage sees it. */
	now(): number;
	/** Moves the clock forward (or back, with a negative number). */
	advance(ms: number): void;
	/** Sets the offset from real time. */
	setOffset(ms: number): void;
	offset(): number;
}

export function createClock(): TestClock & { reset(): void } {
	let offsetMs = 0;
	return {
		now: () => Date.now() + offsetMs,
		advance: (ms) => {
			if (!Number.isFinite(ms)) throw new Error('clock: advance needs a finite number of ms');
			offsetMs += ms;
		},
		setOffset: (ms) => {
			if (!Number.isFinite(ms)) throw new Error('clock: the offset must be a finite number of ms');
			offsetMs = ms;
		},
		offset: () => offsetMs,
		reset: () => {
			offsetMs = 0;
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Settings and the programmatic control

export interface StorageSettings {
	/** Lifetime of a temporary URL, in seconds of the test clock. Default 60 ("1 minute by default"). */
	urlTtlSeconds: number;
	/** Largest file the storage keeps. Default 3 MiB. */
	maxFileBytes: number;
	/**
	 * After an upload, GETs answer 404 for this long (test clock): the pages say files are
	 * sanitised after upload. Default 0.
	 */
	sanitationMs: number;
	/** ms.GenerateURLForUploadFile needs an open conversation of the consumer. Default true. */
	uploadNeedsOpenConversation: boolean;
	/**
	 * A hosted/file publish with its preview is exempt from SEND's 5000-character body limit
	 * ('exempt', default: a preview may be up to 30 KB) or not ('enforce').
	 */
	hostedFileBodyLimit: 'exempt' | 'enforce';
	/** The publish checks that a stored PNG, JPEG or GIF starts with that format's signature. Default true. */
	checkImageBytes: boolean;
}

export const DEFAULT_STORAGE_SETTINGS: StorageSettings = {
	urlTtlSeconds: DEFAULT_URL_TTL_SECONDS,
	maxFileBytes: MAX_FILE_BYTES,
	sanitationMs: 0,
	uploadNeedsOpenConversation: true,
	hostedFileBodyLimit: 'exempt',
	checkImageBytes: true,
};

export interface StoredFileView {
	relativePath: string;
	fileType: string;
	/** The Content-Type answered on download: the upload's own, or one derived from the type. */
	contentType: string;
	size: number;
	/** Test clock time of the upload. */
	uploadedAt: number;
	/** 'consumer' for a PUT at the storage, 'agent' for emu.agent.sendFile. */
	by: 'consumer' | 'agent';
	/** MD5 of the bytes, hex: the ETag answered. */
	etag: string;
}

export interface StorageControl {
	configure(settings: Partial<StorageSettings>): StorageSettings;
	settings(): StorageSettings;
	/** Stored files, oldest first (without their bytes). */
	files(): StoredFileView[];
	/** One stored file with its bytes. */
	file(relativePath: string): (StoredFileView & { bytes: Buffer }) | undefined;
	/** A signed URL path+query for `method` on `relativePath`, valid for the configured lifetime. */
	signedPath(method: string, relativePath: string): string;
}

// ---------------------------------------------------------------------------------------------
// The store

interface StoredFile extends StoredFileView {
	bytes: Buffer;
}

interface IssuedUrl {
	fileType: string;
	declaredSize: number;
	lpConsumerId?: string;
}

export interface SignedUrl {
	relativePath: string;
	queryParams: { temp_url_sig: string; temp_url_expires: string };
}

function md5(bytes: Buffer): string {
	return crypto.createHash('md5').update(bytes).digest('hex');
}

/** Where `relativePath` points, if it has the storage's shape: `/v1/AUTH_async-images/{account}/{name}`. */
export function parseStoragePath(
	relativePath: string,
): { accountId: string; name: string } | undefined {
	const m = /^\/v1\/AUTH_async-images\/([^/]+)\/([^/]+)$/.exec(relativePath);
	return m ? { accountId: m[1], name: m[2] } : undefined;
}

export class FileStore {
	private readonly key: Buffer;
	private readonly random: () => number;
	private files = new Map<string, StoredFile>();
	private issued = new Map<string, IssuedUrl>();
	private current: StorageSettings;
	private readonly defaults: StorageSettings;

	constructor(
		private readonly accountId: string,
		seed: number,
		readonly clock: TestClock,
		urlTtlSeconds = DEFAULT_URL_TTL_SECONDS,
	) {
		// inferred: the TempURL key is the account's secret at LivePerson; here it is derived from the seed.
		this.key = crypto
			.createHash('sha256')
			.update(`swift-temp-url-key:${accountId}:${seed}`)
			.digest();
		this.random = seededRandom(seed ^ 0x0f11e5);
		this.current = { ...DEFAULT_STORAGE_SETTINGS, urlTtlSeconds };
		this.defaults = { ...this.current };
	}

	get settings(): StorageSettings {
		return { ...this.current };
	}

	configure(patch: Partial<StorageSettings>): StorageSettings {
		const next = { ...this.current };
		for (const [k, v] of Object.entries(patch)) {
			if (v === undefined) continue;
			switch (k) {
				case 'urlTtlSeconds':
				case 'maxFileBytes':
				case 'sanitationMs':
					if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
						throw new Error(`storage: ${k} must be a number >= 0`);
					next[k] = v;
					break;
				case 'uploadNeedsOpenConversation':
				case 'checkImageBytes':
					if (typeof v !== 'boolean') throw new Error(`storage: ${k} must be true or false`);
					next[k] = v;
					break;
				case 'hostedFileBodyLimit':
					if (v !== 'exempt' && v !== 'enforce')
						throw new Error('storage: hostedFileBodyLimit must be "exempt" or "enforce"');
					next[k] = v;
					break;
				default:
					throw new Error(`storage: unknown setting ${k}`);
			}
		}
		this.current = next;
		return this.settings;
	}

	/** A v4-shaped UUID from the seeded generator. */
	private newUuid(): string {
		const b = Buffer.alloc(16);
		for (let i = 0; i < 16; i++) b[i] = Math.floor(this.random() * 256);
		b[6] = (b[6] & 0x0f) | 0x40;
		b[8] = (b[8] & 0x3f) | 0x80;
		const h = b.toString('hex');
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
	}

	/**
	 * OpenStack Swift TempURL: hex HMAC-SHA1 over "METHOD\nexpires\npath" (inferred; the 40-hex
	 * signatures in LivePerson's examples have SHA-1's length).
	 */
	signature(method: string, expires: number, path: string): string {
		return crypto
			.createHmac('sha1', this.key)
			.update(`${method.toUpperCase()}\n${expires}\n${path}`)
			.digest('hex');
	}

	sign(method: string, relativePath: string): SignedUrl {
		const expires = Math.floor(this.clock.now() / 1000) + Math.round(this.current.urlTtlSeconds);
		return {
			relativePath,
			queryParams: {
				temp_url_sig: this.signature(method, expires, relativePath),
				temp_url_expires: String(expires),
			},
		};
	}

	/** A new object path for an upload of `fileType`, signed for PUT. */
	issueUpload(fileType: string, declaredSize: number, lpConsumerId?: string): SignedUrl {
		// inferred: the older page's shape {uuid}.{EXT}; the newer one prefixes a hash and appends a
		// date ("…_uuid_{uuid}_{date}.PNG"): clients must treat the path as opaque.
		const relativePath = `/v1/${CONTAINER}/${this.accountId}/${this.newUuid()}.${fileType}`;
		this.issued.set(relativePath, { fileType, declaredSize, lpConsumerId });
		return this.sign('PUT', relativePath);
	}

	issueDownload(relativePath: string): SignedUrl {
		return this.sign('GET', relativePath);
	}

	signedPath(method: string, relativePath: string): string {
		const s = this.sign(method, relativePath);
		return `${relativePath}?temp_url_sig=${s.queryParams.temp_url_sig}&temp_url_expires=${s.queryParams.temp_url_expires}`;
	}

	get(relativePath: string): StoredFile | undefined {
		return this.files.get(relativePath);
	}

	put(
		relativePath: string,
		bytes: Buffer,
		fileType: string,
		contentType: string | undefined,
		by: StoredFileView['by'],
	): StoredFile {
		const file: StoredFile = {
			relativePath,
			fileType,
			contentType: contentType ?? contentTypeOf(fileType),
			size: bytes.length,
			uploadedAt: this.clock.now(),
			by,
			etag: md5(bytes),
			bytes: Buffer.from(bytes),
		};
		this.files.set(relativePath, file);
		return file;
	}

	/** A fresh path in the container for an agent's file (no URL involved). */
	agentPath(fileType: string): string {
		return `/v1/${CONTAINER}/${this.accountId}/${this.newUuid()}.${fileType}`;
	}

	issuedFor(relativePath: string): IssuedUrl | undefined {
		return this.issued.get(relativePath);
	}

	list(): StoredFileView[] {
		return [...this.files.values()].map(({ bytes: _bytes, ...view }) => ({ ...view }));
	}

	reset(): void {
		this.files.clear();
		this.issued.clear();
		this.current = { ...this.defaults };
	}

	control(): StorageControl {
		return {
			configure: (s) => this.configure(s),
			settings: () => this.settings,
			files: () => this.list(),
			file: (p) => {
				const f = this.files.get(p);
				return f && { ...f, bytes: Buffer.from(f.bytes) };
			},
			signedPath: (method, p) => this.signedPath(method, p),
		};
	}
}

// ---------------------------------------------------------------------------------------------
// The storage host's HTTP side

/** Swift's tempurl middleware answers exactly this text (inferred for LivePerson's host). */
export const TEMP_URL_INVALID = '401 Unauthorized: Temp URL invalid\n';

function text(status: number, body: string, headers?: Record<string, string>): EmulatorAnswer {
	const a: EmulatorAnswer = { status, body, contentType: 'text/plain; charset=UTF-8' };
	if (headers) a.headers = headers;
	return a;
}

function tempUrlInvalid(): EmulatorAnswer {
	return text(401, TEMP_URL_INVALID, { 'Www-Authenticate': 'Swift realm="unknown"' });
}

export interface SwiftContext {
	record: RecordedRequest;
	bytes: Buffer;
	/** The request's body passed the emulator's own read limit. */
	tooLarge: boolean;
	files: FileStore;
}

/**
 * PUT, GET and HEAD of a storage path. The signature is checked first, over the method and the
 * path exactly as sent (so `//v1/…` does not match a signature made for `/v1/…`), then the expiry.
 */
export function handleSwift(ctx: SwiftContext): EmulatorAnswer {
	const { record, files } = ctx;
	const sig = record.query.temp_url_sig;
	const expiresText = record.query.temp_url_expires;
	// inferred: like Swift, every problem with the URL (missing, wrong, expired, another method) is
	// the same 401, so a client cannot tell them apart from the answer.
	if (!sig || !expiresText || !/^\d+$/.test(expiresText)) return tempUrlInvalid();
	const expires = Number(expiresText);
	// inferred: HEAD is allowed by a GET signature, as in Swift.
	const signedMethod = record.method === 'HEAD' ? 'GET' : record.method;
	const expected = files.signature(signedMethod, expires, record.path);
	const given = Buffer.from(sig.toLowerCase());
	const want = Buffer.from(expected);
	if (given.length !== want.length || !crypto.timingSafeEqual(given, want)) return tempUrlInvalid();
	if (expires <= Math.floor(files.clock.now() / 1000)) return tempUrlInvalid();

	const settings = files.settings;
	if (record.method === 'PUT') {
		// inferred: the storage refuses a body over the limit with Swift's 413, whatever fileSize the
		// URL was requested for (it never sees that number); the URL request refuses a declared size over it.
		if (ctx.tooLarge || ctx.bytes.length > settings.maxFileBytes) {
			return text(
				413,
				`<html><h1>Request Entity Too Large</h1><p>The body of your request was too large for this server.</p></html>`,
			);
		}
		const parsed = parseStoragePath(record.path);
		if (!parsed) return text(404, 'Not Found');
		const issued = files.issuedFor(record.path);
		const fileType = issued?.fileType ?? (record.path.split('.').pop() ?? '').toUpperCase();
		// inferred: a Content-Type sent with the PUT is kept and answered on download; none is needed
		// (LivePerson's Postman collection sends none).
		const contentType = record.headers['content-type']?.trim() || undefined;
		const stored = files.put(record.path, ctx.bytes, fileType, contentType, 'consumer');
		record.processed = true;
		return text(201, '', {
			Etag: stored.etag,
			'Last-Modified': new Date(stored.uploadedAt).toUTCString(),
		});
	}
	if (record.method === 'GET' || record.method === 'HEAD') {
		const file = files.get(record.path);
		if (!file)
			return text(404, '<html><h1>Not Found</h1><p>The resource could not be found.</p></html>');
		// inferred: the sanitation the pages mention, as a window in which the object is not there yet.
		if (files.clock.now() - file.uploadedAt < settings.sanitationMs) {
			return text(404, '<html><h1>Not Found</h1><p>The resource could not be found.</p></html>');
		}
		record.processed = true;
		return {
			status: 200,
			body: record.method === 'HEAD' ? Buffer.alloc(0) : file.bytes,
			contentType: file.contentType,
			headers: {
				Etag: file.etag,
				'Last-Modified': new Date(file.uploadedAt).toUTCString(),
				...(record.method === 'HEAD' ? { 'Content-Length': String(file.size) } : {}),
			},
		};
	}
	// A signature made for another method never matches, so this is unreachable with a valid URL.
	return tempUrlInvalid();
}

/** Ready-made faults for the storage host. */
export const storageFaultPresets = {
	/** The storage refuses the URL as Swift does (as if it had expired), without storing anything. */
	tempUrlInvalid(
		on: StorageEndpointName = 'swiftUpload',
		when: Partial<FaultSpec> = {},
	): FaultSpec {
		return {
			...when,
			on,
			action: {
				type: 'status',
				status: 401,
				body: TEMP_URL_INVALID,
				headers: { 'Content-Type': 'text/plain; charset=UTF-8' },
			},
		};
	},
};
