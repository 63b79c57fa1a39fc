/**
 * Items in flight together: at most `limit` at once, and the items of one consumer one after the
 * other in input order (LivePerson allows one open conversation per consumer, so a create and a
 * later send for the same contact must keep their order).
 *
 * The limit adapts to LivePerson's 429s. A stray 429 says little (each one is waited out and
 * retried anyway); many among the last answers say LivePerson is throttling. So the limit halves
 * when at least a quarter of the last 20 answers were 429s (at most once a second, so one burst
 * counts once), and grows back by one after four times its size in answers while 429s are rare again.
 */

/** Items in flight at once when the Options say nothing: see docs/performance.md. */
export const DEFAULT_CONCURRENCY = 10;

const WINDOW = 20;
/** 429s among the last WINDOW answers that mean LivePerson is throttling. */
const THROTTLED = 5;
/** At most this many 429s among the last WINDOW answers to grow again. */
const CALM = 1;
/** Fewer halvings than this apart are the same burst of 429s. */
const BURST_MS = 1000;

export class AdaptiveLimit {
	current: number;
	private readonly recent: boolean[] = [];
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
		const refused = this.recent.filter(Boolean).length;
		if (refused < THROTTLED || now - this.lastHalving < BURST_MS) return;
		this.lastHalving = now;
		const next = Math.max(1, Math.floor(this.current / 2));
		if (next !== this.current)
			this.set(
				next,
				`LivePerson answered 429 to ${refused} of the last ${this.recent.length} requests`,
			);
	}

	answered(): void {
		this.record(false);
		if (this.current >= this.max || this.sinceChange < this.current * 4) return;
		if (this.recent.filter(Boolean).length > CALM) return;
		this.set(this.current + 1, `${this.sinceChange} answers, 429s rare again`);
	}

	private record(refused: boolean): void {
		this.recent.push(refused);
		if (this.recent.length > WINDOW) this.recent.shift();
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
