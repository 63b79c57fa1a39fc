/**
 * Assertions shared by the mapping tests: every InputError must name the field as the user sees it
 * in the node panel, and say what is wrong and what to do in real sentences.
 */
import { InputError } from '../../../nodes/shared/errors';

/** Labels the node panel shows, as the mapping prefixes them; an InputError field starts with one. */
export const FIELD_PREFIXES = [
	'User Profile › ',
	'User Profile and SDEs',
	'Customer Info (SDE) › ',
	'Personal Info (SDE) › ',
	'Additional SDEs (JSON)',
	'Routing › ',
	'Conversation Context › ',
	'Conversation Context',
	'Campaign ID',
	'Engagement ID',
	'Message',
] as const;

/** Problems that make an InputError unhelpful; empty when it is well formed. */
export function inputErrorDefects(error: InputError): string[] {
	const defects: string[] = [];
	if (typeof error.field !== 'string' || error.field.trim() === '') defects.push('field is empty');
	else if (!FIELD_PREFIXES.some((prefix) => error.field.startsWith(prefix))) {
		defects.push(`field "${error.field}" names no field of the node panel`);
	}
	// `problem` follows the field name ("Customer Info › Balance: must be a number"), so it is a
	// clause of at least two words; `fix` is a sentence of its own.
	if (
		typeof error.problem !== 'string' ||
		!/\S+\s+\S+/.test(error.problem) ||
		error.problem !== error.problem.trim()
	) {
		defects.push(`problem ${JSON.stringify(error.problem)} is not a sentence`);
	}
	if (
		typeof error.fix !== 'string' ||
		!/^\S.*\S[.!]$/s.test(error.fix) ||
		!/\S+\s+\S+/.test(error.fix)
	) {
		defects.push(`fix ${JSON.stringify(error.fix)} is not a sentence`);
	}
	if (!error.message.startsWith(`${error.field}: `))
		defects.push('message does not start with the field');
	return defects;
}

/** Runs `action`, expects an InputError naming `field` (exactly, or matching a RegExp), and returns it. */
export function expectInputError(action: () => unknown, field: string | RegExp): InputError {
	let thrown: unknown;
	try {
		action();
	} catch (error) {
		thrown = error;
	}
	if (!(thrown instanceof InputError)) {
		throw new Error(
			`expected an InputError naming ${String(field)}, got ${thrown === undefined ? 'no error' : String(thrown)}`,
		);
	}
	if (typeof field === 'string') expect(thrown.field).toBe(field);
	else expect(thrown.field).toMatch(field);
	expect(inputErrorDefects(thrown)).toEqual([]);
	return thrown;
}
