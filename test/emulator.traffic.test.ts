// The emulator's simulated latency and its traffic counters (connections, requests, in flight),
// which the benchmark (bench/) reads to count TCP connections and show a client's concurrency.
import * as http from 'http';

import { startEmulator } from '../emulator/src';
import type { Emulator, EmulatorStats } from '../emulator/src';

interface Answer {
	status: number;
	body: string;
	/** Date.now() when the whole answer had arrived. */
	at: number;
}

function get(emu: Emulator, path: string, agent: http.Agent | false): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = http.request(`${emu.baseUrl}${path}`, { agent }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () =>
				resolve({
					status: res.statusCode ?? 0,
					body: Buffer.concat(chunks).toString(),
					at: Date.now(),
				}),
			);
		});
		req.on('error', reject);
		req.end();
	});
}

const csds = (emu: Emulator) => `/api/account/${emu.accountId}/service/baseURI.json?version=1.0`;

describe('emulator: traffic counters', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	beforeEach(() => emu.reset());
	afterAll(() => emu.close());

	it('counts one connection for a keep-alive client and one per request without keep-alive', async () => {
		const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
		for (let i = 0; i < 3; i++) expect((await get(emu, csds(emu), keepAlive)).status).toBe(200);
		keepAlive.destroy();
		expect(emu.stats()).toMatchObject({
			connections: 1,
			requests: 3,
			maxOpenConnections: 1,
			inFlight: 0,
		});

		emu.reset();
		for (let i = 0; i < 3; i++) await get(emu, csds(emu), false);
		expect(emu.stats()).toMatchObject({ connections: 3, requests: 3, inFlight: 0 });
	});

	it('leaves the control API out, serves the counters over HTTP, and resets them', async () => {
		await get(emu, csds(emu), false);
		await get(emu, '/_emulator/requests', false);
		const served = await get(emu, '/_emulator/stats', false);
		expect(JSON.parse(served.body) as EmulatorStats).toEqual({
			connections: 1,
			requests: 1,
			maxOpenConnections: 1,
			inFlight: 0,
			maxInFlight: 1,
		});
		const reset = await new Promise<number>((resolve, reject) => {
			const req = http.request(
				`${emu.baseUrl}/_emulator/reset`,
				{ method: 'POST', agent: false },
				(res) => {
					res.resume();
					res.on('end', () => resolve(res.statusCode ?? 0));
				},
			);
			req.on('error', reject);
			req.end();
		});
		expect(reset).toBe(200);
		expect(emu.stats()).toEqual({
			connections: 0,
			requests: 0,
			maxOpenConnections: 0,
			inFlight: 0,
			maxInFlight: 0,
		});
	});
});

describe('emulator: simulated latency', () => {
	const LATENCY_MS = 400; // long enough that three local requests are all read before the first answer leaves
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator({ latencyMs: LATENCY_MS });
	});
	afterAll(() => emu.close());

	it('holds every API answer, faults included, but not the control API', async () => {
		const answer = await get(emu, csds(emu), false);
		expect(answer.status).toBe(200);
		// A timer never fires early (1 ms of slack for the clock's rounding).
		expect(answer.at - emu.requests[0].at).toBeGreaterThanOrEqual(LATENCY_MS - 1);

		emu.faults.add({ on: 'csds', action: { type: 'status', status: 429 } });
		const refused = await get(emu, csds(emu), false);
		expect(refused.status).toBe(429);
		expect(refused.at - emu.requests[1].at).toBeGreaterThanOrEqual(LATENCY_MS - 1);

		// The control API answers at once: its answer arrives while an API answer is still held.
		const held = get(emu, csds(emu), false);
		await new Promise((resolve) => setImmediate(resolve));
		const control = await get(emu, '/_emulator/stats', false);
		expect(control.status).toBe(200);
		expect(control.at).toBeLessThan((await held).at);
	});

	it('serves other requests while one is held', async () => {
		emu.reset();
		const answers = await Promise.all([1, 2, 3].map(() => get(emu, csds(emu), false)));
		expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
		// All three were read before the first answer left: none waited for another's latency.
		const lastRead = Math.max(...emu.requests.map((r) => r.at));
		expect(lastRead).toBeLessThan(Math.min(...answers.map((a) => a.at)));
		expect(emu.stats().maxInFlight).toBe(3);
	});
});
