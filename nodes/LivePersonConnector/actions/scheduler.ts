/**
 * Items in flight together: at most `limit` at once, and the items of one consumer one after the
 * other in input order (LivePerson allows one open conversation per consumer, so a create and a
 * later send for the same contact must keep their order). The limit adapts to LivePerson: halved
 * on a 429 (at most once a second, so one burst counts once), grown back by one after a run of
 * answers without one.
 */

/** Items in flight at once when the Options say nothing: see the README's Performance section. */
export const DEFAULT_CONCURRENCY = 10;

/** Fewer halvings than this apart are the same burst of 429s. */
const BURST_MS = 1000;
/** Answers without a 429 needed, per unit of the current limit, before it grows by one. */
const GROWTH_PER_ANSWER = 4;

export class AdaptiveLimit {
	current: number;
	private answers = 0;
	private lastHalving = 0;

	constructor(
		readonly max: number,
		private readonly onChange: (from: number, to: number, why: string) => void = () => undefined,
	) {
		this.current = max;
	}

	rateLimited(now = Date.now()): void {
		this.answers = 0;
		if (now - this.lastHalving < BURST_MS) return;
		this.lastHalving = now;
		const next = Math.max(1, Math.floor(this.current / 2));
		if (next !== this.current) this.set(next, 'LivePerson answered 429');
	}

	answered(): void {
		if (this.current >= this.max) return;
		if (++this.answers < this.current * GROWTH_PER_ANSWER) return;
		this.answers = 0;
		this.set(this.current + 1, `${this.current * GROWTH_PER_ANSWER} answers without a 429`);
	}

	private set(next: number, why: string): void {
		const previous = this.current;
		this.current = next;
		this.onChange(previous, next, why);
	}
}

export interface Schedule {
	/** Items with the same key run one after the other, in input order. */
	keyOf(index: number): string;
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
	for (let index = 0; index < count; index++) {
		while (inFlight.size >= schedule.limit.current) await Promise.race(inFlight);
		if (schedule.stopped()) break;
		const key = schedule.keyOf(index);
		const task = (tails.get(key) ?? Promise.resolve()).then(async () => {
			if (!schedule.stopped()) await schedule.run(index);
		});
		tails.set(key, task);
		const tracked: Promise<void> = task.finally(() => {
			inFlight.delete(tracked);
			if (tails.get(key) === task) tails.delete(key);
		});
		inFlight.add(tracked);
	}
	await Promise.all(inFlight);
}
