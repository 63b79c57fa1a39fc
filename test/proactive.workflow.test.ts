/**
 * LivePerson Proactive Messaging in n8n-core's engine against the emulator: Send Campaign (items
 * grouped into requests of at most 100 recipients, paced, per-recipient outcomes, never re-sent
 * after an uncertain answer), Get Campaign Status, the template picker and the variables mapper,
 * the credential's AppJWT (Bearer) and its hosts.
 */
import type { IDataObject } from 'n8n-workflow';

import type { RecordedRequest } from '../emulator/src';
import { listSearch, resourceMapperFields, runWorkflow } from './harness';
import { testCredential } from './harness/credential-test';
import { emulatorPerFile } from './support/emulatorPerFile';
import {
	PROACTIVE_NODE,
	PROACTIVE_TYPE,
	proactiveCredential,
	proactiveWorkflow,
} from './support/workflows';

const emulator = emulatorPerFile();

type Item = IDataObject & { error?: string; details?: IDataObject };

/** WhatsApp "Ticket confirmation": five variables. */
const TICKET = '1111111111111';
const ticket = (extra: IDataObject = {}) => ({
	operation: 'sendCampaign',
	channel: 'wa',
	template: { __rl: true, mode: 'list', value: TICKET },
	phoneNumber: '={{ $json.phone }}',
	variables: {
		mappingMode: 'defineBelow',
		value: {
			'1': '={{ $json.show }}',
			'2': '19:30',
			'3': 'Main Hall',
			'4': 'A',
			'5': '={{ $json.seat }}',
		},
	},
	campaignName: 'Ticket confirmations',
	skill: 'sales',
	outboundNumber: '12535550123',
	consent: true,
	...extra,
});

const people = (count: number, from = 0) =>
	Array.from({ length: count }, (_, i) => ({
		phone: `+1 415 555 ${String(1000 + from + i).padStart(4, '0')}`,
		show: 'Hamlet',
		seat: String(from + i + 1),
	}));

async function run(parameters: IDataObject, input: IDataObject[], onError = true) {
	const result = await runWorkflow(
		proactiveWorkflow(parameters, onError ? { onError: 'continueRegularOutput' } : {}),
		{ credentials: proactiveCredential(emulator), input },
	);
	return result;
}

const campaignRequests = () => emulator.requestsTo('proactiveCampaign');
const bodyOf = (r: RecordedRequest) => (r.json ?? {}) as IDataObject;

describe('Send Campaign', () => {
	test('items go out together as one campaign request, each with its own output, paired', async () => {
		const result = await run(ticket(), people(3));
		expect(result.status).toBe('success');
		const items = result.jsonOf(PROACTIVE_NODE) as Item[];
		expect(result.outputOf(PROACTIVE_NODE).map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(campaignRequests()).toHaveLength(1);
		const [request] = campaignRequests();
		expect(request.headers.authorization).toMatch(/^Bearer ey/);
		expect(bodyOf(request)).toMatchObject({
			campaignName: 'Ticket confirmations',
			skill: 'sales',
			templateId: TICKET,
			outboundNumber: '12535550123',
			consent: true,
		});
		expect((bodyOf(request).consumers as IDataObject[])[0]).toEqual({
			consumerContent: { wa: '14155551000' },
			variables: { '1': 'Hamlet', '2': '19:30', '3': 'Main Hall', '4': 'A', '5': '1' },
		});
		const [campaign] = emulator.proactive.campaigns();
		expect(items.every((i) => i.proactiveCampaignId === campaign.proactiveCampaignId)).toBe(true);
		expect(items.map((i) => i.recipientId)).toEqual(campaign.recipients.map((r) => r.id));
		expect(items[0]).toMatchObject({ accepted: true, channel: 'wa', phoneNumber: '14155551000' });
	});

	test('250 recipients: three requests of at most 100, paced at the rate asked', async () => {
		const result = await run(ticket({ options: { requestsPerSecond: 2 } }), people(250));
		expect(result.status).toBe('success');
		const sizes = campaignRequests().map((r) => (bodyOf(r).consumers as unknown[]).length);
		expect(sizes.sort((a, b) => b - a)).toEqual([100, 100, 50]);
		const times = campaignRequests()
			.map((r) => r.at)
			.sort((a, b) => a - b);
		// Two a second: sent at least half a second apart. (Arrivals are read by the emulator in this
		// same busy process, so one may lag: the span from the first to the last cannot shrink much.)
		expect(times[2] - times[0]).toBeGreaterThanOrEqual(800);
		const items = result.jsonOf(PROACTIVE_NODE) as Item[];
		expect(items).toHaveLength(250);
		expect(new Set(items.map((i) => i.recipientId)).size).toBe(250);
	});

	test("one recipient LivePerson refuses fails alone, with its reason; the campaign's others are accepted", async () => {
		const input = people(3);
		input[1].phone = '0123456789'; // a leading 0: LivePerson answers INVALID_NUMBER
		const items = (await run(ticket(), input)).jsonOf(PROACTIVE_NODE) as Item[];
		expect(items[0].accepted).toBe(true);
		expect(items[2].accepted).toBe(true);
		expect(items[1].details).toMatchObject({
			reason: 'invalidNumber',
			recipientAccepted: 'no',
			errorMessage: 'INVALID_NUMBER',
			proactiveCampaignId: items[0].proactiveCampaignId,
		});
	});

	test.each<[string, (input: IDataObject[]) => IDataObject, string]>([
		[
			'a missing variable (the template has five)',
			() => ticket({ variables: { mappingMode: 'defineBelow', value: { '1': 'x', '2': 'y' } } }),
			'Variables › {{3}}',
		],
		['consent off', () => ticket({ consent: '={{ $json.seat !== "2" }}' }), 'Consent'],
		[
			'a phone number that is no number',
			(input) => ((input[1].phone = 'call me'), ticket()),
			'Phone Number',
		],
		[
			'the wrong channel for the template (SMS for a WhatsApp one)',
			() => ticket({ channel: 'sms' }),
			'Channel',
		],
	])(
		'bad input on one item (%s) is refused before sending; the others still go out',
		async (_name, parameters, field) => {
			const input = people(3);
			const items = (await run(parameters(input), input)).jsonOf(PROACTIVE_NODE) as Item[];
			const bad = items.filter((i) => i.error);
			expect(bad).toHaveLength(['Variables › {{3}}', 'Channel'].includes(field) ? 3 : 1);
			expect(bad[0].details).toMatchObject({
				reason: 'invalidInput',
				field,
				recipientAccepted: 'no',
			});
			const sent = campaignRequests().flatMap((r) => bodyOf(r).consumers as unknown[]);
			expect(sent).toHaveLength(3 - bad.length);
		},
	);

	test('the same customer twice in one campaign: the second is refused, the customer texted once', async () => {
		const input = people(3);
		input[2].phone = input[0].phone;
		const items = (await run(ticket(), input)).jsonOf(PROACTIVE_NODE) as Item[];
		expect(items[2].details).toMatchObject({ reason: 'invalidInput', field: 'Phone Number' });
		expect(items[2].error).toMatch(/same customer as item 0/);
		expect((bodyOf(campaignRequests()[0]).consumers as unknown[]).length).toBe(2);
	});

	test('a template ID typed by hand (not in the list) is sent as given, unchecked', async () => {
		const items = (
			await run(
				ticket({ template: { __rl: true, mode: 'id', value: '943679028015322' } }),
				people(2),
			)
		).jsonOf(PROACTIVE_NODE) as Item[];
		expect(items.every((i) => i.accepted === true)).toBe(true);
		expect(bodyOf(campaignRequests()[0]).templateId).toBe('943679028015322');
	});

	test('a lost answer: every item of that request is unknown, and neither the node nor n8n sends it again', async () => {
		emulator.faults.add({ on: 'proactiveCampaign', action: { type: 'drop', when: 'after' } });
		const result = await runWorkflow(
			proactiveWorkflow(ticket({ options: { serverErrorRetryInterval: 0 } }), {
				onError: 'continueRegularOutput',
				retryOnFail: { maxTries: 3 },
			}),
			{ credentials: proactiveCredential(emulator), input: people(3) },
		);
		const items = result.jsonOf(PROACTIVE_NODE) as Item[];
		expect(items.map((i) => i.details?.recipientAccepted)).toEqual([
			'unknown',
			'unknown',
			'unknown',
		]);
		expect(items[0].details?.description).toMatch(/Not sent again by n8n's Retry On Fail/);
		expect(campaignRequests()).toHaveLength(1);
		// LivePerson did create it: the emulator holds one campaign, texted once.
		expect(emulator.proactive.campaigns()).toHaveLength(1);
	});

	test("LivePerson's 10 requests per second: a 429 is waited out and retried, nobody texted twice", async () => {
		emulator.proactive.configure({
			rateLimit: { enabled: true, perSecond: 1, retryAfterSeconds: 1 },
		});
		const result = await run(ticket({ options: { requestsPerSecond: 10 } }), people(300));
		expect(result.status).toBe('success');
		const items = result.jsonOf(PROACTIVE_NODE) as Item[];
		expect(items.every((i) => i.accepted === true)).toBe(true);
		expect(campaignRequests().some((r) => r.status === 429)).toBe(true);
		const recipients = emulator.proactive.campaigns().flatMap((c) => c.recipients);
		expect(recipients).toHaveLength(300);
	}, 30_000);

	test('an expired AppJWT is minted once more and the request sent again', async () => {
		await run(ticket(), people(1));
		emulator.proactive.expireTokens();
		const items = (await run(ticket(), people(1, 1))).jsonOf(PROACTIVE_NODE) as Item[];
		expect(items[0].accepted).toBe(true);
		// The first request of the run (the template list) was refused; the token minted again served the rest.
		expect(emulator.requests.filter((r) => r.status === 401)).toHaveLength(1);
		expect(emulator.requestsTo('sentinel')).toHaveLength(2);
	});

	test('a Connector credential cannot be used: the node asks for its own', async () => {
		const result = await runWorkflow(
			proactiveWorkflow(ticket(), { onError: 'continueRegularOutput' }),
			{ credentials: {}, input: people(1) },
		);
		const [item] = result.jsonOf(PROACTIVE_NODE) as Item[];
		expect(item.details).toMatchObject({ reason: 'invalidCredential', recipientAccepted: 'no' });
		expect(item.error).toMatch(/LivePerson Proactive Messaging API credential could not be loaded/);
	});
});

describe('Get Campaign Status', () => {
	async function sendTo(count: number, parameters: IDataObject = ticket()) {
		const items = (await run(parameters, people(count))).jsonOf(PROACTIVE_NODE) as Item[];
		return items;
	}

	test("per recipient: not sent, then delivered, then the customer's reply gives the conversationId", async () => {
		emulator.proactive.setClock(Date.UTC(2026, 11, 7, 15, 0), { frozen: true });
		const sent = await sendTo(2);
		const status = {
			operation: 'getCampaignStatus',
			campaignId: '={{ $json.proactiveCampaignId }}',
			recipientId: '={{ $json.recipientId }}',
		};

		let items = (await run(status, sent)).jsonOf(PROACTIVE_NODE) as Item[];
		expect(items.map((i) => i.status)).toEqual(['NOT_SENT', 'NOT_SENT']);
		emulator.proactive.advanceClock(60_000);
		emulator.proactive.reply({
			recipientId: sent[1].recipientId as string,
			campaignId: sent[1].proactiveCampaignId as string,
		});
		items = (await run(status, sent)).jsonOf(PROACTIVE_NODE) as Item[];
		expect(items[0]).toMatchObject({ status: 'DELIVERED', replied: false, conversationId: null });
		expect(items[1]).toMatchObject({ status: 'DELIVERED', replied: true });
		expect(typeof items[1].conversationId).toBe('string');
		// Items of one campaign share one request per run.
		expect(emulator.requestsTo('proactiveStatus')).toHaveLength(2);
	});

	test("an SMS outside 8:00-21:00 in the customer's time zone is scheduled, then sent when the window opens", async () => {
		// 23:30 in San Francisco.
		emulator.proactive.setClock(Date.UTC(2026, 11, 8, 7, 30), { frozen: true });
		const sent = await sendTo(
			1,
			ticket({
				channel: 'sms',
				template: { __rl: true, mode: 'list', value: '666555567888' },
				variables: { mappingMode: 'defineBelow', value: { '1': 'Ada', '2': 'A-77' } },
				outboundNumber: '14155550100',
			}),
		);
		const status = {
			operation: 'getCampaignStatus',
			campaignId: sent[0].proactiveCampaignId,
			recipientId: sent[0].recipientId,
		};
		emulator.proactive.advanceClock(60_000);
		expect(((await run(status, [{}])).jsonOf(PROACTIVE_NODE) as Item[])[0].status).toBe(
			'SCHEDULED',
		);
		emulator.proactive.advanceClock(9 * 3600_000);
		expect(((await run(status, [{}])).jsonOf(PROACTIVE_NODE) as Item[])[0].status).toBe(
			'DELIVERED',
		);
	});

	test('the whole campaign in one item: counts and every recipient', async () => {
		emulator.proactive.setClock(Date.UTC(2026, 11, 7, 15, 0), { frozen: true });
		const sent = await sendTo(3);
		emulator.proactive.advanceClock(60_000);
		const [item] = (
			await run({ operation: 'getCampaignStatus', campaignId: sent[0].proactiveCampaignId }, [{}])
		).jsonOf(PROACTIVE_NODE) as Item[];
		expect(item).toMatchObject({
			campaignStatus: 'FINISHED',
			counts: { DELIVERED: 3 },
			replied: 0,
		});
		expect(item.recipients).toHaveLength(3);
	});

	test('an unknown campaign and an unknown recipient are named, with reasons a workflow routes on', async () => {
		const [unknown] = (
			await run({ operation: 'getCampaignStatus', campaignId: 'nope' }, [{}])
		).jsonOf(PROACTIVE_NODE) as Item[];
		expect(unknown.details).toMatchObject({ reason: 'campaignNotFound', statusRead: 'no' });
		const sent = await sendTo(1);
		const [stranger] = (
			await run(
				{
					operation: 'getCampaignStatus',
					campaignId: sent[0].proactiveCampaignId,
					recipientId: 'someone-else',
				},
				[{}],
			)
		).jsonOf(PROACTIVE_NODE) as Item[];
		expect(stranger.details).toMatchObject({ reason: 'recipientNotFound' });
	});
});

describe('the template picker and the variables mapper', () => {
	const ask = (parameters: IDataObject) => ({
		type: PROACTIVE_TYPE,
		parameters: { resource: 'campaign', operation: 'sendCampaign', ...parameters } as never,
		credentials: proactiveCredential(emulator),
	});

	test("lists the account's templates for the chosen channel, with their channels and variables", async () => {
		const whatsapp = await listSearch({ ...ask({ channel: 'wa' }), method: 'searchTemplates' });
		const names = whatsapp.results.map((r) => r.name);
		expect(names).toContain('Ticket confirmation (WhatsApp) · WhatsApp · 5 variables');
		expect(
			names.some((n) => n.startsWith('Delivery update with photo') && n.includes('image header')),
		).toBe(true);
		expect(names.some((n) => n.includes('(SMS)'))).toBe(false);
		const sms = await listSearch({
			...ask({ channel: 'sms' }),
			method: 'searchTemplates',
			filter: 'order',
		});
		expect(sms.results).toEqual([
			{ name: 'Order shipped (SMS) · SMS · 2 variables', value: '666555567888' },
		]);
	});

	test("the mapper shows the chosen template's variables, each once, counted from its lists not its text", async () => {
		const fields = async (template: string) =>
			(
				await resourceMapperFields({
					...ask({ channel: 'wa', template: { __rl: true, mode: 'list', value: template } }),
					method: 'getTemplateVariables',
				})
			).fields.map((f) => f.displayName);
		expect(await fields(TICKET)).toEqual(['{{1}}', '{{2}}', '{{3}}', '{{4}}', '{{5}}']);
		// A URL button's "1" is the body's "1": one value fills both.
		expect(await fields('2222222222222')).toEqual(['{{1}} (body and button)', '{{2}}']);
		// An SMS template whose text mentions no variable still has the one its list names.
		expect(await fields('666555567999')).toEqual(['{{1}}']);
	});
});

describe('the credential', () => {
	test('tests OK against the emulator, and names a Connector client used by mistake', async () => {
		const data = proactiveCredential(emulator).livePersonProactiveApi.data;
		await expect(testCredential('livePersonProactiveApi', data)).resolves.toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		const wrong = await testCredential('livePersonProactiveApi', {
			...data,
			clientId: emulator.clientId,
			clientSecret: emulator.clientSecret,
		});
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toMatch(/Proactive/);
	});

	test("without host overrides the hosts come from the account's zone; an unknown zone names the fields to set", async () => {
		emulator.setServices({ agentVep: 'xy.agentvep.liveperson.net' });
		const [item] = (
			await runWorkflow(proactiveWorkflow(ticket(), { onError: 'continueRegularOutput' }), {
				credentials: proactiveCredential(emulator, { overrideHosts: false }),
				input: people(1),
			})
		).jsonOf(PROACTIVE_NODE) as Item[];
		expect(item.details).toMatchObject({ reason: 'invalidCredential', recipientAccepted: 'no' });
		expect(item.details?.description).toMatch(/Proactive Host and the Outbound Configuration Host/);
	});
});
