/** HTTP plumbing: routing, the request log, faults, and startEmulator(). */
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import { AgentController } from './agent';
import { json, methodNotAllowed, notFound } from './answers';
import { handleControl } from './control';
import { ConversationStore } from './conversations';
import { describeFault, FaultController, seededRandom } from './faults';
import {
	handleCsds,
	handleIdp,
	handleSentinel,
	ServiceDirectory,
	type IdentityContext,
} from './identity';
import { handleCreate, handleSend, type MessagingContext } from './messaging';
import { handleRest, RestState, type RestEndpointName } from './rest';
import { createClock, FileStore, handleSwift, MAX_FILE_BYTES, parseStoragePath } from './storage';
import { ProactiveService, proactiveRouteOf, type ProactiveEndpoint } from './proactive';
import { TokenAuthority, uuidFromHash } from './tokens';
import type {
	Emulator,
	EmulatorAnswer,
	EmulatorOptions,
	EmulatorStats,
	EndpointName,
	FaultAction,
	RecordedRequest,
} from './types';

export const DEFAULTS = {
	accountId: '12345678',
	clientId: 'emulator-app-install-1',
	clientSecret: 'emulator-client-secret-0123456789',
	appJwtTtlSeconds: 3600,
	seed: 1,
} as const;

/** Far above the API's 5000-character limit; only protects the emulator itself. */
const MAX_READ_BYTES = 1024 * 1024;
/** The storage host reads a little past its 3 MB limit, so that a larger file is seen as one. */
const MAX_STORAGE_READ_BYTES = MAX_FILE_BYTES + 1024 * 1024;

interface Route {
	endpoint: EndpointName;
	methods: string[];
	accountId?: string;
	service?: string;
	/** Messaging REST API: the conversation and dialog of the path. */
	conversationId?: string;
	dialogId?: string;
	params?: Record<string, string>;
}

function segment(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

export function routeOf(pathname: string, method = 'GET'): Route {
	if (pathname === '/_emulator' || pathname.startsWith('/_emulator/'))
		return { endpoint: 'control', methods: [] };
	const extra = restOrStorageRoute(pathname, method);
	if (extra) return extra;
	const proactive = proactiveRouteOf(pathname);
	if (proactive) return proactive;
	let m = /^\/api\/account\/([^/]+)\/service\/baseURI\.json$/.exec(pathname);
	if (m) return { endpoint: 'csds', methods: ['GET'], accountId: segment(m[1]) };
	m = /^\/api\/account\/([^/]+)\/service\/([^/]+)\/baseURI\.json$/.exec(pathname);
	if (m)
		return { endpoint: 'csds', methods: ['GET'], accountId: segment(m[1]), service: segment(m[2]) };
	m = /^\/sentinel\/api\/account\/([^/]+)\/app\/token$/.exec(pathname);
	if (m) return { endpoint: 'sentinel', methods: ['POST'], accountId: segment(m[1]) };
	m = /^\/api\/account\/([^/]+)\/consumer$/.exec(pathname);
	if (m) return { endpoint: 'idp', methods: ['POST'], accountId: segment(m[1]) };
	m = /^\/api\/account\/([^/]+)\/messaging\/consumer\/conversation$/.exec(pathname);
	if (m) return { endpoint: 'conversation', methods: ['POST'], accountId: segment(m[1]) };
	m = /^\/api\/account\/([^/]+)\/messaging\/consumer\/conversation\/send$/.exec(pathname);
	if (m) return { endpoint: 'send', methods: ['POST'], accountId: segment(m[1]) };
	return { endpoint: 'unknown', methods: [] };
}

/** The Messaging REST API (`/messaging/v1/…`) and the storage host (`/v1/AUTH_…`). */
function restOrStorageRoute(pathname: string, method: string): Route | undefined {
	let m = /^\/messaging\/v1\/conversations\/([^/]+)$/.exec(pathname);
	if (m)
		return {
			endpoint: 'restConversation',
			methods: ['GET', 'PATCH'],
			conversationId: segment(m[1]),
		};
	m = /^\/messaging\/v1\/conversations\/([^/]+)\/dialogs\/([^/]+)\/messages$/.exec(pathname);
	if (m) {
		return {
			endpoint: 'restMessages',
			methods: ['GET'],
			conversationId: segment(m[1]),
			dialogId: segment(m[2]),
		};
	}
	// inferred: `//v1/…` (a client adding a slash before relativePath) reaches the storage and fails
	// its signature check, as the signature covers the path exactly as sent.
	m = /^\/+v1\/AUTH_[^/]+\/([^/]+)\/[^/]+$/.exec(pathname);
	if (m) {
		return {
			endpoint: method === 'PUT' ? 'swiftUpload' : 'swiftDownload',
			methods: ['PUT', 'GET', 'HEAD', 'POST', 'DELETE'],
			accountId: segment(m[1]),
		};
	}
	return undefined;
}

const STORAGE_ENDPOINTS: readonly EndpointName[] = ['swiftUpload', 'swiftDownload'];

function readBody(
	req: http.IncomingMessage,
	limit = MAX_READ_BYTES,
): Promise<{ text: string; bytes: Buffer; size: number; tooLarge: boolean }> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > limit) tooLarge = true;
			else chunks.push(chunk);
		});
		const done = () => {
			const bytes = Buffer.concat(chunks);
			resolve({ text: bytes.toString('utf8'), bytes, size, tooLarge });
		};
		req.on('end', done);
		req.on('error', done);
		req.on('aborted', done);
	});
}

function flatHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(h)) {
		if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
	}
	return out;
}

function tryJson(text: string): unknown {
	if (text.trim() === '') return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function serialise(answer: EmulatorAnswer): { body: string | Buffer; contentType: string } {
	if (Buffer.isBuffer(answer.body))
		return { body: answer.body, contentType: answer.contentType ?? 'application/octet-stream' };
	if (typeof answer.body === 'string') {
		const looksJson = tryJson(answer.body) !== undefined;
		return {
			body: answer.body,
			contentType: answer.contentType ?? (looksJson ? 'application/json' : 'text/plain'),
		};
	}
	return {
		body: JSON.stringify(answer.body),
		contentType: answer.contentType ?? 'application/json',
	};
}

function statusAnswer(a: Extract<FaultAction, { type: 'status' }>): EmulatorAnswer {
	// inferred: the body of an injected error when the test gives none.
	const body = a.body ?? { code: a.status, error: http.STATUS_CODES[a.status] ?? 'Error' };
	return a.headers ? { status: a.status, body, headers: a.headers } : { status: a.status, body };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const accountId = options.accountId ?? DEFAULTS.accountId;
	const clientId = options.clientId ?? DEFAULTS.clientId;
	const clientSecret = options.clientSecret ?? DEFAULTS.clientSecret;
	const seed = options.seed ?? DEFAULTS.seed;
	const tokens = new TokenAuthority(
		accountId,
		clientId,
		options.appJwtTtlSeconds ?? DEFAULTS.appJwtTtlSeconds,
	);
	const store = new ConversationStore(accountId, seededRandom(seed ^ 0x5eed));
	const proactive = new ProactiveService(
		accountId,
		tokens,
		options.appJwtTtlSeconds ?? DEFAULTS.appJwtTtlSeconds,
		seed,
		options.proactive,
	);
	const faults = new FaultController(seed);
	const requests: RecordedRequest[] = [];
	const sleeping = new Map<NodeJS.Timeout, () => void>();
	let seq = 0;
	let closed = false;
	const latencyMs = Math.max(0, options.latencyMs ?? 0);
	// Traffic counters. A connection is counted when it carries its first API request since start or
	// reset(); answered() ends the request's time in flight.
	const freshStats = (): EmulatorStats => ({
		connections: 0,
		requests: 0,
		maxOpenConnections: 0,
		inFlight: 0,
		maxInFlight: 0,
	});
	let stats = freshStats();
	let counted = new WeakSet<Socket>();
	let open = new Set<Socket>();
	const watched = new WeakSet<Socket>();
	const countTraffic = (socket: Socket) => {
		const counting = stats;
		counting.requests++;
		counting.inFlight++;
		counting.maxInFlight = Math.max(counting.maxInFlight, counting.inFlight);
		const answered = () => {
			counting.inFlight--;
		};
		if (counted.has(socket)) return answered;
		counted.add(socket);
		counting.connections++;
		open.add(socket);
		counting.maxOpenConnections = Math.max(counting.maxOpenConnections, open.size);
		if (!watched.has(socket)) {
			watched.add(socket);
			socket.once('close', () => open.delete(socket));
		}
		return answered;
	};

	const lpConsumerIdFor = (ext: string) => uuidFromHash(`${accountId}:${ext}`);
	const server = http.createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const host = `127.0.0.1:${port}`;
	const directory = new ServiceDirectory(host);
	const clock = createClock();
	const files = new FileStore(accountId, seed, clock, options.fileUrlTtlSeconds);
	const rest = new RestState();
	const agent = new AgentController(store, accountId, clientId, clientSecret, files);

	const sleep = (ms: number) =>
		new Promise<void>((resolve) => {
			const t = setTimeout(() => {
				sleeping.delete(t);
				resolve();
			}, ms);
			sleeping.set(t, resolve);
		});

	function dispatch(
		route: Route,
		record: RecordedRequest,
		tooLarge: boolean,
		forceExpired: boolean,
		bytes: Buffer,
	): EmulatorAnswer {
		if (route.endpoint === 'unknown')
			return notFound(`no endpoint ${record.method} ${record.path}`);
		if (!route.methods.includes(record.method))
			return methodNotAllowed(record.method, route.methods);
		if (STORAGE_ENDPOINTS.includes(route.endpoint)) {
			// inferred: another account's container is not on this storage host.
			if (route.accountId !== accountId || !parseStoragePath(record.path.replace(/^\/+/, '/')))
				return { status: 404, body: 'Not Found', contentType: 'text/plain; charset=UTF-8' };
			return handleSwift({ record, bytes, tooLarge, files });
		}
		if (route.endpoint === 'restConversation' || route.endpoint === 'restMessages') {
			// inferred: what a front proxy answers for huge bodies, as for the other endpoints.
			if (tooLarge) return json(413, { code: 413, error: 'Payload Too Large' });
			return handleRest({
				record,
				endpoint: route.endpoint as RestEndpointName,
				conversationId: route.conversationId as string,
				...(route.dialogId !== undefined ? { dialogId: route.dialogId } : {}),
				accountId,
				tokens,
				store,
				forceExpired,
				rest,
				clock,
				baseUrl: `http://${host}`,
				survey: (id) => agent.survey(id),
			});
		}
		if (route.accountId !== accountId) return notFound(`unknown account ${route.accountId ?? ''}`);
		// inferred: the `version`/`v` query parameters and Content-Type are recorded, not enforced.
		// inferred: what a front proxy answers for huge bodies (the API's own limit is 5000 characters, answered 400).
		if (tooLarge) return json(413, { code: 413, error: 'Payload Too Large' });
		const base = { record, accountId, tokens, store, forceExpired, files };
		switch (route.endpoint) {
			case 'csds':
				return handleCsds(record, accountId, directory, route.service);
			case 'sentinel':
			case 'idp': {
				const ctx: IdentityContext = {
					...base,
					clientId,
					clientSecret,
					lpConsumerIdFor,
					otherClients: [
						{
							matches: (id, secret) => proactive.matchesClient(id, secret),
							mint: () => proactive.mintToken(),
						},
					],
				};
				return route.endpoint === 'sentinel' ? handleSentinel(ctx) : handleIdp(ctx);
			}
			case 'conversation':
				return handleCreate(base as MessagingContext);
			case 'send':
				return handleSend(base as MessagingContext);
			case 'proactiveCampaign':
			case 'proactiveStatus':
			case 'handoffs':
				return proactive.handle(
					route.endpoint as ProactiveEndpoint,
					record,
					route.params ?? {},
					forceExpired,
				);
			default:
				return notFound(`no endpoint ${record.path}`);
		}
	}

	function write(res: http.ServerResponse, answer: EmulatorAnswer, record?: RecordedRequest): void {
		const { body, contentType } = serialise(answer);
		if (record) {
			record.status = answer.status;
			record.responseBody = typeof body === 'string' ? body : `<${body.length} bytes>`;
		}
		if (res.destroyed || res.writableEnded) return;
		res.writeHead(answer.status, { 'Content-Type': contentType, ...(answer.headers ?? {}) });
		res.end(body);
	}

	function drop(req: http.IncomingMessage, res: http.ServerResponse): void {
		res.destroy();
		req.socket.destroy();
	}

	async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		// Prefixed, not resolved: a path starting with "//" stays a path (not a host).
		const url = new URL(`http://127.0.0.1${req.url ?? '/'}`);
		const method = (req.method ?? 'GET').toUpperCase();
		const route = routeOf(url.pathname, method);
		const binary = STORAGE_ENDPOINTS.includes(route.endpoint);
		const { text, bytes, size, tooLarge } = await readBody(
			req,
			binary ? MAX_STORAGE_READ_BYTES : MAX_READ_BYTES,
		);

		if (route.endpoint === 'control') {
			write(res, await handleControl(emulator, method, url.pathname, url.searchParams, text));
			return;
		}

		const answered = countTraffic(req.socket);
		const record: RecordedRequest = {
			seq: ++seq,
			at: Date.now(),
			endpoint: route.endpoint,
			method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams.entries()),
			headers: flatHeaders(req.headers),
			// Storage bodies are bytes: the log keeps their size, not the bytes.
			rawBody: binary ? '' : text,
			processed: false,
		};
		if (binary) record.bodyBytes = size;
		const parsed = binary ? undefined : tryJson(text);
		if (parsed !== undefined) record.json = parsed;
		requests.push(record);
		// Simulated latency: the answer leaves latencyMs after the request was read, whatever it is.
		const reply = async (answer: EmulatorAnswer) => {
			if (latencyMs > 0) await sleep(latencyMs);
			if (closed) return drop(req, res);
			write(res, answer, record);
		};

		try {
			const action = faults.pick(record);
			if (action) record.fault = describeFault(action);

			if (action?.type === 'status') return await reply(statusAnswer(action));
			if (action?.type === 'raw' && (action.when ?? 'before') === 'before') {
				return await reply({
					status: action.status,
					body: action.body,
					contentType: action.contentType ?? 'text/html',
				});
			}
			if (action?.type === 'drop' && action.when === 'before') return drop(req, res);

			let answer = dispatch(route, record, tooLarge, action?.type === 'expireToken', bytes);

			if (action?.type === 'drop') return drop(req, res);
			if (action?.type === 'raw')
				answer = {
					status: action.status,
					body: action.body,
					contentType: action.contentType ?? 'text/html',
				};
			if (action?.type === 'rewrite') answer = action.rewrite(answer);
			if (action?.type === 'delay') await sleep(action.ms);
			if (closed) return drop(req, res);
			await reply(answer);
		} catch (err) {
			write(
				res,
				json(500, {
					code: 500,
					error: 'Emulator error',
					message: err instanceof Error ? err.message : String(err),
				}),
				record,
			);
		} finally {
			answered();
			try {
				options.onRequest?.(record);
			} catch {
				// a listener's bug must not take the emulator down
			}
		}
	}

	server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
		serve(req, res).catch(() => {
			if (!res.headersSent) drop(req, res);
		});
	});
	server.on('clientError', (_err, socket) => socket.destroy());

	const emulator: Emulator = {
		baseUrl: `http://${host}`,
		host,
		port,
		accountId,
		clientId,
		clientSecret,
		requests,
		requestsTo: (endpoint) => requests.filter((r) => r.endpoint === endpoint),
		faults: {
			add: (spec) => faults.add(spec),
			clear: () => faults.clear(),
			list: () => faults.list(),
		},
		state: store.view(),
		agent: agent.side(),
		webhooks: agent.webhooks(),
		mintAppJwt: (opts = {}) => tokens.mintAppJwt(opts),
		mintConsumerJws: (ext) => tokens.mintConsumerJws(ext, lpConsumerIdFor(ext)),
		lpConsumerIdFor,
		expireAppJwts: () => {
			tokens.expireAllMinted();
			proactive.expireTokens();
		},
		setServices: (services) => directory.set(services),
		services: () => directory.all(),
		stats: () => ({ ...stats }),
		clock,
		storage: files.control(),
		rest: rest.control(),
		proactive: proactive.controls(),
		reset: () => {
			stats = freshStats();
			counted = new WeakSet<Socket>();
			open = new Set<Socket>();
			requests.length = 0;
			seq = 0;
			store.reset();
			faults.reset();
			tokens.reset();
			directory.reset();
			agent.reset();
			files.reset();
			rest.reset();
			clock.reset();
			proactive.reset();
		},
		close: async () => {
			if (closed) return;
			closed = true;
			// Delayed answers end at once: their sockets are dropped.
			for (const [t, wake] of sleeping) {
				clearTimeout(t);
				wake();
			}
			sleeping.clear();
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
	return emulator;
}
