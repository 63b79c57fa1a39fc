import { NodeApiError, NodeOperationError, type IDataObject, type INode, type JsonObject } from 'n8n-workflow';

import { AnswerError } from '../helpers/answers';
import { InputError } from '../helpers/inputError';
import { LivePersonSetupError } from './hosts';
import { networkCode, type Attempts } from './retry';

/** Whether the conversation exists after a failed create, as far as the node can tell. */
export type Created = 'no' | 'unknown' | 'yes';

export interface FailureFacts {
	message: string;
	description: string;
	httpCode?: number;
	created: Created;
	/** Extra fields for the error item of a failed item (e.g. the conversationId when it exists). */
	data?: IDataObject;
}

const AUTH_ERRORS: Record<number, { message: string; fix: string }> = {
	40001: {
		message: 'LivePerson refused the request: a parameter or token claim is missing',
		fix: 'Check that the Account ID in the credential is the account the tokens were minted for.',
	},
	40102: {
		message: 'LivePerson rejected the AppJWT: it is invalid or has expired',
		fix: 'With Static Tokens, mint a new AppJWT (it lasts one hour) or switch the credential to Client Credentials, which renews it automatically.',
	},
	40103: {
		message: 'LivePerson rejected the ConsumerJWS',
		fix: 'Check that the ConsumerJWS was minted for this account, or give a Consumer ID instead so the node mints one.',
	},
	40104: {
		message: 'No ConsumerJWS was sent',
		fix: 'Set Consumer ID (with Client Credentials), the ConsumerJWS option, or a Default ConsumerJWS in the credential.',
	},
	40105: {
		message: 'No AppJWT was sent',
		fix: 'Fill in the credential\'s AppJWT, or switch it to Client Credentials.',
	},
};

export function authFailure(body: unknown, httpCode: number): FailureFacts {
	const details = (body as { body?: IDataObject } | undefined)?.body ?? {};
	const errorCode = typeof details.errorCode === 'number' ? details.errorCode : undefined;
	const known = errorCode === undefined ? undefined : AUTH_ERRORS[errorCode];
	const said = [details.title, details.details].filter((part) => typeof part === 'string').join(': ');
	return {
		message: known?.message ?? 'LivePerson refused the request as unauthorized',
		description: [
			known?.fix ??
				'LivePerson answers 401 when a token is invalid, or when one consumer\'s ConsumerJWS is used on another consumer\'s conversation.',
			`LivePerson said${errorCode ? ` (errorCode ${errorCode})` : ''}: ${said || 'HTTP 401'}.`,
		].join(' '),
		httpCode,
		created: 'no',
	};
}

const OPEN_CONVERSATION = /already has open conversation/i;

export function answerFailure(error: AnswerError, httpCode: number, endpoint: Endpoint): FailureFacts {
	const conversationCreated: Created = endpoint === 'send' ? 'no' : 'unknown';
	if (error.problem === 'rejected') {
		const said = `LivePerson answered ${error.answer?.code} to ${error.request?.type} (reqId ${error.answer?.reqId}): ${error.message}`;
		const created: Created = endpoint === 'conversation' ? createdAfterRejection(error) : 'no';
		if (OPEN_CONVERSATION.test(error.message)) {
			return {
				message: 'This consumer already has an open conversation in LivePerson',
				description: `LivePerson allows one open conversation per consumer. Close the open conversation first, or send into it instead of creating a new one. ${said}`,
				httpCode,
				created: 'no',
			};
		}
		if (/conversation is close/i.test(error.message)) {
			return {
				message: 'The conversation is closed',
				description: `LivePerson does not accept messages in a closed conversation; create a new one. ${said}`,
				httpCode,
				created,
			};
		}
		if (created === 'yes') {
			const conversationId = error.results.find((result) => result.type === 'cm.ConsumerRequestConversation')?.body
				.conversationId;
			return {
				message: `The conversation was created, but LivePerson refused ${error.request?.type ?? 'a request'} in the same batch`,
				description: `Conversation ${conversationId} is open: continue it, or close it. ${said}.`,
				httpCode,
				created,
				data: { conversationId, livePersonResponses: error.results },
			};
		}
		return {
			message: `LivePerson refused ${error.request?.type ?? 'the request'}`,
			description: `${said}. Check the fields this request is built from.`,
			httpCode,
			created,
		};
	}
	return {
		message: 'LivePerson\'s answer could not be read',
		description: `${error.message} (HTTP ${httpCode}). ${
			conversationCreated === 'unknown' && httpCode < 400
				? 'The conversation may or may not have been created: check the consumer\'s open conversations in LivePerson before running this item again.'
				: 'This often means a proxy or gateway answered instead of LivePerson.'
		}`,
		httpCode,
		created: httpCode < 400 ? conversationCreated : 'no',
	};
}

/** In a batch that LivePerson refused, a conversation exists only if its own request was `OK`. */
function createdAfterRejection(error: AnswerError): Created {
	const conversation = error.results.find((result) => result.type === 'cm.ConsumerRequestConversation');
	return conversation?.code === 'OK' ? 'yes' : 'no';
}

export type Endpoint = 'conversation' | 'send' | 'idp';

const WHAT: Record<Endpoint, { thing: string; notDone: string; maybe: string; check: string }> = {
	conversation: {
		thing: 'the conversation',
		notDone: 'The conversation was not created.',
		maybe: 'The conversation may or may not have been created, so the node did not send it again.',
		check: 'Check the consumer\'s open conversations in LivePerson before running this item again.',
	},
	send: {
		thing: 'the message',
		notDone: 'The message was not sent.',
		maybe: 'The message may or may not have been sent, so the node did not send it again.',
		check: 'Check the conversation before sending it again.',
	},
	idp: {
		thing: 'the ConsumerJWS',
		notDone: 'No ConsumerJWS was minted and no conversation was created.',
		maybe: 'No conversation was created for this item.',
		check: 'Try again later.',
	},
};

function retried(attempts?: Attempts): string {
	if (!attempts || attempts.rateLimited + attempts.serverErrors === 0) return '';
	const parts = [];
	if (attempts.rateLimited) parts.push(`${attempts.rateLimited} time(s) after rate limits (${Math.round(attempts.waitedMs / 1000)} s waited)`);
	if (attempts.serverErrors) parts.push(`${attempts.serverErrors} time(s) after server errors`);
	return ` The node retried ${parts.join(' and ')}.`;
}

export function statusFailure(
	httpCode: number,
	body: unknown,
	endpoint: Endpoint,
	attempts?: Attempts,
): FailureFacts {
	const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
	const excerpt = text.length > 300 ? `${text.slice(0, 300)}…` : text;
	const what = WHAT[endpoint];
	if (httpCode === 429) {
		return {
			message: 'LivePerson rate-limited the request (HTTP 429)',
			description: `${what.notDone}${retried(attempts)} Send fewer items at a time, or raise the node's Rate Limit Retries and Max Rate Limit Wait options.`,
			httpCode,
			created: 'no',
		};
	}
	if (httpCode >= 500) {
		const repeatable = endpoint === 'idp';
		return {
			message: `LivePerson answered with a server error (HTTP ${httpCode})`,
			description: `${repeatable ? what.notDone : what.maybe}${retried(attempts)} ${what.check} LivePerson said: ${excerpt}`,
			httpCode,
			created: endpoint === 'conversation' ? 'unknown' : 'no',
		};
	}
	return {
		message: `LivePerson refused the request (HTTP ${httpCode})`,
		description: `${what.notDone} LivePerson said: ${excerpt}`,
		httpCode,
		created: 'no',
	};
}

/** No answer came back: refused, timed out, or the connection dropped. */
export function noAnswerFailure(error: unknown, endpoint: Endpoint, timeoutMs: number, attempts?: Attempts): FailureFacts {
	const code = networkCode(error);
	const what = WHAT[endpoint];
	const neverSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
	const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test((error as Error)?.message ?? '');
	// No error code in the message: NodeApiError swaps messages naming ECONNRESET & co. for generic text.
	const message = neverSent
		? 'Could not connect to LivePerson'
		: timedOut
			? `LivePerson did not answer within ${Math.round(timeoutMs / 1000)} s`
			: 'The connection to LivePerson dropped before it answered';
	const uncertain = !neverSent && endpoint !== 'idp';
	return {
		message,
		description: `${uncertain ? `${what.maybe} ${what.check}` : what.notDone}${retried(attempts)}${
			timedOut ? ' The Timeout option sets how long the node waits.' : ''
		}${code ? ` (network error ${code})` : ''}`,
		created: endpoint === 'conversation' && uncertain ? 'unknown' : 'no',
	};
}

/** A NodeApiError/NodeOperationError for one item; never built from a raw HTTP error, which carries headers. */
export function itemError(node: INode, itemIndex: number, facts: FailureFacts): NodeApiError {
	const error = new NodeApiError(node, { message: facts.message } as JsonObject, {
		message: `${facts.message} [item ${itemIndex}]`,
		description: facts.description,
		httpCode: facts.httpCode === undefined ? undefined : String(facts.httpCode),
		itemIndex,
	});
	error.context.created = facts.created;
	if (facts.data) error.context.data = facts.data;
	return error;
}

export function inputError(node: INode, itemIndex: number, error: InputError): NodeOperationError {
	const nodeError = new NodeOperationError(node, `${error.field} ${error.problem} [item ${itemIndex}]`, {
		description: `${error.fix} Nothing was sent to LivePerson for this item.`,
		itemIndex,
	});
	nodeError.context.created = 'no';
	nodeError.context.field = error.field;
	return nodeError;
}

export function setupError(node: INode, itemIndex: number, error: LivePersonSetupError): NodeOperationError {
	const nodeError = new NodeOperationError(node, `${error.message} [item ${itemIndex}]`, {
		description: error.description,
		itemIndex,
	});
	nodeError.context.created = 'no';
	return nodeError;
}
