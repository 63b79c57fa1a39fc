/**
 * Stop (the editor's button, n8n-core's cancel) at every place the node can be waiting: a token
 * mint, a host lookup, a rate-limit wait, a slow create. The execution ends at once and nothing is
 * sent after it.
 */
import { faultPresets, startEmulator, type EndpointName, type FaultSpec } from '../emulator/src';
import { runWorkflow } from './harness';
import { clearNodeCaches } from './support/caches';
import { clientCredential, lpWorkflow } from './support/workflows';

/** Far longer than any test may take, so only Stop can end the wait. */
const LONG = 30_000;

const PLACES: Array<[string, EndpointName, (match: FaultSpec['match']) => FaultSpec]> = [
	[
		'a slow AppJWT mint at Sentinel',
		'sentinel',
		(match) => faultPresets.delay('sentinel', LONG, { match }),
	],
	['a slow Domain API lookup', 'csds', (match) => faultPresets.delay('csds', LONG, { match })],
	[
		'a slow ConsumerJWS mint at the IDP',
		'idp',
		(match) => faultPresets.delay('idp', LONG, { match }),
	],
	[
		'a rate-limit wait (Retry-After: 30)',
		'conversation',
		(match) => faultPresets.tooManyRequests('conversation', { retryAfter: 30, match }),
	],
	[
		'a create LivePerson is slow to answer',
		'conversation',
		(match) => faultPresets.delay('conversation', LONG, { match }),
	],
];

test.each(PLACES)('Stop during %s ends the execution at once', async (_name, endpoint, fault) => {
	clearNodeCaches();
	const emulator = await startEmulator();
	try {
		// Stop as soon as the request is in the emulator's hands, however busy the machine is.
		const stop = new AbortController();
		let stoppedAt = 0;
		emulator.faults.add(
			fault(() => {
				setTimeout(() => {
					stoppedAt = Date.now();
					stop.abort();
				}, 50);
				return true;
			}),
		);
		const result = await runWorkflow(
			lpWorkflow({ operation: 'createWithSdes', consumerId: '={{ $json.contactId }}' }),
			{
				credentials: clientCredential(emulator),
				input: [{ contactId: 'patient-1' }, { contactId: 'patient-2' }],
				signal: stop.signal,
				timeoutMs: 20_000,
			},
		);

		expect(result.status).toBe('canceled');
		// Measured, not a benchmark: a stop that waited for LivePerson would take 30 s.
		expect(result.cancelled!.engineStoppedAfterMs).toBeLessThan(5000);
		expect(emulator.requests.some((r) => r.endpoint === endpoint)).toBe(true);
		// Nothing is sent after the stop (a request already on its way may arrive a moment later).
		expect(emulator.requests.filter((r) => r.at > stoppedAt + 100)).toEqual([]);
	} finally {
		await emulator.close();
	}
});
