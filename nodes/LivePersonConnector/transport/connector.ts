import {
	Cancelled,
	InputError,
	LivePersonFailure,
	LivePersonSetupError,
	type FailureFacts,
} from '../../shared/errors';
import { noAnswerFailure, statusFailure, type RequestRole } from '../../shared/transport/failures';
import type { FullResponse } from '../../shared/transport/hosts';
import type { Attempts, RetrySettings } from '../../shared/transport/retry';
import { authenticatedRequest, serviceUrl } from '../../shared/transport/session';
import { AnswerError, matchAnswers, parseJson } from './answers';
import type { ConnectorSession } from './api';
import {
	forgetConsumerJws,
	MAX_HEADER_BYTES,
	resolveConsumer,
	type Consumer,
	type ConsumerChoice,
} from './consumer';
import { answerFailure, authFailure } from './failures';
import { tooLarge } from '../helpers/requests';
import { MAX_BODY_CHARACTERS, type ConnectorRequest, type RequestResult } from './types';

export type ConnectorEndpoint = 'conversation' | 'send';

export interface ConnectorCall {
	endpoint: ConnectorEndpoint;
	/** The batch for `conversation`; exactly one request for `send`. */
	requests: ConnectorRequest[];
	/** Adds the Client-Properties header that lets LivePerson send its automatic messages. */
	autoMessages?: boolean;
	/** A request whose repetition later can neither duplicate nor undo anything (closing, a receipt). */
	safeToRepeat?: boolean;
	/** The user's inputs the request is built from, by field label: the largest is named when it is too large. */
	inputs?: Record<string, unknown>;
}

/** The body as sent, refused before anything is sent (or minted) when LivePerson would refuse its size. */
function bodyOf(call: ConnectorCall): string {
	const body = JSON.stringify(call.endpoint === 'send' ? call.requests[0] : call.requests);
	if (body.length > MAX_BODY_CHARACTERS)
		throw tooLarge(body.length, call.inputs ?? { 'The request': call.requests });
	return body;
}

const CLIENT_PROPERTIES = JSON.stringify({
	type: '.ClientProperties',
	features: ['AUTO_MESSAGES'],
});
const MAIN_REQUEST: RequestRole = { main: true };

/**
 * Sends a CONVERSATION batch or a SEND as `consumerJws` and returns each request's result, matched
 * by reqId. Anything but an all-OK answer throws a LivePersonFailure saying whether the request
 * may have had its effect. Creates and sends are never sent twice after an answer that may mean
 * they were processed.
 */
export async function callConnector(
	session: ConnectorSession,
	call: ConnectorCall,
	consumerJws: string,
	settings: RetrySettings,
	body = bodyOf(call),
): Promise<RequestResult[]> {
	const baseUrl = await serviceUrl(session, 'asyncMessagingEnt', settings);
	const path = call.endpoint === 'send' ? '/conversation/send' : '/conversation';
	const headers: Record<string, string> = {
		'Content-Type': 'application/json',
		'X-LP-ON-BEHALF': consumerJws,
	};
	if (call.autoMessages) headers['Client-Properties'] = CLIENT_PROPERTIES;
	const outcome = await authenticatedRequest(
		session,
		{
			method: 'POST',
			url: `${baseUrl}/api/account/${encodeURIComponent(session.credential.accountId)}/messaging/consumer${path}`,
			qs: { v: '3' },
			headers,
			body,
			json: false,
		},
		// A create or a message is never sent twice; what has no further effect may be.
		call.safeToRepeat === true,
		settings,
	);
	if (outcome.kind === 'noAnswer') {
		if (outcome.error instanceof LivePersonSetupError || outcome.error instanceof Cancelled)
			throw outcome.error;
		throw new LivePersonFailure(
			noAnswerFailure(outcome.error, MAIN_REQUEST, settings.timeoutMs, outcome.attempts),
		);
	}
	return readAnswer(session, outcome.response, call, outcome.attempts);
}

/** Headers a front end would refuse are refused before anything is sent, naming where the ConsumerJWS came from. */
function checkHeaderSize(
	session: ConnectorSession,
	choice: ConsumerChoice,
	consumerJws: string,
): void {
	// The AppJWT may not be minted yet: count a typical one (about 700 characters) at least.
	const headerBytes =
		Math.max(session.credential.appJwt.length, 1024) +
		Buffer.byteLength(consumerJws + CLIENT_PROPERTIES) +
		200;
	if (headerBytes <= MAX_HEADER_BYTES) return;
	const field = choice.consumerJws
		? 'Options › ConsumerJWS'
		: choice.consumerId
			? 'Consumer ID'
			: 'Credential › Default ConsumerJWS';
	throw new InputError(
		field,
		`makes request headers of about ${headerBytes} bytes (the ConsumerJWS is ${consumerJws.length} characters); front ends refuse headers over ${MAX_HEADER_BYTES}`,
		choice.consumerId
			? "Use a shorter consumer ID, e.g. the CRM contact's ID rather than a whole record."
			: "Check the ConsumerJWS: it is far longer than LivePerson's.",
	);
}

/**
 * `callConnector` for the item's consumer. A ConsumerJWS the node minted that LivePerson refuses
 * (40103, which proves nothing was processed) is forgotten, minted once more, and the request resent.
 */
export async function callConnectorAs(
	session: ConnectorSession,
	choice: ConsumerChoice,
	call: ConnectorCall,
	settings: RetrySettings,
	onConsumer?: (consumer: Consumer) => void,
): Promise<{ consumer: Consumer; results: RequestResult[] }> {
	const body = bodyOf(call);
	let consumer = await resolveConsumer(session, choice, settings);
	onConsumer?.(consumer);
	checkHeaderSize(session, choice, consumer.consumerJws);
	const first = await callConnector(session, call, consumer.consumerJws, settings, body).then(
		(results) => ({ results }),
		(error: unknown) => ({ error }),
	);
	if ('results' in first) return { consumer, results: first.results };
	const { error } = first;
	if (
		!(error instanceof LivePersonFailure) ||
		error.facts.reason !== 'consumerJwsRejected' ||
		!consumer.mintedFor
	)
		throw error;
	await forgetConsumerJws(session, consumer.mintedFor, settings);
	consumer = await resolveConsumer(session, choice, settings);
	onConsumer?.(consumer);
	return {
		consumer,
		results: await callConnector(session, call, consumer.consumerJws, settings, body),
	};
}

function readAnswer(
	session: ConnectorSession,
	response: FullResponse,
	call: ConnectorCall,
	attempts: Attempts,
): RequestResult[] {
	const failed = (facts: FailureFacts) =>
		new LivePersonFailure(attempts.serverErrors > 0 ? { ...facts, resent: true } : facts);
	const status = response.statusCode;
	const parsed = safeParse(response.body);
	if (status === 401)
		throw failed(authFailure(parsed, status, MAIN_REQUEST, session.credential.mode));
	// Any 2xx may mean LivePerson processed the request: read it; a 400 with results is a refusal.
	if ((status >= 200 && status < 300) || (status === 400 && isRequestAnswer(parsed))) {
		let results: RequestResult[] | undefined;
		let problem: unknown;
		try {
			results = matchAnswers(call.requests, response.body);
		} catch (error) {
			problem = error;
		}
		if (results) return results;
		throw failed(unusableAnswer(problem, status).facts);
	}
	throw failed(statusFailure(status, parsed, MAIN_REQUEST, attempts));
}

function unusableAnswer(error: unknown, status: number): LivePersonFailure {
	const answerError =
		error instanceof AnswerError ? error : new AnswerError('wrongShape', (error as Error).message);
	return new LivePersonFailure(answerFailure(answerError, status));
}

/** LivePerson answers a refused request with HTTP 400 and the usual result shape. */
function isRequestAnswer(parsed: unknown): boolean {
	return (
		Array.isArray(parsed) || (typeof parsed === 'object' && parsed !== null && 'reqId' in parsed)
	);
}

function safeParse(body: unknown): unknown {
	try {
		return parseJson(body);
	} catch {
		return body;
	}
}
