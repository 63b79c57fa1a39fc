/**
 * fast-check arbitraries for the node's create parameters: what n8n hands the node from the UI
 * (typed values) or from expressions (anything: strings for numbers, numbers for strings,
 * objects, Luxon DateTime, null…).
 *
 * `validPair(kind)` yields `[input, what LivePerson must get]`, so the properties can check the
 * mapping against a model written from the API page. `wild(kind)` mixes valid values, edge values
 * and garbage.
 *
 * Left out on purpose: objects that cannot be converted to a primitive at all (`{"toString":0}`,
 * null-prototype objects, symbols) as *parts* of a date object or as an answer's reqId/code. They
 * make the node throw a TypeError; that is reported by the "BUG:" tests in mapping.test.ts.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import type { SdeFieldKind } from '../../../nodes/LivePersonConnector/helpers/sdeFields';
import type { Range } from '../../../nodes/shared/values';

export type Pair = [input: unknown, expected: unknown];

// ---------------------------------------------------------------------------------------------
// Edge values and garbage

const WHITESPACE = fc.constantFrom(
	'',
	' ',
	'  ',
	'\t',
	'\n',
	' \n\t ',
	'\u00a0',
	'\ufeff',
	'\u2003',
);

/** Values every optional field must treat as "not set". */
export const blank: fc.Arbitrary<unknown> = fc.oneof(
	fc.constant(undefined),
	fc.constant(null),
	WHITESPACE,
);

const numericString = fc.oneof(
	fc.integer().map(String),
	fc.double().map(String),
	fc.constantFrom(
		'1e3',
		'-0',
		'0x10',
		'0b11',
		'.5',
		'5.',
		'+3',
		'1_000',
		'1,5',
		'٣',
		'１２',
		'Infinity',
		'NaN',
		'00012',
		'1e400',
	),
	fc.tuple(WHITESPACE, fc.integer(), WHITESPACE).map(([a, n, b]) => `${a}${n}${b}`),
);

const dateString = fc.oneof(
	fc.constantFrom(
		'2024-02-29',
		'2023-02-29',
		'2024-04-31',
		'2024-13-01',
		'2024-00-10',
		'0000-01-01',
		'9999-12-31',
		'0001-01-01',
		'tomorrow',
		'01/03/2024',
		'2024-3-1',
		'2024-03-01T23:30:00',
		'2024-03-01T23:30:00+14:00',
		'2024-03-01Tgarbage',
		'2024-03-01 23:30',
		'20240301',
		'+002024-03-01',
		'2024-03-01Z',
	),
	fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
	fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)),
);

const ZONES = [
	'UTC',
	'America/Los_Angeles',
	'Asia/Tokyo',
	'Pacific/Kiritimati',
	'Pacific/Pago_Pago',
	'Europe/Berlin',
	'Asia/Kolkata',
];

const sensibleDate = fc.date({
	min: new Date(Date.UTC(1900, 0, 1)),
	max: new Date(Date.UTC(2100, 11, 31)),
	noInvalidDate: true,
});

export const luxon: fc.Arbitrary<DateTime> = fc.oneof(
	fc
		.tuple(sensibleDate, fc.constantFrom(...ZONES))
		.map(([date, zone]) => DateTime.fromJSDate(date, { zone })),
	fc.constant(DateTime.invalid('generated')),
	fc.constant(DateTime.fromISO('2024-02-30')),
);

const jsDate = fc.oneof(fc.date(), fc.constant(new Date(Number.NaN)));

/** Parts of a `{day, month, year}` object: numbers, numeric text, junk that Number() can read. */
const datePart: fc.Arbitrary<unknown> = fc.oneof(
	fc.integer({ min: -2, max: 10000 }),
	fc.integer({ min: 1, max: 31 }).map(String),
	fc.double(),
	fc.constantFrom(null, true, false, '', ' ', 'x', [], [3], {}, 2024n),
);

const dateLike = fc.record(
	{ day: datePart, month: datePart, year: datePart, hour: fc.integer() },
	{ requiredKeys: [], noNullPrototype: true },
);

const hugeString = fc.oneof(
	fc.integer({ min: 2000, max: 6000 }).map((n) => 'x'.repeat(n)),
	fc.integer({ min: 1000, max: 3000 }).map((n) => '🎉'.repeat(n)),
	fc.integer({ min: 1000, max: 3000 }).map((n) => '"\\'.repeat(n)),
);

/** Anything at all an expression could return (plain data, dates, odd numbers, boxed values…). */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
	fc.jsonValue({ maxDepth: 2 }),
	fc.anything({
		maxDepth: 2,
		withBoxedValues: true,
		withDate: true,
		withBigInt: true,
		withMap: true,
		withSet: true,
		withSparseArray: true,
	}),
	fc.constantFrom(
		NaN,
		Infinity,
		-Infinity,
		-0,
		Number.MAX_VALUE,
		Number.MIN_VALUE,
		true,
		false,
		[],
		{},
		'null',
		'undefined',
		Symbol('x'),
	),
	fc.string({ unit: 'grapheme', maxLength: 20 }),
	fc.string({ unit: 'binary', maxLength: 20 }),
	fc.string({
		unit: fc.constantFrom('\ud800', '\udc00', '\u0000', '"', '\\', '\u2028', ' '),
		maxLength: 10,
	}),
	numericString,
	dateString,
	luxon,
	jsDate,
	dateLike,
	hugeString,
);

// ---------------------------------------------------------------------------------------------
// Valid values with what LivePerson must receive

const nonBlankText = fc
	.string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
	.filter((text) => text.trim() !== '');

const paddedText: fc.Arbitrary<Pair> = fc
	.tuple(WHITESPACE, nonBlankText, WHITESPACE)
	.map(([before, text, after]) => {
		const input = `${before}${text}${after}`;
		return [input, input.trim()];
	});

export const validText: fc.Arbitrary<Pair> = fc.oneof(
	{ arbitrary: paddedText, weight: 4 },
	fc.integer().map((n): Pair => [n, String(n)]),
	fc.double({ noNaN: true, noDefaultInfinity: true }).map((n): Pair => [n, String(n)]),
	fc.boolean().map((b): Pair => [b, String(b)]),
);

const validNumber: fc.Arbitrary<Pair> = fc.oneof(
	fc.double({ noNaN: true, noDefaultInfinity: true }).map((n): Pair => [n, n]),
	fc
		.double({ noNaN: true, noDefaultInfinity: true })
		.map((n): Pair => [` ${String(n)} `, Number(String(n))]),
	fc.integer().map((n): Pair => [String(n), n]),
);

/** Whole numbers within `range` (a field's sane values), as numbers and as decimal text. */
function validInteger(range: Range = {}): fc.Arbitrary<Pair> {
	const min = Math.max(range.min ?? Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER);
	const max = Math.min(range.max ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
	const small = { min: Math.max(min, -1000), max: Math.min(max, 1000) };
	return fc.oneof(
		fc
			.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) })
			.map((n): Pair => [n, n]),
		fc
			.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) })
			.map((n): Pair => [`${n}`, n]),
		fc.integer(small).map((n): Pair => [` ${n}.0 `, n]),
		fc.constant<Pair>([max, max]),
	);
}

const parts = (year: number, month: number, day: number) => ({ year, month, day });

export const validDate: fc.Arbitrary<Pair> = fc.oneof(
	fc
		.date({
			min: new Date('0001-01-01T00:00:00.000Z'),
			max: new Date('9999-12-31T23:59:59.999Z'),
			noInvalidDate: true,
		})
		.chain((date) => {
			const expected = parts(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
			const iso = date.toISOString();
			return fc.constantFrom<Pair>(
				[iso.slice(0, 10), expected],
				[iso, expected],
				[iso.replace('Z', '+14:00'), expected],
				[iso.replace('Z', '-12:00'), expected],
				[`${iso.slice(0, 10)} 23:59`, expected],
				[date, expected],
				[{ ...expected }, expected],
				[
					{ day: String(expected.day), month: String(expected.month), year: String(expected.year) },
					expected,
				],
			);
		}),
	fc.tuple(sensibleDate, fc.constantFrom(...ZONES)).map(([date, zone]): Pair => {
		const value = DateTime.fromJSDate(date, { zone });
		return [value, parts(value.year, value.month, value.day)];
	}),
);

export function validPair(kind: SdeFieldKind, range?: Range): fc.Arbitrary<Pair> {
	switch (kind) {
		case 'number':
			return validNumber;
		case 'integer':
			return validInteger(range);
		case 'date':
			return validDate;
		default:
			return validText;
	}
}

/** A valid value, or a blank one (expected: left out). */
export function validOrBlank(kind: SdeFieldKind, range?: Range): fc.Arbitrary<Pair> {
	return fc.oneof(
		{ arbitrary: validPair(kind, range), weight: 3 },
		blank.map((input): Pair => [input, undefined]),
	);
}

/** One of `allowed` in any letter case and padding, with the value LivePerson must get. */
export function enumPair(allowed: readonly string[]): fc.Arbitrary<Pair> {
	return fc
		.tuple(fc.constantFrom(...allowed), fc.constantFrom('upper', 'lower', 'title'), WHITESPACE)
		.map(([value, letterCase, pad]): Pair => {
			const lower = value.toLowerCase();
			const text =
				letterCase === 'upper'
					? value
					: letterCase === 'lower'
						? lower
						: lower[0].toUpperCase() + lower.slice(1);
			return [`${pad}${text}${pad}`, value];
		});
}

/** A field value from the whole range: valid (weight 7), blank (3), garbage (`noise`). */
export function wild(
	kind: SdeFieldKind | { enum: readonly string[] },
	noise = 3,
): fc.Arbitrary<unknown> {
	const valid = typeof kind === 'string' ? validPair(kind) : enumPair(kind.enum);
	return fc.oneof(
		{ arbitrary: valid.map(([input]) => input), weight: 7 },
		{ arbitrary: blank, weight: 3 },
		{ arbitrary: garbage, weight: noise },
	);
}

/** A record of the given keys, each possibly absent, values from `value(key)`. */
export function someOf<K extends string>(
	keys: readonly K[],
	value: (key: K) => fc.Arbitrary<unknown>,
): fc.Arbitrary<IDataObject> {
	const model = Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<
		K,
		fc.Arbitrary<object | string | number | boolean | null | undefined>
	>;
	return fc.record(model, { requiredKeys: [], noNullPrototype: true }) as fc.Arbitrary<IDataObject>;
}

/** Breaks a JSON text somewhere, so that it no longer parses (most of the time). */
export function brokenJson(text: string): fc.Arbitrary<string> {
	return fc.oneof(
		fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((cut) => text.slice(0, cut)),
		fc.constantFrom(
			text.replace(/"/, "'"),
			`${text},`,
			`${text}]`,
			text.replace(/:/, '='),
			`{${text}`,
		),
	);
}

// ---------------------------------------------------------------------------------------------
// Tricky values: what an expression may put into one field of a given kind

const TRICKY: Record<SdeFieldKind | 'enum' | 'skillId', unknown[]> = {
	string: [
		{},
		{ a: 1 },
		[],
		['a'],
		NaN,
		Infinity,
		-Infinity,
		'x'.repeat(6000),
		'\u200b',
		'\ud800',
		'null',
	],
	number: [
		'abc',
		'12abc',
		'1,5',
		'1 000',
		NaN,
		Infinity,
		'Infinity',
		'1e400',
		'0x1F',
		'.5',
		'+3',
		true,
		[],
		[5],
		{},
		'١٢',
		'１２',
	],
	integer: [1.5, '1.5', -0.5, '1e-3', 1e21, 2 ** 53 + 2, '3,0', true, '', ' 7 ', '-0', 0.1 + 0.2],
	date: [
		'2023-02-29',
		'2024-02-30',
		'2024-13-01',
		'2024-00-01',
		'0000-12-31',
		'10000-01-01',
		'tomorrow',
		'2024/03/01',
		'2024-3-1',
		'2024-03-01T',
		'2024-03-01junk',
		20240301,
		1709251200000,
		new Date(Number.NaN),
		{ day: 1, month: 13, year: 2024 },
		{ day: 0, month: 1, year: 2024 },
		{ day: 1, month: 1, year: 0 },
		{ day: 1, month: 1, year: 10000 },
		{ day: 1, month: 1 },
		{ day: '1', month: 'Jan', year: '2024' },
		DateTime.invalid('bad'),
	],
	enum: [
		'M',
		'normal ish',
		'NORMAL_',
		'ＭＡＬＥ',
		'ma le',
		'mobile phone',
		'fax ',
		1,
		true,
		['MALE'],
		{ value: 'MALE' },
	],
	skillId: [
		'abc',
		'1.5',
		1.5,
		'+1',
		'-',
		'--1',
		'1e3',
		1e21,
		'１２',
		'١٢',
		'12 34',
		'0x10',
		-1.5,
		NaN,
	],
};

export function tricky(kind: SdeFieldKind | 'enum' | 'skillId'): fc.Arbitrary<unknown> {
	return fc.oneof({ arbitrary: fc.constantFrom(...TRICKY[kind]), weight: 2 }, garbage);
}
