/** The answer bodies the emulator sends, in the shapes of section 3-5 of the API page. */
import type { EmulatorAnswer } from './types';

export interface ItemAnswer {
	code: 'OK' | 'BAD_REQUEST';
	body: Record<string, unknown>;
	reqId?: string;
}

export function ok(body: Record<string, unknown>, reqId: string | undefined): ItemAnswer {
	return reqId === undefined ? { code: 'OK', body } : { code: 'OK', body, reqId };
}

export function bad(msg: string, reqId: string | undefined): ItemAnswer {
	return reqId === undefined
		? { code: 'BAD_REQUEST', body: { msg } }
		: { code: 'BAD_REQUEST', body: { msg }, reqId };
}

export function json(
	status: number,
	body: object,
	headers?: Record<string, string>,
): EmulatorAnswer {
	return headers ? { status, body, headers } : { status, body };
}

export const PROFILE_OK = 'OK User Profile set successfully';
export const CLOSE_OK = 'OK Conversation resolved successfully';
// inferred: the page documents no answer body for chat state and accept status events.
export const EVENT_OK = 'OK Event published successfully';
export const CONVERSATION_IS_CLOSE = 'Bad Request, Conversation is close';
// inferred wording, for the items of a batch rejected because of another item.
export const NOT_PROCESSED = 'Bad Request, not processed: another request in this batch failed';

export type AuthErrorCode = 40102 | 40103 | 40104 | 40105;

// Titles and details from LivePerson's "Authorization Error Responses" table.
const AUTH_ERRORS: Record<AuthErrorCode, { title: string; details: string }> = {
	40102: { title: 'Invalid AppJWT', details: 'AppJWT has expired or is invalid' },
	40103: { title: 'Invalid ConsumerJWS', details: 'ConsumerJWS is invalid' },
	40104: { title: 'ConsumerJWS is missing', details: 'X_ON_BEHALF_HEADER is not present' },
	40105: { title: 'AppJWT is missing', details: 'AUTHORIZATION header is not present' },
};

export function authError(errorCode: AuthErrorCode, details?: string): EmulatorAnswer {
	const e = AUTH_ERRORS[errorCode];
	return json(401, {
		kind: 'resp',
		code: 401,
		body: { title: e.title, details: details ?? e.details, errorCode },
		type: '.ReqBody$ErrorResp',
	});
}

// inferred: a missing parameter (errorCode 40001) is a 400 in the same envelope as the 401s.
export function missingParameter(details: string): EmulatorAnswer {
	return json(400, {
		kind: 'resp',
		code: 400,
		body: { title: 'Missing parameter', details, errorCode: 40001 },
		type: '.ReqBody$ErrorResp',
	});
}

// inferred: the shape of 404/405 bodies (LivePerson documents none).
export function notFound(message: string): EmulatorAnswer {
	return json(404, { code: 404, error: 'Not Found', message });
}

export function methodNotAllowed(method: string, allowed: string[]): EmulatorAnswer {
	return json(
		405,
		{
			code: 405,
			error: 'Method Not Allowed',
			message: `${method} is not allowed here; use ${allowed.join(', ')}`,
		},
		{ Allow: allowed.join(', ') },
	);
}
