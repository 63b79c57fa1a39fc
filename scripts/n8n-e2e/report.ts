/** Named checks and the pass/fail table. */
import { KNOWN_GAPS } from './known-gaps';

type Gaps = Record<string, string>;

export type Status = 'PASS' | 'FAIL' | 'XFAIL' | 'XPASS' | 'SKIP';

export interface Result {
	id: string;
	status: Status;
	seconds: number;
	detail: string;
}

/** Thrown by a check that cannot run here (e.g. no trigger node yet): shown as SKIP. */
export class Skip extends Error {}

export class Checks {
	readonly results: Result[] = [];

	constructor(
		private readonly gaps: Gaps = KNOWN_GAPS,
		private readonly prefix = '',
	) {}

	/** Runs one check: it passes unless it throws; `Skip` skips it. Returns whether it passed. */
	async check(id: string, fn: () => Promise<string | void> | string | void): Promise<boolean> {
		const fullId = this.prefix + id;
		const started = Date.now();
		let status: Status;
		let detail: string;
		try {
			detail = (await fn()) ?? '';
			status = this.gaps[fullId] ? 'XPASS' : 'PASS';
		} catch (error) {
			if (error instanceof Skip) {
				status = 'SKIP';
				detail = error.message;
			} else {
				status = this.gaps[fullId] ? 'XFAIL' : 'FAIL';
				detail = (error as Error)?.message ?? String(error);
				if (status === 'XFAIL') detail = `known gap: ${this.gaps[fullId]} | ${detail}`;
			}
		}
		if (status === 'XPASS')
			detail = `known gap now passes, remove it from known-gaps.ts | ${detail}`;
		const result = {
			id: fullId,
			status,
			seconds: (Date.now() - started) / 1000,
			detail: oneLine(detail),
		};
		this.results.push(result);
		console.log(
			`  ${status.padEnd(5)} ${fullId}${result.detail ? `  ${result.detail.slice(0, 200)}` : ''}`,
		);
		return status === 'PASS' || status === 'XPASS';
	}

	skip(id: string, reason: string): void {
		const fullId = this.prefix + id;
		this.results.push({ id: fullId, status: 'SKIP', seconds: 0, detail: reason });
		console.log(`  SKIP  ${fullId}  ${reason}`);
	}

	/** A check that failed before it could run (e.g. n8n did not start). */
	fail(id: string, reason: string): void {
		const fullId = this.prefix + id;
		const status: Status = this.gaps[fullId] ? 'XFAIL' : 'FAIL';
		this.results.push({ id: fullId, status, seconds: 0, detail: oneLine(reason) });
		console.log(`  ${status.padEnd(5)} ${fullId}  ${oneLine(reason).slice(0, 200)}`);
	}
}

function oneLine(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

export function counts(results: Result[]): Record<Status, number> {
	const out: Record<Status, number> = { PASS: 0, FAIL: 0, XFAIL: 0, XPASS: 0, SKIP: 0 };
	for (const r of results) out[r.status]++;
	return out;
}

/** The table, one line per check, details cut to fit. */
export function table(results: Result[], width = 110): string {
	const idWidth = Math.max(5, ...results.map((r) => r.id.length));
	const lines = [
		`${'check'.padEnd(idWidth)}  result  time(s)  detail`,
		`${'-'.repeat(idWidth)}  ------  -------  ${'-'.repeat(20)}`,
	];
	for (const r of results) {
		const detail = r.detail.length > width ? `${r.detail.slice(0, width - 1)}…` : r.detail;
		lines.push(
			`${r.id.padEnd(idWidth)}  ${r.status.padEnd(6)}  ${r.seconds.toFixed(1).padStart(7)}  ${detail}`,
		);
	}
	return lines.join('\n');
}
