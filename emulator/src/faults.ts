/** Switchable faults: which request gets one, and ready-made specs for the usual cases. */
import type {
	EmulatorAnswer,
	EndpointName,
	FaultAction,
	FaultSpec,
	Faults,
	RecordedRequest,
} from './types';

/** Small seeded PRNG (mulberry32): the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const ENDPOINTS: readonly (EndpointName | 'any')[] = [
	'csds',
	'sentinel',
	'idp',
	'conversation',
	'send',
	'restConversation',
	'restMessages',
	'swiftUpload',
	'swiftDownload',
	'proactiveCampaign',
	'proactiveStatus',
	'handoffs',
	'control',
	'unknown',
	'any',
];
// inferred: an expireToken fault only counts requests to endpoints that check an AppJWT.
export const TOKEN_ENDPOINTS: readonly EndpointName[] = [
	'idp',
	'conversation',
	'send',
	'restConversation',
	'restMessages',
	'proactiveCampaign',
	'proactiveStatus',
	'handoffs',
];

interface Installed {
	spec: FaultSpec;
	seen: number;
	random?: () => number;
	/** When the fault first matched a request (its window's origin). */
	firstAt?: number;
}

export class FaultController implements Faults {
	private installed: Installed[] = [];
	private added = 0;

	constructor(
		private readonly seed: number,
		private readonly now: () => number = Date.now,
	) {}

	add(spec: FaultSpec): void {
		validateSpec(spec);
		this.added++;
		const entry: Installed = { spec, seen: 0 };
		// Each probabilistic fault gets its own stream, so adding one never shifts another's draws.
		if (spec.probability !== undefined) entry.random = seededRandom(this.seed * 7919 + this.added);
		this.installed.push(entry);
	}

	clear(): void {
		this.installed = [];
	}

	list(): readonly FaultSpec[] {
		return this.installed.map((i) => i.spec);
	}

	reset(): void {
		this.clear();
		this.added = 0;
	}

	/**
	 * Counts the request against every installed fault and returns the first that applies.
	 * Every fault counts the requests it matches, even when an earlier one wins.
	 */
	pick(req: RecordedRequest): FaultAction | undefined {
		let chosen: FaultAction | undefined;
		for (const entry of this.installed) {
			const { spec } = entry;
			if (spec.on !== 'any' && spec.on !== req.endpoint) continue;
			if (spec.action.type === 'expireToken' && !TOKEN_ENDPOINTS.includes(req.endpoint)) continue;
			if (spec.match && !spec.match(req)) continue;
			if (spec.window) {
				const now = this.now();
				entry.firstAt ??= now;
				const since = now - entry.firstAt;
				if (since < spec.window.fromMs || since >= spec.window.toMs) continue;
			}
			entry.seen++;
			let applies: boolean;
			if (entry.random) {
				applies = entry.random() < (spec.probability as number);
			} else {
				const nth = spec.nth ?? 1;
				const times = spec.times ?? 1;
				applies = entry.seen >= nth && entry.seen - nth < times;
			}
			if (applies && !chosen) chosen = spec.action;
		}
		return chosen;
	}
}

function validateSpec(spec: FaultSpec): void {
	if (!spec || typeof spec !== 'object') throw new Error('fault spec must be an object');
	if (!ENDPOINTS.includes(spec.on))
		throw new Error(`fault spec: unknown endpoint "${String(spec.on)}"`);
	const a = spec.action;
	if (!a || typeof a !== 'object') throw new Error('fault spec: action is missing');
	const positiveInt = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1;
	if (spec.nth !== undefined && !positiveInt(spec.nth))
		throw new Error('fault spec: nth must be an integer >= 1');
	if (spec.times !== undefined && !(positiveInt(spec.times) || spec.times === Infinity)) {
		throw new Error('fault spec: times must be an integer >= 1 or Infinity');
	}
	if (spec.probability !== undefined) {
		if (typeof spec.probability !== 'number' || !(spec.probability >= 0 && spec.probability <= 1)) {
			throw new Error('fault spec: probability must be between 0 and 1');
		}
		if (spec.nth !== undefined || spec.times !== undefined)
			throw new Error('fault spec: probability excludes nth/times');
	}
	const w = spec.window;
	if (
		w !== undefined &&
		!(
			typeof w === 'object' &&
			typeof w.fromMs === 'number' &&
			typeof w.toMs === 'number' &&
			w.fromMs >= 0 &&
			w.toMs > w.fromMs
		)
	)
		throw new Error('fault spec: window needs 0 <= fromMs < toMs');
	const status = (s: unknown) =>
		typeof s === 'number' && Number.isInteger(s) && s >= 100 && s <= 599;
	switch (a.type) {
		case 'status':
			if (!status(a.status)) throw new Error('fault spec: status must be an HTTP status');
			break;
		case 'raw':
			if (!status(a.status)) throw new Error('fault spec: status must be an HTTP status');
			if (typeof a.body !== 'string') throw new Error('fault spec: raw body must be a string');
			if (a.when !== undefined && a.when !== 'before' && a.when !== 'after')
				throw new Error('fault spec: when must be before or after');
			break;
		case 'delay':
			if (typeof a.ms !== 'number' || !(a.ms >= 0))
				throw new Error('fault spec: delay ms must be >= 0');
			break;
		case 'drop':
			if (a.when !== 'before' && a.when !== 'after')
				throw new Error('fault spec: drop needs when: before or after');
			break;
		case 'expireToken':
			break;
		case 'rewrite':
			if (typeof a.rewrite !== 'function')
				throw new Error('fault spec: rewrite must be a function');
			break;
		default:
			throw new Error(
				`fault spec: unknown action type "${String((a as { type?: unknown }).type)}"`,
			);
	}
}

/** A short label for the log: 'status:429', 'drop:after', 'delay:250ms', ... */
export function describeFault(a: FaultAction): string {
	switch (a.type) {
		case 'status':
			return `status:${a.status}`;
		case 'raw':
			return `raw:${a.status}:${a.when ?? 'before'}`;
		case 'delay':
			return `delay:${a.ms}ms`;
		case 'drop':
			return `drop:${a.when}`;
		case 'expireToken':
			return 'expireToken';
		case 'rewrite':
			return 'rewrite';
	}
}

/** Reads a fault spec sent as JSON to the control endpoint (no functions there). */
export function faultSpecFromJson(v: unknown): FaultSpec {
	if (!v || typeof v !== 'object' || Array.isArray(v))
		throw new Error('fault spec must be a JSON object');
	const spec = { ...(v as Record<string, unknown>) };
	// JSON has no Infinity: accept "Infinity", null or -1 for "every request from nth on".
	if (spec.times === 'Infinity' || spec.times === null || spec.times === -1) spec.times = Infinity;
	if (spec.match !== undefined)
		throw new Error('fault spec: match is only available in the programmatic API');
	const action = spec.action as { type?: unknown } | undefined;
	if (action && action.type === 'rewrite')
		throw new Error('fault spec: rewrite is only available in the programmatic API');
	const parsed = spec as unknown as FaultSpec;
	validateSpec(parsed);
	return parsed;
}

type When = Pick<FaultSpec, 'nth' | 'times' | 'probability' | 'match'>;
type On = FaultSpec['on'];

type AnswerItem = { code?: unknown; body?: unknown; reqId?: unknown };

/** Processes the create, then edits its real answer (so the reqIds and ids stay real). */
function rewriteCreateAnswer(when: When, edit: (items: AnswerItem[]) => unknown[]): FaultSpec {
	return {
		on: 'conversation',
		...when,
		action: {
			type: 'rewrite',
			rewrite: (answer) => {
				const items: unknown =
					typeof answer.body === 'string' ? JSON.parse(answer.body) : answer.body;
				return Array.isArray(items) ? { ...answer, body: edit(items as AnswerItem[]) } : answer;
			},
		},
	};
}

/** Ready-made specs for the faults tests ask for most. */
export const faultPresets = {
	/** 429, with a Retry-After header when `retryAfter` is given (LivePerson documents none). */
	tooManyRequests(on: On, opts: When & { retryAfter?: number | string } = {}): FaultSpec {
		const { retryAfter, ...when } = opts;
		const headers: Record<string, string> =
			retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) };
		return {
			on,
			...when,
			action: {
				type: 'status',
				status: 429,
				body: { code: 429, error: 'Too Many Requests' },
				headers,
			},
		};
	},
	serverError(on: On, status = 503, when: When = {}): FaultSpec {
		return {
			on,
			...when,
			action: { type: 'status', status, body: { code: status, error: 'Service Unavailable' } },
		};
	},
	delay(on: On, ms: number, when: When = {}): FaultSpec {
		return { on, ...when, action: { type: 'delay', ms } };
	},
	drop(on: On, at: 'before' | 'after', when: When = {}): FaultSpec {
		return { on, ...when, action: { type: 'drop', when: at } };
	},
	expiredToken(on: On = 'any', when: When = {}): FaultSpec {
		return { on, ...when, action: { type: 'expireToken' } };
	},
	/** An HTML page, as a proxy or load balancer answers (status 200 or 502 are the usual). */
	htmlPage(on: On, status = 502, opts: When & { at?: 'before' | 'after' } = {}): FaultSpec {
		const { at, ...when } = opts;
		const body = `<!DOCTYPE html><html><head><title>${status} Bad Gateway</title></head><body><h1>${status}</h1><p>The upstream server did not answer.</p></body></html>`;
		return {
			on,
			...when,
			action: { type: 'raw', status, body, contentType: 'text/html', when: at ?? 'before' },
		};
	},
	/** A create answer (HTTP 200) in which the request `reqId` is refused with BAD_REQUEST and `msg`. */
	createAnswerRefusing(reqId: string, msg: string, when: When = {}): FaultSpec {
		const spec = rewriteCreateAnswer(when, (items) =>
			items.map((item) =>
				item.reqId === reqId ? { code: 'BAD_REQUEST', body: { msg }, reqId } : item,
			),
		);
		const { rewrite } = spec.action as { rewrite: (answer: EmulatorAnswer) => EmulatorAnswer };
		return {
			...spec,
			action: { type: 'rewrite', rewrite: (answer) => ({ ...rewrite(answer), status: 200 }) },
		};
	},
	/** A create answer with its last item cut off (the request is processed; the answer is mangled). */
	createAnswerMissingItem(when: When = {}): FaultSpec {
		return rewriteCreateAnswer(when, (items) => items.slice(0, -1));
	},
	/** A create answer whose items carry no reqId. */
	createAnswerWithoutReqId(when: When = {}): FaultSpec {
		return rewriteCreateAnswer(when, (items) => items.map(({ reqId: _drop, ...rest }) => rest));
	},
	/** A SEND answer (HTTP 200) that refuses the request with BAD_REQUEST and `msg` (the request was processed). */
	sendAnswerRefusing(msg: string, when: When = {}): FaultSpec {
		return {
			on: 'send',
			...when,
			action: {
				type: 'rewrite',
				rewrite: (answer) => ({
					...answer,
					status: 200,
					body: { code: 'BAD_REQUEST', body: { msg }, reqId: '1' },
				}),
			},
		};
	},
	/** A SEND answer whose item carries no reqId (the request was processed). */
	sendAnswerWithoutReqId(when: When = {}): FaultSpec {
		return {
			on: 'send',
			...when,
			action: {
				type: 'rewrite',
				rewrite: (answer) => {
					const item = (
						typeof answer.body === 'string' ? JSON.parse(answer.body) : answer.body
					) as AnswerItem;
					const { reqId: _drop, ...rest } = item;
					return { ...answer, body: rest };
				},
			},
		};
	},
	/** A create answer whose conversation item is OK but has no conversationId. */
	createAnswerWithoutConversationId(when: When = {}): FaultSpec {
		return rewriteCreateAnswer(when, (items) =>
			items.map((item) => {
				if (!item.body || typeof item.body !== 'object' || !('conversationId' in item.body))
					return item;
				const { conversationId: _drop, ...body } = item.body as Record<string, unknown>;
				return { ...item, body };
			}),
		);
	},
};
