/**
 * The fault matrix's table and the runner of one cell, shared by the two matrix test files (split
 * so that jest runs them side by side). The reliability contract, cell by cell: each fault x each operation x (Continue On Fail off /
 * regular output / error output) x (one item / six items with the fault on two of them). In every
 * cell: one output item per input item, paired to it; no consumer with two conversations and no
 * message sent twice; what the user is told (done / not done / unknown) matches what the emulator
 * really did; and nothing secret in what the run shows.
 *
 * Faults sit on the operation's own request (CONVERSATION or SEND), on the ConsumerJWS mint (IDP),
 * and on the run's shared lookups (Domain API, Sentinel), alone and combined.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	decodeJwtPayload,
	faultPresets,
	startEmulator,
	type Emulator,
	type FaultSpec,
	type RecordedRequest,
} from '../../emulator/src';
import { runWorkflow } from '../harness';
import { clearNodeCaches } from './caches';
import { leakedSecrets, visibleText } from './secrets';
import { LP_NODE, clientCredential, lpWorkflow } from './workflows';

/** How a faulted item ends: its effect happened, provably did not, or may have. */
export type Ends = 'done' | 'no' | 'unknown';

export interface Expectation {
	ends: Ends;
	/** How many requests of the operation's own kind the faulted item may cause (1 = never resent). */
	requests: number;
}

type Match = (request: RecordedRequest) => boolean;

export interface OperationCase {
	name: string;
	endpoint: 'conversation' | 'send';
	safeToRepeat: boolean;
	/** The error item's field for the operation's effect. */
	field: string;
	parameters: IDataObject;
	/** Whether the emulator shows the operation's effect for this consumer's conversation. */
	happened(emulator: Emulator, consumer: string): boolean;
	/** No duplicate: the effect happened at most once. */
	atMostOnce(emulator: Emulator, consumer: string): boolean;
}

const conversationOf = (emulator: Emulator, consumer: string) =>
	emulator.state.conversations().filter((c) => c.extConsumerId === consumer);
const eventsOf = (emulator: Emulator, consumer: string, type: string) =>
	conversationOf(emulator, consumer).flatMap((c) =>
		c.events.filter((e) => e.from === 'consumer' && e.event.type === type),
	);
const onConversation = {
	consumerId: '={{ $json.contactId }}',
	conversationId: '={{ $json.conversationId }}',
};

export const OPERATIONS: OperationCase[] = [
	{
		name: 'Create with SDEs',
		endpoint: 'conversation',
		safeToRepeat: false,
		field: 'conversationCreated',
		parameters: { operation: 'createWithSdes', consumerId: '={{ $json.contactId }}' },
		happened: (emulator, consumer) => conversationOf(emulator, consumer).length > 0,
		atMostOnce: (emulator, consumer) => conversationOf(emulator, consumer).length <= 1,
	},
	{
		name: 'Send Message',
		endpoint: 'send',
		safeToRepeat: false,
		field: 'messageSent',
		parameters: { operation: 'sendMessage', ...onConversation, message: 'Is my order on its way?' },
		happened: (emulator, consumer) => eventsOf(emulator, consumer, 'ContentEvent').length > 0,
		atMostOnce: (emulator, consumer) => eventsOf(emulator, consumer, 'ContentEvent').length <= 1,
	},
	{
		name: 'Close Conversation',
		endpoint: 'send',
		safeToRepeat: true,
		field: 'conversationClosed',
		parameters: { operation: 'close', ...onConversation },
		happened: (emulator, consumer) => conversationOf(emulator, consumer)[0]?.state === 'CLOSE',
		atMostOnce: () => true,
	},
	{
		// A profile is last-writer-wins: a late repeat could undo a newer update, so it is not repeated.
		name: 'Update Profile',
		endpoint: 'send',
		safeToRepeat: false,
		field: 'profileUpdated',
		parameters: {
			operation: 'updateProfile',
			consumerId: '={{ $json.contactId }}',
			customerInfo: { ctype: 'gold' },
		},
		happened: (emulator, consumer) =>
			conversationOf(emulator, consumer)[0]?.sdes.ctmrinfo?.ctype === 'gold',
		atMostOnce: (emulator, consumer) =>
			emulator
				.requestsTo('send')
				.filter(
					(r) =>
						r.processed &&
						consumerOf(r) === consumer &&
						jsonOf(r).type === 'userprofile.SetUserProfile',
				).length <= 1,
	},
	{
		// Chat states are ephemeral: a late repeat could arrive after a newer one, so none is repeated.
		name: 'Send Typing Indicator',
		endpoint: 'send',
		safeToRepeat: false,
		field: 'chatStateSent',
		parameters: { operation: 'sendTyping', ...onConversation, chatState: 'COMPOSING' },
		happened: (emulator, consumer) => eventsOf(emulator, consumer, 'ChatStateEvent').length > 0,
		atMostOnce: (emulator, consumer) => eventsOf(emulator, consumer, 'ChatStateEvent').length <= 1,
	},
	{
		name: 'Share Location',
		endpoint: 'send',
		safeToRepeat: false,
		field: 'locationSent',
		parameters: {
			operation: 'shareLocation',
			...onConversation,
			latitude: 48.8584,
			longitude: 2.2945,
		},
		happened: (emulator, consumer) => eventsOf(emulator, consumer, 'RichContentEvent').length > 0,
		atMostOnce: (emulator, consumer) =>
			eventsOf(emulator, consumer, 'RichContentEvent').length <= 1,
	},
	{
		name: 'Mark as Read',
		endpoint: 'send',
		safeToRepeat: true,
		field: 'receiptSent',
		parameters: { operation: 'markAsRead', ...onConversation, sequences: '0' },
		happened: (emulator, consumer) => eventsOf(emulator, consumer, 'AcceptStatusEvent').length > 0,
		atMostOnce: () => true,
	},
];

export interface FaultCase {
	name: string;
	/** The faults, given the operation's endpoint and a matcher for the faulted items' requests. */
	faults: (endpoint: 'conversation' | 'send', match: Match) => FaultSpec[];
	/** What a faulted item ends as, for operations that are not / are safe to repeat. */
	unsafe: Expectation;
	safe: Expectation;
	/** What the error says, for failed items. */
	message?: RegExp;
	reason?: string;
	options?: IDataObject;
	/** Only for these operations (default: all). */
	only?: string[];
	/** LivePerson processed it but answered a refusal: the node believes the answer. */
	answerLies?: boolean;
}

const once = (times = 1) => ({ times });
/** Faults that cost a second or more per faulted item run on these operations only. */
const SLOW_FAULT_OPERATIONS = ['Create with SDEs', 'Send Message', 'Close Conversation'];
const answered = (ends: Ends, requests = 1): Expectation => ({ ends, requests });
const jsonOf = (request: RecordedRequest) => (request.json ?? {}) as IDataObject;

export const FAULTS: FaultCase[] = [
	{
		name: '429 with Retry-After',
		faults: (on, match) => [faultPresets.tooManyRequests(on, { retryAfter: 0.2, match })],
		unsafe: answered('done', 2),
		safe: answered('done', 2),
	},
	{
		name: '429 without Retry-After',
		// LivePerson's policy makes this wait at least a second: one unsafe and one safe SEND are enough.
		only: SLOW_FAULT_OPERATIONS,
		faults: (on, match) => [faultPresets.tooManyRequests(on, { match })],
		unsafe: answered('done', 2),
		safe: answered('done', 2),
	},
	{
		name: '429 beyond the retry limit',
		faults: (on, match) => [
			faultPresets.tooManyRequests(on, { retryAfter: 0, match, times: Infinity }),
		],
		options: { rateLimitRetries: 2 },
		unsafe: answered('no', 3),
		safe: answered('no', 3),
		message: /rate-limited the request \(HTTP 429\)/,
		reason: 'rateLimited',
	},
	{
		name: '500',
		faults: (on, match) => [faultPresets.serverError(on, 500, { match })],
		unsafe: answered('unknown'),
		safe: answered('done', 2),
		message: /server error \(HTTP 500\)/,
		reason: 'serverError',
	},
	{
		name: '503',
		faults: (on, match) => [faultPresets.serverError(on, 503, { match })],
		unsafe: answered('unknown'),
		safe: answered('done', 2),
		message: /server error \(HTTP 503\)/,
		reason: 'serverError',
	},
	{
		name: '429 then 500',
		faults: (on, match) => [
			faultPresets.tooManyRequests(on, { retryAfter: 0, match, nth: 1 }),
			faultPresets.serverError(on, 500, { match, nth: 2 }),
		],
		unsafe: answered('unknown', 2),
		safe: answered('done', 3),
		message: /server error \(HTTP 500\)/,
		reason: 'serverError',
	},
	{
		name: 'timeout',
		only: SLOW_FAULT_OPERATIONS,
		faults: (on, match) => [faultPresets.delay(on, 1200, { match })],
		options: { timeout: 1 },
		unsafe: answered('unknown'),
		safe: answered('done', 2),
		message: /did not answer within 1 s/,
		reason: 'timeout',
	},
	{
		name: 'connection dropped before processing',
		faults: (on, match) => [faultPresets.drop(on, 'before', { match })],
		unsafe: answered('unknown'),
		safe: answered('done', 2),
		message: /connection to LivePerson dropped/,
		reason: 'connectionLost',
	},
	{
		name: 'connection dropped after processing',
		faults: (on, match) => [faultPresets.drop(on, 'after', { match })],
		unsafe: answered('unknown'),
		safe: answered('done', 2),
		message: /connection to LivePerson dropped/,
		reason: 'connectionLost',
	},
	{
		name: 'redirect (307) instead of an answer',
		faults: (on, match) => [
			{
				on,
				match,
				action: {
					type: 'status',
					status: 307,
					headers: { Location: 'http://127.0.0.1:9/elsewhere' },
				},
			},
		],
		unsafe: answered('unknown'),
		safe: answered('unknown'),
		message: /answered with a redirect \(HTTP 307\)/,
		reason: 'redirected',
	},
	{
		name: 'expired AppJWT',
		faults: (on, match) => [faultPresets.expiredToken(on, { match })],
		unsafe: answered('done', 2),
		safe: answered('done', 2),
	},
	{
		name: 'expired AppJWT twice (40102 after the new one too)',
		faults: (on, match) => [faultPresets.expiredToken(on, { match, ...once(2) })],
		// Each rejected token is the run's shared one: items in flight beside the faulted one would be
		// refused with it too (truthfully). One at a time, the cell shows the rule itself: one re-mint per request.
		options: { concurrency: 1 },
		unsafe: answered('no', 2),
		safe: answered('no', 2),
		message: /rejected the AppJWT/,
		reason: 'unauthorized',
	},
	{
		name: 'HTML page instead of JSON, after processing',
		faults: (on, match) => [faultPresets.htmlPage(on, 200, { at: 'after', match })],
		unsafe: answered('unknown'),
		safe: answered('unknown'),
		message: /answer could not be read/,
		reason: 'unreadableAnswer',
	},
	{
		name: 'HTTP 204 without a body, after processing',
		faults: (on, match) => [
			{ on, match, action: { type: 'raw', status: 204, body: '', when: 'after' } },
		],
		unsafe: answered('unknown'),
		safe: answered('unknown'),
		message: /answer could not be read/,
		reason: 'unreadableAnswer',
	},
	{
		name: 'answer with an item missing',
		only: ['Create with SDEs'],
		faults: (_on, match) => [faultPresets.createAnswerMissingItem({ match })],
		unsafe: answered('unknown'),
		safe: answered('unknown'),
		message: /answer could not be read/,
		reason: 'unreadableAnswer',
	},
	{
		name: 'answer without reqId',
		faults: (on, match) => [
			on === 'send'
				? faultPresets.sendAnswerWithoutReqId({ match })
				: faultPresets.createAnswerWithoutReqId({ match }),
		],
		unsafe: answered('unknown'),
		safe: answered('unknown'),
		message: /answer could not be read/,
		reason: 'unreadableAnswer',
	},
	{
		name: 'answer without conversationId',
		only: ['Create with SDEs'],
		faults: (_on, match) => [faultPresets.createAnswerWithoutConversationId({ match })],
		unsafe: answered('unknown'),
		safe: answered('unknown'),
		message: /answer has no conversationId/,
		reason: 'unreadableAnswer',
	},
	{
		name: 'non-OK item under HTTP 200',
		faults: (on, match) => [
			on === 'send'
				? faultPresets.sendAnswerRefusing('Refused by policy', { match })
				: faultPresets.createAnswerRefusing('2', 'Routing refused', { match }),
		],
		unsafe: answered('no'),
		safe: answered('no'),
		message:
			/LivePerson refused (cm\.ConsumerRequestConversation|ms\.PublishEvent|cm\.UpdateConversationField|userprofile\.SetUserProfile)/,
		reason: 'refused',
		answerLies: true,
	},
	{
		name: 'lower-case "ok" codes, after processing',
		only: ['Create with SDEs'],
		faults: (_on, match) => [
			{
				on: 'conversation',
				match,
				action: {
					type: 'rewrite',
					rewrite: (answer) => ({
						...answer,
						body: (answer.body as IDataObject[]).map((item) => ({ ...item, code: 'ok' })),
					}),
				},
			},
		],
		unsafe: answered('done'),
		safe: answered('done'),
	},
	{
		name: 'IDP 429 once, then a ConsumerJWS',
		only: ['Create with SDEs'],
		faults: (_on, match) => [faultPresets.tooManyRequests('idp', { retryAfter: 0, match })],
		unsafe: answered('done'),
		safe: answered('done'),
	},
	{
		name: 'IDP answers 500 every time',
		only: ['Create with SDEs'],
		faults: (_on, match) => [faultPresets.serverError('idp', 500, { match, times: Infinity })],
		unsafe: answered('no', 0),
		safe: answered('no', 0),
		message: /server error \(HTTP 500\)/,
		reason: 'serverError',
	},
	{
		name: 'IDP connection dropped after minting (safe to ask again)',
		only: ['Create with SDEs'],
		faults: (_on, match) => [faultPresets.drop('idp', 'after', { match })],
		unsafe: answered('done'),
		safe: answered('done'),
	},
];

/** Faults on what one run shares (host lookup, AppJWT): they hit whichever item asks first. */
export interface RunFault {
	name: string;
	faults: FaultSpec[];
	/** How every item ends. */
	ends: Ends;
	message?: RegExp;
	reason?: string;
}

export const RUN_FAULTS: RunFault[] = [
	{ name: 'Domain API 503 once', faults: [faultPresets.serverError('csds', 503)], ends: 'done' },
	{
		name: 'Domain API 503 every time',
		faults: [faultPresets.serverError('csds', 503, { times: Infinity })],
		ends: 'no',
		message: /Domain API answered HTTP 503/,
		reason: 'invalidCredential',
	},
	{
		name: 'Sentinel 429 with Retry-After: 1',
		faults: [faultPresets.tooManyRequests('sentinel', { retryAfter: 1 })],
		ends: 'done',
	},
	{ name: 'Sentinel 500 once', faults: [faultPresets.serverError('sentinel', 500)], ends: 'done' },
	{
		name: 'Sentinel 500 every time',
		faults: [faultPresets.serverError('sentinel', 500, { times: Infinity })],
		ends: 'no',
		message: /Sentinel did not mint an AppJWT \(HTTP 500\)/,
		reason: 'invalidCredential',
	},
	{
		name: 'the AppJWT expires mid-run and Sentinel fails from then on',
		faults: [
			faultPresets.expiredToken('conversation', { nth: 3 }),
			{ on: 'sentinel', nth: 2, times: Infinity, action: { type: 'status', status: 503 } },
		],
		ends: 'no',
		message: /Sentinel did not mint an AppJWT \(HTTP 503\)/,
		reason: 'invalidCredential',
	},
];

export const MODES = ['stop', 'continueRegularOutput', 'continueErrorOutput'] as const;
export type Mode = (typeof MODES)[number];
export const SIZES = [
	{ name: '1 item', items: 1, faulted: [0] },
	{ name: '6 items, fault on items 2 and 4', items: 6, faulted: [2, 4] },
];

/** The emulator of the test file that uses this module (one per jest worker). */
let emulator: Emulator;
export const observed: string[] = [];

export function useEmulator(): void {
	beforeAll(async () => {
		emulator = await startEmulator();
	});
	afterAll(async () => await emulator.close());
	afterAll(() => {
		if (process.env.PRINT_FAULT_MATRIX) console.log(observed.join('\n'));
	});
}

export function consumerOf(request: RecordedRequest): string | undefined {
	const jws = request.headers['x-lp-on-behalf'];
	if (jws) return decodeJwtPayload(jws)?.ext_consumer_id as string | undefined;
	return request.endpoint === 'idp'
		? (jsonOf(request).ext_consumer_id as string | undefined)
		: undefined;
}

/** Every consumer gets an open conversation first, for the operations that act on one. */
export async function openConversations(consumers: string[]): Promise<Map<string, string>> {
	const result = await runWorkflow(
		lpWorkflow({ operation: 'createWithSdes', consumerId: '={{ $json.contactId }}' }),
		{
			credentials: clientCredential(emulator),
			input: consumers.map((contactId) => ({ contactId })),
		},
	);
	expect(result.status).toBe('success');
	return new Map(
		result.jsonOf(LP_NODE).map((item, i) => [consumers[i], item.conversationId as string]),
	);
}

export interface CellRun {
	consumers: string[];
	faulted: Set<string>;
	mode: Mode;
	operation: OperationCase;
	requestsOf(consumer: string): RecordedRequest[];
}

export async function runCell(
	operation: OperationCase,
	size: (typeof SIZES)[number],
	mode: Mode,
	tag: string,
	faults: (match: Match) => FaultSpec[],
	options: IDataObject = {},
) {
	emulator.reset();
	clearNodeCaches();
	const consumers = Array.from({ length: size.items }, (_, i) =>
		`${tag}-${i}`.replace(/\W+/g, '-'),
	);
	const conversations =
		operation.endpoint === 'send' ? await openConversations(consumers) : new Map<string, string>();
	const setupRequests = emulator.requests.length;
	const faulted = new Set(size.faulted.map((i) => consumers[i]));
	for (const consumer of faulted)
		for (const spec of faults((request) => consumerOf(request) === consumer))
			emulator.faults.add(spec);

	const result = await runWorkflow(
		lpWorkflow(
			{ ...operation.parameters, options: { serverErrorRetryInterval: 0, ...options } },
			mode === 'stop' ? {} : { onError: mode },
		),
		{
			credentials: clientCredential(emulator),
			input: consumers.map((contactId) => ({
				contactId,
				conversationId: conversations.get(contactId),
			})),
		},
	);
	const cell: CellRun = {
		consumers,
		faulted,
		mode,
		operation,
		requestsOf: (consumer) =>
			emulator.requests
				.slice(setupRequests)
				.filter((r) => r.endpoint === operation.endpoint && consumerOf(r) === consumer),
	};
	return { result, cell };
}

/** What the run says about each item: `done`, or the error item's word for the operation's effect. */
export function outcomes(
	result: Awaited<ReturnType<typeof runWorkflow>>,
	consumers: string[],
	mode: Mode,
) {
	const regular = result.outputOf(LP_NODE);
	const errors: INodeExecutionData[] =
		mode === 'continueErrorOutput' ? result.errorOutputOf(LP_NODE) : [];
	const all = [...regular, ...errors];
	expect(all).toHaveLength(consumers.length);
	const byItem = new Map(all.map((item) => [(item.pairedItem as { item: number }).item, item]));
	expect([...byItem.keys()].sort((a, b) => a - b)).toEqual(consumers.map((_, i) => i));
	return { byItem, errors };
}

export function checkSecrets(result: Awaited<ReturnType<typeof runWorkflow>>, consumers: string[]) {
	const minted = emulator
		.requestsTo('sentinel')
		.map((r) => JSON.parse(r.responseBody || '{}').access_token)
		.filter(Boolean);
	const jwss = consumers.map((c) => emulator.mintConsumerJws(c));
	expect(leakedSecrets(visibleText(result), [emulator.clientSecret, ...minted, ...jwss])).toEqual(
		[],
	);
}

/** The runner of the cells on `operations`, as a describe block. */
export function describeMatrix(operations: OperationCase[]): void {
	const cells = operations.flatMap((operation) =>
		FAULTS.filter((fault) => !fault.only || fault.only.includes(operation.name)).map((fault) => ({
			operation,
			fault,
		})),
	);
	describe.each(cells.map((c) => [`${c.operation.name}: ${c.fault.name}`, c] as const))(
		'%s',
		(_title, { operation, fault }) => {
			const expected = operation.safeToRepeat ? fault.safe : fault.unsafe;
			const sizes = operation.endpoint === 'conversation' ? SIZES : [SIZES[1]];
			describe.each(sizes)('$name', (size) => {
				test.each(MODES)('%s', async (mode) => {
					const tag = `${operation.name}|${fault.name}|${size.name}|${mode}`;
					const { result, cell } = await runCell(
						operation,
						size,
						mode,
						tag,
						(match) => fault.faults(operation.endpoint, match),
						fault.options,
					);
					const { consumers, faulted } = cell;

					// Never a duplicate, and never more requests than the fault allows.
					for (const consumer of consumers)
						expect(operation.atMostOnce(emulator, consumer)).toBe(true);
					for (const consumer of faulted)
						expect(cell.requestsOf(consumer).length).toBeLessThanOrEqual(expected.requests);

					const firstFaulted = size.faulted[0];
					if (mode === 'stop' && expected.ends !== 'done') {
						// The run stops at the first faulted item in input order, naming it; items before it are done, and
						// what was done for items in flight after it is reported in the error, not lost.
						expect(result.status).toBe('error');
						const error = result.nodeError(LP_NODE)! as Error & { context?: IDataObject };
						expect(error.message).toMatch(fault.message!);
						expect(error.message).toMatch(new RegExp(`\\[item ${firstFaulted}\\]$`));
						consumers
							.slice(0, firstFaulted)
							.forEach((c) => expect(operation.happened(emulator, c)).toBe(true));
						const reported = new Set(
							((error.context?.processedItems ?? []) as Array<{ item: number }>).map(
								({ item }) => item,
							),
						);
						consumers.forEach((c, i) => {
							if (i === firstFaulted) return;
							if (faulted.has(c)) {
								// Another faulted item in flight: named when it may have been processed, not when provably not.
								if (expected.ends === 'unknown' && cell.requestsOf(c).length > 0)
									expect(reported.has(i)).toBe(true);
								if (expected.ends === 'no') expect(reported.has(i)).toBe(false);
								return;
							}
							expect(reported.has(i)).toBe(operation.happened(emulator, c));
						});
						observed.push(
							`${operation.name} | ${fault.name} | ${size.name} | ${mode} | run stopped at item ${firstFaulted}`,
						);
						return;
					}

					expect(result.status).toBe('success');
					const { byItem, errors } = outcomes(result, consumers, mode);
					consumers.forEach((consumer, i) => {
						const item = byItem.get(i)!;
						const happened = operation.happened(emulator, consumer);
						if (!faulted.has(consumer) || expected.ends === 'done') {
							expect(item.json.error).toBeUndefined();
							expect(errors).not.toContain(item);
							expect(happened).toBe(true);
							if (operation.endpoint === 'conversation')
								expect(item.json.conversationId).toBe(
									conversationOf(emulator, consumer)[0].conversationId,
								);
							else expect(item.json.conversationId ?? item.json.ext_consumer_id).toBeDefined();
							return;
						}
						expect(item.json.error).toMatch(fault.message!);
						expect(item.json.error).toMatch(new RegExp(`\\[item ${i}\\]$`));
						if (mode === 'continueErrorOutput') expect(errors).toContain(item);
						const details = item.json.details as IDataObject;
						expect(details[operation.field]).toBe(expected.ends);
						expect(details.reason).toBe(fault.reason);
						// "no" must be true (unless LivePerson's answer said no about what it did); "unknown" is honest either way.
						if (expected.ends === 'no' && !fault.answerLies) expect(happened).toBe(false);
					});
					checkSecrets(result, consumers);
					observed.push(
						`${operation.name} | ${fault.name} | ${size.name} | ${mode} | ${consumers
							.map((c, i) =>
								faulted.has(c)
									? `#${i}:${byItem.get(i)!.json.error ? (byItem.get(i)!.json.details as IDataObject)[operation.field] : 'done'}`
									: '',
							)
							.filter(Boolean)
							.join(' ')}`,
					);
				});
			});
		},
	);
}

/** The cells of faults shared by the whole run (host lookup, AppJWT), on Create with SDEs. */
export function describeRunFaults(): void {
	describe.each(RUN_FAULTS.map((f) => [f.name, f] as const))(
		'Create with SDEs, run-wide: %s',
		(_name, fault) => {
			test.each(MODES)('%s', async (mode) => {
				const operation = OPERATIONS[0];
				emulator.reset();
				clearNodeCaches();
				const consumers = Array.from({ length: 6 }, (_, i) =>
					`run-${fault.name}-${mode}-${i}`.replace(/\W+/g, '-'),
				);
				for (const spec of fault.faults) emulator.faults.add(spec);
				const rerun = await runWorkflow(
					lpWorkflow(
						{ ...operation.parameters, options: { serverErrorRetryInterval: 0 } },
						mode === 'stop' ? {} : { onError: mode },
					),
					{
						credentials: clientCredential(emulator),
						input: consumers.map((contactId) => ({ contactId })),
					},
				);
				const cell = { consumers };
				for (const consumer of cell.consumers)
					expect(operation.atMostOnce(emulator, consumer)).toBe(true);
				if (fault.ends === 'done') {
					expect(rerun.status).toBe('success');
					expect(rerun.jsonOf(LP_NODE).map((item) => item.conversationId)).toEqual(
						cell.consumers.map((c) => conversationOf(emulator, c)[0].conversationId),
					);
					observed.push(`Create with SDEs | ${fault.name} | 6 items | ${mode} | all done`);
					return;
				}
				if (mode === 'stop') {
					expect(rerun.status).toBe('error');
					expect(rerun.nodeError(LP_NODE)!.message).toMatch(fault.message!);
					observed.push(
						`Create with SDEs | ${fault.name} | 6 items | ${mode} | run stopped at ${rerun.nodeError(LP_NODE)!.message.match(/\[item \d+\]/)?.[0]}`,
					);
					return;
				}
				const { byItem } = outcomes(rerun, consumers, mode);
				const ends = cell.consumers.map((consumer, i) => {
					const item = byItem.get(i)!;
					if (!item.json.error) {
						expect(item.json.conversationId).toBe(
							conversationOf(emulator, consumer)[0].conversationId,
						);
						return 'done';
					}
					const details = item.json.details as IDataObject;
					expect(item.json.error).toMatch(fault.message!);
					expect(details.reason).toBe(fault.reason);
					expect(details.conversationCreated).toBe('no');
					expect(conversationOf(emulator, consumer)).toHaveLength(0);
					return 'no';
				});
				expect(ends).toContain(fault.ends);
				checkSecrets(rerun, cell.consumers);
				observed.push(`Create with SDEs | ${fault.name} | 6 items | ${mode} | ${ends.join(' ')}`);
			});
		},
	);
}
