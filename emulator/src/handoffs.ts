/**
 * The Outbound Configuration API (the handoff list), and what a handoff means to the campaign API:
 * its channels, its variables and its header variable.
 *
 *     GET /api/account/{accountId}/app/prmsg/handoffs/list?v=1&limit=30&offset=0
 *     GET /api/account/{accountId}/app/prmsg/handoffs/list/channel/{channel}?v=1
 */
import { json } from './answers';
import { HANDOFF_CHANNELS } from './proactiveFixtures';
import type {
	HandoffAnswerShape,
	HandoffProfile,
	ProactiveChannel,
	ProactiveSettings,
} from './proactiveTypes';
import type { EmulatorAnswer, RecordedRequest } from './types';

// inferred: the page's example uses limit=30; with none given the emulator answers 30.
export const DEFAULT_HANDOFF_LIMIT = 30;

/** Outbound Configuration channel type → the campaign API's consumerContent key. */
const CAMPAIGN_CHANNELS: Record<string, ProactiveChannel> = {
	'sms-twilio': 'sms',
	wa: 'wa',
	inapp: 'inapp',
};

export interface TemplateInfo {
	profile: HandoffProfile;
	/** Channels the campaign API sends on, in the handoff's order. */
	channels: ProactiveChannel[];
	/** Channel types the campaign API does not take (googlercs, apple-twilio). */
	unsupported: string[];
	/** Variable names the campaign's `variables` must hold (body, text, media and button ones). */
	variables: string[];
	/** The header's sub_type when the header has a variable: the campaign's headerVariables key. */
	headerType?: string;
	/** Variable names used by both a button and another component (one campaign value serves both). */
	collisions: string[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A component's variable names, whichever spelling the handoff uses (`variables` or `Variables`). */
export function componentVariables(component: Obj): string[] {
	const list = component.variables ?? component.Variables;
	return Array.isArray(list) ? list.map((v) => String(v)) : [];
}

function numericOrder(a: string, b: string): number {
	const na = Number(a);
	const nb = Number(b);
	if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
	return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What a handoff asks of a campaign. Variables are counted from the `variables` arrays, never from
 * the placeholders in `content` (some templates list a variable their text never shows).
 * inferred: a button's variable and a body variable of the same name are one campaign variable,
 * since the campaign body has only `variables` and `headerVariables`.
 */
export function templateInfo(profile: HandoffProfile): TemplateInfo {
	const channels: ProactiveChannel[] = [];
	const unsupported: string[] = [];
	const names = new Set<string>();
	const buttonNames = new Set<string>();
	const otherNames = new Set<string>();
	let headerType: string | undefined;
	for (const channel of profile.channels) {
		const type = String(channel.type ?? '');
		const mapped = CAMPAIGN_CHANNELS[type];
		if (mapped) {
			if (!channels.includes(mapped)) channels.push(mapped);
		} else if (!unsupported.includes(type)) unsupported.push(type);
		const components = Array.isArray(channel.messageComponents) ? channel.messageComponents : [];
		for (const c of components) {
			if (!isObj(c)) continue;
			const vars = componentVariables(c);
			if (c.type === 'header') {
				if (vars.length > 0 && typeof c.sub_type === 'string') headerType = c.sub_type;
				continue;
			}
			for (const v of vars) {
				names.add(v);
				(c.type === 'button' ? buttonNames : otherNames).add(v);
			}
		}
	}
	return {
		profile,
		channels,
		unsupported,
		variables: [...names].sort(numericOrder),
		...(headerType ? { headerType } : {}),
		collisions: [...buttonNames].filter((v) => otherNames.has(v)).sort(numericOrder),
	};
}

/** The handoff a campaign's templateId names: a profile id, or one of its typed ids. */
export function findHandoff(
	profiles: readonly HandoffProfile[],
	templateId: string,
): HandoffProfile | undefined {
	return (
		profiles.find((p) => p.id === templateId) ??
		profiles.find((p) => (p.aliases ?? []).includes(templateId))
	);
}

/** A profile as the API lists it: the emulator-only aliases left out. */
function listed(profile: HandoffProfile): Obj {
	const { aliases: _aliases, ...rest } = profile;
	return structuredClone(rest) as Obj;
}

function badRequest(message: string): EmulatorAnswer {
	// inferred: LivePerson documents no error bodies for this API; the shape follows the Proactive one.
	return json(400, { code: 400, message });
}

function pagingParam(
	record: RecordedRequest,
	name: 'limit' | 'offset',
	fallback: number,
): number | string {
	const raw = record.query[name];
	if (raw === undefined || raw === '') return fallback;
	const n = Number(raw);
	if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n))
		return `${name} must be a non-negative integer`;
	if (name === 'limit' && n === 0) return 'limit must be at least 1';
	return n;
}

export function handleHandoffs(
	record: RecordedRequest,
	params: Record<string, string>,
	profiles: readonly HandoffProfile[],
	settings: ProactiveSettings,
): EmulatorAnswer {
	// inferred: the page marks v as required; the emulator refuses a request without v=1 (400).
	if (record.query.v !== '1') return badRequest('v=1 is required');
	if (params.app !== 'prmsg') {
		// inferred: only the Proactive app ("prmsg") has handoffs.
		return json(404, { code: 404, message: `no handoffs for app ${params.app}` });
	}
	const channel = params.channel;
	if (channel !== undefined && !(HANDOFF_CHANNELS as readonly string[]).includes(channel)) {
		return badRequest(`unknown channel ${channel}; use one of ${HANDOFF_CHANNELS.join(', ')}`);
	}
	const limit = pagingParam(record, 'limit', DEFAULT_HANDOFF_LIMIT);
	if (typeof limit === 'string') return badRequest(limit);
	const offset = pagingParam(record, 'offset', 0);
	if (typeof offset === 'string') return badRequest(offset);
	// inferred: a limit above the maximum is cut to it, not refused.
	const take = Math.min(limit, settings.maxHandoffLimit);

	const matching =
		channel === undefined
			? [...profiles]
			: profiles.filter((p) => p.channels.some((c) => c.type === channel));
	const page = matching.slice(offset, offset + take);
	const shape: HandoffAnswerShape =
		channel === undefined ? settings.handoffShapes.list : settings.handoffShapes.byChannel;
	record.processed = true;
	if (shape === 'profiles') return json(200, page.map(listed));
	// Bare channel objects, as the page's examples print them (they carry no profile id).
	const bare = page.flatMap((p) =>
		(listed(p).channels as Obj[]).filter((c) => channel === undefined || c.type === channel),
	);
	if (shape === 'single' && bare.length === 1) return json(200, bare[0]);
	return json(200, bare);
}
