import { sleep, type IDataObject, type IHttpRequestOptions } from 'n8n-workflow';

import { Cancelled } from '../errors';
import type { FullResponse } from './hosts';

/** The node's Options that govern waiting and retrying, with the runtime defaults. */
export interface RetrySettings {
	/** How many times a 429 is retried before the item fails. */
	rateLimitRetries: number;
	/** Cap on the total time one request may spend waiting out 429s. */
	maxRateLimitWaitMs: number;
	/** Waits before retrying a 5xx or a lost answer, for requests that are safe to repeat. */
	serverErrorDelaysMs: number[];
	/** Per-request timeout. */
	timeoutMs: number;
	/** Told of every 429 and every other answer, e.g. to adapt how many items are in flight. */
	onRateLimited?: () => void;
	onAnswered?: () => void;
}

const DEFAULT_RETRY: RetrySettings = {
	rateLimitRetries: 5,
	maxRateLimitWaitMs: 60_000,
	// LivePerson's policy: retry 5xx three times, after 5, 10 and 15 seconds.
	serverErrorDelaysMs: [5_000, 10_000, 15_000],
	timeoutMs: 30_000,
};

function numberOption(
	options: IDataObject,
	name: string,
	fallback: number,
	min: number,
	max: number,
): number {
	const value = Number(options[name]);
	return Number.isFinite(value) ? Math.min(Math.max(value, min), max) : fallback;
}

/** Reads the options with defaults at run time (n8n does not store UI defaults in the workflow). */
export function retrySettings(options: IDataObject = {}): RetrySettings {
	const seconds = (ms: number) => ms / 1000;
	const interval =
		numberOption(
			options,
			'serverErrorRetryInterval',
			seconds(DEFAULT_RETRY.serverErrorDelaysMs[0]),
			0,
			60,
		) * 1000;
	return {
		rateLimitRetries: numberOption(
			options,
			'rateLimitRetries',
			DEFAULT_RETRY.rateLimitRetries,
			0,
			20,
		),
		maxRateLimitWaitMs:
			numberOption(options, 'maxRateLimitWait', seconds(DEFAULT_RETRY.maxRateLimitWaitMs), 0, 600) *
			1000,
		serverErrorDelaysMs: [interval, interval * 2, interval * 3],
		timeoutMs: numberOption(options, 'timeout', seconds(DEFAULT_RETRY.timeoutMs), 1, 300) * 1000,
	};
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(
	headers: IDataObject | undefined,
	now = Date.now(),
): number | undefined {
	const raw = headers?.['retry-after'] ?? headers?.['Retry-After'];
	if (raw === undefined || raw === null || raw === '') return undefined;
	const text = String(raw).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Without Retry-After: at least 1 s, doubling per retry, with up to 25 % jitter against bursts. */
export function rateLimitBackoffMs(retry: number, random = Math.random): number {
	return Math.round(1000 * 2 ** retry * (1 + random() * 0.25));
}

/** Longest single sleep: after a cancel, no timer of ours outlives the execution by more than this. */
const PAUSE_SLICE_MS = 250;

/** Waits, but gives up at once when the execution is cancelled. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(new Cancelled());
		signal?.addEventListener('abort', onAbort, { once: true });
	});
	aborted.catch(() => undefined);
	try {
		for (let left = ms; left > 0; left -= PAUSE_SLICE_MS) {
			if (signal?.aborted) throw new Cancelled();
			await Promise.race([sleep(Math.min(left, PAUSE_SLICE_MS)), aborted]);
		}
		if (signal?.aborted) throw new Cancelled();
	} finally {
		if (onAbort) signal?.removeEventListener('abort', onAbort);
	}
}

export interface Attempts {
	rateLimited: number;
	waitedMs: number;
	serverErrors: number;
}

export type Outcome =
	| { kind: 'answer'; response: FullResponse; attempts: Attempts }
	| { kind: 'noAnswer'; error: unknown; attempts: Attempts };

/**
 * Sends until there is an answer worth returning. A 429 proves the request was not processed, so
 * it is always retried (within the limits). A 5xx or a lost answer is retried only when `repeatable`:
 * a create or a message may have been processed, and sending it again could duplicate it.
 *
 * A stop ends every wait and request at once with `Cancelled`, whose effect says whether a request
 * may have been processed: one in flight, or an earlier attempt answered with a 5xx or lost.
 */
export async function sendWithRetries(
	send: () => Promise<FullResponse>,
	settings: RetrySettings,
	repeatable: boolean,
	signal?: AbortSignal,
): Promise<Outcome> {
	const attempts: Attempts = { rateLimited: 0, waitedMs: 0, serverErrors: 0 };
	let uncertain = false;
	const cancelled = (inFlight: boolean) => new Cancelled(uncertain || inFlight ? 'unknown' : 'no');
	const wait = async (ms: number) =>
		await pause(ms, signal).catch((error: unknown) => {
			throw error instanceof Cancelled ? cancelled(false) : error;
		});
	for (;;) {
		if (signal?.aborted) throw cancelled(false);
		const sent = await send().then(
			(response) => ({ response }),
			(error: unknown) => ({ error }),
		);
		if ('error' in sent) {
			// A Cancelled comes from a step before this request (a token or host): it never left.
			if (signal?.aborted) throw cancelled(!(sent.error instanceof Cancelled));
			// A network code means the answer was lost; setup errors (bad credentials) carry none.
			if (
				repeatable &&
				networkCode(sent.error) !== undefined &&
				attempts.serverErrors < settings.serverErrorDelaysMs.length
			) {
				uncertain = true;
				await wait(settings.serverErrorDelaysMs[attempts.serverErrors++]);
				continue;
			}
			return { kind: 'noAnswer', error: sent.error, attempts };
		}
		const { response } = sent;
		if (response.statusCode === 429) settings.onRateLimited?.();
		else settings.onAnswered?.();
		if (response.statusCode === 429 && attempts.rateLimited < settings.rateLimitRetries) {
			const delay = retryAfterMs(response.headers) ?? rateLimitBackoffMs(attempts.rateLimited);
			if (attempts.waitedMs + delay <= settings.maxRateLimitWaitMs) {
				await wait(delay);
				attempts.rateLimited++;
				attempts.waitedMs += delay;
				continue;
			}
		}
		if (
			response.statusCode >= 500 &&
			repeatable &&
			attempts.serverErrors < settings.serverErrorDelaysMs.length
		) {
			uncertain = true;
			await wait(settings.serverErrorDelaysMs[attempts.serverErrors++]);
			continue;
		}
		return { kind: 'answer', response, attempts };
	}
}

/** The low-level code of a network failure (ECONNRESET, ECONNREFUSED, ECONNABORTED, ETIMEDOUT...). */
export function networkCode(error: unknown): string | undefined {
	for (
		let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
		current && depth < 5;
		depth++
	) {
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause as typeof current;
	}
	return undefined;
}

/**
 * A request function for requests that are safe to repeat (Domain API, Sentinel, IDP): 429s, 5xx
 * and lost answers are retried per `settings`; no answer at all throws the last error.
 */
export function repeatingRequest(
	send: (options: IHttpRequestOptions) => Promise<FullResponse>,
	settings: RetrySettings,
	signal?: AbortSignal,
): (options: IHttpRequestOptions) => Promise<FullResponse> {
	return async (options) => {
		const outcome = await sendWithRetries(async () => await send(options), settings, true, signal);
		if (outcome.kind === 'noAnswer') throw outcome.error;
		return outcome.response;
	};
}
