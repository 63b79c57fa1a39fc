import type { IDataObject } from 'n8n-workflow';

import { InputError } from './errors';

/**
 * Coercions from what n8n hands the node (typed UI values, or anything an expression returns)
 * to what LivePerson accepts. Empty optional values come back `undefined`, so they are left out
 * of the request instead of being sent as empty strings.
 */

export function isBlank(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

export function optionalString(field: string, value: unknown): string | undefined {
	if (isBlank(value)) return undefined;
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'boolean') return String(value);
	throw new InputError(
		field,
		`expected text but got ${describeValue(value)}`,
		'Map a text value to this field, e.g. {{ $json.id }}.',
	);
}

export function requiredString(field: string, value: unknown, fix: string): string {
	const text = optionalString(field, value);
	if (text === undefined) throw new InputError(field, 'is empty', fix);
	return text;
}

/** Base-10 notation only: `0x1A`, `0b101`, `0o17` and `Infinity` are not what a user means by a number. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

export function optionalNumber(field: string, value: unknown): number | undefined {
	if (isBlank(value)) return undefined;
	const number =
		typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value.trim()) : value;
	if (typeof number !== 'number' || !Number.isFinite(number)) {
		throw new InputError(
			field,
			`must be a number, not ${describeValue(value)}`,
			'Enter a number in decimal notation, such as 1250.5.',
		);
	}
	return number;
}

/** Inclusive bounds a whole number must keep (documented ones, or the only sane ones). */
export interface Range {
	min?: number;
	max?: number;
}

export function optionalInteger(
	field: string,
	value: unknown,
	range: Range = {},
): number | undefined {
	const number = optionalNumber(field, value);
	if (number === undefined) return undefined;
	if (!Number.isInteger(number)) {
		throw new InputError(
			field,
			`must be a whole number, not ${number}`,
			'Enter a whole number such as 3.',
		);
	}
	if (!Number.isSafeInteger(number)) {
		throw new InputError(
			field,
			`${describeValue(value)} is too large to be sent exactly`,
			'Enter a whole number between -9007199254740991 and 9007199254740991.',
		);
	}
	const { min = -Infinity, max = Infinity } = range;
	if (number < min || number > max) {
		const bounds =
			max === Infinity
				? `at least ${min}`
				: min === -Infinity
					? `at most ${max}`
					: `between ${min} and ${max}`;
		throw new InputError(
			field,
			`must be ${bounds}, not ${number}`,
			`Enter a whole number ${bounds}.`,
		);
	}
	return number;
}

export function optionalEnum<T extends string>(
	field: string,
	value: unknown,
	allowed: readonly T[],
): T | undefined {
	const text = optionalString(field, value);
	if (text === undefined) return undefined;
	const match = allowed.find((candidate) => candidate === text.toUpperCase());
	if (!match) {
		throw new InputError(
			field,
			`"${text}" is not one of LivePerson's values`,
			`Use one of: ${allowed.join(', ')}.`,
		);
	}
	return match;
}

export interface DateParts extends IDataObject {
	day: number;
	month: number;
	year: number;
}

/** A date, or a date with a time of day and an optional offset: `2024-03-01`, `2024-03-01T23:30:00.000Z`. */
const ISO_DATE =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?$/i;

function validTime(match: RegExpExecArray): boolean {
	const [hours, minutes, seconds, offsetHours, offsetMinutes] = [4, 5, 6, 7, 8].map((i) =>
		match[i] === undefined ? 0 : +match[i],
	);
	return hours <= 23 && minutes <= 59 && seconds <= 59 && offsetHours <= 14 && offsetMinutes <= 59;
}

/**
 * LivePerson's SDE dates are `{day, month, year}` objects. The calendar date is taken as written
 * (`2024-03-01T23:30:00` is 1 March), so a time zone never moves it to another day.
 */
export function optionalDateParts(field: string, value: unknown): DateParts | undefined {
	if (isBlank(value)) return undefined;
	const fix = 'Pick a date, or map a value such as 2024-03-01 or {"day":1,"month":3,"year":2024}.';
	let parts: DateParts | undefined;
	if (typeof value === 'string') {
		const match = ISO_DATE.exec(value.trim());
		if (match && validTime(match)) parts = { year: +match[1], month: +match[2], day: +match[3] };
	} else if (value instanceof Date && !Number.isNaN(value.getTime())) {
		parts = {
			year: value.getUTCFullYear(),
			month: value.getUTCMonth() + 1,
			day: value.getUTCDate(),
		};
	} else if (isDateLike(value)) {
		const { year, month, day } = value as IDataObject;
		parts = { year: toNumber(year), month: toNumber(month), day: toNumber(day) };
	}
	if (!parts || !isCalendarDate(parts)) {
		throw new InputError(field, `${describeValue(value)} is not a date`, fix);
	}
	return parts;
}

function isDateLike(value: unknown): boolean {
	if (typeof value !== 'object' || value === null) return false;
	// Luxon DateTime objects (what n8n's date expressions return) carry year/month/day getters.
	const candidate = value as { year?: unknown; month?: unknown; day?: unknown };
	return (
		candidate.year !== undefined && candidate.month !== undefined && candidate.day !== undefined
	);
}

/** A number from a number or numeric text; NaN for anything else (objects from JSON can make Number() throw). */
export function toNumber(value: unknown): number {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && value.trim() !== '') return Number(value.trim());
	return NaN;
}

export function isCalendarDate({ year, month, day }: DateParts): boolean {
	if (![year, month, day].every(Number.isInteger)) return false;
	if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
	return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
	return String(value);
}

/** Drops keys whose value is undefined, so optional fields never reach LivePerson empty. */
export function compact<T extends IDataObject>(object: T): T {
	for (const key of Object.keys(object)) {
		if (object[key] === undefined) delete object[key];
	}
	return object;
}

/**
 * An identity (Consumer ID, ConsumerJWS, Conversation ID): text, or a whole number written as
 * digits. Nothing else is turned into text: an object would become "[object Object]" and two
 * different contacts the same LivePerson consumer.
 */
export function optionalIdentity(field: string, value: unknown, fix: string): string | undefined {
	if (isBlank(value)) return undefined;
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
	throw new InputError(field, `must be text or a whole number, not ${describeValue(value)}`, fix);
}

/** The parsed JSON, or undefined when the text is not JSON (or too deeply nested to parse). */
export function tryParseJson(text: string): { value: unknown } | undefined {
	try {
		return { value: JSON.parse(text) };
	} catch {
		return undefined;
	}
}

/** Deeper than any LivePerson body; deep enough that nothing legitimate is refused. */
export const MAX_JSON_DEPTH = 64;

/**
 * Refuses a value nested deeper than MAX_JSON_DEPTH as bad input, before anything would overflow
 * the stack serialising it. Counted without recursion.
 */
export function checkDepth(field: string, value: unknown): void {
	let level: unknown[] = [value];
	for (let depth = 0; level.length > 0; depth++) {
		if (depth > MAX_JSON_DEPTH) {
			throw new InputError(
				field,
				`is nested more than ${MAX_JSON_DEPTH} levels deep`,
				'Give the object LivePerson expects: its events and SDEs are a few levels deep.',
			);
		}
		level = level.flatMap((entry) =>
			typeof entry === 'object' && entry !== null ? Object.values(entry) : [],
		);
	}
}

export function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
