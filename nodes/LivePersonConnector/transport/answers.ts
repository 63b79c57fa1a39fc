import { excerpt } from '../../shared/text';
import { isPlainObject, tryParseJson } from '../../shared/values';
import {
	REQUEST_TYPES,
	type ConnectorAnswer,
	type ConnectorRequest,
	type RequestResult,
} from './types';

export type AnswerProblem =
	'notJson' | 'wrongShape' | 'unmatchedReqId' | 'rejected' | 'unclear' | 'missingConversationId';

/** LivePerson's answer could not be used: malformed, or one of the requests was refused. */
export class AnswerError extends Error {
	constructor(
		readonly problem: AnswerProblem,
		message: string,
		/** The request LivePerson refused, for `rejected` and `unclear`. */
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

/** Codes that prove LivePerson refused the request (so it had no effect). */
const REFUSAL_CODES =
	/^(BAD_REQUEST|UNAUTHORIZED|FORBIDDEN|NOT_FOUND|METHOD_NOT_ALLOWED|CONFLICT|TOO_MANY_REQUESTS|4\d\d)$/i;

/** `ok`, `refused`, or `unclear` for a code that proves neither (a 5xx code, or an unknown word). */
export function codeVerdict(code: string | number): 'ok' | 'refused' | 'unclear' {
	const text = String(code).trim();
	if (/^(OK|200)$/i.test(text)) return 'ok';
	return REFUSAL_CODES.test(text) ? 'refused' : 'unclear';
}

export function parseJson(raw: unknown): unknown {
	if (typeof raw !== 'string') return raw;
	const parsed = tryParseJson(raw);
	if (!parsed) {
		throw new AnswerError(
			'notJson',
			`LivePerson's answer is not JSON (it starts with "${excerpt(raw, 80)}")`,
		);
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
	if (!answers.every(isPlainObject)) {
		throw new AnswerError('wrongShape', "LivePerson's answer is not a list of request results");
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
			const counted = answers.length === requests.length;
			throw new AnswerError(
				counted ? 'unmatchedReqId' : 'wrongShape',
				counted
					? `LivePerson's answer has no result for request ${request.id} (${request.type})`
					: `LivePerson answered ${answers.length} results for ${requests.length} requests`,
				request,
				undefined,
				results,
			);
		}
		const [answer] = unclaimed.splice(index, 1);
		const code =
			typeof answer.code === 'number' ? answer.code : (textOf(answer.code) ?? '(no code)');
		results.push({
			type: request.type,
			reqId: request.id,
			code,
			body: isPlainObject(answer.body) ? answer.body : {},
		});
	}
	// A refusal anywhere decides; otherwise an unclear code leaves the outcome open.
	const verdicts = results.map((result) => codeVerdict(result.code));
	const failed = verdicts.includes('refused')
		? verdicts.indexOf('refused')
		: verdicts.indexOf('unclear');
	if (failed !== -1) {
		const result = results[failed];
		throw new AnswerError(
			verdicts[failed] === 'refused' ? 'rejected' : 'unclear',
			typeof result.body.msg === 'string' ? result.body.msg : `LivePerson answered ${result.code}`,
			requests.find((candidate) => candidate.id === result.reqId),
			{ code: result.code, body: result.body, reqId: result.reqId },
			results,
		);
	}
	return results;
}

/** The result of the request of the given type, if it was sent. */
export function resultOf(results: RequestResult[], type: string): RequestResult | undefined {
	return results.find((result) => result.type === type);
}

/** The conversation a create batch opened: its result is OK and carries a conversationId. */
export function createdConversationId(results: RequestResult[]): string | undefined {
	const result = resultOf(results, REQUEST_TYPES.requestConversation);
	const id = result?.body.conversationId;
	return result && codeVerdict(result.code) === 'ok' && typeof id === 'string' && id !== ''
		? id
		: undefined;
}

/** The sequence LivePerson gave a published message, in a create batch or a SEND. */
export function publishedSequence(results: RequestResult[]): number | undefined {
	const sequence = resultOf(results, REQUEST_TYPES.publishEvent)?.body.sequence;
	return typeof sequence === 'number' ? sequence : undefined;
}
