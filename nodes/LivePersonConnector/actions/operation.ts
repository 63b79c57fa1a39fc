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
export interface ItemContext {
	index: number;
	session: Session;
	settings: RetrySettings;
	/** The item's Options collection. */
	options: IDataObject;
	/** The operation's `safeToRepeat`: whether its requests may be sent again after a 5xx or a lost answer. */
	safeToRepeat: boolean;
	/** Tokens this item used: the router takes them out of anything it reports. */
	secrets: string[];
	/** A parameter of this item; one whose expression fails is bad input named `label`, and nothing is sent. */
	parameter<T>(name: string, label: string, fallback: T): T;
}

/** An operation, declared once: the panel, the action names and the routing are derived from it. */
export interface OperationDefinition<Value extends string = string> {
	value: Value;
	name: string;
	description: string;
	action: string;
	/** Every field of the operation's panel, in order (resource and operation selectors excluded). */
	properties: INodeProperties[];
	outcome: OutcomeWords;
	/**
	 * Whether sending the operation's request twice has no further effect (closing, a profile with
	 * replace semantics, a chat state, a receipt), so a 5xx or a lost answer may be retried.
	 */
	safeToRepeat: boolean;
	execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject>;
}
