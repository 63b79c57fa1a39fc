import type { IDataObject } from 'n8n-workflow';

import { AnswerError, type FailureFacts } from '../helpers/errors';
import { excerpt } from '../helpers/text';
import { networkCode, type Attempts } from './retry';

/**
 * LivePerson's answers (or their absence) as failure facts. What a failure means for the
 * operation (a conversation not created, a message maybe sent) is added at the router, in the
 * operation's own words; here only `effect` says whether the failed request may have had it.
 */

/** Whether the failed request is the one with the operation's effect (a create, a send) or comes before it. */
export interface RequestRole {
	main: boolean;
	/** For requests before the main one: what failed, e.g. `No ConsumerJWS was minted.` */
	notDone?: string;
}

const AUTH_ERRORS: Record<number, { message: string; fix: string }> = {
	40001: {
		message: 'LivePerson refused the request: a parameter or token claim is missing',
		fix: 'Check that the Account ID in the credential is the account the tokens were minted for.',
	},
	40102: {
		message: 'LivePerson rejected the AppJWT: it is invalid or has expired',
		fix: 'With Static Tokens, mint a new AppJWT (it lasts one hour) or switch the credential to Client Credentials, which renews it automatically. Check that the Account ID is the account the AppJWT was minted for.',
	},
	40103: {
		message: 'LivePerson rejected the ConsumerJWS',
		fix: "Check that the ConsumerJWS was minted for this account, and that the conversation belongs to this consumer (LivePerson refuses one consumer's ConsumerJWS on another consumer's conversation).",
	},
	40104: {
		message: 'No ConsumerJWS was sent',
		fix: 'Set Consumer ID (with Client Credentials), the ConsumerJWS option, or a Default ConsumerJWS in the credential.',
	},
	40105: {
		message: 'No AppJWT was sent',
		fix: "Fill in the credential's AppJWT, or switch it to Client Credentials.",
	},
};

function retried(attempts?: Attempts): string {
	if (!attempts || attempts.rateLimited + attempts.serverErrors === 0) return '';
	const parts = [];
	if (attempts.rateLimited)
		parts.push(
			`${attempts.rateLimited} time(s) after rate limits (${Math.round(attempts.waitedMs / 1000)} s waited)`,
		);
	if (attempts.serverErrors) parts.push(`${attempts.serverErrors} time(s) after server errors`);
	return `The node retried ${parts.join(' and ')}.`;
}

function sentences(...parts: Array<string | undefined>): string {
	return parts.filter((part) => part).join(' ');
}

export function authFailure(body: unknown, httpCode: number, role: RequestRole): FailureFacts {
	const details = (body as { body?: IDataObject } | undefined)?.body ?? {};
	const errorCode = typeof details.errorCode === 'number' ? details.errorCode : undefined;
	const known = errorCode === undefined ? undefined : AUTH_ERRORS[errorCode];
	const said = [details.title, details.details]
		.filter((part) => typeof part === 'string')
		.join(': ');
	return {
		reason: errorCode === 40103 || errorCode === 40104 ? 'consumerJwsRejected' : 'unauthorized',
		message: known?.message ?? 'LivePerson refused the request as unauthorized',
		description: sentences(
			role.notDone,
			known?.fix ??
				"LivePerson answers 401 when a token is invalid, or when one consumer's ConsumerJWS is used on another consumer's conversation.",
			`LivePerson said${errorCode ? ` (errorCode ${errorCode})` : ''}: ${excerpt(said || `HTTP ${httpCode}`)}.`,
		),
		httpCode,
		effect: 'no',
	};
}

const OPEN_CONVERSATION = /already has (an )?open conversation/i;

/** A refused request (an answer item that is not OK) or an answer the node cannot read. */
export function answerFailure(error: AnswerError, httpCode: number): FailureFacts {
	const said = `LivePerson answered ${error.answer?.code} to ${error.request?.type} (reqId ${error.answer?.reqId}): ${excerpt(error.message)}`;
	if (error.problem === 'rejected') {
		if (OPEN_CONVERSATION.test(error.message)) {
			return {
				reason: 'consumerHasOpenConversation',
				message: 'This consumer already has an open conversation in LivePerson',
				description: `LivePerson allows one open conversation per consumer. Send into the open conversation, or close it first (its ID is where your workflow keeps it, e.g. the CRM contact). ${said}`,
				httpCode,
				effect: 'no',
			};
		}
		if (/conversation is close/i.test(error.message)) {
			return {
				reason: 'conversationClosed',
				message: 'The conversation is closed',
				description: `LivePerson accepts nothing more in a closed conversation; create a new one. ${said}`,
				httpCode,
				effect: 'no',
			};
		}
		if (/not found/i.test(error.message)) {
			return {
				reason: 'conversationNotFound',
				message: 'LivePerson does not know this conversation',
				description: `Check the Conversation ID: it is the conversationId a create returned. ${said}`,
				httpCode,
				effect: 'no',
			};
		}
		return {
			reason: 'refused',
			message: `LivePerson refused ${error.request?.type ?? 'the request'}`,
			description: `${said}. Check the fields this request is built from.`,
			httpCode,
			effect: 'no',
			data: error.results.length ? { livePersonResponses: error.results } : undefined,
		};
	}
	// A code that proves neither success nor refusal, or any readable-looking 2xx, may mean it was processed.
	const processed = error.problem === 'unclear' || httpCode < 400;
	return {
		reason: 'unreadableAnswer',
		message: "LivePerson's answer could not be read",
		description: sentences(
			`${excerpt(error.problem === 'unclear' ? said : error.message)} (HTTP ${httpCode}).`,
			processed ? undefined : 'This often means a proxy or gateway answered instead of LivePerson.',
		),
		httpCode,
		effect: processed ? 'unknown' : 'no',
		data: error.results.length ? { livePersonResponses: error.results } : undefined,
	};
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
