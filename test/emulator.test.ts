import * as crypto from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';

import { decodeJwtPayload, faultPresets, startEmulator, webhookSignature } from '../emulator/src';
import { FaultController, faultSpecFromJson } from '../emulator/src/faults';
import type { Emulator, WebhookDelivery } from '../emulator/src';

// ---------------------------------------------------------------------------------------------
// Helpers

interface Reply {
	status: number;
	headers: Headers;
	text: string;
	json: any;
}

async function call(
	emu: Emulator,
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

const paths = (emu: Emulator) => ({
	csds: (service?: string) =>
		`/api/account/${emu.accountId}/service/${service ? service + '/' : ''}baseURI.json?version=1.0`,
	sentinel: `/sentinel/api/account/${emu.accountId}/app/token?v=1.0&grant_type=client_credentials`,
	idp: `/api/account/${emu.accountId}/consumer?v=1.0`,
	conversation: `/api/account/${emu.accountId}/messaging/consumer/conversation?v=3`,
	send: `/api/account/${emu.accountId}/messaging/consumer/conversation/send?v=3`,
});

function auth(emu: Emulator, ext = 'crm-contact-4711'): Record<string, string> {
	return { Authorization: emu.mintAppJwt(), 'X-LP-ON-BEHALF': emu.mintConsumerJws(ext) };
}

function batch(
	emu: Emulator,
	opts: { profile?: object; request?: object; message?: string } = {},
): object[] {
	const items: object[] = [
		{ kind: 'req', id: 'p-1', type: 'userprofile.SetUserProfile', body: opts.profile ?? {} },
		{
			kind: 'req',
			id: 'c-2',
			type: 'cm.ConsumerRequestConversation',
			body: { brandId: emu.accountId, channelType: 'MESSAGING', ...opts.request },
		},
	];
	if (opts.message !== undefined) {
		items.push({
			kind: 'req',
			id: 'm-3',
			type: 'ms.PublishEvent',
			body: { event: { type: 'ContentEvent', contentType: 'text/plain', message: opts.message } },
		});
	}
	return items;
}

async function create(
	emu: Emulator,
	ext = 'crm-contact-4711',
	opts: Parameters<typeof batch>[1] = {},
): Promise<Reply> {
	return call(emu, 'POST', paths(emu).conversation, batch(emu, opts), auth(emu, ext));
}

async function openConversation(emu: Emulator, ext = 'crm-contact-4711'): Promise<string> {
	const r = await create(emu, ext);
	expect(r.status).toBe(200);
	return r.json[1].body.conversationId as string;
}

const text = (dialogId: string, message: string, id = 's-1') => ({
	kind: 'req',
	id,
	type: 'ms.PublishEvent',
	body: { dialogId, event: { type: 'ContentEvent', contentType: 'text/plain', message } },
});

const closeReq = (conversationId: string, id = 'x-1') => ({
	kind: 'req',
	id,
	type: 'cm.UpdateConversationField',
	body: {
		conversationId,
		conversationField: { field: 'ConversationStateField', conversationState: 'CLOSE' },
	},
});

// The request bodies of the three documentation pages in /work/shared/seeds, verbatim.
const SEED_SDES_COMPANY_BRANCH = `[
   {
      "kind":"req",
      "id":"2,",
      "type":"userprofile.SetUserProfile",
      "body":{
         "authenticatedData":{
            "lp_sdes":[
               {
                  "type":"ctmrinfo",
                  "info":{
                     "socialId":"1234567890",
                     "companyBranch":"ACME"
                  }
               },
               {
                  "type":"personal",
                  "personal":{
                     "firstname":"John",
                     "lastname":"Doe",
                     "gender":"MALE"
                  }
               }
            ]
         }
      }
   },
   {
      "kind":"req",
      "id":"1,",
      "type":"cm.ConsumerRequestConversation",
      "body":{
         "ttrDefName":"CUSTOM",
         "channelType":"MESSAGING",
         "brandId":"{accountid}"
      }
   }
]`;

const SEED_SDES_CTYPE = `[
   {
      "kind":"req",
      "id":"2,",
      "type":"userprofile.SetUserProfile",
      "body":{
         "authenticatedData":{
            "lp_sdes":[
               {
                  "type":"ctmrinfo",
                  "info":{
                     "socialId":"1234567890",
                     "ctype":"vip"
                  }
               },
               {
                  "type":"personal",
                  "personal":{
                     "firstname":"John",
                     "lastname":"Doe",
                     "gender":"MALE"
                  }
               }
            ]
         }
      }
   },
   {
      "kind":"req",
      "id":"1,",
      "type":"cm.ConsumerRequestConversation",
      "body":{
         "ttrDefName":"NORMAL",
         "channelType":"MESSAGING",
         "brandId":"{accountid}"
      }
   }
]`;

const SEED_CAMPAIGN = `[
  {
   "kind": "req",
   "id": "1,",
   "type": "userprofile.SetUserProfile",
   "body": {
     "authenticatedData": {
       "lp_sdes": [{
           "type": "ctmrinfo",
           "info": {
             "socialId": "1234567890",
             "ctype": "vip"
           }
         },
         {
           "type": "personal",
           "personal": {
             "firstname": "John",
             "lastname": "Doe",
             "gender": "MALE"
           }
         }
       ]
     }
   }
 },
   {
      "kind":"req",
      "id":"1,",
      "type":"cm.ConsumerRequestConversation",
      "body":{
         "ttrDefName":"CUSTOM",
         "campaignInfo":{
            "campaignId":"2739101812",
            "engagementId":"2739121912"
         },
         "channelType":"MESSAGING",
         "brandId":"{accountid}"
      }
   }
]`;

const SEED_CREATE_REFERENCE = `[
  {
    "kind": "req",
    "id": "2,",
    "type": "userprofile.SetUserProfile",
    "body": {
      "firstName": "WEB UI USER",
      "lastName": "Test",
      "avatarUrl": "http://avatarurl.com",
      "role": "X",
      "backgndImgUri": "http://something.com",
      "description": "Test Description",
      "privateData": {
        "mobileNum": "1750345346",
        "mail": "test@gmail.com",
        "pushNotificationData": {
          "serviceName": "Service",
          "certName": "CertName",
          "token": "TOKEN"
        }
      }
    }
  },
  {
    "kind": "req",
    "id": "1,",
    "type": "cm.ConsumerRequestConversation",
    "body": {
      "ttrDefName": "CUSTOM",
      "campaignInfo": {
        "campaignId": "99999",
        "engagementId": "888888"
      }, "conversationContext": {
    "visitorId": "A3ZTY3Zjk1MDExZTczYTU4",
    "sessionId": "ys2wSqaSRSOJGki7VhEDKQ",
    "interactionContextId": "2",
    "type": "SharkContext",
    "lang": "en-US"
     },
      "channelType": "MESSAGING",
      "brandId": "{accountid}",
      "skillId": "-1"
    }
  },
  {
    "kind": "req",
    "id": "3",
    "type": "ms.PublishEvent",
    "body": {
      "event": {
        "type": "ContentEvent",
        "contentType": "text/plain",
        "message": "Hi from Example Happy Flow - Create & Send"
      }
    }
  }
]`;

const withAccount = (emu: Emulator, seed: string) => seed.split('{accountid}').join(emu.accountId);

// ---------------------------------------------------------------------------------------------

describe('emulator: CSDS, Sentinel and IDP', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	beforeEach(() => emu.reset());
	afterAll(() => emu.close());

	it('uses the seeded defaults and listens on loopback', () => {
		expect(emu.accountId).toBe('12345678');
		expect(emu.clientId).toBe('emulator-app-install-1');
		expect(emu.clientSecret).toBe('emulator-client-secret-0123456789');
		expect(emu.host).toBe(`127.0.0.1:${emu.port}`);
		expect(emu.baseUrl).toBe(`http://127.0.0.1:${emu.port}`);
	});

	it('answers every service name with its bare host, one by one and as a list', async () => {
		// Other services (REST API, storage, …) join the list; these three are what the node needs.
		// agentVep (the Proactive zone) answers a LivePerson name: see emulator.proactive.test.ts.
		const names = Object.keys(emu.services()).filter((service) => service !== 'agentVep');
		expect(names).toEqual(expect.arrayContaining(['sentinel', 'idp', 'asyncMessagingEnt']));
		for (const service of names) {
			const r = await call(emu, 'GET', paths(emu).csds(service));
			expect(r.status).toBe(200);
			expect(r.json).toEqual({ service, account: emu.accountId, baseURI: emu.host });
		}
		const all = await call(emu, 'GET', paths(emu).csds());
		const own = all.json.baseURIs.filter((s: { service: string }) => s.service !== 'agentVep');
		expect(own).toEqual(
			names.map((service) => ({
				service,
				account: emu.accountId,
				baseURI: emu.host,
			})),
		);
	});

	it('treats service names case sensitively and refuses unknown services and accounts with JSON 404s', async () => {
		expect((await call(emu, 'GET', paths(emu).csds('asyncmessagingent'))).status).toBe(404);
		expect((await call(emu, 'GET', paths(emu).csds('noSuchService'))).status).toBe(404);
		const wrongAccount = await call(
			emu,
			'GET',
			'/api/account/999/service/idp/baseURI.json?version=1.0',
		);
		expect(wrongAccount.status).toBe(404);
		expect(wrongAccount.json.message).toMatch(/999/);
	});

	it('lets a test override or remove CSDS entries', async () => {
		emu.setServices({ idp: 'idp.example.invalid:1', sentinel: null });
		expect((await call(emu, 'GET', paths(emu).csds('idp'))).json.baseURI).toBe(
			'idp.example.invalid:1',
		);
		expect((await call(emu, 'GET', paths(emu).csds('sentinel'))).status).toBe(404);
		const listed = (await call(emu, 'GET', paths(emu).csds())).json.baseURIs.map(
			(s: { service: string }) => s.service,
		);
		expect(listed).toEqual(Object.keys(emu.services()));
		expect(listed).toEqual(expect.arrayContaining(['idp', 'asyncMessagingEnt', 'agentVep']));
		expect(listed).not.toContain('sentinel');
		emu.reset();
		expect((await call(emu, 'GET', paths(emu).csds('sentinel'))).json.baseURI).toBe(emu.host);
	});

	it('mints an RS256 AppJWT for the right form-encoded credentials', async () => {
		const r = await call(
			emu,
			'POST',
			paths(emu).sentinel,
			`client_id=${emu.clientId}&client_secret=${emu.clientSecret}`,
			{
				'Content-Type': 'application/x-www-form-urlencoded',
			},
		);
		expect(r.status).toBe(200);
		expect(r.json.token_type).toBe('Bearer');
		expect(r.json).not.toHaveProperty('expires_in');
		const [header] = (r.json.access_token as string).split('.');
		expect(JSON.parse(Buffer.from(header, 'base64url').toString()).alg).toBe('RS256');
		const claims = decodeJwtPayload(r.json.access_token) as Record<string, number | string>;
		expect(claims).toMatchObject({
			aud: emu.accountId,
			azp: emu.clientId,
			scope: 'msg.consumer',
			iss: 'Sentinel',
		});
		expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
		expect(emu.requestsTo('sentinel')[0].processed).toBe(true);
	});

	it('also accepts credentials in the query string, and keeps them visible in the log', async () => {
		const r = await call(
			emu,
			'POST',
			`${paths(emu).sentinel}&client_id=${emu.clientId}&client_secret=${emu.clientSecret}`,
			undefined,
		);
		expect(r.status).toBe(200);
		expect(emu.requestsTo('sentinel')[0].query.client_secret).toBe(emu.clientSecret);
	});

	it('refuses wrong credentials with 401 and a missing grant_type with 400', async () => {
		const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
		const wrong = await call(
			emu,
			'POST',
			paths(emu).sentinel,
			`client_id=${emu.clientId}&client_secret=nope`,
			form,
		);
		expect(wrong.status).toBe(401);
		expect(wrong.json.error).toBe('invalid_client');
		const noGrant = await call(
			emu,
			'POST',
			`/sentinel/api/account/${emu.accountId}/app/token?v=1.0`,
			`client_id=${emu.clientId}&client_secret=${emu.clientSecret}`,
			form,
		);
		expect(noGrant.status).toBe(400);
		expect(noGrant.json.error).toBe('invalid_request');
		expect(emu.requestsTo('sentinel').every((r) => !r.processed)).toBe(true);
	});

	it('mints a ConsumerJWS per ext_consumer_id with a deterministic lp_consumer_id', async () => {
		const app = emu.mintAppJwt();
		const a = await call(
			emu,
			'POST',
			paths(emu).idp,
			{ ext_consumer_id: 'crm-1' },
			{ Authorization: app },
		);
		const b = await call(
			emu,
			'POST',
			paths(emu).idp,
			{ ext_consumer_id: 'crm-1' },
			{ Authorization: `Bearer ${app}` },
		);
		const c = await call(
			emu,
			'POST',
			paths(emu).idp,
			{ ext_consumer_id: 'crm-2' },
			{ Authorization: app },
		);
		expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
		const claims = decodeJwtPayload(a.json.token) as Record<string, unknown>;
		expect(claims).toEqual({
			account_id: emu.accountId,
			ext_consumer_id: 'crm-1',
			lp_consumer_id: emu.lpConsumerIdFor('crm-1'),
		});
		expect(claims).not.toHaveProperty('exp');
		expect(decodeJwtPayload(b.json.token)?.lp_consumer_id).toBe(claims.lp_consumer_id);
		expect(decodeJwtPayload(c.json.token)?.lp_consumer_id).not.toBe(claims.lp_consumer_id);
		expect(emu.lpConsumerIdFor('crm-1')).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
		);
		expect(a.json.token).toBe(emu.mintConsumerJws('crm-1'));
		expect(emu.state.consumers()).toEqual([
			{ extConsumerId: 'crm-1', lpConsumerId: emu.lpConsumerIdFor('crm-1') },
			{ extConsumerId: 'crm-2', lpConsumerId: emu.lpConsumerIdFor('crm-2') },
		]);
	});

	it('refuses the IDP call without a good AppJWT (section-5 shape) or without ext_consumer_id', async () => {
		const missing = await call(emu, 'POST', paths(emu).idp, { ext_consumer_id: 'x' });
		expect(missing.status).toBe(401);
		expect(missing.json).toEqual({
			kind: 'resp',
			code: 401,
			body: {
				title: 'AppJWT is missing',
				details: 'AUTHORIZATION header is not present',
				errorCode: 40105,
			},
			type: '.ReqBody$ErrorResp',
		});
		const invalid = await call(
			emu,
			'POST',
			paths(emu).idp,
			{ ext_consumer_id: 'x' },
			{ Authorization: 'not-a-token' },
		);
		expect(invalid.json.body.errorCode).toBe(40102);
		const noId = await call(emu, 'POST', paths(emu).idp, {}, { Authorization: emu.mintAppJwt() });
		expect(noId.status).toBe(400);
		expect(noId.json.body.details).toMatch(/ext_consumer_id/);
	});

	it('rejects expired AppJWTs: by exp, and every token minted before expireAppJwts()', async () => {
		const short = emu.mintAppJwt({ ttlSeconds: 0 });
		expect(
			(await call(emu, 'POST', paths(emu).idp, { ext_consumer_id: 'x' }, { Authorization: short }))
				.json.body.errorCode,
		).toBe(40102);
		const before = emu.mintAppJwt();
		expect(
			(await call(emu, 'POST', paths(emu).idp, { ext_consumer_id: 'x' }, { Authorization: before }))
				.status,
		).toBe(201);
		emu.expireAppJwts();
		expect(
			(await call(emu, 'POST', paths(emu).idp, { ext_consumer_id: 'x' }, { Authorization: before }))
				.json.body.errorCode,
		).toBe(40102);
		const after = emu.mintAppJwt();
		expect(
			(await call(emu, 'POST', paths(emu).idp, { ext_consumer_id: 'x' }, { Authorization: after }))
				.status,
		).toBe(201);
	});

	it('rejects a token signed by another key, a ConsumerJWS posing as AppJWT, and another account', async () => {
		const other = await startEmulator();
		try {
			const foreign = other.mintAppJwt();
			expect(
				(
					await call(
						emu,
						'POST',
						paths(emu).idp,
						{ ext_consumer_id: 'x' },
						{ Authorization: foreign },
					)
				).json.body.errorCode,
			).toBe(40102);
		} finally {
			await other.close();
		}
		const jwsAsApp = emu.mintConsumerJws('x');
		expect(
			(
				await call(
					emu,
					'POST',
					paths(emu).idp,
					{ ext_consumer_id: 'x' },
					{ Authorization: jwsAsApp },
				)
			).json.body.errorCode,
		).toBe(40102);
		const wrongAccount = await call(
			emu,
			'POST',
			'/api/account/87654321/consumer?v=1.0',
			{ ext_consumer_id: 'x' },
			{ Authorization: emu.mintAppJwt() },
		);
		expect(wrongAccount.status).toBe(404);
	});

	it('answers unknown paths with JSON 404, wrong methods with 405, and records both', async () => {
		const unknown = await call(emu, 'GET', '/nope?x=1');
		expect(unknown.status).toBe(404);
		expect(unknown.json.code).toBe(404);
		const wrongMethod = await call(emu, 'GET', paths(emu).conversation);
		expect(wrongMethod.status).toBe(405);
		expect(wrongMethod.headers.get('allow')).toBe('POST');
		expect(emu.requests.map((r) => [r.endpoint, r.status])).toEqual([
			['unknown', 404],
			['conversation', 405],
		]);
	});
});

describe('emulator: CONVERSATION (create)', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	beforeEach(() => emu.reset());
	afterAll(() => emu.close());

	it.each([
		['SDEs with companyBranch', SEED_SDES_COMPANY_BRANCH],
		['SDEs with ctype/gender', SEED_SDES_CTYPE],
		['campaign routing', SEED_CAMPAIGN],
		['CREATE reference', SEED_CREATE_REFERENCE],
	])('accepts the seed page body "%s" verbatim and echoes each reqId', async (_name, seed) => {
		const body = withAccount(emu, seed);
		const r = await call(emu, 'POST', paths(emu).conversation, body, auth(emu));
		expect(r.status).toBe(200);
		const sent = JSON.parse(body) as { id: string }[];
		expect(r.json.map((a: { reqId: string }) => a.reqId)).toEqual(sent.map((s) => s.id));
		expect(r.json[0]).toEqual({
			code: 'OK',
			body: { msg: 'OK User Profile set successfully' },
			reqId: sent[0].id,
		});
		expect(r.json[1].code).toBe('OK');
		expect(r.json[1].body.conversationId).toMatch(/^[0-9a-f-]{36}$/);
		const conv = emu.state.conversation(r.json[1].body.conversationId);
		expect(conv?.state).toBe('OPEN');
		expect(conv?.dialogId).toBe(conv?.conversationId);
		expect(emu.requests[0].processed).toBe(true);
	});

	it('stores routing, profile, SDEs and the first message of the CREATE reference page', async () => {
		const r = await call(
			emu,
			'POST',
			paths(emu).conversation,
			withAccount(emu, SEED_CREATE_REFERENCE),
			{
				...auth(emu, 'crm-ref'),
				'Client-Properties': '{"type":".ClientProperties","features":["AUTO_MESSAGES"]}',
			},
		);
		expect(r.json[2]).toEqual({ code: 'OK', body: { sequence: 0 }, reqId: '3' });
		const conv = emu.state.openConversationFor(emu.lpConsumerIdFor('crm-ref'));
		expect(conv).toBeDefined();
		expect(conv?.extConsumerId).toBe('crm-ref');
		expect(conv?.routing).toEqual({
			brandId: emu.accountId,
			channelType: 'MESSAGING',
			ttrDefName: 'CUSTOM',
			skillId: '-1',
			campaignInfo: { campaignId: '99999', engagementId: '888888' },
			conversationContext: {
				visitorId: 'A3ZTY3Zjk1MDExZTczYTU4',
				sessionId: 'ys2wSqaSRSOJGki7VhEDKQ',
				interactionContextId: '2',
				type: 'SharkContext',
				lang: 'en-US',
			},
		});
		expect(conv?.profile.firstName).toBe('WEB UI USER');
		expect(conv?.messages).toEqual([
			expect.objectContaining({
				sequence: 0,
				from: 'consumer',
				event: {
					type: 'ContentEvent',
					contentType: 'text/plain',
					message: 'Hi from Example Happy Flow - Create & Send',
				},
			}),
		]);
		expect(conv?.clientProperties).toBe(
			'{"type":".ClientProperties","features":["AUTO_MESSAGES"]}',
		);
		expect(emu.requests[0].headers['client-properties']).toBe(
			'{"type":".ClientProperties","features":["AUTO_MESSAGES"]}',
		);
	});

	it('stores the SDEs of the seed pages', async () => {
		await call(
			emu,
			'POST',
			paths(emu).conversation,
			withAccount(emu, SEED_SDES_COMPANY_BRANCH),
			auth(emu),
		);
		const conv = emu.state.conversations()[0];
		expect(conv.sdes).toEqual({
			ctmrinfo: { socialId: '1234567890', companyBranch: 'ACME' },
			personal: { firstname: 'John', lastname: 'Doe', gender: 'MALE' },
		});
		expect(conv.routing.ttrDefName).toBe('CUSTOM');
	});

	it('accepts every field of both SDE tables', async () => {
		const profile = {
			authenticatedData: {
				lp_sdes: [
					{
						type: 'ctmrinfo',
						info: {
							cstatus: 'active',
							ctype: 'vip',
							customerId: 'c-1',
							socialId: 's',
							imei: 'i',
							userName: 'u',
							accountName: 'a',
							role: 'r',
							currency: 'EUR',
							companyBranch: 'b',
							storeZipCode: '1000',
							storeNumber: '7',
							balance: -12.5,
							companySize: 250,
							loginStatus: 1,
							lastPaymentDate: { day: 15, month: 10, year: 2024 },
							registrationDate: { day: 1, month: 2, year: 2020 },
						},
					},
					{
						type: 'personal',
						personal: {
							firstname: 'Ada',
							lastname: 'Lovelace',
							language: 'en-GB',
							company: 'AE',
							gender: 'FEMALE',
							age: { age: 36, year: 1815, month: 12, day: 10 },
							contacts: [
								{
									email: 'a@x.test',
									phone: '+44',
									phoneType: 'MOBILE',
									address: { country: 'UK', region: 'London' },
								},
							],
						},
					},
				],
			},
		};
		const r = await create(emu, 'full', { profile });
		expect(r.status).toBe(200);
		expect(emu.state.conversations()[0].sdes.personal?.contacts).toHaveLength(1);
	});

	describe('401s, in the documented order', () => {
		it('40105 when the AppJWT is missing (even if the ConsumerJWS is missing too)', async () => {
			const r = await call(emu, 'POST', paths(emu).conversation, batch(emu));
			expect(r.status).toBe(401);
			expect(r.json).toEqual({
				kind: 'resp',
				code: 401,
				body: {
					title: 'AppJWT is missing',
					details: 'AUTHORIZATION header is not present',
					errorCode: 40105,
				},
				type: '.ReqBody$ErrorResp',
			});
		});

		it('40102 for an invalid AppJWT before looking at the ConsumerJWS', async () => {
			const r = await call(emu, 'POST', paths(emu).conversation, batch(emu), {
				Authorization: 'abc.def.ghi',
			});
			expect(r.json.body).toEqual({
				title: 'Invalid AppJWT',
				details: 'AppJWT has expired or is invalid',
				errorCode: 40102,
			});
		});

		it('40104 when the ConsumerJWS is missing, 40103 when invalid', async () => {
			const app = emu.mintAppJwt();
			const missing = await call(emu, 'POST', paths(emu).conversation, batch(emu), {
				Authorization: app,
			});
			expect(missing.json.body).toEqual({
				title: 'ConsumerJWS is missing',
				details: 'X_ON_BEHALF_HEADER is not present',
				errorCode: 40104,
			});
			const invalid = await call(emu, 'POST', paths(emu).conversation, batch(emu), {
				Authorization: app,
				'X-LP-ON-BEHALF': app,
			});
			expect(invalid.json.body.errorCode).toBe(40103);
		});

		it('checks the tokens before the size and the body', async () => {
			const r = await call(emu, 'POST', paths(emu).conversation, 'x'.repeat(6000));
			expect(r.json.body.errorCode).toBe(40105);
			expect(emu.state.conversations()).toHaveLength(0);
		});
	});

	it('accepts a body of exactly 5000 characters and refuses 5001 with 400', async () => {
		const json = JSON.stringify(batch(emu));
		const exact = json.slice(0, -1) + ' '.repeat(5000 - json.length) + ']';
		expect(exact).toHaveLength(5000);
		expect((await call(emu, 'POST', paths(emu).conversation, exact, auth(emu, 'a'))).status).toBe(
			200,
		);
		const over = json.slice(0, -1) + ' '.repeat(5001 - json.length) + ']';
		const r = await call(emu, 'POST', paths(emu).conversation, over, auth(emu, 'b'));
		expect(r.status).toBe(400);
		expect(r.json[0].code).toBe('BAD_REQUEST');
		expect(r.json[0].body.msg).toMatch(/5000/);
		expect(emu.state.conversations()).toHaveLength(1);
	});

	it('refuses invalid JSON and non-batch bodies with 400', async () => {
		const bad1 = await call(emu, 'POST', paths(emu).conversation, '[{"kind":', auth(emu));
		expect(bad1.status).toBe(400);
		expect(bad1.json[0].body.msg).toMatch(/JSON/);
		const bad2 = await call(emu, 'POST', paths(emu).conversation, batch(emu)[0], auth(emu));
		expect(bad2.status).toBe(400);
		const bad3 = await call(emu, 'POST', paths(emu).conversation, [], auth(emu));
		expect(bad3.status).toBe(400);
		expect(emu.requests.every((r) => !r.processed)).toBe(true);
	});

	it.each([
		['reversed order', (b: object[]) => [b[1], b[0]], /out of place/],
		['a single request', (b: object[]) => [b[0]], /2 or 3 requests/],
		['four requests', (b: object[]) => [...b, b[1], b[1]], /2 or 3 requests/],
		['a numeric id', (b: object[]) => [{ ...b[0], id: 1 }, b[1]], /id must be a non-empty string/],
		['kind resp', (b: object[]) => [b[0], { ...b[1], kind: 'resp' }], /kind must be "req"/],
		[
			'an unknown request type',
			(b: object[]) => [b[0], { ...b[1], type: 'cm.SomethingElse' }],
			/cm\.SomethingElse/,
		],
		['the message before the request', (b: object[]) => [b[0], b[2], b[1]], /out of place/],
	])(
		'refuses a batch with %s, naming the problem, and creates nothing',
		async (_n, mutate, pattern) => {
			const r = await call(
				emu,
				'POST',
				paths(emu).conversation,
				mutate(batch(emu, { message: 'hi' })),
				auth(emu),
			);
			expect(r.status).toBe(400);
			expect(Array.isArray(r.json)).toBe(true);
			const failing = (r.json as { code: string; body: { msg: string } }[]).filter((a) =>
				pattern.test(a.body.msg),
			);
			expect(failing.length).toBeGreaterThan(0);
			expect(failing.every((a) => a.code === 'BAD_REQUEST')).toBe(true);
			expect(r.json.some((a: { code: string }) => a.code === 'OK')).toBe(false);
			expect(emu.state.conversations()).toHaveLength(0);
			expect(emu.requests[0].processed).toBe(false);
		},
	);

	it('allows one open conversation per consumer, with the documented answer', async () => {
		const first = await create(emu, 'one');
		expect(first.status).toBe(200);
		const second = await create(emu, 'one', { message: 'again' });
		expect(second.status).toBe(400);
		expect(second.json[0]).toEqual({
			code: 'OK',
			body: { msg: 'OK User Profile set successfully' },
			reqId: 'p-1',
		});
		expect(second.json[1]).toEqual({
			code: 'BAD_REQUEST',
			body: {
				msg: `Consumer request conversation failed: User ${emu.lpConsumerIdFor('one')} already has open conversation. Can't open another one.`,
			},
			reqId: 'c-2',
		});
		expect(second.json[2]).toMatchObject({ code: 'BAD_REQUEST', reqId: 'm-3' });
		expect(emu.state.conversations()).toHaveLength(1);
		expect(emu.state.conversations()[0].messages).toHaveLength(0);
		// another consumer is independent
		expect((await create(emu, 'two')).status).toBe(200);
		expect(emu.state.conversations()).toHaveLength(2);
	});

	it('opens a new conversation once the previous one is closed', async () => {
		const id = await openConversation(emu, 'again');
		expect(
			(await call(emu, 'POST', paths(emu).send, closeReq(id), auth(emu, 'again'))).status,
		).toBe(200);
		const next = await openConversation(emu, 'again');
		expect(next).not.toBe(id);
		expect(emu.state.openConversationFor(emu.lpConsumerIdFor('again'))?.conversationId).toBe(next);
	});

	const sde = (s: object) => ({ authenticatedData: { lp_sdes: [s] } });
	it.each([
		[
			'balance as a string',
			{ profile: sde({ type: 'ctmrinfo', info: { balance: '12' } }) },
			/balance must be a number/,
			0,
		],
		[
			'companySize not an integer',
			{ profile: sde({ type: 'ctmrinfo', info: { companySize: 1.5 } }) },
			/companySize must be an integer/,
			0,
		],
		[
			'loginStatus as a string',
			{ profile: sde({ type: 'ctmrinfo', info: { loginStatus: '1' } }) },
			/loginStatus/,
			0,
		],
		[
			'a date with a string day',
			{
				profile: sde({
					type: 'ctmrinfo',
					info: { lastPaymentDate: { day: '1', month: 1, year: 2020 } },
				}),
			},
			/lastPaymentDate\.day/,
			0,
		],
		[
			'a date as a string',
			{ profile: sde({ type: 'ctmrinfo', info: { registrationDate: '2020-01-01' } }) },
			/registrationDate must be an object/,
			0,
		],
		[
			'an unknown ctmrinfo field',
			{ profile: sde({ type: 'ctmrinfo', info: { vip: true } }) },
			/info\.vip is not a known field/,
			0,
		],
		[
			'a lower-case gender',
			{ profile: sde({ type: 'personal', personal: { gender: 'male' } }) },
			/gender has unknown value "male"/,
			0,
		],
		[
			'an unknown phoneType',
			{ profile: sde({ type: 'personal', personal: { contacts: [{ phoneType: 'CELL' }] } }) },
			/phoneType has unknown value "CELL"/,
			0,
		],
		[
			'age as a number',
			{ profile: sde({ type: 'personal', personal: { age: 30 } }) },
			/age must be an object/,
			0,
		],
		[
			'contacts as an object',
			{ profile: sde({ type: 'personal', personal: { contacts: { email: 'x' } } }) },
			/contacts must be an array/,
			0,
		],
		[
			'an unknown personal field',
			{ profile: sde({ type: 'personal', personal: { nickname: 'J' } }) },
			/nickname is not a known field/,
			0,
		],
		[
			'an unsupported SDE type',
			{ profile: sde({ type: 'purchase', total: 1 }) },
			/"purchase" is not an accepted SDE type/,
			0,
		],
		[
			'a null SDE value',
			{ profile: sde({ type: 'ctmrinfo', info: { ctype: null } }) },
			/ctype must be a string, got null/,
			0,
		],
		['a numeric profile name', { profile: { firstName: 42 } }, /firstName must be a string/, 0],
		[
			'an unknown ttrDefName',
			{ request: { ttrDefName: 'FAST' } },
			/ttrDefName has unknown value "FAST"/,
			1,
		],
		[
			'another channelType',
			{ request: { channelType: 'SMS' } },
			/channelType has unknown value "SMS"/,
			1,
		],
		['another brandId', { request: { brandId: '999' } }, /brandId "999" does not match account/, 1],
		['a numeric skillId', { request: { skillId: 5 } }, /skillId must be a numeric string/, 1],
		[
			'a campaign without engagementId',
			{ request: { campaignInfo: { campaignId: '1' } } },
			/engagementId is missing/,
			1,
		],
		[
			'an unknown conversationContext type',
			{ request: { conversationContext: { type: 'Other' } } },
			/conversationContext\.type/,
			1,
		],
	])(
		'refuses %s with a BAD_REQUEST item naming it and creates nothing',
		async (_n, opts, pattern, index) => {
			const r = await create(emu, 'bad', opts);
			expect(r.status).toBe(400);
			expect(r.json[index].code).toBe('BAD_REQUEST');
			expect(r.json[index].body.msg).toMatch(pattern);
			expect(r.json[index].reqId).toBe(index === 0 ? 'p-1' : 'c-2');
			expect(r.json.every((a: { code: string }) => a.code === 'BAD_REQUEST')).toBe(true);
			expect(emu.state.conversations()).toHaveLength(0);
		},
	);

	it('refuses a missing brandId and a non-content first message', async () => {
		const items = batch(emu) as { body: Record<string, unknown> }[];
		delete items[1].body.brandId;
		const r = await call(emu, 'POST', paths(emu).conversation, items, auth(emu));
		expect(r.status).toBe(400);
		expect(r.json[1].body.msg).toMatch(/brandId is missing/);
		const chat = [
			...batch(emu),
			{
				kind: 'req',
				id: '3',
				type: 'ms.PublishEvent',
				body: { event: { type: 'ChatStateEvent', chatState: 'COMPOSING' } },
			},
		];
		const r2 = await call(emu, 'POST', paths(emu).conversation, chat, auth(emu));
		expect(r2.status).toBe(400);
		expect(r2.json[2].body.msg).toMatch(/only ContentEvent/);
	});
});

describe('emulator: SEND', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	beforeEach(() => emu.reset());
	afterAll(() => emu.close());

	const send = (body: unknown, ext = 'crm-contact-4711', extra: Record<string, string> = {}) =>
		call(emu, 'POST', paths(emu).send, body, { ...auth(emu, ext), ...extra });

	it('counts content events from 0 per conversation', async () => {
		const a = await openConversation(emu, 'a');
		expect((await send(text(a, 'one', 'r1'), 'a')).json).toEqual({
			code: 'OK',
			body: { sequence: 0 },
			reqId: 'r1',
		});
		expect((await send(text(a, 'two', 'r2'), 'a')).json).toEqual({
			code: 'OK',
			body: { sequence: 1 },
			reqId: 'r2',
		});
		const b = await create(emu, 'b', { message: 'first' });
		expect(b.json[2].body).toEqual({ sequence: 0 });
		expect((await send(text(b.json[1].body.conversationId, 'second'), 'b')).json.body).toEqual({
			sequence: 1,
		});
		expect(emu.state.conversation(a)?.messages.map((m) => [m.sequence, m.event.message])).toEqual([
			[0, 'one'],
			[1, 'two'],
		]);
	});

	it('publishes chat state and accept status events without a sequence', async () => {
		const id = await openConversation(emu);
		await send(text(id, 'hello'));
		const typing = await send({
			kind: 'req',
			id: 't',
			type: 'ms.PublishEvent',
			body: { dialogId: id, event: { type: 'ChatStateEvent', chatState: 'COMPOSING' } },
		});
		expect(typing.status).toBe(200);
		expect(typing.json.code).toBe('OK');
		const read = await send({
			kind: 'req',
			id: 'r',
			type: 'ms.PublishEvent',
			body: {
				dialogId: id,
				event: { type: 'AcceptStatusEvent', status: 'READ', sequenceList: [0] },
			},
		});
		expect(read.status).toBe(200);
		expect((await send(text(id, 'next'))).json.body).toEqual({ sequence: 1 });
		expect(emu.state.conversation(id)?.events.map((e) => e.event.type)).toEqual([
			'ContentEvent',
			'ChatStateEvent',
			'AcceptStatusEvent',
			'ContentEvent',
		]);
	});

	it.each([
		[
			'an unknown chatState',
			{ type: 'ChatStateEvent', chatState: 'TYPING' },
			/chatState has unknown value "TYPING"/,
		],
		[
			'an unknown accept status',
			{ type: 'AcceptStatusEvent', status: 'SEEN', sequenceList: [0] },
			/status has unknown value "SEEN"/,
		],
		[
			'a bad sequenceList',
			{ type: 'AcceptStatusEvent', status: 'READ', sequenceList: ['0'] },
			/sequenceList\[0\]/,
		],
		[
			'an unknown event type',
			{ type: 'CarouselEvent', content: {} },
			/"CarouselEvent" is not a known event type/,
		],
		[
			'rich content that is not an object',
			{ type: 'RichContentEvent', content: 'card' },
			/content must be an object/,
		],
		[
			'an unknown contentType',
			{ type: 'ContentEvent', contentType: 'text/rtf', message: 'x' },
			/contentType has unknown value/,
		],
		[
			'an empty message',
			{ type: 'ContentEvent', contentType: 'text/plain', message: '' },
			/message must be a non-empty string/,
		],
	])('refuses %s with 400 BAD_REQUEST', async (_n, event, pattern) => {
		const id = await openConversation(emu);
		const r = await send({
			kind: 'req',
			id: 'e',
			type: 'ms.PublishEvent',
			body: { dialogId: id, event },
		});
		expect(r.status).toBe(400);
		expect(r.json).toMatchObject({ code: 'BAD_REQUEST', reqId: 'e' });
		expect(r.json.body.msg).toMatch(pattern);
		expect(emu.state.conversation(id)?.events).toHaveLength(0);
	});

	it('closes a conversation, then answers "Conversation is close"', async () => {
		const id = await openConversation(emu);
		const closed = await send(closeReq(id, 'c1'));
		expect(closed.json).toEqual({
			code: 'OK',
			body: { msg: 'OK Conversation resolved successfully' },
			reqId: 'c1',
		});
		expect(emu.state.conversation(id)?.state).toBe('CLOSE');
		expect(emu.state.conversation(id)?.closedBy).toBe('consumer');
		const after = await send(text(id, 'late', 'late-1'));
		expect(after.status).toBe(400);
		expect(after.json).toEqual({
			code: 'BAD_REQUEST',
			body: { msg: 'Bad Request, Conversation is close' },
			reqId: 'late-1',
		});
		expect((await send(closeReq(id, 'c2'))).json.body.msg).toBe(
			'Bad Request, Conversation is close',
		);
	});

	it('checks closed before event content, as section 7 orders', async () => {
		const id = await openConversation(emu);
		await send(closeReq(id));
		const r = await send({
			kind: 'req',
			id: 'z',
			type: 'ms.PublishEvent',
			body: { dialogId: id, event: { type: 'ChatStateEvent', chatState: 'NOPE' } },
		});
		expect(r.json.body.msg).toBe('Bad Request, Conversation is close');
	});

	it("answers 401 for another consumer's conversation and 400 for an unknown one", async () => {
		const id = await openConversation(emu, 'owner');
		const r = await send(text(id, 'intruding'), 'intruder');
		expect(r.status).toBe(401);
		expect(r.json.kind).toBe('resp');
		expect(r.json.body.errorCode).toBe(40103);
		const unknown = await send(text('00000000-0000-4000-8000-000000000000', 'x'));
		expect(unknown.status).toBe(400);
		expect(unknown.json.code).toBe('BAD_REQUEST');
		expect(emu.state.conversation(id)?.events).toHaveLength(0);
	});

	it('refuses arrays, unknown request types, invalid JSON and oversized bodies', async () => {
		const id = await openConversation(emu);
		const arr = await send([text(id, 'x')]);
		expect(arr.status).toBe(400);
		expect(arr.json.body.msg).toMatch(/one request object/);
		const type = await send({
			kind: 'req',
			id: 'q',
			type: 'cm.ConsumerRequestConversation',
			body: {},
		});
		expect(type.json).toMatchObject({ code: 'BAD_REQUEST', reqId: 'q' });
		expect((await send('{')).status).toBe(400);
		const big = await send(text(id, 'x'.repeat(5000)));
		expect(big.status).toBe(400);
		expect(big.json.body.msg).toMatch(/5000/);
		const noDialog = await send({
			kind: 'req',
			id: 'd',
			type: 'ms.PublishEvent',
			body: { event: { type: 'ContentEvent', contentType: 'text/plain', message: 'x' } },
		});
		expect(noDialog.json.body.msg).toMatch(/dialogId is missing/);
		const empty = await send({});
		expect(empty.status).toBe(400);
	});

	it('updates SDEs later with replace semantics and records Client-Properties per event', async () => {
		const id = await openConversation(emu);
		const set = (info: object) => ({
			kind: 'req',
			id: 'u',
			type: 'userprofile.SetUserProfile',
			body: { authenticatedData: { lp_sdes: [{ type: 'ctmrinfo', info }] } },
		});
		expect((await send(set({ ctype: 'vip', balance: 10 }))).json).toEqual({
			code: 'OK',
			body: { msg: 'OK User Profile set successfully' },
			reqId: 'u',
		});
		await send(set({ ctype: 'gold' }));
		expect(emu.state.conversation(id)?.sdes.ctmrinfo).toEqual({ ctype: 'gold' });
		expect(emu.state.conversation(id)?.profileHistory).toHaveLength(3);
		const bad = await send(set({ balance: 'lots' }));
		expect(bad.status).toBe(400);
		await send(text(id, 'hi'), undefined, {
			'Client-Properties': '{"type":".ClientProperties","features":["AUTO_MESSAGES"]}',
		});
		expect(emu.state.conversation(id)?.messages[0].clientProperties).toContain('AUTO_MESSAGES');
	});
});

describe('emulator: faults and the log', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator({ seed: 42 });
	});
	beforeEach(() => emu.reset());
	afterAll(() => emu.close());

	it('logs every request in order, with headers, query, body and answer; requestsTo filters', async () => {
		await call(emu, 'GET', paths(emu).csds('idp'));
		await create(emu);
		expect(emu.requests.map((r) => r.seq)).toEqual([1, 2]);
		const [csds, conv] = emu.requests;
		expect(csds).toMatchObject({
			endpoint: 'csds',
			method: 'GET',
			query: { version: '1.0' },
			status: 200,
			processed: false,
		});
		expect(conv.endpoint).toBe('conversation');
		expect(conv.headers['x-lp-on-behalf']).toBeDefined();
		expect(conv.json).toEqual(JSON.parse(conv.rawBody));
		expect(JSON.parse(conv.responseBody ?? '')[1].code).toBe('OK');
		expect(emu.requestsTo('conversation')).toEqual([conv]);
		const log = emu.requests;
		emu.reset();
		expect(log).toHaveLength(0);
	});

	it('answers 429 with and without Retry-After, without processing', async () => {
		emu.faults.add(faultPresets.tooManyRequests('conversation', { retryAfter: 1 }));
		emu.faults.add(faultPresets.tooManyRequests('conversation', { nth: 2 }));
		const first = await create(emu);
		expect(first.status).toBe(429);
		expect(first.headers.get('retry-after')).toBe('1');
		const second = await create(emu);
		expect(second.status).toBe(429);
		expect(second.headers.get('retry-after')).toBeNull();
		expect((await create(emu)).status).toBe(200);
		expect(emu.requests.map((r) => [r.fault, r.processed])).toEqual([
			['status:429', false],
			['status:429', false],
			[undefined, true],
		]);
		expect(emu.state.conversations()).toHaveLength(1);
	});

	it('applies nth/times to the matching requests only', async () => {
		emu.faults.add({ on: 'csds', nth: 2, times: 2, action: { type: 'status', status: 503 } });
		const statuses: number[] = [];
		for (let i = 0; i < 5; i++) {
			statuses.push((await call(emu, 'GET', paths(emu).csds('idp'))).status);
			await call(emu, 'GET', '/other'); // not a csds request: not counted
		}
		expect(statuses).toEqual([200, 503, 503, 200, 200]);
	});

	it('supports times: Infinity and a match function', async () => {
		emu.faults.add({
			on: 'any',
			times: Infinity,
			match: (r) => r.headers['x-test'] === 'hit',
			action: { type: 'status', status: 500, body: 'plain failure' },
		});
		for (let i = 0; i < 3; i++) {
			expect((await call(emu, 'GET', paths(emu).csds('idp'))).status).toBe(200);
			const hit = await call(emu, 'GET', paths(emu).csds('idp'), undefined, { 'X-Test': 'hit' });
			expect(hit.status).toBe(500);
			expect(hit.text).toBe('plain failure');
		}
	});

	it('applies probabilistic faults reproducibly from the seed', async () => {
		const run = async () => {
			emu.reset();
			emu.faults.add({ on: 'csds', probability: 0.3, action: { type: 'status', status: 503 } });
			const out: number[] = [];
			for (let i = 0; i < 30; i++)
				out.push((await call(emu, 'GET', paths(emu).csds('idp'))).status);
			return out;
		};
		const a = await run();
		const b = await run();
		expect(a).toEqual(b);
		const failures = a.filter((s) => s === 503).length;
		expect(failures).toBeGreaterThan(2);
		expect(failures).toBeLessThan(20);
	});

	it('delays an answer after processing the request', async () => {
		emu.faults.add(faultPresets.delay('conversation', 150));
		const started = Date.now();
		const pending = create(emu);
		await new Promise((r) => setTimeout(r, 60));
		expect(emu.requests[0]).toMatchObject({ processed: true, fault: 'delay:150ms' });
		expect(emu.requests[0].status).toBeUndefined();
		const r = await pending;
		expect(r.status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		expect(emu.requests[0].status).toBe(200);
	});

	it('drops the connection before processing', async () => {
		emu.faults.add(faultPresets.drop('conversation', 'before'));
		await expect(create(emu)).rejects.toThrow();
		expect(emu.requests[0]).toMatchObject({ fault: 'drop:before', processed: false });
		expect(emu.requests[0].status).toBeUndefined();
		expect(emu.state.conversations()).toHaveLength(0);
	});

	it('drops the connection after processing: the conversation exists', async () => {
		emu.faults.add(faultPresets.drop('conversation', 'after'));
		await expect(create(emu, 'dropped')).rejects.toThrow();
		expect(emu.requests[0]).toMatchObject({ fault: 'drop:after', processed: true });
		expect(emu.state.openConversationFor(emu.lpConsumerIdFor('dropped'))).toBeDefined();
		// a blind retry now meets the one-open-conversation rule
		const retry = await create(emu, 'dropped');
		expect(retry.status).toBe(400);
		expect(retry.json[1].body.msg).toMatch(/already has open conversation/);
	});

	it('sends raw malformed answers before or after processing', async () => {
		emu.faults.add(faultPresets.htmlPage('conversation', 502));
		const html = await create(emu, 'h1');
		expect(html.status).toBe(502);
		expect(html.headers.get('content-type')).toBe('text/html');
		expect(html.text).toMatch(/^<!DOCTYPE html>/);
		expect(emu.requests[0].processed).toBe(false);

		emu.faults.add({
			on: 'conversation',
			action: { type: 'raw', status: 200, body: '<html>proxy</html>', when: 'after' },
		});
		const after = await create(emu, 'h2');
		expect(after.status).toBe(200);
		expect(after.text).toBe('<html>proxy</html>');
		expect(emu.requests[1]).toMatchObject({
			processed: true,
			fault: 'raw:200:after',
			responseBody: '<html>proxy</html>',
		});
		expect(emu.state.conversations()).toHaveLength(1);
	});

	it('mangles real create answers: item missing, no reqId, no conversationId', async () => {
		emu.faults.add(faultPresets.createAnswerMissingItem());
		const missing = await create(emu, 'm1');
		expect(missing.json).toHaveLength(1);
		emu.faults.add(faultPresets.createAnswerWithoutReqId());
		const noReq = await create(emu, 'm2');
		expect(noReq.json.every((a: object) => !('reqId' in a))).toBe(true);
		emu.faults.add(faultPresets.createAnswerWithoutConversationId());
		const noId = await create(emu, 'm3');
		expect(noId.json[1]).toEqual({ code: 'OK', body: {}, reqId: 'c-2' });
		expect(emu.state.conversations()).toHaveLength(3);
		expect(emu.requests.every((r) => r.processed && r.fault === 'rewrite')).toBe(true);
	});

	it('expires the AppJWT of one request, for good, and skips endpoints without tokens', async () => {
		emu.faults.add(faultPresets.expiredToken('any'));
		expect((await call(emu, 'GET', paths(emu).csds('idp'))).status).toBe(200);
		const headers = auth(emu);
		const r = await call(emu, 'POST', paths(emu).conversation, batch(emu), headers);
		expect(r.status).toBe(401);
		expect(r.json.body.errorCode).toBe(40102);
		expect(emu.requests[1]).toMatchObject({ fault: 'expireToken', processed: false });
		const again = await call(emu, 'POST', paths(emu).conversation, batch(emu), headers);
		expect(again.json.body.errorCode).toBe(40102);
		const fresh = await call(emu, 'POST', paths(emu).conversation, batch(emu), {
			...headers,
			Authorization: emu.mintAppJwt(),
		});
		expect(fresh.status).toBe(200);
	});

	it('applies a fault only inside its time window, counted from the first request it matched', () => {
		let now = 1_000_000;
		const faults = new FaultController(3, () => now);
		faults.add(
			faultSpecFromJson({
				on: 'conversation',
				probability: 1,
				window: { fromMs: 2000, toMs: 8000 },
				action: { type: 'status', status: 429, headers: { 'Retry-After': '1' } },
			}),
		);
		const request = (endpoint: 'conversation' | 'idp') =>
			faults.pick({ endpoint } as Parameters<FaultController['pick']>[0])?.type;
		const at = (ms: number, endpoint: 'conversation' | 'idp' = 'conversation') => {
			now = 1_000_000 + ms;
			return request(endpoint);
		};
		expect(at(500, 'idp')).toBeUndefined(); // another endpoint: neither refused nor the origin
		// The origin is the first create, at 1 s: the window is open from 3 s to 9 s.
		expect([1000, 2900, 3000, 5000, 8999, 9000, 20000].map((ms) => at(ms))).toEqual([
			undefined,
			undefined,
			'status',
			'status',
			'status',
			undefined,
			undefined,
		]);
		expect(() =>
			faults.add({ on: 'any', window: { fromMs: 5, toMs: 5 }, action: { type: 'delay', ms: 1 } }),
		).toThrow(/window/);
	});

	it('refuses malformed fault specs', () => {
		expect(() =>
			emu.faults.add({ on: 'nowhere' as 'any', action: { type: 'delay', ms: 1 } }),
		).toThrow(/endpoint/);
		expect(() => emu.faults.add({ on: 'any', nth: 0, action: { type: 'delay', ms: 1 } })).toThrow(
			/nth/,
		);
		expect(() =>
			emu.faults.add({ on: 'any', probability: 2, action: { type: 'delay', ms: 1 } }),
		).toThrow(/probability/);
		expect(() => emu.faults.add({ on: 'any', action: { type: 'drop' } as never })).toThrow(/drop/);
	});

	it('survives odd input: huge bodies, bad percent-encoding, garbage methods', async () => {
		const huge = await call(
			emu,
			'POST',
			paths(emu).conversation,
			'x'.repeat(2 * 1024 * 1024),
			auth(emu),
		);
		expect(huge.status).toBe(413);
		expect((await call(emu, 'GET', '/api/account/%E0%A4%A/service/idp/baseURI.json')).status).toBe(
			404,
		);
		expect((await call(emu, 'PATCH', paths(emu).send, '{}')).status).toBe(405);
		expect((await call(emu, 'GET', paths(emu).csds('idp'))).status).toBe(200);
	});
});

describe('emulator: control endpoints', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	beforeEach(() => emu.reset());
	afterAll(() => emu.close());

	it('serves the log with shortened tokens and masked secrets, and is not logged itself', async () => {
		await call(
			emu,
			'POST',
			paths(emu).sentinel,
			`client_id=${emu.clientId}&client_secret=${emu.clientSecret}`,
			{
				'Content-Type': 'application/x-www-form-urlencoded',
			},
		);
		const app = emu.mintAppJwt();
		await call(emu, 'POST', paths(emu).idp, { ext_consumer_id: 'x' }, { Authorization: app });
		const log = await call(emu, 'GET', '/_emulator/requests');
		expect(log.status).toBe(200);
		expect(log.json).toHaveLength(2);
		expect(log.text).not.toContain(emu.clientSecret);
		expect(log.text).not.toContain(app);
		expect(log.json[1].headers.authorization).toBe(`${app.slice(0, 6)}…`);
		expect(JSON.parse(log.json[1].responseBody).token).toMatch(/^.{6}…$/);
		expect(emu.requests).toHaveLength(2);
		expect((await call(emu, 'GET', '/_emulator/requests?endpoint=idp')).json).toHaveLength(1);
	});

	it('mints tokens, shows state, and resets', async () => {
		const t = await call(emu, 'POST', '/_emulator/tokens', { extConsumerId: 'ctl' });
		expect(t.json.lpConsumerId).toBe(emu.lpConsumerIdFor('ctl'));
		const r = await call(emu, 'POST', paths(emu).conversation, batch(emu), {
			Authorization: t.json.appJwt,
			'X-LP-ON-BEHALF': t.json.consumerJws,
		});
		expect(r.status).toBe(200);
		const state = await call(emu, 'GET', '/_emulator/state');
		expect(state.json.conversations).toHaveLength(1);
		expect(state.json.conversations[0].extConsumerId).toBe('ctl');
		expect(state.json.services.asyncMessagingEnt).toBe(emu.host);
		expect((await call(emu, 'POST', '/_emulator/reset')).status).toBe(200);
		expect(emu.state.conversations()).toHaveLength(0);
		expect(emu.requests).toHaveLength(0);
		expect((await call(emu, 'POST', '/_emulator/tokens', {})).status).toBe(400);
	});

	it('adds and clears faults as JSON', async () => {
		const added = await call(emu, 'POST', '/_emulator/faults', {
			on: 'csds',
			times: 'Infinity',
			action: { type: 'status', status: 503, headers: { 'Retry-After': '2' } },
		});
		expect(added.status).toBe(200);
		expect(added.json.faults[0].times).toBe('Infinity');
		expect((await call(emu, 'GET', paths(emu).csds('idp'))).status).toBe(503);
		expect((await call(emu, 'GET', paths(emu).csds('idp'))).status).toBe(503);
		expect((await call(emu, 'DELETE', '/_emulator/faults')).status).toBe(200);
		expect((await call(emu, 'GET', paths(emu).csds('idp'))).status).toBe(200);
		expect(
			(await call(emu, 'POST', '/_emulator/faults', { on: 'csds', action: { type: 'teleport' } }))
				.status,
		).toBe(400);
		expect((await call(emu, 'POST', '/_emulator/faults', '{oops')).status).toBe(400);
		expect((await call(emu, 'GET', '/_emulator/nothing')).status).toBe(404);
	});

	it('expires minted AppJWTs and overrides services over HTTP', async () => {
		const app = emu.mintAppJwt();
		await call(emu, 'POST', '/_emulator/expire-app-jwts');
		expect(
			(await call(emu, 'POST', paths(emu).idp, { ext_consumer_id: 'x' }, { Authorization: app }))
				.json.body.errorCode,
		).toBe(40102);
		await call(emu, 'POST', '/_emulator/services', { idp: null });
		expect((await call(emu, 'GET', paths(emu).csds('idp'))).status).toBe(404);
	});
});

describe('emulator: agent side and webhooks', () => {
	let emu: Emulator;
	let hook: http.Server;
	let received: { headers: http.IncomingHttpHeaders; body: string }[];
	let hookUrl: string;
	beforeAll(async () => {
		emu = await startEmulator();
		hook = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
				res.writeHead(200).end();
			});
		});
		await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
		hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/lp`;
	});
	beforeEach(() => {
		emu.reset();
		received = [];
	});
	afterAll(async () => {
		await emu.close();
		await new Promise((r) => hook.close(r));
	});

	it('delivers a signed ContentEvent notification for an agent message', async () => {
		emu.webhooks.register({ url: hookUrl });
		const id = await openConversation(emu);
		await call(emu, 'POST', paths(emu).send, text(id, 'from consumer'), auth(emu));
		const { sequence, deliveries } = await emu.agent.sendMessage(id, 'This is a reply! 🙂');
		expect(sequence).toBe(1);
		expect(deliveries.map((d: WebhookDelivery) => d.status)).toEqual([200]);
		expect(received).toHaveLength(1);
		const { headers, body } = received[0];
		const expected =
			'sha1=' + crypto.createHmac('sha1', emu.clientSecret).update(body).digest('base64');
		expect(headers['x-liveperson-signature']).toBe(expected);
		expect(webhookSignature(emu.clientSecret, body, 'sha1')).toBe(expected);
		expect(headers['x-liveperson-account-id']).toBe(emu.accountId);
		expect(headers['x-liveperson-client-id']).toBe(emu.clientId);
		const change = JSON.parse(body).body.changes[0];
		expect(change).toMatchObject({
			sequence: 1,
			conversationId: id,
			dialogId: id,
			messageAudience: 'ALL',
			event: { type: 'ContentEvent', message: 'This is a reply! 🙂' },
		});
		expect(change.originatorMetadata.role).toBe('ASSIGNED_AGENT');
	});

	it('delivers the close as cqm.ExConversationChangeNotification, and SEND then meets a closed conversation', async () => {
		emu.webhooks.register({
			url: hookUrl,
			events: ['cqm.ExConversationChangeNotification'],
			algorithm: 'sha256',
		});
		const id = await openConversation(emu);
		await emu.agent.sendMessage(id, 'not delivered: not subscribed');
		const { deliveries } = await emu.agent.closeConversation(id);
		expect(deliveries).toHaveLength(1);
		expect(received).toHaveLength(1);
		expect(received[0].headers['x-liveperson-signature']).toMatch(/^sha256=/);
		const change = JSON.parse(received[0].body).body.changes[0];
		expect(change.type).toBe('UPSERT');
		expect(change.result.convId).toBe(id);
		expect(change.result.conversationDetails).toMatchObject({
			state: 'CLOSE',
			stage: 'CLOSE',
			brandId: emu.accountId,
		});
		expect(emu.state.conversation(id)?.closedBy).toBe('agent');
		const late = await call(emu, 'POST', paths(emu).send, text(id, 'late'), auth(emu));
		expect(late.json.body.msg).toBe('Bad Request, Conversation is close');
	});

	it('plays the agent over HTTP too, and records failed deliveries', async () => {
		await call(emu, 'POST', '/_emulator/webhooks', { url: 'http://127.0.0.1:1/nowhere' });
		const id = await openConversation(emu);
		const r = await call(emu, 'POST', '/_emulator/agent/message', {
			conversationId: id,
			message: 'hi',
		});
		expect(r.status).toBe(200);
		expect(r.json.sequence).toBe(0);
		expect(r.json.deliveries[0].error).toBeDefined();
		expect(
			(await call(emu, 'POST', '/_emulator/agent/close', { conversationId: 'nope' })).status,
		).toBe(400);
	});
});
