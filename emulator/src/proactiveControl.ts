/** `/_emulator/proactive/*`: the Proactive controls for a separate process (demo, users, curl). */
import { json, methodNotAllowed, notFound } from './answers';
import type { HandoffProfile, ProactiveControls, ProactiveReplyTarget } from './proactiveTypes';
import type { EmulatorAnswer } from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function badRequest(message: string): EmulatorAnswer {
	return json(400, { code: 400, error: 'Bad Request', message });
}

const optionalString = (b: Obj, key: string): string | undefined => {
	const v = b[key];
	if (v === undefined) return undefined;
	if (typeof v !== 'string') throw new Error(`${key} must be a string`);
	return v;
};

export const PROACTIVE_CONTROL_PREFIX = '/_emulator/proactive';

export function handleProactiveControl(
	p: ProactiveControls,
	method: string,
	path: string,
	body: unknown,
): EmulatorAnswer {
	const b: Obj = isObj(body) ? body : {};
	const routes: Record<string, Record<string, () => EmulatorAnswer>> = {
		'': {
			GET: () =>
				json(200, {
					clientId: p.clientId,
					clock: p.clock(),
					settings: p.settings(),
					campaigns: p.campaigns(),
				}),
		},
		'/clock': {
			GET: () => json(200, p.clock()),
			// {"set": "2026-03-02T14:00:00Z" | ms, "frozen": true, "advanceMs": 3600000}
			POST: () => {
				if (b.frozen !== undefined && typeof b.frozen !== 'boolean')
					return badRequest('frozen must be a boolean');
				const frozen = b.frozen as boolean | undefined;
				if (b.set !== undefined) p.setClock(b.set as string | number, { frozen });
				else if (frozen !== undefined) p.setClock(p.now(), { frozen });
				if (b.advanceMs !== undefined) p.advanceClock(b.advanceMs as number);
				return json(200, p.clock());
			},
		},
		'/settings': {
			GET: () => json(200, p.settings()),
			POST: () => {
				if (!isObj(body)) return badRequest('the body must be an object of settings');
				return json(200, p.configure(body));
			},
		},
		'/campaigns': { GET: () => json(200, p.campaigns()) },
		'/reply': {
			POST: () => {
				const target: ProactiveReplyTarget = {};
				for (const key of ['campaignId', 'recipientId', 'phone', 'consumerId'] as const) {
					const v = optionalString(b, key);
					if (v !== undefined) target[key] = v;
				}
				return json(200, p.reply(target));
			},
		},
		'/override': {
			POST: () => {
				const campaignId = optionalString(b, 'campaignId');
				if (campaignId === undefined) return badRequest('campaignId is required');
				const recipientId = optionalString(b, 'recipientId');
				const status = optionalString(b, 'status');
				const campaignStatus = optionalString(b, 'campaignStatus');
				const nullableString = (key: string) => {
					const v = b[key];
					if (v !== undefined && v !== null && typeof v !== 'string')
						throw new Error(`${key} must be a string or null`);
					return v as string | null | undefined;
				};
				const errorMessage = nullableString('errorMessage');
				const conversationId = nullableString('conversationId');
				p.override({
					campaignId,
					...(recipientId === undefined ? {} : { recipientId }),
					...(status === undefined ? {} : { status }),
					...(errorMessage === undefined ? {} : { errorMessage }),
					...(conversationId === undefined ? {} : { conversationId }),
					...(campaignStatus === undefined ? {} : { campaignStatus }),
				});
				return json(200, p.campaign(campaignId) ?? {});
			},
		},
		'/handoffs': {
			GET: () => json(200, p.handoffs()),
			// {"profiles": [...], "replace": false}
			POST: () => {
				if (!Array.isArray(b.profiles)) return badRequest('profiles (an array) is required');
				p.setHandoffs(b.profiles as HandoffProfile[], { replace: b.replace === true });
				return json(200, p.handoffs());
			},
		},
		'/token': {
			POST: () => {
				const ttl = b.ttlSeconds;
				if (ttl !== undefined && !(typeof ttl === 'number' && ttl > 0))
					return badRequest('ttlSeconds must be a number > 0');
				return json(200, {
					access_token: p.mintToken(ttl === undefined ? {} : { ttlSeconds: ttl }),
					token_type: 'Bearer',
				});
			},
		},
		'/expire-tokens': {
			POST: () => {
				p.expireTokens();
				return json(200, { expired: true });
			},
		},
	};
	const sub = path.slice(PROACTIVE_CONTROL_PREFIX.length).replace(/\/+$/, '');
	const route = routes[sub];
	if (!route) return notFound(`no control endpoint ${path}`);
	const run = route[method];
	if (!run) return methodNotAllowed(method, Object.keys(route));
	try {
		return run();
	} catch (err) {
		return badRequest(err instanceof Error ? err.message : String(err));
	}
}
