import { UserError, type IDataObject } from 'n8n-workflow';

/**
 * Every way an item can fail, as plain errors carrying facts. None of them knows n8n's runtime or
 * the item index: the router turns them into NodeApiError/NodeOperationError once, at the boundary.
 */

/** Bad input found before anything is sent. */
export class InputError extends Error {
	constructor(
		/** The field as the user sees it in the node panel, e.g. `Customer Info › Balance`. */
		readonly field: string,
		/** What is wrong, in one sentence. */
		readonly problem: string,
		/** What to do about it. */
		readonly fix: string,
	) {
		super(`${field}: ${problem}`);
		this.name = 'InputError';
	}
}

/**
 * A credential or Domain API problem that the user must fix; its message names the value. A
 * UserError of level warning, because it can reach n8n itself (from the credential's
 * preAuthentication during a credential test), and n8n logs such errors without a stack trace.
 */
export class LivePersonSetupError extends UserError {
	declare readonly description: string;

	constructor(
		message: string,
		description: string,
		/** A passing problem (LivePerson busy or unreachable) rather than a wrong value in the credential. */
		readonly transient = false,
	) {
		super(message, { level: 'warning', description });
		this.name = 'LivePersonSetupError';
	}
}

/** The execution was stopped; `effect` says whether a request of the item may have been processed. */
export class Cancelled extends Error {
	constructor(readonly effect: Effect = 'no') {
		super('The execution was cancelled');
		this.name = 'Cancelled';
	}
}

/**
 * Whether the operation's own effect (a conversation created, a message sent, …) happened:
 * `no` only when something proves it did not, `unknown` when LivePerson may have processed it.
 */
export type Effect = 'no' | 'yes' | 'unknown';

/**
 * Stable, documented words a workflow can route on (`details.reason` of an error item): the ones
 * every LivePerson node shares. Each node adds its API's own (see its resource's `reasons`).
 */
export const SHARED_REASONS = [
	'invalidInput',
	'invalidCredential',
	'unauthorized',
	'refused',
	'rateLimited',
	'serverError',
	'timeout',
	'connectionFailed',
	'connectionLost',
	'redirected',
	'unreadableAnswer',
	'cancelled',
] as const;

/** One of SHARED_REASONS, or a word of the node's own API. */
export type FailureReason = string;

export interface FailureFacts {
	reason: FailureReason;
	message: string;
	/** What LivePerson said and what to do; the router adds what it means for the operation. */
	description: string;
	effect: Effect;
	httpCode?: number;
	/** Extra fields for the error item (e.g. the conversationId when it exists). */
	data?: IDataObject;
	/** The request was sent again after a 5xx or a lost answer: an earlier attempt may have been processed. */
	resent?: boolean;
}

/** A request LivePerson refused, or whose answer was missing, late or unreadable. */
export class LivePersonFailure extends Error {
	constructor(readonly facts: FailureFacts) {
		super(facts.message);
		this.name = 'LivePersonFailure';
	}
}
