import type { IDataObject } from 'n8n-workflow';

import type { ConnectorAnswer, ConnectorRequest, RequestResult } from './types';

export type AnswerProblem =
	| 'notJson'
	| 'wrongShape'
	| 'unmatchedReqId'
	| 'rejected'
	| 'missingConversationId';

/** LivePerson's answer could not be used: malformed, or one of the requests was refused. */
export class AnswerError extends Error {
	constructor(
		readonly problem: AnswerProblem,
		message: string,
		/** The request LivePerson refused, for `rejected`. */
		readonly request?: ConnectorRequest,
		readonly answer?: ConnectorAnswer,
		/** The results that could be matched, for the output of a failed item. */
		readonly results: RequestResult[] = [],
	) {
		super(message);
		this.name = 'AnswerError';
	}
}

/** A reqId or code as text; undefined for anything that is not a string or a number. */
function textOf(value: unknown): string | undefined {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parsed JSON, or undefined when the text is not JSON. */
export function tryParseJson(text: string): { value: unknown } | undefined {
	try {
		return { value: JSON.parse(text) };
	} catch {
		return undefined;
	}
}

export function parseJson(raw: unknown): unknown {
	if (typeof raw !== 'string') return raw;
	const parsed = tryParseJson(raw);
	if (!parsed) {
		const preview = raw.trim().slice(0, 80).replace(/\s+/g, ' ');
		throw new AnswerError('notJson', `LivePerson's answer is not JSON (it starts with "${preview}")`);
	}
	return parsed.value;
}

/**
 * Pairs each request with its answer by `reqId` (never by position: the docs' own examples reuse
 * ids and answers may come in any order). Throws AnswerError on a malformed answer, or on the first
 * request whose answer is not `OK`, even under HTTP 200.
 */
export function matchAnswers(requests: ConnectorRequest[], raw: unknown): RequestResult[] {
	const parsed = parseJson(raw);
	const answers = Array.isArray(parsed) ? parsed : [parsed];
	if (!answers.every(isObject)) {
		throw new AnswerError('wrongShape', 'LivePerson\'s answer is not a list of request results');
	}
	if (answers.length > requests.length) {
		throw new AnswerError(
			'wrongShape',
			`LivePerson answered ${answers.length} results for ${requests.length} requests`,
		);
	}
	const results: RequestResult[] = [];
	const unclaimed = [...(answers as unknown as ConnectorAnswer[])];
	for (const request of requests) {
		const index = unclaimed.findIndex((answer) => textOf(answer.reqId) === request.id);
		if (index === -1) {
			throw new AnswerError(
				answers.length === requests.length ? 'unmatchedReqId' : 'wrongShape',
				answers.length === requests.length
					? `LivePerson's answer has no result for request ${request.id} (${request.type})`
					: `LivePerson answered ${answers.length} results for ${requests.length} requests`,
				request,
				undefined,
				results,
			);
		}
		const [answer] = unclaimed.splice(index, 1);
		const code = typeof answer.code === 'number' ? answer.code : (textOf(answer.code) ?? '(no code)');
		results.push({ type: request.type, reqId: request.id, code, body: isObject(answer.body) ? answer.body : {} });
	}
	const refused = results.find((result) => result.code !== 'OK');
	if (refused) {
		const request = requests.find((candidate) => candidate.id === refused.reqId);
		throw new AnswerError(
			'rejected',
			typeof refused.body.msg === 'string' ? refused.body.msg : `LivePerson answered ${refused.code}`,
			request,
			{ code: refused.code, body: refused.body, reqId: refused.reqId },
			results,
		);
	}
	return results;
}

export interface CreateOutcome {
	conversationId: string;
	sequence?: number;
}

export function createOutcome(results: RequestResult[]): CreateOutcome {
	const conversation = results.find((result) => result.type === 'cm.ConsumerRequestConversation');
	const conversationId = conversation?.body.conversationId;
	if (typeof conversationId !== 'string' || conversationId === '') {
		throw new AnswerError(
			'missingConversationId',
			'LivePerson accepted the request but its answer has no conversationId',
			undefined,
			undefined,
			results,
		);
	}
	const published = results.find((result) => result.type === 'ms.PublishEvent');
	const sequence = published?.body.sequence;
	return { conversationId, ...(typeof sequence === 'number' ? { sequence } : {}) };
}

/** The sequence LivePerson gave a message sent with SEND. */
export function sentSequence(result: RequestResult): number | undefined {
	return typeof result.body.sequence === 'number' ? result.body.sequence : undefined;
}
