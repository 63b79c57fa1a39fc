import type { IDataObject } from 'n8n-workflow';

import type { FailureFacts } from '../../shared/errors';
import { excerpt } from '../../shared/text';
import type { AuthMode } from '../../shared/transport/credential';
import { sentences, type RequestRole } from '../../shared/transport/failures';
import type { AnswerError } from './answers';

/** LivePerson's answers that only the Connector API gives: 401 bodies and request results. */

const REMINTED_APP_JWT_REFUSED = {
	message: 'LivePerson rejected the AppJWT, also a newly minted one',
	fix: "Check that the Account ID is the account the connector app is installed on, and that the app installation is enabled in LivePerson's Connector App Hub.",
};

const AUTH_ERRORS: Record<number, { message: string; fix: string }> = {
	40001: {
		message: 'LivePerson refused the request: a parameter or token claim is missing',
		fix: 'Check that the Account ID in the credential is the account the tokens were minted for.',
	},
	40102: {
		message: 'LivePerson rejected the AppJWT: it is invalid or has expired',
		fix: 'Mint a new AppJWT (it lasts one hour) or switch the credential to Client Credentials, which renews it automatically. Check that the Account ID is the account the AppJWT was minted for.',
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

/**
 * A 401 with LivePerson's error body. `mode` is the credential's: with Client Credentials a 40102
 * reaches here only when a freshly minted AppJWT was refused too.
 */
export function authFailure(
	body: unknown,
	httpCode: number,
	role: RequestRole,
	mode: AuthMode,
): FailureFacts {
	const details = (body as { body?: IDataObject } | undefined)?.body ?? {};
	const errorCode = typeof details.errorCode === 'number' ? details.errorCode : undefined;
	const known =
		errorCode === 40102 && mode === 'clientCredentials'
			? REMINTED_APP_JWT_REFUSED
			: errorCode === undefined
				? undefined
				: AUTH_ERRORS[errorCode];
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
