/**
 * The emulator's Proactive Messaging 2.0 and Outbound Configuration services, over real HTTP:
 * CSDS agentVep, the Proactive client at Sentinel, Bearer auth, the campaign create's field and
 * recipient rules, statuses on the test clock (send windows, opt-outs, replies), the rate limit,
 * faults, the handoff list in its documented shapes, and the log.
 */
import {
	decodeJwtPayload,
	faultPresets,
	nextWindowOpening,
	PROACTIVE_DEFAULTS,
} from '../emulator/src';
import { emulatorPerFile } from './support/emulatorPerFile';

// 15:00 UTC on Monday 2 March 2026: 10:00 in New York, midnight in Tokyo.
const START = Date.parse('2026-03-02T15:00:00Z');
const emu = emulatorPerFile({ proactive: { clock: { start: START, frozen: true } } });

interface Reply {
	status: number;
	headers: Headers;
	text: string;
	json: any;
}

async function call(
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<Reply> {
	const res = await fetch(emu.baseUrl + path, {
		method,
		headers: { 'Content-Type': 'application/json', ...headers },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await res.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

const paths = {
	csds: (service?: string) =>
		`/api/account/${emu.accountId}/service/${service ? service + '/' : ''}baseURI.json?version=1.0`,
	sentinel: () => `/sentinel/api/account/${emu.accountId}/app/token?v=1.0`,
	campaign: () => `/api/v2/account/${emu.accountId}/campaign`,
	status: (id: string) => `/api/v2/account/${emu.accountId}/campaign/${id}/conversations`,
	handoffs: (query = 'v=1', channel?: string) =>
		`/api/account/${emu.accountId}/app/prmsg/handoffs/list${channel ? `/channel/${channel}` : ''}${query ? `?${query}` : ''}`,
};

async function sentinelToken(clientId: string, clientSecret: string): Promise<Reply> {
	const form = new URLSearchParams({
		grant_type: 'client_credentials',
		client_id: clientId,
		client_secret: clientSecret,
	});
	const res = await fetch(emu.baseUrl + paths.sentinel(), {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: form.toString(),
	});
	const text = await res.text();
	return { status: res.status, headers: res.headers, text, json: JSON.parse(text) };
}

const bearer = (token = emu.proactive.mintToken()) => ({ Authorization: `Bearer ${token}` });

const SMS = '666555567888'; // body variables 1, 2
const SMS_NO_PLACEHOLDER = '666555567999'; // variable 1, not in the text
const WA = '1111111111111'; // variables 1-5
const WA_RICH = '2222222222222'; // header image {{1}}; body 1, 2; URL button 1
const WA_STATIC_HEADER = '2222222222333'; // static video header; variable 1
const SMS_WA = '3333333333333'; // sms + wa, variables 1-3
const INAPP = '4444444444444'; // variables 1-4 (one spelled Variables)
const RCS = '5555555555555';

const NY = '12125550101';
const NY2 = '12125550102';
const TOKYO = '81355501234';

function campaignBody(templateId: string, consumers: unknown[], extra: object = {}): object {
	return {
		campaignName: 'Order updates',
		skill: 'sales',
		templateId,
		outboundNumber: '14155550100',
		consent: true,
		consumers,
		...extra,
	};
}

const sms = (number: string, variables: unknown = { 1: 'Ada', 2: 'A-1' }) => ({
	consumerContent: { sms: number },
	variables,
});

async function createCampaign(
	body: unknown,
	headers: Record<string, string> = bearer(),
): Promise<Reply> {
	return call('POST', paths.campaign(), body, headers);
}

async function statusOf(id: string): Promise<Reply> {
	return call('GET', paths.status(id), undefined, bearer());
}

async function control(method: string, path: string, body?: unknown): Promise<Reply> {
	return call(method, `/_emulator/proactive${path}`, body);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------

describe('Proactive: host and tokens', () => {
	it('answers CSDS agentVep with a va. host (the zone rule), overridable for the other zones', async () => {
		const r = await call('GET', paths.csds('agentVep'));
		expect(r.status).toBe(200);
		expect(r.json).toEqual({
			service: 'agentVep',
			account: emu.accountId,
			baseURI: 'va.agentvep.liveperson.net',
		});
		const all = await call('GET', paths.csds());
		expect(all.json.baseURIs).toContainEqual(r.json);
		emu.setServices({ agentVep: 'lo.agentvep.liveperson.net' });
		expect((await call('GET', paths.csds('agentVep'))).json.baseURI).toBe(
			'lo.agentvep.liveperson.net',
		);
	});

	it('mints a Proactive AppJWT at Sentinel for the second client pair, and still the Connector one', async () => {
		expect(emu.proactive.clientId).toBe(PROACTIVE_DEFAULTS.clientId);
		expect(emu.proactive.clientId).toBe('emulator-proactive-client-1');
		const r = await sentinelToken(emu.proactive.clientId, emu.proactive.clientSecret);
		expect(r.status).toBe(200);
		expect(r.json.token_type).toBe('Bearer');
		const claims = decodeJwtPayload(r.json.access_token)!;
		expect(claims).toMatchObject({
			aud: emu.accountId,
			azp: emu.proactive.clientId,
			iss: 'Sentinel',
			scope: 'prmsg',
		});
		expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
		const connector = await sentinelToken(emu.clientId, emu.clientSecret);
		expect(decodeJwtPayload(connector.json.access_token)!.scope).toBe('msg.consumer');
		const wrong = await sentinelToken(emu.proactive.clientId, 'not-the-secret');
		expect(wrong.status).toBe(401);
		// The minted token works on the campaign API.
		const ok = await createCampaign(campaignBody(SMS, [sms(NY)]), bearer(r.json.access_token));
		expect(ok.status).toBe(200);
	});

	it('refuses a missing header, a raw token, a Connector token and a foreign one with 401 {code: 0, message}', async () => {
		const body = campaignBody(SMS, [sms(NY)]);
		const none = await createCampaign(body, {});
		expect(none.status).toBe(401);
		expect(none.json).toEqual({ code: 0, message: 'No authorization token was found' });
		const raw = await createCampaign(body, { Authorization: emu.proactive.mintToken() });
		expect(raw.status).toBe(401);
		expect(raw.json).toEqual({ code: 0, message: 'Format is Authorization: Bearer [token]' });
		const connector = await createCampaign(body, bearer(emu.mintAppJwt()));
		expect(connector.status).toBe(401);
		expect(connector.json.code).toBe(0);
		expect(connector.json.message).toMatch(/Proactive/);
		const garbage = await createCampaign(body, bearer('abc.def.ghi'));
		expect(garbage.status).toBe(401);
		expect(emu.proactive.campaigns()).toHaveLength(0);
		expect(emu.requestsTo('proactiveCampaign').every((r) => !r.processed)).toBe(true);
	});

	it('answers an expired token with the documented {"code":0,"message":"jwt expired"} (401)', async () => {
		const expired = await createCampaign(
			campaignBody(SMS, [sms(NY)]),
			bearer(emu.proactive.mintToken({ ttlSeconds: -10 })),
		);
		expect(expired.status).toBe(401);
		expect(expired.json).toEqual({ code: 0, message: 'jwt expired' });
		// Expiring every minted token (control endpoint), then minting anew.
		const token = emu.proactive.mintToken();
		expect((await statusOf('nope')).status).toBe(404);
		await control('POST', '/expire-tokens');
		const after = await call('GET', paths.status('nope'), undefined, bearer(token));
		expect(after.json).toEqual({ code: 0, message: 'jwt expired' });
		const fresh = await control('POST', '/token', { ttlSeconds: 60 });
		expect(
			(await call('GET', paths.status('nope'), undefined, bearer(fresh.json.access_token))).status,
		).toBe(404);
	});

	it('lets the Connector endpoints refuse a Proactive token, and expire-app-jwts expire Proactive tokens too', async () => {
		const idp = await call(
			'POST',
			`/api/account/${emu.accountId}/consumer?v=1.0`,
			{ ext_consumer_id: 'x' },
			{ Authorization: emu.proactive.mintToken() },
		);
		expect(idp.status).toBe(401);
		expect(idp.json.body.errorCode).toBe(40102);
		const token = emu.proactive.mintToken();
		emu.expireAppJwts();
		expect((await call('GET', paths.status('x'), undefined, bearer(token))).json.message).toBe(
			'jwt expired',
		);
	});

	it('applies an expireToken fault to the new endpoints: the token stays expired', async () => {
		emu.faults.add(faultPresets.expiredToken('proactiveStatus'));
		const token = emu.proactive.mintToken();
		const first = await call('GET', paths.status('x'), undefined, bearer(token));
		expect(first.json).toEqual({ code: 0, message: 'jwt expired' });
		const again = await call('GET', paths.status('x'), undefined, bearer(token));
		expect(again.json.message).toBe('jwt expired');
		expect((await statusOf('x')).status).toBe(404);
	});
});

describe('Proactive: creating a campaign', () => {
	it('accepts an SMS campaign in the documented answer shape, failedConsumers first', async () => {
		const r = await createCampaign(campaignBody(SMS, [sms(NY), sms(NY2)]));
		expect(r.status).toBe(200);
		expect(Object.keys(r.json)).toEqual([
			'proactiveCampaignId',
			'leCampaignId',
			'leEngagementId',
			'requestTraceId',
			'failedConsumers',
			'acceptedConsumers',
		]);
		expect(r.json.proactiveCampaignId).toMatch(/^[A-Za-z0-9]{9}$/);
		expect(r.json.leCampaignId).toMatch(/^\d{10}$/);
		expect(r.json.requestTraceId).toMatch(UUID);
		expect(r.json.failedConsumers).toEqual([]);
		expect(r.json.acceptedConsumers).toEqual([
			{ id: expect.any(String), phoneNumber: `+${NY}`, consumerContent: { sms: NY } },
			{ id: expect.any(String), phoneNumber: `+${NY2}`, consumerContent: { sms: NY2 } },
		]);
		const [c] = emu.proactive.campaigns();
		expect(c).toMatchObject({
			proactiveCampaignId: r.json.proactiveCampaignId,
			campaignName: 'Order updates',
			skill: 'sales',
			templateId: SMS,
			handoffId: SMS,
			channels: ['sms'],
			campaignStatus: 'PUBLISHED',
		});
		expect(c.recipients.map((x) => x.status)).toEqual(['NOT_SENT', 'NOT_SENT']);
		expect(emu.requestsTo('proactiveCampaign')[0].processed).toBe(true);
	});

	it('never deduplicates a repeated create', async () => {
		const body = campaignBody(SMS, [sms(NY)]);
		const a = await createCampaign(body);
		const b = await createCampaign(body);
		expect(a.json.proactiveCampaignId).not.toBe(b.json.proactiveCampaignId);
		expect(a.json.acceptedConsumers[0].id).not.toBe(b.json.acceptedConsumers[0].id);
		expect(emu.proactive.campaigns()).toHaveLength(2);
	});

	it('rejects a request missing a required field: 400 "Fields missing in request: <field>"', async () => {
		for (const field of ['campaignName', 'skill', 'templateId', 'consent', 'consumers']) {
			const body: Record<string, unknown> = { ...campaignBody(SMS, [sms(NY)]) };
			delete body[field];
			const r = await createCampaign(body);
			expect(r.status).toBe(400);
			expect(r.json).toEqual({ code: 400, message: `Fields missing in request: ${field}` });
		}
		const noOutbound: Record<string, unknown> = { ...campaignBody(SMS, [sms(NY)]) };
		delete noOutbound.outboundNumber;
		expect((await createCampaign(noOutbound)).json.message).toBe(
			'Fields missing in request: outboundNumber',
		);
		expect((await createCampaign({})).json.message).toBe(
			'Fields missing in request: campaignName, skill, templateId, consent, consumers',
		);
		expect((await createCampaign('{not json')).status).toBe(400);
		expect(emu.proactive.campaigns()).toHaveLength(0);
	});

	it('sinks the whole request when one SMS/WA consumer has no variables; in-app may leave them out', async () => {
		const consumers = [...Array.from({ length: 99 }, (_, i) => sms(`1212555${String(1000 + i)}`))];
		consumers.push({ consumerContent: { sms: '12125559999' } } as never);
		const r = await createCampaign(campaignBody(SMS, consumers));
		expect(r.status).toBe(400);
		expect(r.json.message).toBe('Fields missing in request: variables');
		expect(emu.proactive.campaigns()).toHaveLength(0);

		const inapp = await createCampaign({
			campaignName: 'Cart',
			skill: 'shop',
			templateId: INAPP,
			consent: true,
			consumers: [
				{ consumerContent: { inapp: 'crm-consumer-1' } },
				{ consumerContent: { inapp: 'crm-consumer-2' }, variables: { 1: 'Ada' } },
				{ consumerContent: { inapp: 'crm-consumer-3' }, variables: { 9: 'x' } },
			],
		});
		expect(inapp.status).toBe(200);
		expect(inapp.json.acceptedConsumers).toEqual([
			{ id: expect.any(String), consumerContent: { inapp: 'crm-consumer-1' } },
			{ id: expect.any(String), consumerContent: { inapp: 'crm-consumer-2' } },
		]);
		expect(inapp.json.failedConsumers).toEqual([
			{
				variables: { 9: 'x' },
				consumerContent: { inapp: 'crm-consumer-3' },
				errorMessage: 'TOO_MANY_VARIABLES',
			},
		]);
	});

	it('enforces the field limits, consent and at most 100 consumers', async () => {
		const cases: Array<[object, RegExp]> = [
			[{ campaignName: 'x'.repeat(256) }, /campaignName.*255/],
			[{ skill: 's'.repeat(256) }, /skill.*255/],
			[{ templateId: '9'.repeat(33) }, /templateId.*32/],
			[{ outboundNumber: '12345678901234567' }, /outboundNumber.*16/],
			[{ outboundNumber: '1415-555' }, /outboundNumber/],
			[{ consent: false }, /consent must be true/],
			[{ consent: 'true' }, /consent must be true/],
			[{ templateId: '999' }, /templateId 999/],
			[{ templateId: RCS }, /googlercs/],
		];
		for (const [extra, message] of cases) {
			const r = await createCampaign(campaignBody(SMS, [sms(NY)], extra));
			expect(r.status).toBe(400);
			expect(r.json.message).toMatch(message);
		}
		const limits = await createCampaign(
			campaignBody(SMS, [sms(NY)], {
				campaignName: 'x'.repeat(255),
				skill: 's'.repeat(255),
				outboundNumber: '+1234567890123456',
			}),
		);
		expect(limits.status).toBe(200);
		const many = (n: number) =>
			Array.from({ length: n }, (_, i) => sms(`1212556${String(1000 + i)}`));
		const tooMany = await createCampaign(campaignBody(SMS, many(101)));
		expect(tooMany.status).toBe(400);
		expect(tooMany.json.message).toMatch(/at most 100/);
		const hundred = await createCampaign(campaignBody(SMS, many(100)));
		expect(hundred.status).toBe(200);
		expect(hundred.json.acceptedConsumers).toHaveLength(100);
	});

	it('fails recipients one by one with every documented errorMessage, beside accepted ones', async () => {
		const r = await createCampaign(
			campaignBody(SMS, [
				sms(NY),
				sms('12ab5550101'),
				sms(NY),
				{ consumerContent: { wa: NY2 }, variables: { 1: 'a', 2: 'b' } },
				sms('12125550103', { 1: 'a', 2: 'b', 3: 'c' }),
				sms('12125550104', {}),
				sms('12125550105', { 1: 'a' }),
				sms('12125550106', { 1: 5, 2: 'b' }),
				sms('12125550107', { 1: 'a', 2: 'b' }),
			]),
		);
		expect(r.status).toBe(200);
		expect(r.json.failedConsumers.map((f: { errorMessage: string }) => f.errorMessage)).toEqual([
			'INVALID_NUMBER',
			'DUPLICATE_NUMBER',
			'MISSING_CONSUMER_INFORMATION==SMS',
			'TOO_MANY_VARIABLES',
			'INSUFFICIENT_VARIABLES',
			'MISSING_VARIABLE=2',
			'VARIABLE_NOT_STRING=1',
		]);
		expect(r.json.failedConsumers[1]).toEqual({
			variables: { 1: 'Ada', 2: 'A-1' },
			consumerContent: { sms: NY },
			phone: `+${NY}`,
			countryCode: 'US',
			errorMessage: 'DUPLICATE_NUMBER',
		});
		expect(r.json.acceptedConsumers.map((a: { phoneNumber: string }) => a.phoneNumber)).toEqual([
			`+${NY}`,
			'+12125550107',
		]);
	});

	it('counts WhatsApp variables from the handoff: 4 of 5 is MISSING_VARIABLE=5', async () => {
		const vars = (n: number) =>
			Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i + 1), `T${i + 1}`]));
		const r = await createCampaign(
			campaignBody(WA, [
				{ consumerContent: { wa: '12345678891' }, variables: vars(5) },
				{ consumerContent: { wa: '919876543210' }, variables: vars(4) },
			]),
		);
		expect(r.json.failedConsumers).toEqual([
			{
				variables: vars(4),
				consumerContent: { wa: '919876543210' },
				phone: '+919876543210',
				countryCode: 'IN',
				errorMessage: 'MISSING_VARIABLE=5',
			},
		]);
		// The typed WhatsApp template id names the same handoff.
		const typed = await createCampaign(
			campaignBody('943679028015322', [
				{ consumerContent: { wa: '12345678891' }, variables: vars(5) },
			]),
		);
		expect(typed.status).toBe(200);
		expect(emu.proactive.campaign(typed.json.proactiveCampaignId)!.handoffId).toBe(WA);
	});

	it('checks header variables of a rich WhatsApp template, and the image host list', async () => {
		const wa = (
			n: string,
			headerVariables?: unknown,
			variables: object = { 1: 'Ada', 2: 'P-9' },
		) => ({
			consumerContent: { wa: n },
			variables,
			...(headerVariables === undefined ? {} : { headerVariables }),
		});
		const good = 'https://images.example.com/parcel.png';
		const r = await createCampaign(
			campaignBody(WA_RICH, [
				wa('12125550201', { image: good }),
				wa('12125550202'),
				wa('12125550203', { image: good, video: 'https://images.example.com/v.mp4' }),
				wa('12125550204', { video: good }),
				wa('12125550205', { image: 7 }),
				wa('12125550206', { image: 'http://images.example.com/parcel.png' }),
				wa('12125550207', { image: 'https://elsewhere.example.org/parcel.png' }),
				wa('12125550208', { image: good }, { 1: 'a', 2: 'b', 3: 'c' }),
			]),
		);
		expect(r.json.failedConsumers.map((f: { errorMessage: string }) => f.errorMessage)).toEqual([
			'INSUFFICIENT_HEADER_VARIABLES',
			'TOO_MANY_HEADER_VARIABLES',
			'MISSING_HEADER_VARIABLE=image',
			'HEADER_VARIABLE_NOT_STRING',
			'HEADER_VARIABLE_INVALID_URL',
			'IMAGE_URL_NOT_WHITELISTED',
			// The URL button's "1" is the body's "1": two variables, not three.
			'TOO_MANY_VARIABLES',
		]);
		expect(r.json.failedConsumers[0].headerVariables).toBeUndefined();
		expect(r.json.failedConsumers[1].headerVariables).toEqual({
			image: good,
			video: 'https://images.example.com/v.mp4',
		});
		expect(r.json.acceptedConsumers).toHaveLength(1);
		// A static header takes no header variable.
		const staticHeader = await createCampaign(
			campaignBody(WA_STATIC_HEADER, [
				wa('12125550301', undefined, { 1: 'x' }),
				wa('12125550302', { video: good }, { 1: 'x' }),
			]),
		);
		expect(staticHeader.json.failedConsumers.map((f: any) => f.errorMessage)).toEqual([
			'TOO_MANY_HEADER_VARIABLES',
		]);
		// The image host list is a setting.
		await control('POST', '/settings', { imageHosts: ['https://elsewhere.example.org'] });
		const allowed = await createCampaign(
			campaignBody(WA_RICH, [wa('12125550207', { image: 'https://elsewhere.example.org/p.png' })]),
		);
		expect(allowed.json.acceptedConsumers).toHaveLength(1);
	});

	it('counts variables from the variables arrays, not from placeholders in the text', async () => {
		const r = await createCampaign(
			campaignBody(SMS_NO_PLACEHOLDER, [sms(NY, { 1: 'x' }), sms(NY2, {})]),
		);
		expect(r.json.acceptedConsumers).toHaveLength(1);
		expect(r.json.failedConsumers[0].errorMessage).toBe('INSUFFICIENT_VARIABLES');
	});

	it('needs every channel of a two-channel handoff', async () => {
		const r = await createCampaign(
			campaignBody(SMS_WA, [
				{ consumerContent: { sms: NY, wa: NY }, variables: { 1: 'a', 2: 'b', 3: 'c' } },
				{ consumerContent: { sms: NY2 }, variables: { 1: 'a', 2: 'b', 3: 'c' } },
			]),
		);
		expect(r.json.acceptedConsumers).toEqual([
			{ id: expect.any(String), phoneNumber: `+${NY}`, consumerContent: { sms: NY, wa: NY } },
		]);
		expect(r.json.failedConsumers[0].errorMessage).toBe('MISSING_CONSUMER_INFORMATION==WA');
	});

	it('takes the old body (consumerCountryCode + consumerPhoneNumber) and the FAQ typed SMS id', async () => {
		const r = await createCampaign(
			campaignBody('1234567890', [
				{
					consumerCountryCode: '1',
					consumerPhoneNumber: '2125550111',
					variables: { 1: 'a', 2: 'b' },
				},
				{
					consumerCountryCode: 'x1',
					consumerPhoneNumber: '2125550112',
					variables: { 1: 'a', 2: 'b' },
				},
			]),
		);
		expect(r.status).toBe(200);
		expect(r.json.acceptedConsumers).toEqual([
			{ id: expect.stringMatching(/^[A-Za-z0-9]{10}$/), phoneNumber: '+12125550111' },
		]);
		expect(r.json.failedConsumers[0].errorMessage).toBe('INVALID_NUMBER');
		expect(emu.proactive.campaigns()[0].handoffId).toBe(SMS);
	});

	it('creates a campaign even when every recipient failed', async () => {
		const r = await createCampaign(campaignBody(SMS, [sms('0000'), sms(NY, {})]));
		expect(r.status).toBe(200);
		expect(r.json.proactiveCampaignId).toMatch(/^[A-Za-z0-9]{9}$/);
		expect(r.json.acceptedConsumers).toEqual([]);
		expect(r.json.failedConsumers).toHaveLength(2);
		const s = await statusOf(r.json.proactiveCampaignId);
		expect(s.json).toEqual({ campaignStatus: 'FINISHED', conversations: [] });
	});

	it('hands out opaque recipient ids: UUID-shaped, not all of them valid UUIDs', async () => {
		const consumers = Array.from({ length: 10 }, (_, i) => sms(`1212557${String(1000 + i)}`));
		const r = await createCampaign(campaignBody(SMS, consumers));
		const ids: string[] = r.json.acceptedConsumers.map((a: { id: string }) => a.id);
		expect(new Set(ids).size).toBe(10);
		expect(ids.every((id) => /^[0-9a-z]+(-[0-9a-z]+){4}$/.test(id))).toBe(true);
		expect(ids.filter((id) => !UUID.test(id))).toHaveLength(2);
		const s = await statusOf(r.json.proactiveCampaignId);
		expect(s.json.conversations.map((c: { id: string }) => c.id)).toEqual(ids);
	});

	it('fails the whole create over the daily limit per channel, and counts again the next day', async () => {
		await control('POST', '/settings', { dailyLimit: 3 });
		expect((await createCampaign(campaignBody(SMS, [sms(NY), sms(NY2)]))).status).toBe(200);
		const over = await createCampaign(campaignBody(SMS, [sms(NY), sms(NY2)]));
		expect(over.status).toBe(400);
		expect(over.json.message).toMatch(/Daily limit/);
		expect(emu.proactive.campaigns()).toHaveLength(1);
		// Failed recipients do not count; another channel has its own count.
		expect((await createCampaign(campaignBody(SMS, [sms(NY), sms('1')]))).status).toBe(200);
		const wa = await createCampaign(
			campaignBody(SMS_WA, [
				{ consumerContent: { sms: NY, wa: NY }, variables: { 1: 'a', 2: 'b', 3: 'c' } },
			]),
		);
		expect(wa.status).toBe(400);
		emu.proactive.advanceClock(24 * 3600 * 1000);
		expect((await createCampaign(campaignBody(SMS, [sms(NY), sms(NY2)]))).status).toBe(200);
	});
});

describe('Proactive: statuses on the test clock', () => {
	async function oneCampaign(templateId: string, consumers: unknown[]): Promise<string> {
		const r = await createCampaign(campaignBody(templateId, consumers));
		expect(r.status).toBe(200);
		return r.json.proactiveCampaignId;
	}

	it('moves NOT_SENT → DELIVERED when the queue picks a recipient up; PUBLISHED → FINISHED', async () => {
		const id = await oneCampaign(SMS, [sms(NY), sms(NY2)]);
		let s = await statusOf(id);
		expect(s.json.campaignStatus).toBe('PUBLISHED');
		expect(s.json.conversations).toEqual([
			{ id: expect.any(String), status: 'NOT_SENT', conversationId: null, errorMessage: null },
			{ id: expect.any(String), status: 'NOT_SENT', conversationId: null, errorMessage: null },
		]);
		emu.proactive.advanceClock(1000);
		s = await statusOf(id);
		// 9 messages a second per channel: the second one leaves 1/9 s after the first.
		expect(s.json.conversations.map((c: any) => c.status)).toEqual(['DELIVERED', 'NOT_SENT']);
		await control('POST', '/clock', { advanceMs: 200 });
		s = await statusOf(id);
		expect(s.json).toMatchObject({ campaignStatus: 'FINISHED' });
		expect(s.json.conversations.map((c: any) => c.status)).toEqual(['DELIVERED', 'DELIVERED']);
	});

	it('holds an SMS outside 08:00-21:00 recipient time SCHEDULED until the window opens; WhatsApp goes at once', async () => {
		// 15:00 UTC is midnight in Tokyo: the window opens at 08:00 JST = 23:00 UTC.
		const id = await oneCampaign(SMS, [sms(TOKYO), sms(NY2)]);
		const wa = await oneCampaign(WA, [
			{ consumerContent: { wa: TOKYO }, variables: { 1: 'a', 2: 'b', 3: 'c', 4: 'd', 5: 'e' } },
		]);
		emu.proactive.advanceClock(5000);
		expect((await statusOf(id)).json.conversations.map((c: any) => c.status)).toEqual([
			'SCHEDULED',
			'DELIVERED',
		]);
		expect((await statusOf(wa)).json.conversations[0].status).toBe('DELIVERED');
		const [recipient] = emu.proactive.campaign(id)!.recipients;
		expect(recipient).toMatchObject({ timeZone: 'Asia/Tokyo', country: 'JP' });
		expect(new Date(recipient.scheduledFor!).toISOString()).toBe('2026-03-02T23:00:00.000Z');
		await control('POST', '/clock', { set: '2026-03-02T22:59:59Z' });
		expect((await statusOf(id)).json.conversations[0].status).toBe('SCHEDULED');
		await control('POST', '/clock', { set: '2026-03-02T23:00:00Z' });
		const s = await statusOf(id);
		expect(s.json.conversations[0].status).toBe('DELIVERED');
		expect(s.json.campaignStatus).toBe('FINISHED');
		expect(emu.proactive.campaign(id)!.recipients[0].history.map((h) => h.status)).toEqual([
			'NOT_SENT',
			'SCHEDULED',
			'DELIVERED',
		]);
	});

	it('lets a test set the time zone by number prefix, and the window', async () => {
		await control('POST', '/settings', { timeZones: { '1212555': 'Asia/Tokyo' } });
		const id = await oneCampaign(SMS, [sms(NY)]);
		emu.proactive.advanceClock(2000);
		expect((await statusOf(id)).json.conversations[0].status).toBe('SCHEDULED');
		await control('POST', '/settings', {
			timeZones: {},
			smsWindow: { startHour: 11, endHour: 12 },
		});
		const ny = await oneCampaign(SMS, [sms(NY2)]);
		emu.proactive.advanceClock(2000);
		expect((await statusOf(ny)).json.conversations[0].status).toBe('SCHEDULED');
		expect(new Date(emu.proactive.campaign(ny)!.recipients[0].scheduledFor!).toISOString()).toBe(
			'2026-03-02T16:00:00.000Z',
		);
		expect(
			(await control('POST', '/settings', { smsWindow: { startHour: 9, endHour: 9 } })).status,
		).toBe(400);
	});

	it('skips opted-out SMS numbers (not WhatsApp), fails the failing fixture', async () => {
		const optedOut = '15550000001';
		const id = await oneCampaign(SMS, [sms(optedOut), sms('15550000002'), sms(NY)]);
		const wa = await oneCampaign(WA, [
			{ consumerContent: { wa: optedOut }, variables: { 1: 'a', 2: 'b', 3: 'c', 4: 'd', 5: 'e' } },
		]);
		emu.proactive.advanceClock(60_000);
		expect((await statusOf(id)).json.conversations).toEqual([
			{ id: expect.any(String), status: 'SKIPPED', conversationId: null, errorMessage: null },
			{
				id: expect.any(String),
				status: 'FAILED',
				conversationId: null,
				errorMessage: 'CHANNEL_DELIVERY_FAILED',
			},
			{ id: expect.any(String), status: 'DELIVERED', conversationId: null, errorMessage: null },
		]);
		expect((await statusOf(wa)).json.conversations[0].status).toBe('DELIVERED');
		await control('POST', '/settings', { optedOut: [NY] });
		const later = await oneCampaign(SMS, [sms(NY)]);
		emu.proactive.advanceClock(60_000);
		expect((await statusOf(later)).json.conversations[0].status).toBe('SKIPPED');
	});

	it('sets conversationId when the recipient replies (control endpoint), only after delivery and within the lookback', async () => {
		const id = await oneCampaign(SMS, [sms(NY), sms(NY2)]);
		const early = await control('POST', '/reply', { phone: `+${NY}` });
		expect(early.status).toBe(400);
		expect(early.json.message).toMatch(/NOT_SENT/);
		emu.proactive.advanceClock(10_000);
		const reply = await control('POST', '/reply', { phone: NY });
		expect(reply.status).toBe(200);
		expect(reply.json).toMatchObject({ campaignId: id, linked: true });
		expect(reply.json.conversationId).toMatch(UUID);
		const s = await statusOf(id);
		expect(s.json.conversations[0].conversationId).toBe(reply.json.conversationId);
		expect(s.json.conversations[1].conversationId).toBeNull();
		// The same reply again keeps the conversation.
		const recipientId = s.json.conversations[0].id;
		expect((await control('POST', '/reply', { recipientId })).json.conversationId).toBe(
			reply.json.conversationId,
		);
		emu.proactive.advanceClock(31 * 24 * 3600 * 1000);
		const late = emu.proactive.reply({ phone: NY2 });
		expect(late).toMatchObject({ linked: false, conversationId: null });
		// In-app recipients reply by consumer id.
		const inapp = await createCampaign({
			campaignName: 'Cart',
			skill: 'shop',
			templateId: INAPP,
			consent: true,
			consumers: [{ consumerContent: { inapp: 'crm-consumer-7' } }],
		});
		emu.proactive.advanceClock(5000);
		const r = emu.proactive.reply({ consumerId: 'crm-consumer-7' });
		expect(r).toMatchObject({ campaignId: inapp.json.proactiveCampaignId, linked: true });
	});

	it('lets a test force any recipient status or campaignStatus', async () => {
		const id = await oneCampaign(SMS, [sms(NY), sms(NY2)]);
		const recipientId = emu.proactive.campaign(id)!.recipients[0].id;
		const forced = await control('POST', '/override', {
			campaignId: id,
			recipientId,
			status: 'TOO_MANY_VARIABLES',
			errorMessage: 'TOO_MANY_VARIABLES',
		});
		expect(forced.status).toBe(200);
		await control('POST', '/override', { campaignId: id, campaignStatus: 'DRAFT' });
		emu.proactive.advanceClock(60_000);
		expect((await statusOf(id)).json).toEqual({
			campaignStatus: 'DRAFT',
			conversations: [
				{
					id: recipientId,
					status: 'TOO_MANY_VARIABLES',
					conversationId: null,
					errorMessage: 'TOO_MANY_VARIABLES',
				},
				{ id: expect.any(String), status: 'DELIVERED', conversationId: null, errorMessage: null },
			],
		});
		expect((await statusOf('unknownId')).status).toBe(404);
	});

	it('shows the clock on its control endpoint and can unfreeze it', async () => {
		const c = await control('GET', '/clock');
		expect(c.json).toEqual({ now: '2026-03-02T15:00:00.000Z', nowMs: START, frozen: true });
		const moved = await control('POST', '/clock', { set: '2026-06-01T12:00:00Z', advanceMs: 1000 });
		expect(moved.json.now).toBe('2026-06-01T12:00:01.000Z');
		const running = await control('POST', '/clock', { frozen: false });
		expect(running.json.frozen).toBe(false);
		expect((await control('POST', '/clock', { set: 'yesterday' })).status).toBe(400);
	});

	it('computes the next window opening across a daylight-saving change', () => {
		// New York moves to EDT on 8 March 2026: 07:00 local on 8 March is 11:00 UTC, 08:00 is 12:00 UTC.
		const at = Date.parse('2026-03-08T06:30:00Z'); // 01:30 EST
		expect(
			new Date(
				nextWindowOpening(at, 'America/New_York', { startHour: 8, endHour: 21 }),
			).toISOString(),
		).toBe('2026-03-08T12:00:00.000Z');
		const inside = Date.parse('2026-03-09T14:00:00Z');
		expect(nextWindowOpening(inside, 'America/New_York', { startHour: 8, endHour: 21 })).toBe(
			inside,
		);
	});
});

describe('Proactive: rate limit and faults', () => {
	const burst = (n: number) =>
		Promise.all(
			Array.from({ length: n }, () => call('GET', paths.status('none'), undefined, bearer())),
		);

	it('does not throttle by default', async () => {
		const answers = await burst(15);
		expect(answers.every((a) => a.status === 404)).toBe(true);
	});

	it('answers 429 above 10 requests a second per endpoint when switched on, without Retry-After unless set', async () => {
		const s = await control('POST', '/settings', { rateLimit: { enabled: true } });
		expect(s.json.rateLimit).toEqual({ enabled: true, perSecond: 10, retryAfterSeconds: null });
		const answers = await burst(12);
		const throttled = answers.filter((a) => a.status === 429);
		expect(throttled).toHaveLength(2);
		expect(throttled[0].json).toEqual({ code: 429, message: 'Too Many Requests' });
		expect(throttled[0].headers.get('retry-after')).toBeNull();
		// The campaign endpoint has its own budget.
		expect((await createCampaign(campaignBody(SMS, [sms(NY)]))).status).toBe(200);
		const refused = emu.requestsTo('proactiveStatus').filter((r) => r.status === 429);
		expect(refused.every((r) => !r.processed)).toBe(true);
		// A second later the budget is back.
		await new Promise((resolve) => setTimeout(resolve, 1050));
		emu.proactive.configure({ rateLimit: { perSecond: 2, retryAfterSeconds: 1 } });
		const next = await burst(3);
		expect(next.map((a) => a.status).sort()).toEqual([404, 404, 429]);
		expect(next.find((a) => a.status === 429)!.headers.get('retry-after')).toBe('1');
	});

	it('lets the fault system target the new endpoints by name, programmatically and as JSON', async () => {
		emu.faults.add(faultPresets.serverError('proactiveCampaign', 503));
		const failed = await createCampaign(campaignBody(SMS, [sms(NY)]));
		expect(failed.status).toBe(503);
		expect(emu.proactive.campaigns()).toHaveLength(0);
		const added = await call('POST', '/_emulator/faults', {
			on: 'handoffs',
			action: { type: 'status', status: 429, headers: { 'Retry-After': '2' } },
		});
		expect(added.status).toBe(200);
		const h = await call('GET', paths.handoffs(), undefined, bearer());
		expect(h.status).toBe(429);
		expect(h.headers.get('retry-after')).toBe('2');
		emu.faults.add(faultPresets.drop('proactiveStatus', 'before'));
		await expect(statusOf('x')).rejects.toThrow();
		expect(emu.requestsTo('handoffs')[0].fault).toBe('status:429');
	});
});

describe('Proactive: the handoff list (Outbound Configuration)', () => {
	const get = (query?: string, channel?: string, headers: Record<string, string> = bearer()) =>
		call('GET', paths.handoffs(query, channel), undefined, headers);

	it('wants the Proactive Bearer token and v=1', async () => {
		expect((await get('v=1', undefined, {})).status).toBe(401);
		expect((await get('v=1', undefined, { Authorization: emu.proactive.mintToken() })).status).toBe(
			401,
		);
		expect((await get('v=1', undefined, bearer(emu.mintAppJwt()))).status).toBe(401);
		const noV = await get('');
		expect(noV.status).toBe(400);
		expect(noV.json.message).toMatch(/v=1/);
		const otherApp = await call(
			'GET',
			`/api/account/${emu.accountId}/app/other/handoffs/list?v=1`,
			undefined,
			bearer(),
		);
		expect(otherApp.status).toBe(404);
	});

	it('lists profiles with id, name and channels (no emulator-only aliases), paged by limit and offset', async () => {
		const all = await get();
		expect(all.status).toBe(200);
		expect(Array.isArray(all.json)).toBe(true);
		expect(all.json).toHaveLength(11);
		for (const p of all.json) {
			expect(p).toEqual(
				expect.objectContaining({
					id: expect.any(String),
					name: expect.any(String),
					channels: expect.any(Array),
				}),
			);
			expect(p.aliases).toBeUndefined();
		}
		const pages: string[][] = [];
		for (let offset = 0; ; offset += 4) {
			const page = await get(`v=1&limit=4&offset=${offset}`);
			pages.push(page.json.map((p: { id: string }) => p.id));
			if (page.json.length < 4) break;
		}
		expect(pages.map((p) => p.length)).toEqual([4, 4, 3]);
		expect(pages.flat()).toEqual(all.json.map((p: { id: string }) => p.id));
		expect((await get('v=1&limit=-1')).status).toBe(400);
		expect((await get('v=1&limit=abc')).status).toBe(400);
		await control('POST', '/settings', { maxHandoffLimit: 3 });
		expect((await get('v=1&limit=50')).json).toHaveLength(3);
	});

	it('answers by channel with bare channel objects: an array, or one object for a single match', async () => {
		const smsList = await get('v=1', 'sms-twilio');
		expect(Array.isArray(smsList.json)).toBe(true);
		expect(smsList.json).toHaveLength(3);
		expect(smsList.json.every((c: any) => c.type === 'sms-twilio' && c.id === undefined)).toBe(
			true,
		);
		const rcs = await get('v=1', 'googlercs');
		expect(Array.isArray(rcs.json)).toBe(false);
		expect(rcs.json).toMatchObject({ type: 'googlercs', serviceAccountName: expect.any(String) });
		expect((await get('v=1', 'apple-twilio')).json.type).toBe('apple-twilio');
		expect((await get('v=1', 'carrier-pigeon')).status).toBe(400);
		const inapp = await get('v=1', 'inapp');
		expect(inapp.json).toHaveLength(2);
		// appNames in one, appName in the other; Variables spelled with a capital once.
		expect(inapp.json[0].appNames).toEqual(['com.example.shop']);
		expect(inapp.json[1].appName).toBe('com.example.shop');
		expect(inapp.json[0].messageComponents[1].Variables).toEqual(['4']);
	});

	it('serves templates in every documented inconsistency', async () => {
		const byId = new Map<string, any>((await get()).json.map((p: any) => [p.id, p]));
		const body = (id: string, i = 0) =>
			byId.get(id).channels[i].messageComponents.find((c: any) => c.type === 'body');
		expect(body(SMS).content).toContain('${{1}}');
		expect(body(WA_RICH).content).toContain('{{1}}');
		expect(body(WA_RICH).content).not.toContain('${{');
		expect(body(SMS_NO_PLACEHOLDER)).toMatchObject({ variables: ['1'] });
		expect(body(SMS_NO_PLACEHOLDER).content).not.toMatch(/\{\{/);
		const rich = byId.get(WA_RICH).channels[0].messageComponents;
		expect(rich.find((c: any) => c.type === 'header')).toMatchObject({
			sub_type: 'image',
			variables: ['1'],
		});
		expect(rich.find((c: any) => c.sub_type === 'url')).toMatchObject({ variables: ['1'] });
		expect(byId.get(SMS_WA).channels.map((c: any) => c.type)).toEqual(['sms-twilio', 'wa']);
	});

	it('switches the answer shape for a client to parse: profiles, bare channels, single objects', async () => {
		await control('POST', '/settings', {
			handoffShapes: { list: 'channels', byChannel: 'profiles' },
		});
		const bare = await get('v=1&limit=2');
		expect(bare.json.map((c: any) => c.type)).toEqual(['sms-twilio', 'sms-twilio']);
		const profiles = await get('v=1', 'googlercs');
		expect(profiles.json).toEqual([expect.objectContaining({ id: RCS })]);
		await control('POST', '/settings', { handoffShapes: { list: 'single' } });
		expect((await get('v=1&limit=1')).json).toMatchObject({ type: 'sms-twilio' });
		expect((await control('POST', '/settings', { handoffShapes: { list: 'xml' } })).status).toBe(
			400,
		);
	});

	it('lets a test add handoffs that the campaign API then takes', async () => {
		const profile = {
			id: '7777777777777',
			name: 'Custom (SMS)',
			channels: [
				{
					type: 'sms-twilio',
					language: 'en',
					messageComponents: [{ type: 'body', content: 'Hi', variables: [] }],
				},
			],
		};
		expect((await control('POST', '/handoffs', { profiles: [profile] })).status).toBe(200);
		expect((await get()).json).toHaveLength(12);
		const r = await createCampaign(campaignBody('7777777777777', [sms(NY, {})]));
		expect(r.json.acceptedConsumers).toHaveLength(1);
		await control('POST', '/handoffs', { profiles: [profile], replace: true });
		expect((await get()).json).toHaveLength(1);
		emu.reset();
		expect((await get()).json).toHaveLength(11);
	});
});

describe('Proactive: the log and the state', () => {
	it('records every request with its endpoint name and shows campaigns in /_emulator/state', async () => {
		const created = await createCampaign(campaignBody(SMS, [sms(NY)]));
		await statusOf(created.json.proactiveCampaignId);
		await call('GET', paths.handoffs(), undefined, bearer());
		expect(emu.requests.map((r) => r.endpoint)).toEqual([
			'proactiveCampaign',
			'proactiveStatus',
			'handoffs',
		]);
		const log = await call('GET', '/_emulator/requests?endpoint=proactiveCampaign');
		expect(log.json).toHaveLength(1);
		expect(log.json[0].headers.authorization).toMatch(/^Bearer…|^Bearer/);
		const state = await call('GET', '/_emulator/state');
		expect(state.json.proactive.clientId).toBe(emu.proactive.clientId);
		expect(state.json.proactive.campaigns).toHaveLength(1);
		expect(state.json.proactive.campaigns[0]).toMatchObject({
			proactiveCampaignId: created.json.proactiveCampaignId,
			recipients: [expect.objectContaining({ phoneNumber: `+${NY}`, status: 'NOT_SENT' })],
		});
		const overview = await control('GET', '');
		expect(overview.json.settings.rateLimit.enabled).toBe(false);
		expect((await control('GET', '/nothing')).status).toBe(404);
		expect((await control('DELETE', '/clock')).status).toBe(405);
	});

	it('reset() forgets campaigns and settings and puts the clock back', async () => {
		await createCampaign(campaignBody(SMS, [sms(NY)]));
		emu.proactive.configure({ dailyLimit: 1 });
		emu.proactive.advanceClock(3600_000);
		emu.reset();
		expect(emu.proactive.campaigns()).toHaveLength(0);
		expect(emu.proactive.settings().dailyLimit).toBe(100_000);
		expect(emu.proactive.now()).toBe(START);
	});
});
