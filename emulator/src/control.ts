/** `/_emulator/*`: the same controls as the programmatic API, for a separate process (demo, users). */
import { json, methodNotAllowed, notFound } from './answers';
import { faultSpecFromJson } from './faults';
import { restAndStorageControlRoutes } from './filesControl';
import { handleProactiveControl, PROACTIVE_CONTROL_PREFIX } from './proactiveControl';
import type {
	Emulator,
	EmulatorAnswer,
	FaultSpec,
	RecordedRequest,
	WebhookEventType,
} from './types';
import { isObj } from './validation';

const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}/g;
const SECRET_PATTERN = /(client_secret=)[^&\s"]*/g;

/** First 6 characters and an ellipsis: enough to tell tokens apart in a printed log. */
export function shorten(token: string): string {
	return token.length <= 6 ? token : `${token.slice(0, 6)}…`;
}

function scrub(text: string): string {
	return text
		.replace(JWT_PATTERN, (t) => shorten(t))
		.replace(SECRET_PATTERN, (_m, k: string) => `${k}***`);
}

/** A copy of a log entry that is safe to print: tokens shortened, client secrets masked. */
export function printableRecord(r: RecordedRequest): RecordedRequest {
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(r.headers)) {
		headers[k] = k === 'authorization' || k === 'x-lp-on-behalf' ? shorten(v) : scrub(v);
	}
	const query: Record<string, string> = {};
	for (const [k, v] of Object.entries(r.query)) query[k] = k === 'client_secret' ? '***' : scrub(v);
	const out: RecordedRequest = { ...r, headers, query, rawBody: scrub(r.rawBody) };
	if (r.json !== undefined) out.json = JSON.parse(scrub(JSON.stringify(r.json)));
	if (r.responseBody !== undefined) out.responseBody = scrub(r.responseBody);
	return out;
}

function specForPrint(spec: FaultSpec): object {
	const { match, ...rest } = spec;
	const action = rest.action.type === 'rewrite' ? { type: 'rewrite' } : rest.action;
	return {
		...rest,
		action,
		...(match ? { match: '<function>' } : {}),
		...(rest.times === Infinity ? { times: 'Infinity' } : {}),
	};
}

function badRequest(message: string): EmulatorAnswer {
	return json(400, { code: 400, error: 'Bad Request', message });
}

export type Route = {
	method: string;
	run: (body: unknown, query: URLSearchParams) => EmulatorAnswer | Promise<EmulatorAnswer>;
};

export async function handleControl(
	emulator: Emulator,
	method: string,
	path: string,
	query: URLSearchParams,
	rawBody: string,
): Promise<EmulatorAnswer> {
	let body: unknown;
	if (rawBody.trim() !== '') {
		try {
			body = JSON.parse(rawBody);
		} catch {
			return badRequest('the body is not valid JSON');
		}
	}
	if (path === PROACTIVE_CONTROL_PREFIX || path.startsWith(`${PROACTIVE_CONTROL_PREFIX}/`))
		return handleProactiveControl(emulator.proactive, method, path, body);
	const routes: Record<string, Route[]> = {
		'/_emulator/requests': [
			{
				method: 'GET',
				run: (_b, q) => {
					const endpoint = q.get('endpoint');
					const list = endpoint
						? emulator.requests.filter((r) => r.endpoint === endpoint)
						: emulator.requests;
					return json(200, list.map(printableRecord));
				},
			},
		],
		'/_emulator/state': [
			{
				method: 'GET',
				run: () =>
					json(200, {
						accountId: emulator.accountId,
						clientId: emulator.clientId,
						baseUrl: emulator.baseUrl,
						services: emulator.services(),
						consumers: emulator.state.consumers(),
						conversations: emulator.state.conversations(),
						proactive: {
							clientId: emulator.proactive.clientId,
							clock: emulator.proactive.clock(),
							campaigns: emulator.proactive.campaigns(),
						},
					}),
			},
		],
		'/_emulator/stats': [{ method: 'GET', run: () => json(200, emulator.stats()) }],
		'/_emulator/faults': [
			{ method: 'GET', run: () => json(200, emulator.faults.list().map(specForPrint)) },
			{
				method: 'POST',
				run: (b) => {
					const specs = (Array.isArray(b) ? b : [b]).map(faultSpecFromJson);
					for (const s of specs) emulator.faults.add(s);
					return json(200, {
						added: specs.length,
						faults: emulator.faults.list().map(specForPrint),
					});
				},
			},
			{
				method: 'DELETE',
				run: () => {
					emulator.faults.clear();
					return json(200, { faults: [] });
				},
			},
		],
		'/_emulator/reset': [
			{
				method: 'POST',
				run: () => {
					emulator.reset();
					return json(200, { reset: true });
				},
			},
		],
		'/_emulator/tokens': [
			{
				method: 'POST',
				run: (b) => {
					const ext = isObj(b) ? b.extConsumerId : undefined;
					if (typeof ext !== 'string' || ext === '')
						return badRequest('extConsumerId (a non-empty string) is required');
					const ttl = isObj(b) && typeof b.ttlSeconds === 'number' ? b.ttlSeconds : undefined;
					return json(200, {
						appJwt: emulator.mintAppJwt(ttl === undefined ? {} : { ttlSeconds: ttl }),
						consumerJws: emulator.mintConsumerJws(ext),
						extConsumerId: ext,
						lpConsumerId: emulator.lpConsumerIdFor(ext),
					});
				},
			},
		],
		'/_emulator/expire-app-jwts': [
			{
				method: 'POST',
				run: () => {
					emulator.expireAppJwts();
					return json(200, { expired: true });
				},
			},
		],
		'/_emulator/services': [
			{ method: 'GET', run: () => json(200, emulator.services()) },
			{
				method: 'POST',
				run: (b) => {
					if (!isObj(b) || Object.values(b).some((v) => v !== null && typeof v !== 'string')) {
						return badRequest('body must map service names to a host string or null');
					}
					emulator.setServices(b as Record<string, string | null>);
					return json(200, emulator.services());
				},
			},
		],
		'/_emulator/webhooks': [
			{ method: 'GET', run: () => json(200, emulator.webhooks.deliveries) },
			{
				method: 'POST',
				run: (b) => {
					if (!isObj(b) || typeof b.url !== 'string') return badRequest('url is required');
					emulator.webhooks.register({
						url: b.url,
						...(Array.isArray(b.events) ? { events: b.events as WebhookEventType[] } : {}),
						...(b.algorithm === 'sha256' || b.algorithm === 'sha1'
							? { algorithm: b.algorithm }
							: {}),
					});
					return json(200, { registered: b.url });
				},
			},
			{
				method: 'DELETE',
				run: () => {
					emulator.webhooks.clear();
					return json(200, { cleared: true });
				},
			},
		],
		'/_emulator/agent/message': [
			{
				method: 'POST',
				run: async (b) => {
					if (!isObj(b) || typeof b.conversationId !== 'string' || typeof b.message !== 'string') {
						return badRequest('conversationId and message are required');
					}
					const opts: { agentId?: string; audience?: 'ALL' | 'AGENTS_AND_MANAGERS' } = {};
					if (typeof b.agentId === 'string') opts.agentId = b.agentId;
					if (b.audience === 'ALL' || b.audience === 'AGENTS_AND_MANAGERS')
						opts.audience = b.audience;
					return json(200, await emulator.agent.sendMessage(b.conversationId, b.message, opts));
				},
			},
		],
		'/_emulator/agent/close': [
			{
				method: 'POST',
				run: async (b) => {
					if (!isObj(b) || typeof b.conversationId !== 'string')
						return badRequest('conversationId is required');
					const opts: { postSurvey?: boolean; closeReason?: string } = {};
					if (b.postSurvey === true) opts.postSurvey = true;
					if (typeof b.closeReason === 'string') opts.closeReason = b.closeReason;
					return json(200, await emulator.agent.closeConversation(b.conversationId, opts));
				},
			},
		],
		'/_emulator/agent/close-survey': [
			{
				method: 'POST',
				run: async (b) => {
					if (!isObj(b) || typeof b.conversationId !== 'string')
						return badRequest('conversationId is required');
					return json(200, await emulator.agent.closeSurvey(b.conversationId));
				},
			},
		],
		'/_emulator/agent/typing': [
			{
				method: 'POST',
				run: async (b) => {
					if (!isObj(b) || typeof b.conversationId !== 'string')
						return badRequest('conversationId is required');
					const chatState = typeof b.chatState === 'string' ? b.chatState : 'COMPOSING';
					return json(200, await emulator.agent.setChatState(b.conversationId, chatState));
				},
			},
		],
		'/_emulator/agent/read': [
			{
				method: 'POST',
				run: async (b) => {
					if (!isObj(b) || typeof b.conversationId !== 'string' || !Array.isArray(b.sequenceList)) {
						return badRequest('conversationId and sequenceList are required');
					}
					const status = typeof b.status === 'string' ? b.status : 'READ';
					return json(
						200,
						await emulator.agent.sendAcceptStatus(
							b.conversationId,
							status,
							b.sequenceList as number[],
						),
					);
				},
			},
		],
		...restAndStorageControlRoutes(emulator, badRequest),
		'/_emulator/agent/rich-content': [
			{
				method: 'POST',
				run: async (b) => {
					if (!isObj(b) || typeof b.conversationId !== 'string' || !isObj(b.content)) {
						return badRequest('conversationId and content (an object) are required');
					}
					return json(200, await emulator.agent.sendRichContent(b.conversationId, b.content));
				},
			},
		],
	};
	const candidates = routes[path.replace(/\/+$/, '')];
	if (!candidates)
		return notFound(`no control endpoint ${path}; see GET /_emulator/requests, /_emulator/state`);
	const route = candidates.find((r) => r.method === method);
	if (!route)
		return methodNotAllowed(
			method,
			candidates.map((r) => r.method),
		);
	try {
		return await route.run(body, query);
	} catch (err) {
		return badRequest(err instanceof Error ? err.message : String(err));
	}
}
