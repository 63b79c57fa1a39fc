import type { IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { AnswerError, matchAnswers, parseJson } from '../helpers/answers';
import type { ConnectorRequest, RequestResult } from '../helpers/types';
import { answerFailure, authFailure, itemError, noAnswerFailure, statusFailure } from './errors';
import { LivePersonSetupError } from './hosts';
import type { Attempts } from './retry';
import { authenticatedRequest, serviceUrl, type Session } from './session';

export type ConnectorEndpoint = 'conversation' | 'send';

export interface ConnectorCall {
	endpoint: ConnectorEndpoint;
	/** The batch for `conversation`; exactly one request for `send`. */
	requests: ConnectorRequest[];
	consumerJws: string;
	itemIndex: number;
	/** Adds the Client-Properties header that lets LivePerson send its automatic messages. */
	autoMessages?: boolean;
}

const CLIENT_PROPERTIES = JSON.stringify({ type: '.ClientProperties', features: ['AUTO_MESSAGES'] });

/**
 * Sends a CONVERSATION batch or a SEND and returns each request's result, matched by reqId.
 * Anything but an all-OK answer becomes a NodeApiError for the item that says whether the
 * conversation exists.
 */
export async function callConnector(
	this: IExecuteFunctions,
	session: Session,
	call: ConnectorCall,
): Promise<RequestResult[]> {
	const baseUrl = await serviceUrl.call(this, session, 'asyncMessagingEnt');
	const path = call.endpoint === 'send' ? '/conversation/send' : '/conversation';
	const headers: Record<string, string> = {
		'Content-Type': 'application/json',
		'X-LP-ON-BEHALF': call.consumerJws,
	};
	if (call.autoMessages) headers['Client-Properties'] = CLIENT_PROPERTIES;
	const outcome = await authenticatedRequest.call(
		this,
		session,
		{
			method: 'POST',
			url: `${baseUrl}/api/account/${encodeURIComponent(session.accountId)}/messaging/consumer${path}`,
			qs: { v: '3' },
			headers,
			body: JSON.stringify(call.endpoint === 'send' ? call.requests[0] : call.requests),
			json: false,
		},
		// Neither a create nor a message is safe to send twice.
		false,
	);
	if (outcome.kind === 'noAnswer') {
		if (outcome.error instanceof LivePersonSetupError) throw outcome.error;
		throw itemError(
			this.getNode(),
			call.itemIndex,
			noAnswerFailure(outcome.error, call.endpoint, session.retry.timeoutMs, outcome.attempts),
		);
	}
	return readAnswer.call(this, outcome.response, call, outcome.attempts);
}

function readAnswer(
	this: IExecuteFunctions,
	response: IN8nHttpFullResponse,
	call: ConnectorCall,
	attempts: Attempts,
): RequestResult[] {
	const node = this.getNode();
	const status = response.statusCode;
	if (status === 401) {
		throw itemError(node, call.itemIndex, authFailure(safeParse(response.body), status));
	}
	const parsed = safeParse(response.body);
	if (status === 200 || (status === 400 && isRequestAnswer(parsed))) {
		const matched = attempt(() => matchAnswers(call.requests, response.body));
		if (matched instanceof AnswerError) {
			throw itemError(node, call.itemIndex, answerFailure(matched, status, call.endpoint));
		}
		return matched;
	}
	throw itemError(node, call.itemIndex, statusFailure(status, safeParse(response.body), call.endpoint, attempts));
}

function attempt<T>(read: () => T): T | AnswerError {
	try {
		return read();
	} catch (error) {
		if (error instanceof AnswerError) return error;
		return new AnswerError('wrongShape', (error as Error).message);
	}
}

/** LivePerson answers a refused request with HTTP 400 and the usual result shape. */
function isRequestAnswer(parsed: unknown): boolean {
	return Array.isArray(parsed) || (typeof parsed === 'object' && parsed !== null && 'reqId' in parsed);
}

function safeParse(body: unknown): unknown {
	try {
		return parseJson(body);
	} catch {
		return body;
	}
}
