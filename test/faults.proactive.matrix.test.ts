/**
 * The fault matrix for LivePerson Proactive Messaging: each fault on the campaign create or the
 * status read × (Continue On Fail off / regular output / error output). A create carries several
 * recipients, so a fault on it decides for all of them. In every cell: one output item per input
 * item, paired; never a second campaign (a repeat would text people twice); what the user is told
 * (done / no / unknown) matches what the emulator did; nothing secret in what the run shows.
 */
import type { IDataObject } from 'n8n-workflow';

import { faultPresets, type FaultSpec } from '../emulator/src';
import { runWorkflow } from './harness';
import { emulatorPerFile } from './support/emulatorPerFile';
import { leakedSecrets, visibleText } from './support/secrets';
import { PROACTIVE_NODE, proactiveCredential, proactiveWorkflow } from './support/workflows';

const emulator = emulatorPerFile();

type Ends = 'done' | 'no' | 'unknown';
type Mode = 'stop' | 'continueRegularOutput' | 'continueErrorOutput';
const MODES: Mode[] = ['stop', 'continueRegularOutput', 'continueErrorOutput'];

interface Cell {
	name: string;
	faults: () => FaultSpec[];
	options?: IDataObject;
	/** What every item ends as, and how many requests the operation's endpoint may see. */
	ends: Ends;
	requests: number;
	reason?: string;
}

const refusal = (status: number, body: object): FaultSpec['action'] => ({
	type: 'status',
	status,
	body,
});

const CREATE_FAULTS: Cell[] = [
	{
		name: '429 once',
		faults: () => [faultPresets.tooManyRequests('proactiveCampaign', { retryAfter: 0 })],
		ends: 'done',
		requests: 2,
	},
	{
		name: '429 beyond the retries',
		faults: () => [faultPresets.tooManyRequests('proactiveCampaign', { retryAfter: 0, times: 3 })],
		options: { rateLimitRetries: 2 },
		ends: 'no',
		requests: 3,
		reason: 'rateLimited',
	},
	{
		name: '500',
		faults: () => [faultPresets.serverError('proactiveCampaign', 500)],
		ends: 'unknown',
		requests: 1,
		reason: 'serverError',
	},
	{
		name: '503',
		faults: () => [faultPresets.serverError('proactiveCampaign', 503)],
		ends: 'unknown',
		requests: 1,
		reason: 'serverError',
	},
	{
		name: '429 then 500',
		faults: () => [
			faultPresets.tooManyRequests('proactiveCampaign', { retryAfter: 0 }),
			faultPresets.serverError('proactiveCampaign', 500, { nth: 2 }),
		],
		ends: 'unknown',
		requests: 2,
	},
	{
		name: 'an answer after the Timeout',
		faults: () => [faultPresets.delay('proactiveCampaign', 1500)],
		options: { timeout: 1 },
		ends: 'unknown',
		requests: 1,
		reason: 'timeout',
	},
	{
		name: 'dropped before processing',
		faults: () => [faultPresets.drop('proactiveCampaign', 'before')],
		ends: 'unknown',
		requests: 1,
	},
	{
		name: 'dropped after processing',
		faults: () => [faultPresets.drop('proactiveCampaign', 'after')],
		ends: 'unknown',
		requests: 1,
	},
	{
		name: 'HTML under 200 after processing',
		faults: () => [
			{
				on: 'proactiveCampaign',
				action: { type: 'raw', status: 200, body: '<html>OK</html>', when: 'after' },
			},
		],
		ends: 'unknown',
		requests: 1,
		reason: 'unreadableAnswer',
	},
	{
		name: 'a redirect',
		faults: () => [
			{
				on: 'proactiveCampaign',
				action: {
					type: 'status',
					status: 307,
					headers: { Location: 'https://elsewhere.example' },
					body: '',
				},
			},
		],
		ends: 'unknown',
		requests: 1,
		reason: 'redirected',
	},
	{
		name: 'the whole request refused (400 Fields missing)',
		faults: () => [
			{
				on: 'proactiveCampaign',
				action: refusal(400, { code: 400, message: 'Fields missing in request: skill' }),
			},
		],
		ends: 'no',
		requests: 1,
		reason: 'campaignRefused',
	},
	{
		name: 'the daily limit',
		faults: () => [
			{
				on: 'proactiveCampaign',
				action: refusal(400, {
					code: 400,
					message: 'Daily limit exceeded: 100000 recipients per day',
				}),
			},
		],
		ends: 'no',
		requests: 1,
		reason: 'dailyLimitReached',
	},
	{
		name: 'jwt expired once',
		faults: () => [
			{ on: 'proactiveCampaign', action: refusal(401, { code: 0, message: 'jwt expired' }) },
		],
		ends: 'done',
		requests: 2,
	},
];

const STATUS_FAULTS: Cell[] = [
	{
		name: '429 once',
		faults: () => [faultPresets.tooManyRequests('proactiveStatus', { retryAfter: 0 })],
		ends: 'done',
		requests: 2,
	},
	{
		name: '500 once',
		faults: () => [faultPresets.serverError('proactiveStatus', 500)],
		ends: 'done',
		requests: 2,
	},
	{
		name: 'dropped once',
		faults: () => [faultPresets.drop('proactiveStatus', 'before')],
		ends: 'done',
		requests: 2,
	},
	{
		name: '500 every time',
		faults: () => [faultPresets.serverError('proactiveStatus', 500, { times: Infinity })],
		ends: 'no',
		requests: 4,
		reason: 'serverError',
	},
];

const ticket = {
	operation: 'sendCampaign',
	channel: 'wa',
	template: { __rl: true, mode: 'list', value: '1111111111111' },
	phoneNumber: '={{ $json.phone }}',
	variables: {
		mappingMode: 'defineBelow',
		value: { '1': 'Hamlet', '2': '19:30', '3': 'Hall', '4': 'A', '5': '1' },
	},
	campaignName: 'Matrix',
	skill: 'sales',
	outboundNumber: '12535550123',
	consent: true,
};
const people = [1, 2, 3].map((n) => ({ phone: `1415555000${n}` }));

async function runCell(
	cell: Cell,
	mode: Mode,
	parameters: IDataObject,
	input: IDataObject[],
	endpoint: string,
) {
	emulator.reset();
	for (const fault of cell.faults()) emulator.faults.add(fault);
	const result = await runWorkflow(
		proactiveWorkflow(
			{ ...parameters, options: { serverErrorRetryInterval: 0, ...(cell.options ?? {}) } },
			mode === 'stop' ? {} : { onError: mode },
		),
		{ credentials: proactiveCredential(emulator), input },
	);
	const requests = emulator.requests.filter((r) => r.endpoint === endpoint);
	expect(requests.length).toBeLessThanOrEqual(cell.requests);
	if (cell.ends !== 'done') expect(requests.length).toBe(cell.requests);
	expect(
		leakedSecrets(visibleText(result, [PROACTIVE_NODE]), [emulator.proactive.clientSecret]),
	).toEqual([]);
	return result;
}

describe.each(CREATE_FAULTS)('Send Campaign: $name', (cell) => {
	test.each(MODES)('%s', async (mode) => {
		const result = await runCell(cell, mode, ticket, people, 'proactiveCampaign');
		const campaigns = emulator.proactive.campaigns();
		// Never a second campaign: nobody texted twice.
		expect(campaigns.length).toBeLessThanOrEqual(1);
		if (cell.ends === 'done') {
			expect(result.status).toBe('success');
			const items = result.jsonOf(PROACTIVE_NODE);
			expect(items.map((i) => i.accepted)).toEqual([true, true, true]);
			expect(campaigns[0].recipients).toHaveLength(3);
			return;
		}
		if (mode === 'stop') {
			expect(result.status).toBe('error');
			const error = result.nodeError(PROACTIVE_NODE) as Error & { context?: IDataObject };
			expect(error.message).toMatch(/\[item 0\]$/);
			expect(error.context).toMatchObject({
				effect: cell.ends,
				...(cell.reason ? { reason: cell.reason } : {}),
			});
			return;
		}
		expect(result.status).toBe('success');
		const output =
			mode === 'continueErrorOutput'
				? result.errorOutputOf(PROACTIVE_NODE)
				: result.outputOf(PROACTIVE_NODE);
		expect(output.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const item of output) {
			const details = item.json.details as IDataObject;
			expect(details.recipientAccepted).toBe(cell.ends);
			if (cell.reason) expect(details.reason).toBe(cell.reason);
		}
		// "no" means no campaign; "unknown" is whatever the fault made of it, never more than one.
		if (cell.ends === 'no') expect(campaigns).toHaveLength(0);
	});
});

describe.each(STATUS_FAULTS)('Get Campaign Status: $name', (cell) => {
	test.each(MODES)('%s', async (mode) => {
		emulator.reset();
		const sent = await runWorkflow(proactiveWorkflow(ticket), {
			credentials: proactiveCredential(emulator),
			input: people,
		});
		const { proactiveCampaignId } = sent.jsonOf(PROACTIVE_NODE)[0];
		const before = emulator.requests.length;
		for (const fault of cell.faults()) emulator.faults.add(fault);
		const result = await runWorkflow(
			proactiveWorkflow(
				{
					operation: 'getCampaignStatus',
					campaignId: proactiveCampaignId,
					options: { serverErrorRetryInterval: 0 },
				},
				mode === 'stop' ? {} : { onError: mode },
			),
			{ credentials: proactiveCredential(emulator), input: [{}, {}] },
		);
		const reads = emulator.requests.slice(before).filter((r) => r.endpoint === 'proactiveStatus');
		expect(reads.length).toBeLessThanOrEqual(cell.requests);
		if (cell.ends === 'done') {
			expect(result.status).toBe('success');
			expect(result.jsonOf(PROACTIVE_NODE).map((i) => i.campaignStatus)).toEqual([
				'PUBLISHED',
				'PUBLISHED',
			]);
			return;
		}
		if (mode === 'stop') {
			expect(result.status).toBe('error');
			return;
		}
		const output =
			mode === 'continueErrorOutput'
				? result.errorOutputOf(PROACTIVE_NODE)
				: result.outputOf(PROACTIVE_NODE);
		expect(output.map((i) => (i.json.details as IDataObject).reason)).toEqual([
			cell.reason,
			cell.reason,
		]);
	});
});
