import { runLoad } from '../bench/loadRun';

// The smaller form of `npm run test:load` (5,000 items): every item accounted for under random 429s.
test('300 items with random 429s: every item accounted for, paired, no duplicate conversation', async () => {
	const report = await runLoad({ items: 300, rateLimitShare: 0.1 });

	expect(report.rateLimitedAnswers).toBeGreaterThan(0);
	expect(report.outputItems).toBe(300);
	expect(report.unpaired).toBe(0);
	expect(report.succeeded).toBe(300);
	expect(report.conversations).toBe(300);
	expect(report.consumersWithTwoConversations).toBe(0);
	expect(report.createRequests).toBe(300 + report.rateLimitedAnswers);
});
