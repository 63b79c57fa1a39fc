import type { FailureFacts } from '../errors';
import { excerpt } from '../text';
import { networkCode, type Attempts } from './retry';

/**
 * LivePerson's answers (or their absence) as failure facts, as every LivePerson API gives them
 * (each API reads its own answer bodies itself). What a failure means for the operation (a
 * conversation not created, a message maybe sent) is added at the router, in the operation's own
 * words; here only `effect` says whether the failed request may have had it.
 */

/** Whether the failed request is the one with the operation's effect (a create, a send) or comes before it. */
export interface RequestRole {
	main: boolean;
	/** For requests before the main one: what failed, e.g. `No ConsumerJWS was minted.` */
	notDone?: string;
}

export function retried(attempts?: Attempts): string {
	if (!attempts || attempts.rateLimited + attempts.serverErrors === 0) return '';
	const parts = [];
	if (attempts.rateLimited)
		parts.push(
			`${attempts.rateLimited} time(s) after rate limits (${Math.round(attempts.waitedMs / 1000)} s waited)`,
		);
	if (attempts.serverErrors) parts.push(`${attempts.serverErrors} time(s) after server errors`);
	return `The node retried ${parts.join(' and ')}.`;
}

export function sentences(...parts: Array<string | undefined>): string {
	return parts.filter((part) => part).join(' ');
}

/** An HTTP status that is not an answer to read: 3xx, 429, 5xx, or a 4xx without request results. */
export function statusFailure(
	httpCode: number,
	body: unknown,
	role: RequestRole,
	attempts?: Attempts,
): FailureFacts {
	const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
	const said = `LivePerson said: ${excerpt(text)}`;
	if (httpCode === 429) {
		return {
			reason: 'rateLimited',
			message: 'LivePerson rate-limited the request (HTTP 429)',
			description: sentences(
				role.notDone,
				retried(attempts),
				"Send fewer items at a time, or raise the node's Rate Limit Retries and Max Rate Limit Wait options.",
			),
			httpCode,
			effect: 'no',
		};
	}
	if (httpCode >= 500) {
		return {
			reason: 'serverError',
			message: `LivePerson answered with a server error (HTTP ${httpCode})`,
			description: sentences(role.notDone, retried(attempts), said),
			httpCode,
			effect: role.main ? 'unknown' : 'no',
		};
	}
	if (httpCode >= 300 && httpCode < 400) {
		return {
			reason: 'redirected',
			message: `LivePerson's host answered with a redirect (HTTP ${httpCode})`,
			description: sentences(
				role.notDone,
				"The node does not follow redirects, so a request is never sent twice or to another host. Check the credential's hosts (a proxy or an old host name may redirect).",
			),
			httpCode,
			effect: role.main ? 'unknown' : 'no',
		};
	}
	if (httpCode === 404) {
		return {
			reason: 'refused',
			message: 'LivePerson does not know this account or endpoint (HTTP 404)',
			description: sentences(
				role.notDone,
				'Check the Account ID in the credential, and its hosts.',
				said,
			),
			httpCode,
			effect: 'no',
		};
	}
	return {
		reason: 'refused',
		message: `LivePerson refused the request (HTTP ${httpCode})`,
		description: sentences(
			role.notDone,
			said,
			'Check the Account ID in the credential and the values this request is built from.',
		),
		httpCode,
		effect: httpCode >= 200 && httpCode < 300 ? 'unknown' : 'no',
	};
}

/** No answer came back: refused, timed out, or the connection dropped. */
export function noAnswerFailure(
	error: unknown,
	role: RequestRole,
	timeoutMs: number,
	attempts?: Attempts,
): FailureFacts {
	const code = networkCode(error);
	const neverSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
	const timedOut =
		code === 'ECONNABORTED' ||
		code === 'ETIMEDOUT' ||
		/timeout/i.test((error as Error)?.message ?? '');
	// No error code in the message: NodeApiError swaps messages naming ECONNRESET & co. for generic text.
	return {
		reason: neverSent ? 'connectionFailed' : timedOut ? 'timeout' : 'connectionLost',
		message: neverSent
			? 'Could not connect to LivePerson'
			: timedOut
				? `LivePerson did not answer within ${Math.round(timeoutMs / 1000)} s`
				: 'The connection to LivePerson dropped before it answered',
		description: sentences(
			role.notDone,
			retried(attempts),
			timedOut ? 'The Timeout option sets how long the node waits.' : undefined,
			code ? `(network error ${code})` : undefined,
		),
		effect: role.main && !neverSent ? 'unknown' : 'no',
	};
}
