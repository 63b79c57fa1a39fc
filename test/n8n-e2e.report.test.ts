import { KNOWN_GAPS, knownGapsFor } from '../scripts/n8n-e2e/known-gaps';
import { Checks, Skip, counts } from '../scripts/n8n-e2e/report';
import { nodeErrorStackTraces } from '../scripts/n8n-e2e/scenarios';

describe('the real-n8n check (scripts/n8n-e2e): its own logic', () => {
	test('version-limited known gaps apply only to their versions', () => {
		expect(knownGapsFor('2.41.1')['errors.error-output']).toBeUndefined();
		expect(knownGapsFor('2.35.2')['errors.error-output']).toBeDefined();
		const dataTable = 'example.crm-contact-conversation.as-shipped';
		expect(knownGapsFor('1.123.81')[dataTable]).toBeDefined();
		expect(knownGapsFor('2.3.0')[dataTable]).toBeUndefined();
		expect(
			knownGapsFor('2.41.1')['n8n-layout.log.no-stack-traces-from-preauthentication'],
		).toBeUndefined();
		for (const id of Object.keys(KNOWN_GAPS))
			expect(knownGapsFor('2.41.1')[id]).toBe(KNOWN_GAPS[id]);
	});

	test('a known gap that fails is XFAIL, one that passes is XPASS; neither fails the run', async () => {
		const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
		const checks = new Checks({ gap: 'known', fixed: 'known' });
		await checks.check('ok', () => 'fine');
		await checks.check('broken', () => {
			throw new Error('no');
		});
		await checks.check('gap', () => {
			throw new Error('still');
		});
		await checks.check('fixed', () => undefined);
		await checks.check('later', () => {
			throw new Skip('not yet');
		});
		log.mockRestore();
		expect(checks.results.map((r) => `${r.id}:${r.status}`)).toEqual([
			'ok:PASS',
			'broken:FAIL',
			'gap:XFAIL',
			'fixed:XPASS',
			'later:SKIP',
		]);
		expect(counts(checks.results)).toEqual({ PASS: 1, FAIL: 1, XFAIL: 1, XPASS: 1, SKIP: 1 });
	});

	test('stack traces through the package are found in an n8n log, other errors are not', () => {
		const log = [
			'12:21:49.247   error   NodeApiError',
			'NodeApiError',
			'    at itemError (/u/.n8n/nodes/node_modules/n8n-nodes-liveperson/nodes/x.ts:208:16)',
			' { "file": "error-reporter.js", "function": "defaultReport" }',
			'12:21:50.000   error   getaddrinfo ENOTFOUND api.n8n.io',
			'Error: getaddrinfo ENOTFOUND api.n8n.io',
			'    at x (/root/.cache/n8n-nodes-liveperson/n8n-2.41.1-node24/node_modules/n8n/a.js:1:1)',
			'12:21:51.000   error   This consumer already has an open conversation { "file": "error-reporter.js" }',
		].join('\n');
		const traces = nodeErrorStackTraces(log);
		expect(traces).toHaveLength(1);
		expect(traces[0]).toContain('itemError');
	});
});
