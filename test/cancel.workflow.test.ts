import { faultPresets, startEmulator } from './emulator';
import { runWorkflow } from './harness';
import { clientCredential, lpWorkflow } from './support/workflows';

test('stopping the execution ends a rate-limit wait at once', async () => {
	const emulator = await startEmulator();
	try {
		emulator.faults.add(faultPresets.tooManyRequests('conversation', { retryAfter: 30 }));
		const result = await runWorkflow(lpWorkflow({ operation: 'createWithSdes', consumerId: 'patient' }), {
			credentials: clientCredential(emulator),
			input: [{}],
			cancelAfterMs: 300,
		});

		expect(result.status).toBe('canceled');
		// Measured, not a benchmark: a stop that waited out Retry-After would take 30 s.
		expect(result.cancelled!.engineStoppedAfterMs).toBeLessThan(5000);
		expect(emulator.requestsTo('conversation')).toHaveLength(1);
	} finally {
		await emulator.close();
	}
});

test('stopping the execution aborts a request LivePerson is slow to answer', async () => {
	const emulator = await startEmulator();
	try {
		emulator.faults.add(faultPresets.delay('conversation', 10_000));
		const result = await runWorkflow(lpWorkflow({ operation: 'createWithSdes', consumerId: 'slow' }), {
			credentials: clientCredential(emulator),
			input: [{}],
			cancelAfterMs: 300,
		});

		expect(result.status).toBe('canceled');
		expect(result.cancelled!.engineStoppedAfterMs).toBeLessThan(5000);
	} finally {
		await emulator.close();
	}
});
