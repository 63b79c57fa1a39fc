import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RetrySettings, Session } from '../transport';

/** What a failure means for an operation, in its own words. */
export interface OutcomeWords {
	/** The error item's field that says whether the operation's effect happened (`no`, `yes`, `unknown`). */
	field: string;
	/** Said when nothing happened, e.g. `The conversation was not created.` */
	notDone: string;
	/** Said when LivePerson may have processed it. */
	maybe: string;
	/** What to check before running the item again, after `maybe`. */
	check: string;
}

/** One input item as an operation sees it. */
export interface ItemContext<S extends Session = Session> {
	index: number;
	session: S;
	settings: RetrySettings;
	/** The item's Options collection. */
	options: IDataObject;
	/** The operation's `safeToRepeat`: whether its requests may be sent again after a 5xx or a lost answer. */
	safeToRepeat: boolean;
	/** An earlier attempt of this node run (n8n's Retry On Fail) may have processed this item already. */
	earlierAttempt: boolean;
	/** Tokens this item used: the router takes them out of anything it reports. */
	secrets: string[];
	/** A parameter of this item; one whose expression fails is bad input named `label`, and nothing is sent. */
	parameter<T>(name: string, label: string, fallback: T): T;
	/** A field of the operation's panel: named and labelled as the property says, its default as fallback. */
	value<T = unknown>(property: INodeProperties): T;
}

/** An operation, declared once: the panel, the action names and the routing are derived from it. */
export interface OperationDefinition<Value extends string = string, S extends Session = Session> {
	value: Value;
	name: string;
	/** Also what an AI agent reads when the node is its tool: say what it does and what it returns. */
	description: string;
	action: string;
	/** Every field of the operation's panel, in order (resource and operation selectors excluded). */
	properties: INodeProperties[];
	outcome: OutcomeWords;
	/**
	 * Whether sending the operation's request again later can neither duplicate nor undo anything
	 * (closing, a receipt), so a 5xx or a lost answer may be retried, also by n8n's Retry On Fail.
	 */
	safeToRepeat: boolean;
	/** Sends one item (one request, or a few in a row). An operation has this or `batch`. */
	execute?(this: IExecuteFunctions, item: ItemContext<S>): Promise<IDataObject>;
	/** Sends items together, several per request. */
	batch?: BatchDefinition<unknown, S>;
}

/** One item in a request that carries several, with what `prepare` read of it. */
export interface BatchMember<P = unknown, S extends Session = Session> {
	item: ItemContext<S>;
	value: P;
}

/** Each member's result, in the members' order: its output, or its failure (thrown as it would be). */
export type BatchOutcome = { json: IDataObject } | { error: unknown };

/** How an operation sends items together (e.g. up to 100 recipients in one campaign request). */
export interface BatchDefinition<P = unknown, S extends Session = Session> {
	/** Most items in one request. */
	max: number;
	/**
	 * Reads and checks one item before anything is sent (an InputError fails that item alone) and
	 * says which request it can share: items with the same key go together, in input order.
	 */
	prepare(this: IExecuteFunctions, item: ItemContext<S>): Promise<{ key: string; value: P }>;
	/** Sends one request for the members; never sends one of them twice. */
	send(this: IExecuteFunctions, members: Array<BatchMember<P, S>>): Promise<BatchOutcome[]>;
}

/** Operations keyed by their value, from a list of definitions: the resource's one line per operation. */
export function operationsOf<const D extends Array<OperationDefinition<string, never>>>(
	...definitions: D
): { [K in D[number]['value']]: Extract<D[number], { value: K }> } {
	return Object.fromEntries(
		definitions.map((definition) => [definition.value, definition]),
	) as never;
}
