/**
 * Items in flight together: at most `limit` at once, and the items of one consumer one after the
 * other in input order (LivePerson allows one open conversation per consumer, so a create and a
 * later send for the same contact must keep their order).
 *
 * The limit adapts to LivePerson's 429s. A stray 429 says little (each one is waited out and
 * retried anyway), and stray ones come in clusters by chance: 5 of 20 happens by chance when one
 * answer in ten is a random 429. Sustained throttling refuses most requests. So the limit halves
 * when at least 16 of the last 40 answers were 429s (at most once a second, so one burst counts
 * once), which random refusals at 10 % reach about once in a million windows and throttling
 * reaches within a few dozen answers; and it grows back by one after four times its size in
 * answers while at most 8 of the last 40 were 429s.
 */

import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../descriptions/options';

/**
 * Options › Items in Parallel as a limit: whole numbers from 1 to the maximum. A value an
 * expression makes odd (2.5, 0, -3) is clamped into that range, never raised above what was asked.
 */
export function concurrencyLimit(value: unknown): number {
	if (value === undefined || value === null || value === '') return DEFAULT_CONCURRENCY;
	const number = Number(value);
	if (Number.isNaN(number)) return DEFAULT_CONCURRENCY;
	return Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(number)));
}

const WINDOW = 40;
/** 429s among the last WINDOW answers that mean LivePerson is throttling. */
const THROTTLED = 16;
/** At most this many 429s among the last WINDOW answers to grow again. */
const CALM = 8;
/** Fewer halvings than this apart are the same burst of 429s. */
const BURST_MS = 1000;

export class AdaptiveLimit {
	current: number;
	/** The last WINDOW answers, a 429 as true, in a ring. */
	private readonly recent: boolean[] = new Array<boolean>(WINDOW).fill(false);
	private next = 0;
	private refused = 0;
	private seen = 0;
	private sinceChange = 0;
	private lastHalving = -Infinity;

	constructor(
		readonly max: number,
		private readonly onChange: (from: number, to: number, why: string) => void = () => undefined,
	) {
		this.current = max;
	}

	rateLimited(now = Date.now()): void {
		this.record(true);
		if (this.refused < THROTTLED || now - this.lastHalving < BURST_MS) return;
		this.lastHalving = now;
		const next = Math.max(1, Math.floor(this.current / 2));
		if (next !== this.current)
			this.set(
				next,
				`LivePerson answered 429 to ${this.refused} of the last ${Math.min(this.seen, WINDOW)} requests`,
			);
	}

	answered(): void {
		this.record(false);
		if (this.current >= this.max || this.sinceChange < this.current * 4) return;
		if (this.refused > CALM) return;
		this.set(this.current + 1, `${this.sinceChange} answers, 429s rare again`);
	}

	private record(refused: boolean): void {
		if (this.recent[this.next]) this.refused--;
		this.recent[this.next] = refused;
		if (refused) this.refused++;
		this.next = (this.next + 1) % WINDOW;
		this.seen++;
		this.sinceChange++;
	}

	private set(next: number, why: string): void {
		const previous = this.current;
		this.current = next;
		this.sinceChange = 0;
		this.onChange(previous, next, why);
	}
}

export interface Schedule {
	/** Items with the same key run one after the other, in input order; items without one, freely. */
	keyOf(index: number): string | undefined;
	/** Runs one item; never rejects (it records its own result). */
	run(index: number): Promise<void>;
	/** No new item starts once this is true (a stop, or a failure with Continue On Fail off). */
	stopped(): boolean;
	limit: AdaptiveLimit;
}

/** Runs items 0..count-1 as the schedule says, starting them in input order; resolves when all started ones ended. */
export async function runItems(count: number, schedule: Schedule): Promise<void> {
	const tails = new Map<string, Promise<void>>();
	const inFlight = new Set<Promise<void>>();
	// Woken when an item ends: one waiter, instead of a handler on every item in flight per start.
	let freed: (() => void) | undefined;
	const slot = () => new Promise<void>((resolve) => (freed = resolve));
	for (let index = 0; index < count; index++) {
		while (inFlight.size >= schedule.limit.current) await slot();
		if (schedule.stopped()) break;
		const key = schedule.keyOf(index);
		const before = key === undefined ? undefined : tails.get(key);
		const task = (before ?? Promise.resolve()).then(async () => {
			if (!schedule.stopped()) await schedule.run(index);
		});
		if (key !== undefined) tails.set(key, task);
		const tracked: Promise<void> = task.finally(() => {
			inFlight.delete(tracked);
			if (key !== undefined && tails.get(key) === task) tails.delete(key);
			freed?.();
		});
		inFlight.add(tracked);
	}
	await Promise.all(inFlight);
}
