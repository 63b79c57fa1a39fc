/**
 * Unit tests of the pure mapping layer (nodes/LivePersonConnector/helpers): node panel values ->
 * LivePerson's CONVERSATION batch (section 3 of shared/liveperson-api.md), and LivePerson's
 * answers -> results. Table-driven over the field tables, so a field added to
 * CUSTOMER_INFO_FIELDS or PERSONAL_INFO_FIELDS is covered without touching this file.
 *
 * Tests named "BUG: …" use `it.failing`: they state the behaviour the page asks for and pass
 * while the node still gets it wrong. When the bug is fixed they fail: turn them into `it`.
 */
import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import {
	AnswerError,
	createdConversationId,
	matchAnswers,
	publishedSequence,
} from '../nodes/LivePersonConnector/transport/answers';
import {
	TTR_DEF_NAMES,
	conversationRequestBody,
	planCreate,
	publishTextRequest,
	userProfileBody,
	type CreateParameters,
} from '../nodes/LivePersonConnector/helpers/requests';
import { InputError } from '../nodes/shared/errors';
import { looksLikeJws, readClaims, renewalDue } from '../nodes/shared/jwt';
import {
	CUSTOMER_INFO_FIELDS,
	GENDERS,
	PERSONAL_INFO_FIELDS,
	PHONE_TYPES,
	type SdeField,
	type SdeFieldKind,
} from '../nodes/LivePersonConnector/helpers/sdeFields';
import {
	buildSdes,
	customerInfoSde,
	personalInfoSde,
	sdesFromJson,
} from '../nodes/LivePersonConnector/helpers/sdes';
import type { ConnectorRequest, RequestResult } from '../nodes/LivePersonConnector/transport/types';
import { describeValue } from '../nodes/shared/values';
import { expectInputError, inputErrorDefects } from './support/mapping/inputErrors';
import { SAMPLE_CONVERSATION_ID, planProblems } from './support/mapping/oracle';

const ACCOUNT = '12345678';
const CUSTOMER = 'Customer Info (SDE)';
const PERSONAL = 'Personal Info (SDE)';
const JSON_SDES = 'Additional SDEs (JSON)';

/** `Customer Info (SDE) › Balance` as the node panel shows it. */
const label = (section: string, field: SdeField) => `${section} › ${field.displayName}`;
function show(value: unknown): string {
	if (value instanceof DateTime) return `DateTime(${value.toISO() ?? 'invalid'})`;
	if (value instanceof Date)
		return Number.isNaN(value.getTime()) ? 'Date(invalid)' : `Date(${value.toISOString()})`;
	if (typeof value === 'string') return JSON.stringify(value);
	return describeValue(value);
}

function plan(parameters: Partial<CreateParameters> = {}) {
	return planCreate({ accountId: ACCOUNT, ...parameters });
}

function expectValidPlan(parameters: Partial<CreateParameters>) {
	const result = plan(parameters);
	expect(planProblems(result, ACCOUNT)).toEqual([]);
	return result;
}

function profileOf(parameters: Partial<CreateParameters>): IDataObject {
	return expectValidPlan(parameters).batch[0].body;
}

function sdesOf(parameters: Partial<CreateParameters>): IDataObject[] {
	const body = profileOf(parameters);
	return (
		((body.authenticatedData as IDataObject | undefined)?.lp_sdes as IDataObject[] | undefined) ??
		[]
	);
}

// ---------------------------------------------------------------------------------------------
// Value tables per field kind: [input, what LivePerson gets]. `undefined` = left out.

type Case = [input: unknown, expected: unknown];

const BLANKS: unknown[] = ['', '   ', '\t\n ', null, undefined];

const VALID: Record<SdeFieldKind, Case[]> = {
	string: [
		['vip', 'vip'],
		['  vip  ', 'vip'],
		['two words', 'two words'],
		['émoji 🎉 ✓', 'émoji 🎉 ✓'],
		['0', '0'],
		[42, '42'],
		[0, '0'],
		[-1.5, '-1.5'],
		[true, 'true'],
		[false, 'false'],
	],
	number: [
		[1250.5, 1250.5],
		['1250.5', 1250.5],
		['  12  ', 12],
		[0, 0],
		['0', 0],
		[-3.25, -3.25],
		['-3.25', -3.25],
		[1e6, 1e6],
		['1e3', 1000],
	],
	integer: [
		[3, 3],
		['3', 3],
		[' 42 ', 42],
		['3.0', 3],
		[0, 0],
		[-2, -2],
		['-2', -2],
	],
	date: [
		['2024-03-01', { year: 2024, month: 3, day: 1 }],
		['  2024-03-01  ', { year: 2024, month: 3, day: 1 }],
		['2024-02-29', { year: 2024, month: 2, day: 29 }],
		['2000-02-29', { year: 2000, month: 2, day: 29 }],
		['2024-12-31', { year: 2024, month: 12, day: 31 }],
		// ISO date-times: the calendar date as written, never moved by a time zone.
		['2024-03-01T23:30:00', { year: 2024, month: 3, day: 1 }],
		['2024-03-01T23:30:00Z', { year: 2024, month: 3, day: 1 }],
		['2024-03-01T23:30:00.000-12:00', { year: 2024, month: 3, day: 1 }],
		['2024-03-01T00:15:00+14:00', { year: 2024, month: 3, day: 1 }],
		['2024-03-01 23:30', { year: 2024, month: 3, day: 1 }],
		[new Date(Date.UTC(2024, 2, 1)), { year: 2024, month: 3, day: 1 }],
		[new Date('2024-03-01T23:59:59.999Z'), { year: 2024, month: 3, day: 1 }],
		[
			{ day: 1, month: 3, year: 2024 },
			{ year: 2024, month: 3, day: 1 },
		],
		[
			{ day: '1', month: '03', year: '2024' },
			{ year: 2024, month: 3, day: 1 },
		],
		[
			DateTime.fromObject({ year: 2024, month: 3, day: 1 }, { zone: 'UTC' }),
			{ year: 2024, month: 3, day: 1 },
		],
		[
			DateTime.fromISO('2024-03-01T23:30:00', { zone: 'America/Los_Angeles' }),
			{ year: 2024, month: 3, day: 1 },
		],
		[
			DateTime.fromISO('2024-03-01T00:30:00', { zone: 'Asia/Tokyo' }),
			{ year: 2024, month: 3, day: 1 },
		],
		[
			DateTime.fromISO('2024-02-29T12:00:00', { zone: 'Pacific/Kiritimati' }),
			{ year: 2024, month: 2, day: 29 },
		],
	],
};

const INVALID: Record<SdeFieldKind, unknown[]> = {
	string: [
		{},
		{ a: 1 },
		[],
		['a'],
		NaN,
		Infinity,
		new Date(Date.UTC(2024, 2, 1)),
		DateTime.utc(2024, 3, 1),
	],
	number: [
		'abc',
		'12abc',
		'1,5',
		NaN,
		Infinity,
		-Infinity,
		'Infinity',
		true,
		{},
		[],
		['5'],
		DateTime.utc(2024, 3, 1),
		'0x1A',
		'0b101',
		'0o17',
		'1_000',
	],
	integer: [
		1.5,
		'1.5',
		-0.25,
		'three',
		NaN,
		Infinity,
		true,
		{},
		[],
		'0x1A',
		'0b101',
		'0o17',
		'9007199254740993',
		9007199254740992,
		1e21,
	],
	date: [
		'2023-02-29',
		'1900-02-29',
		'2024-03-01T25:99',
		'2024-03-01 garbage',
		'2024-03-01Tgarbage',
		'2024-03-01T23:60:00Z',
		'2024-03-01T10:00:00+25:00',
		'2024-03-01x',
		'2024-04-31',
		'2024-13-01',
		'2024-00-10',
		'2024-03-00',
		'0000-01-01',
		'tomorrow',
		'01/03/2024',
		'2024-3-1',
		'20240301',
		20240301,
		true,
		[2024, 3, 1],
		{ day: 29, month: 2, year: 2023 },
		{ day: 1, month: 3 },
		{ day: 1.5, month: 3, year: 2024 },
		{ day: 'x', month: 3, year: 2024 },
		new Date(Number.NaN),
		DateTime.invalid('not a date'),
		DateTime.fromISO('2024-02-30'),
	],
};

/** Every SDE table field with each valid case: [field, input, expected]. */
/** Whether a valid case's value is within the field's sane range (e.g. no negative Company Size). */
const inRange = (field: SdeField, expected: unknown) =>
	typeof expected !== 'number' ||
	((field.range?.min ?? -Infinity) <= expected && expected <= (field.range?.max ?? Infinity));

function validCases(fields: SdeField[]): [string, SdeField, unknown, unknown][] {
	return fields.flatMap((field) =>
		VALID[field.kind]
			.filter(([, expected]) => inRange(field, expected))
			.map(
				([input, expected]) =>
					[`${field.name} (${field.kind}) ${show(input)}`, field, input, expected] as [
						string,
						SdeField,
						unknown,
						unknown,
					],
			),
	);
}

function invalidCases(fields: SdeField[]): [string, SdeField, unknown][] {
	return fields.flatMap((field) =>
		[
			...INVALID[field.kind],
			...VALID[field.kind]
				.filter(([, expected]) => !inRange(field, expected))
				.map(([input]) => input),
		].map(
			(input) =>
				[`${field.name} (${field.kind}) ${show(input)}`, field, input] as [
					string,
					SdeField,
					unknown,
				],
		),
	);
}

function blankCases(fields: SdeField[]): [string, SdeField, unknown][] {
	return fields.flatMap((field) =>
		BLANKS.map(
			(input) => [`${field.name} ${show(input)}`, field, input] as [string, SdeField, unknown],
		),
	);
}

/** One valid value per field, for "all fields at once". */
function oneOfEach(fields: SdeField[]): { input: IDataObject; expected: IDataObject } {
	const input: IDataObject = {};
	const expected: IDataObject = {};
	for (const field of fields) {
		const [value, result] = VALID[field.kind][1];
		input[field.name] = value as IDataObject[string];
		expected[field.name] = result as IDataObject[string];
	}
	return { input, expected };
}

// ---------------------------------------------------------------------------------------------

describe('the field tables', () => {
	it('hold exactly the Customer Info fields and types of the API page', () => {
		const kinds = Object.fromEntries(CUSTOMER_INFO_FIELDS.map((field) => [field.name, field.kind]));
		const strings =
			'cstatus ctype customerId socialId imei userName accountName role currency companyBranch storeZipCode storeNumber';
		expect(kinds).toEqual({
			...Object.fromEntries(strings.split(' ').map((name) => [name, 'string'])),
			balance: 'number',
			companySize: 'integer',
			loginStatus: 'integer',
			lastPaymentDate: 'date',
			registrationDate: 'date',
		});
	});

	it('hold the Personal Info text fields, genders and phone types of the API page', () => {
		expect(PERSONAL_INFO_FIELDS.map((field) => [field.name, field.kind]).sort()).toEqual([
			['company', 'string'],
			['firstname', 'string'],
			['language', 'string'],
			['lastname', 'string'],
		]);
		expect([...GENDERS]).toEqual(['MALE', 'FEMALE', 'OTHER']);
		expect([...PHONE_TYPES].sort()).toEqual([
			'FAX',
			'HOME',
			'HOME_FAX',
			'MAIN',
			'MOBILE',
			'OTHER',
			'PAGER',
			'WORK',
			'WORK_FAX',
		]);
	});

	it('give every field a distinct name and display name', () => {
		for (const fields of [CUSTOMER_INFO_FIELDS, PERSONAL_INFO_FIELDS]) {
			expect(new Set(fields.map((field) => field.name)).size).toBe(fields.length);
			expect(new Set(fields.map((field) => field.displayName)).size).toBe(fields.length);
		}
	});

	it('warn in the descriptions about customerId, storeZipCode and storeNumber', () => {
		for (const name of ['customerId', 'storeZipCode', 'storeNumber']) {
			expect(CUSTOMER_INFO_FIELDS.find((field) => field.name === name)?.description).toMatch(
				/warning/i,
			);
		}
	});
});

describe('Customer Info (SDE) fields', () => {
	it.each(validCases(CUSTOMER_INFO_FIELDS))(
		'%s is sent as LivePerson expects',
		(_name, field, input, expected) => {
			expect(customerInfoSde({ [field.name]: input } as IDataObject)).toEqual({
				type: 'ctmrinfo',
				info: { [field.name]: expected },
			});
		},
	);

	it.each(blankCases(CUSTOMER_INFO_FIELDS))('%s is left out', (_name, field, input) => {
		expect(customerInfoSde({ [field.name]: input } as IDataObject)).toBeUndefined();
	});

	it.each(invalidCases(CUSTOMER_INFO_FIELDS))(
		'%s is refused, naming the field',
		(_name, field, input) => {
			expectInputError(
				() => customerInfoSde({ [field.name]: input } as IDataObject),
				label(CUSTOMER, field),
			);
		},
	);

	it('sends all fields at once, in a batch the API accepts', () => {
		const { input, expected } = oneOfEach(CUSTOMER_INFO_FIELDS);
		expect(sdesOf({ customerInfo: input })).toEqual([{ type: 'ctmrinfo', info: expected }]);
	});

	it('leaves the SDE out when every field is blank, and ignores keys that are not fields', () => {
		const blank = Object.fromEntries(CUSTOMER_INFO_FIELDS.map((field) => [field.name, '  ']));
		expect(customerInfoSde(blank)).toBeUndefined();
		expect(customerInfoSde({})).toBeUndefined();
		expect(customerInfoSde()).toBeUndefined();
		expect(customerInfoSde({ notAField: 'x', ctype: 'vip' })).toEqual({
			type: 'ctmrinfo',
			info: { ctype: 'vip' },
		});
	});

	it('refuses a date part that cannot be turned into a number with an InputError, not a TypeError', () => {
		// {"toString":0} is valid JSON; Number() of it throws "Cannot convert object to primitive value".
		expectInputError(
			() =>
				customerInfoSde({
					lastPaymentDate: JSON.parse('{"year":{"toString":0},"month":1,"day":1}') as IDataObject,
				}),
			'Customer Info (SDE) › Last Payment Date',
		);
	});

	it('reports a bad date as "<value> is not a date" and says what to enter', () => {
		const error = expectInputError(
			() => customerInfoSde({ lastPaymentDate: '2023-02-29' }),
			'Customer Info (SDE) › Last Payment Date',
		);
		expect(error.problem).toContain('2023-02-29');
		expect(error.fix).toMatch(/2024-03-01/);
		expect(error.message).toBe(`Customer Info (SDE) › Last Payment Date: ${error.problem}`);
	});
});

describe('Personal Info (SDE) fields', () => {
	const textFields = PERSONAL_INFO_FIELDS;

	it.each(validCases(textFields))(
		'%s is sent as LivePerson expects',
		(_name, field, input, expected) => {
			expect(personalInfoSde({ [field.name]: input } as IDataObject)).toEqual({
				type: 'personal',
				personal: { [field.name]: expected },
			});
		},
	);

	it.each(blankCases(textFields))('%s is left out', (_name, field, input) => {
		expect(personalInfoSde({ [field.name]: input } as IDataObject)).toBeUndefined();
	});

	it.each(invalidCases(textFields))('%s is refused, naming the field', (_name, field, input) => {
		expectInputError(
			() => personalInfoSde({ [field.name]: input } as IDataObject),
			label(PERSONAL, field),
		);
	});

	describe('gender', () => {
		const spellings = GENDERS.flatMap((gender) => {
			const lower = gender.toLowerCase();
			return [gender, lower, lower[0].toUpperCase() + lower.slice(1), `  ${lower} `].map(
				(input) => [input, gender],
			);
		});

		it.each(spellings)('%j is sent as %s', (input, expected) => {
			expect(personalInfoSde({ gender: input })).toEqual({
				type: 'personal',
				personal: { gender: expected },
			});
		});

		it.each(['M', 'F', 'unknown', 'males', 'FEMALE_', 'divers', 1, true, {}, []])(
			'%j is refused',
			(input) => {
				const error = expectInputError(
					() => personalInfoSde({ gender: input as string }),
					'Personal Info (SDE) › Gender',
				);
				if (typeof input === 'string') expect(error.fix).toBe('Use one of: MALE, FEMALE, OTHER.');
			},
		);

		it.each(BLANKS)('%j is left out', (input) => {
			expect(personalInfoSde({ gender: input as string })).toBeUndefined();
		});
	});

	describe('age and date of birth', () => {
		it.each<[unknown, unknown, IDataObject]>([
			[42, undefined, { age: 42 }],
			['42', undefined, { age: 42 }],
			[0, undefined, { age: 0 }],
			[undefined, '1990-05-17', { year: 1990, month: 5, day: 17 }],
			[undefined, '1990-05-17T23:30:00', { year: 1990, month: 5, day: 17 }],
			[
				undefined,
				DateTime.fromISO('1990-05-17T00:30:00', { zone: 'Asia/Tokyo' }),
				{ year: 1990, month: 5, day: 17 },
			],
			[undefined, { year: 1990, month: 5, day: 17 }, { year: 1990, month: 5, day: 17 }],
			[34, '1990-05-17', { age: 34, year: 1990, month: 5, day: 17 }],
			[' 34 ', new Date(Date.UTC(1990, 4, 17)), { age: 34, year: 1990, month: 5, day: 17 }],
			['', '', {}],
			[null, '   ', {}],
		])('age %j with date of birth %j -> age %j', (age, birthDate, expected) => {
			const sde = personalInfoSde({ age, birthDate } as IDataObject);
			if (Object.keys(expected).length === 0) expect(sde).toBeUndefined();
			else expect(sde).toEqual({ type: 'personal', personal: { age: expected } });
		});

		it.each([42.5, '42.5', 'old', NaN, {}, true, -5, '-5', 151, '0x1A'])(
			'age %j is refused',
			(age) => {
				expectInputError(
					() => personalInfoSde({ age } as IDataObject),
					'Personal Info (SDE) › Age',
				);
			},
		);

		it.each([
			'1990-02-29',
			'yesterday',
			'17.05.1990',
			{ year: 1990, month: 13, day: 1 },
			DateTime.invalid('bad'),
		])('date of birth %j is refused', (birthDate) => {
			expectInputError(
				() => personalInfoSde({ birthDate } as IDataObject),
				'Personal Info (SDE) › Date of Birth',
			);
		});
	});

	describe('contacts', () => {
		const contacts = (...contact: IDataObject[]) => personalInfoSde({ contacts: { contact } });

		it.each(
			PHONE_TYPES.flatMap((type) => [
				[type, type],
				[type.toLowerCase(), type],
				[` ${type.toLowerCase()} `, type],
			]),
		)('phone type %j is sent as %s', (input, expected) => {
			expect(contacts({ phone: '+1 555 0100', phoneType: input })).toEqual({
				type: 'personal',
				personal: { contacts: [{ phone: '+1 555 0100', phoneType: expected }] },
			});
		});

		it.each(['SATELLITE', 'cell', 'HOME FAX', 7, {}])(
			'phone type %j is refused, naming the row',
			(phoneType) => {
				expectInputError(
					() => contacts({ email: 'a@b.c' }, { phone: '1', phoneType }),
					'Personal Info (SDE) › Contacts › contact 2 › Phone Type',
				);
			},
		);

		it('maps a full row, with the address nested', () => {
			expect(
				contacts({
					email: ' ann@example.com ',
					phone: 5550100,
					phoneType: 'work',
					country: 'US',
					region: ' CA ',
				}),
			).toEqual({
				type: 'personal',
				personal: {
					contacts: [
						{
							email: 'ann@example.com',
							phone: '5550100',
							phoneType: 'WORK',
							address: { country: 'US', region: 'CA' },
						},
					],
				},
			});
		});

		it.each<[IDataObject, IDataObject]>([
			[{ email: 'a@b.c' }, { email: 'a@b.c' }],
			[{ phone: '1' }, { phone: '1' }],
			[{ country: 'DE' }, { address: { country: 'DE' } }],
			[{ region: 'BY' }, { address: { region: 'BY' } }],
			[{ country: ' ', region: 'BY', email: '' }, { address: { region: 'BY' } }],
		])('row %j -> %j', (row, expected) => {
			expect(contacts(row)).toEqual({ type: 'personal', personal: { contacts: [expected] } });
		});

		it('drops empty rows and keeps the others in order', () => {
			const empty = { email: '', phone: '  ', country: null, region: undefined };
			expect(contacts({}, { email: 'first@x.y' }, empty, { phone: '2' }, {})).toEqual({
				type: 'personal',
				personal: { contacts: [{ email: 'first@x.y' }, { phone: '2' }] },
			});
		});

		it('drops a row left empty in the panel, which n8n fills with the Phone Type default', () => {
			// At execution n8n fills each fixedCollection row with its defaults (Workflow constructor,
			// getNodeParameters(..., returnDefaults = true)), so an empty row arrives like this and
			// is sent as contacts: [{phoneType: 'MOBILE'}], a contact with no email, phone or address.
			expect(
				contacts({ country: '', email: '', phone: '', phoneType: 'MOBILE', region: '' }),
			).toBeUndefined();
		});

		it('leaves the SDE out when every row is empty', () => {
			expect(
				contacts({}, { email: ' ', phone: '', phoneType: '', country: '', region: '' }),
			).toBeUndefined();
			expect(personalInfoSde({ contacts: {} })).toBeUndefined();
			expect(personalInfoSde({ contacts: { contact: [] } })).toBeUndefined();
		});

		it.each([
			['Email', { email: {} }],
			['Phone', { phone: ['1'] }],
			['Country', { country: { code: 'US' } }],
			['Region', { region: NaN }],
		])('a bad %s names the row and the field', (name, row) => {
			expectInputError(
				() => contacts({ email: 'ok@x.y' }, row as IDataObject),
				`Personal Info (SDE) › Contacts › contact 2 › ${name}`,
			);
		});
	});

	it('sends everything at once, in a batch the API accepts', () => {
		const { input, expected } = oneOfEach(PERSONAL_INFO_FIELDS);
		const sdes = sdesOf({
			personalInfo: {
				...input,
				gender: 'female',
				age: 34,
				birthDate: '1990-05-17',
				contacts: {
					contact: [
						{ email: 'a@b.c', phone: '1', phoneType: 'MOBILE', country: 'US', region: 'CA' },
					],
				},
			},
		});
		expect(sdes).toEqual([
			{
				type: 'personal',
				personal: {
					...expected,
					gender: 'FEMALE',
					age: { age: 34, year: 1990, month: 5, day: 17 },
					contacts: [
						{
							email: 'a@b.c',
							phone: '1',
							phoneType: 'MOBILE',
							address: { country: 'US', region: 'CA' },
						},
					],
				},
			},
		]);
	});
});

// ---------------------------------------------------------------------------------------------

describe('User Profile fields', () => {
	/** [panel key, where LivePerson wants it, label in the panel] */
	const PROFILE_FIELDS: [string, string[], string][] = [
		['firstName', ['firstName'], 'First Name'],
		['lastName', ['lastName'], 'Last Name'],
		['userId', ['userId'], 'User ID'],
		['avatarUrl', ['avatarUrl'], 'Avatar URL'],
		['role', ['role'], 'Role'],
		['backgndImgUri', ['backgndImgUri'], 'Background Image URL'],
		['description', ['description'], 'Description'],
		['mobileNum', ['privateData', 'mobileNum'], 'Mobile Number'],
		['mail', ['privateData', 'mail'], 'Email'],
		[
			'pushServiceName',
			['privateData', 'pushNotificationData', 'serviceName'],
			'Push Service Name',
		],
		['pushCertName', ['privateData', 'pushNotificationData', 'certName'], 'Push Certificate Name'],
		['pushToken', ['privateData', 'pushNotificationData', 'token'], 'Push Token'],
	];
	const nest = (path: string[], value: unknown): IDataObject =>
		path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as IDataObject;

	const valid = PROFILE_FIELDS.flatMap(([key, path]) =>
		VALID.string.map(
			([input, expected]) => [`${key} ${show(input)}`, key, path, input, expected] as const,
		),
	);
	it.each(valid)('%s goes to its place in SetUserProfile', (_name, key, path, input, expected) => {
		expect(userProfileBody({ [key]: input } as IDataObject)).toEqual(nest([...path], expected));
		expect(profileOf({ userProfile: { [key]: input } as IDataObject })).toEqual(
			nest([...path], expected),
		);
	});

	const blank = PROFILE_FIELDS.flatMap(([key]) =>
		BLANKS.map((input) => [`${key} ${show(input)}`, key, input] as const),
	);
	it.each(blank)('%s is left out, never sent empty', (_name, key, input) => {
		expect(userProfileBody({ [key]: input } as IDataObject)).toEqual({});
	});

	const invalid = PROFILE_FIELDS.flatMap(([key, , name]) =>
		INVALID.string.map((input) => [`${key} ${show(input)}`, key, name, input] as const),
	);
	it.each(invalid)('%s is refused, naming the field', (_name, key, name, input) => {
		expectInputError(
			() => userProfileBody({ [key]: input } as IDataObject),
			`User Profile › ${name}`,
		);
		expectInputError(
			() => plan({ userProfile: { [key]: input } as IDataObject }),
			`User Profile › ${name}`,
		);
	});

	it('sends every field at once, nested as the API page shows', () => {
		const input = Object.fromEntries(PROFILE_FIELDS.map(([key]) => [key, ` ${key}-value `]));
		expect(profileOf({ userProfile: input })).toEqual({
			firstName: 'firstName-value',
			lastName: 'lastName-value',
			userId: 'userId-value',
			avatarUrl: 'avatarUrl-value',
			role: 'role-value',
			backgndImgUri: 'backgndImgUri-value',
			description: 'description-value',
			privateData: {
				mobileNum: 'mobileNum-value',
				mail: 'mail-value',
				pushNotificationData: {
					serviceName: 'pushServiceName-value',
					certName: 'pushCertName-value',
					token: 'pushToken-value',
				},
			},
		});
	});

	it('leaves privateData and pushNotificationData out when their fields are blank', () => {
		expect(
			userProfileBody({
				firstName: 'Ann',
				mobileNum: ' ',
				mail: '',
				pushServiceName: '\t',
				pushCertName: null,
				pushToken: undefined,
			}),
		).toEqual({
			firstName: 'Ann',
		});
		expect(userProfileBody({ mail: 'a@b.c', pushToken: '   ' })).toEqual({
			privateData: { mail: 'a@b.c' },
		});
	});

	it('ignores keys that are not profile fields', () => {
		expect(
			userProfileBody({ nickname: 'x', privateData: { mail: 'smuggled' } } as IDataObject),
		).toEqual({});
	});

	it('is {} when nothing is set, and carries the SDEs under authenticatedData.lp_sdes', () => {
		expect(profileOf({})).toEqual({});
		expect(
			profileOf({ userProfile: {}, customerInfo: {}, personalInfo: {}, sdesJson: '' }),
		).toEqual({});
		expect(userProfileBody(undefined, [{ type: 'ctmrinfo', info: { ctype: 'vip' } }])).toEqual({
			authenticatedData: { lp_sdes: [{ type: 'ctmrinfo', info: { ctype: 'vip' } }] },
		});
	});
});

// ---------------------------------------------------------------------------------------------

describe('routing (ConsumerRequestConversation)', () => {
	const body = (parameters: Partial<CreateParameters>) =>
		conversationRequestBody({ accountId: ACCOUNT, ...parameters });

	it('always sends brandId = the account and channelType MESSAGING, and nothing else by default', () => {
		expect(body({})).toEqual({ brandId: ACCOUNT, channelType: 'MESSAGING' });
		expect(body({ routing: {}, conversationContext: {} })).toEqual({
			brandId: ACCOUNT,
			channelType: 'MESSAGING',
		});
		expect(conversationRequestBody({ accountId: '999' }).brandId).toBe('999');
		expect(expectValidPlan({}).batch[1]).toEqual({
			kind: 'req',
			id: '2',
			type: 'cm.ConsumerRequestConversation',
			body: { brandId: ACCOUNT, channelType: 'MESSAGING' },
		});
	});

	it.each(
		TTR_DEF_NAMES.flatMap((name) => [
			[name, name],
			[name.toLowerCase(), name],
			[` ${name} `, name],
		]),
	)('ttrDefName %j is sent as %s', (input, expected) => {
		expect(body({ routing: { ttrDefName: input } }).ttrDefName).toBe(expected);
		expectValidPlan({ routing: { ttrDefName: input } });
	});

	it('offers the documented ttrDefName values', () => {
		expect([...TTR_DEF_NAMES].sort()).toEqual(['CUSTOM', 'NORMAL', 'PRIORITIZED', 'URGENT']);
	});

	it.each(BLANKS)('ttrDefName %j is left out', (ttrDefName) => {
		expect(body({ routing: { ttrDefName } as IDataObject })).not.toHaveProperty('ttrDefName');
	});

	it.each(['FAST', 'HIGH', 1, {}])('ttrDefName %j is refused', (ttrDefName) => {
		expectInputError(
			() => body({ routing: { ttrDefName } as IDataObject }),
			'Routing › Time to Response',
		);
	});

	it.each<[unknown, string]>([
		['-1', '-1'],
		[-1, '-1'],
		['12345', '12345'],
		[12345, '12345'],
		[' 42 ', '42'],
	])('skill id %j is sent as %j', (skillId, expected) => {
		expect(body({ routing: { skillId } as IDataObject }).skillId).toBe(expected);
		expectValidPlan({ routing: { skillId } as IDataObject });
	});

	it.each(BLANKS)('skill id %j is left out', (skillId) => {
		expect(body({ routing: { skillId } as IDataObject })).not.toHaveProperty('skillId');
	});

	it.each(['abc', '1.5', 1.5, '12 34', '+1', '--1', {}, [1]])(
		'skill id %j is refused',
		(skillId) => {
			expectInputError(() => body({ routing: { skillId } as IDataObject }), 'Routing › Skill ID');
		},
	);

	describe('campaign, required (Create with Campaign)', () => {
		const campaign = (campaignId: unknown, engagementId: unknown) => ({
			campaign: { campaignId, engagementId, required: true },
		});

		it('sends campaignInfo with both ids as strings', () => {
			expect(body(campaign(' 2739101812 ', '2739121912')).campaignInfo).toEqual({
				campaignId: '2739101812',
				engagementId: '2739121912',
			});
			expect(body(campaign(2739101812, 2739121912)).campaignInfo).toEqual({
				campaignId: '2739101812',
				engagementId: '2739121912',
			});
			expectValidPlan(campaign('1', '2'));
		});

		it.each(BLANKS)('campaign id %j is refused as "Campaign ID"', (id) => {
			const error = expectInputError(() => body(campaign(id, '2')), 'Campaign ID');
			expect(error.problem).toBe('is empty');
			expect(error.fix).toMatch(/Campaigns/);
		});

		it.each(BLANKS)('engagement id %j is refused as "Engagement ID"', (id) => {
			expectInputError(() => body(campaign('1', id)), 'Engagement ID');
		});

		it('refuses an id that is not text', () => {
			expectInputError(() => body(campaign({ id: 1 }, '2')), 'Campaign ID');
			expectInputError(() => body(campaign('1', ['2'])), 'Engagement ID');
		});
	});

	describe('campaign, optional (Routing of Create with SDEs)', () => {
		const campaign = (campaignId: unknown, engagementId: unknown) => ({
			campaign: { campaignId, engagementId, required: false },
		});

		it('sends campaignInfo when both are set', () => {
			expect(body(campaign('1', ' 2 ')).campaignInfo).toEqual({
				campaignId: '1',
				engagementId: '2',
			});
			expect(body(campaign(0, 0)).campaignInfo).toEqual({ campaignId: '0', engagementId: '0' });
		});

		it.each(BLANKS.flatMap((a) => BLANKS.map((b) => [a, b])))(
			'sends no campaignInfo for %j / %j',
			(a, b) => {
				expect(body(campaign(a, b))).not.toHaveProperty('campaignInfo');
			},
		);

		it.each(BLANKS)('refuses a campaign id without engagement id (%j)', (blank) => {
			expectInputError(() => body(campaign('1', blank)), 'Routing › Engagement ID');
			expectInputError(() => body(campaign(blank, '2')), 'Routing › Campaign ID');
		});

		it('has no campaignInfo without a campaign setting', () => {
			expect(body({ routing: { campaignId: '1', engagementId: '2' } })).not.toHaveProperty(
				'campaignInfo',
			);
		});
	});

	describe('conversation context', () => {
		const CONTEXT: [string, string][] = [
			['visitorId', 'Visitor ID'],
			['sessionId', 'Session ID'],
			['interactionContextId', 'Interaction Context ID'],
			['lang', 'Language'],
		];

		it.each(CONTEXT)('%s becomes part of a SharkContext', (key) => {
			expect(body({ conversationContext: { [key]: ` ${key}-1 ` } }).conversationContext).toEqual({
				type: 'SharkContext',
				[key]: `${key}-1`,
			});
		});

		it('sends all four, typed SharkContext, accepted by the API', () => {
			const conversationContext = {
				visitorId: 'v',
				sessionId: 's',
				interactionContextId: 7,
				lang: 'en-US',
			};
			expect(expectValidPlan({ conversationContext }).batch[1].body.conversationContext).toEqual({
				type: 'SharkContext',
				visitorId: 'v',
				sessionId: 's',
				interactionContextId: '7',
				lang: 'en-US',
			});
		});

		it('is left out when every field is blank', () => {
			expect(
				body({
					conversationContext: {
						visitorId: '',
						sessionId: ' ',
						interactionContextId: null,
						lang: undefined,
					},
				}),
			).not.toHaveProperty('conversationContext');
		});

		it.each(CONTEXT)('a bad %s is refused, naming it', (key, name) => {
			expectInputError(
				() => body({ conversationContext: { [key]: { id: 1 } } }),
				`Conversation Context › ${name}`,
			);
		});
	});

	it('sends everything at once, accepted by the API', () => {
		expect(
			expectValidPlan({
				routing: { ttrDefName: 'URGENT', skillId: '-1' },
				campaign: { campaignId: '1', engagementId: '2', required: false },
				conversationContext: { visitorId: 'v' },
			}).batch[1].body,
		).toEqual({
			brandId: ACCOUNT,
			channelType: 'MESSAGING',
			ttrDefName: 'URGENT',
			skillId: '-1',
			campaignInfo: { campaignId: '1', engagementId: '2' },
			conversationContext: { type: 'SharkContext', visitorId: 'v' },
		});
	});
});

// ---------------------------------------------------------------------------------------------

describe('the CONVERSATION batch', () => {
	const ids = (batch: ConnectorRequest[]) => batch.map((request) => request.id);
	const types = (batch: ConnectorRequest[]) => batch.map((request) => request.type);

	it('is SetUserProfile then ConsumerRequestConversation, with distinct ids', () => {
		const { batch, firstMessageSend } = expectValidPlan({ userProfile: { firstName: 'Ann' } });
		expect(types(batch)).toEqual(['userprofile.SetUserProfile', 'cm.ConsumerRequestConversation']);
		expect(batch.every((request) => request.kind === 'req')).toBe(true);
		expect(new Set(ids(batch)).size).toBe(2);
		expect(firstMessageSend).toBeUndefined();
	});

	it('appends the first message as a PublishEvent when it goes in the create request', () => {
		const { batch, firstMessageSend } = expectValidPlan({
			firstMessage: { text: ' Hi 👋 ', delivery: 'inCreateRequest' },
		});
		expect(types(batch)).toEqual([
			'userprofile.SetUserProfile',
			'cm.ConsumerRequestConversation',
			'ms.PublishEvent',
		]);
		expect(new Set(ids(batch)).size).toBe(3);
		expect(batch[2].body).toEqual({
			event: { type: 'ContentEvent', contentType: 'text/plain', message: ' Hi 👋 ' },
		});
		expect(firstMessageSend).toBeUndefined();
	});

	it('keeps the first message out of the batch for a separate SEND, and builds that SEND', () => {
		const { batch, firstMessageSend } = expectValidPlan({
			firstMessage: { text: 'Hello', delivery: 'separateSend' },
		});
		expect(types(batch)).toEqual(['userprofile.SetUserProfile', 'cm.ConsumerRequestConversation']);
		expect(firstMessageSend?.('conv-42')).toEqual({
			kind: 'req',
			id: '1',
			type: 'ms.PublishEvent',
			body: {
				dialogId: 'conv-42',
				event: { type: 'ContentEvent', contentType: 'text/plain', message: 'Hello' },
			},
		});
		expect(firstMessageSend?.('conv-42')).toEqual(publishTextRequest('conv-42', 'Hello'));
	});

	it('builds a SEND with publishTextRequest', () => {
		expect(publishTextRequest('c1', 'text')).toEqual({
			kind: 'req',
			id: '1',
			type: 'ms.PublishEvent',
			body: {
				dialogId: 'c1',
				event: { type: 'ContentEvent', contentType: 'text/plain', message: 'text' },
			},
		});
	});

	it.each<[string, unknown, string]>([
		['empty', '', 'is empty'],
		['whitespace', '  \n', 'is empty'],
		['null', null, 'is empty'],
		['undefined', undefined, 'is empty'],
		['a number', 42, 'must be text, not 42'],
		['an object', { text: 'Hi' }, 'must be text, not an object'],
	])('refuses a first message that is %s', (_name, text, problem) => {
		for (const delivery of ['inCreateRequest', 'separateSend'] as const) {
			expect(
				expectInputError(() => plan({ firstMessage: { text, delivery } }), 'Message').problem,
			).toBe(problem);
		}
	});

	describe('the 5000-character limit (the whole serialised body)', () => {
		/** A description that makes the batch exactly `size` characters. */
		function profileOfSize(
			size: number,
			extra: Partial<CreateParameters> = {},
		): Partial<CreateParameters> {
			const base = JSON.stringify(
				plan({ ...extra, userProfile: { description: 'x' } }).batch,
			).length;
			return { ...extra, userProfile: { description: 'x'.repeat(size - base + 1) } };
		}

		it('accepts a batch of exactly 5000 characters', () => {
			const { batch } = expectValidPlan(profileOfSize(5000));
			expect(JSON.stringify(batch)).toHaveLength(5000);
		});

		it('refuses a batch of 5001 characters, blaming the profile and SDEs', () => {
			const error = expectInputError(() => plan(profileOfSize(5001)), 'User Profile and SDEs');
			expect(error.problem).toContain('5001');
		});

		it('counts characters after JSON escaping', () => {
			// Each quote becomes \" in the body: 2 characters on the wire.
			const base = JSON.stringify(plan({ userProfile: { description: 'x' } }).batch).length;
			const quotes = Math.ceil((5000 - base + 1) / 2) + 1;
			expect('"'.repeat(quotes).length).toBeLessThan(5000 - base);
			expectInputError(
				() => plan({ userProfile: { description: '"'.repeat(quotes) } }),
				'User Profile and SDEs',
			);
		});

		it('counts SDEs from JSON in the batch', () => {
			const sdesJson = [{ type: 'ctmrinfo', info: { ctype: 'v'.repeat(5000) } }];
			expectInputError(() => plan({ sdesJson }), 'User Profile and SDEs');
		});

		it('blames the message when the message in the batch is too long', () => {
			const base = JSON.stringify(
				plan({ firstMessage: { text: 'x', delivery: 'inCreateRequest' } }).batch,
			).length;
			const fits = 'x'.repeat(5000 - base + 1);
			expect(
				JSON.stringify(
					expectValidPlan({ firstMessage: { text: fits, delivery: 'inCreateRequest' } }).batch,
				),
			).toHaveLength(5000);
			const error = expectInputError(
				() => plan({ firstMessage: { text: fits + 'x', delivery: 'inCreateRequest' } }),
				'Message',
			);
			expect(error.fix).toMatch(/message/i);
		});

		it('holds the separate SEND to the limit too, and not the batch', () => {
			const base = JSON.stringify(publishTextRequest(SAMPLE_CONVERSATION_ID, 'x')).length;
			const fits = 'x'.repeat(5000 - base + 1);
			const { firstMessageSend } = expectValidPlan({
				firstMessage: { text: fits, delivery: 'separateSend' },
			});
			expect(JSON.stringify(firstMessageSend?.(SAMPLE_CONVERSATION_ID))).toHaveLength(5000);
			expectInputError(
				() => plan({ firstMessage: { text: fits + 'x', delivery: 'separateSend' } }),
				'Message',
			);
		});

		it('does not blame the message for a large profile when the message goes separately', () => {
			expectInputError(
				() => plan(profileOfSize(5001, { firstMessage: { text: 'Hi', delivery: 'separateSend' } })),
				'User Profile and SDEs',
			);
		});

		it('does not blame a 2-character message for a large profile in the same batch', () => {
			// The profile alone is over the limit; the error says "Message" and "Shorten the message".
			expectInputError(
				() =>
					plan({
						userProfile: { description: 'x'.repeat(5000) },
						firstMessage: { text: 'Hi', delivery: 'inCreateRequest' },
					}),
				'User Profile and SDEs',
			);
		});
	});

	it('puts typed SDEs first (Customer Info, then Personal Info), then the JSON ones', () => {
		expect(
			sdesOf({
				customerInfo: { ctype: 'vip' },
				personalInfo: { firstname: 'Ann' },
			}).map((sde) => sde.type),
		).toEqual(['ctmrinfo', 'personal']);
		expect(
			sdesOf({
				personalInfo: { firstname: 'Ann' },
				sdesJson: [{ type: 'ctmrinfo', info: { ctype: 'vip' } }],
			}).map((sde) => sde.type),
		).toEqual(['personal', 'ctmrinfo']);
		expect(
			buildSdes(
				{ ctype: 'vip' },
				undefined,
				'[{"type":"personal","personal":{"firstname":"Ann"}}]',
			),
		).toEqual([
			{ type: 'ctmrinfo', info: { ctype: 'vip' } },
			{ type: 'personal', personal: { firstname: 'Ann' } },
		]);
	});

	it('maps the documented example (SDEs with companyBranch, CUSTOM) exactly', () => {
		const { batch } = expectValidPlan({
			customerInfo: { socialId: '1234567890', companyBranch: 'ACME' },
			personalInfo: { firstname: 'John', lastname: 'Doe', gender: 'MALE' },
			routing: { ttrDefName: 'CUSTOM' },
		});
		expect(batch.map(({ kind, type, body }) => ({ kind, type, body }))).toEqual([
			{
				kind: 'req',
				type: 'userprofile.SetUserProfile',
				body: {
					authenticatedData: {
						lp_sdes: [
							{ type: 'ctmrinfo', info: { socialId: '1234567890', companyBranch: 'ACME' } },
							{
								type: 'personal',
								personal: { firstname: 'John', lastname: 'Doe', gender: 'MALE' },
							},
						],
					},
				},
			},
			{
				kind: 'req',
				type: 'cm.ConsumerRequestConversation',
				body: { ttrDefName: 'CUSTOM', channelType: 'MESSAGING', brandId: ACCOUNT },
			},
		]);
	});

	it('does not change the parameters it was given', () => {
		const parameters: CreateParameters = {
			accountId: ACCOUNT,
			userProfile: { firstName: ' Ann ', mail: '' },
			customerInfo: { balance: '12', lastPaymentDate: '2024-03-01' },
			personalInfo: { gender: 'male', contacts: { contact: [{ email: '' }, { phone: '1' }] } },
			sdesJson: '[]',
			routing: { ttrDefName: 'normal', skillId: ' -1 ' },
			campaign: { campaignId: ' 1 ', engagementId: '2', required: true },
			firstMessage: { text: 'Hi', delivery: 'inCreateRequest' },
		};
		const before = JSON.stringify(parameters);
		expectValidPlan(parameters);
		expect(JSON.stringify(parameters)).toBe(before);
	});
});

// ---------------------------------------------------------------------------------------------

describe('Additional SDEs (JSON)', () => {
	const both = [
		{ type: 'ctmrinfo', info: { ctype: 'vip', balance: 120.5 } },
		{ type: 'personal', personal: { firstname: 'Ann', gender: 'FEMALE' } },
	];

	it.each<[string, unknown]>([
		['a JSON array', JSON.stringify(both)],
		['a JSON array with whitespace', `\n  ${JSON.stringify(both, null, 2)}\n`],
		['a parsed array', both],
	])('accepts %s', (_name, sdesJson) => {
		expect(sdesFromJson(sdesJson)).toEqual(both);
		expect(sdesOf({ sdesJson })).toEqual(both);
	});

	it.each<[string, unknown]>([
		['a JSON object', JSON.stringify(both[0])],
		['a parsed object', both[0]],
	])('accepts a single SDE as %s', (_name, sdesJson) => {
		expect(sdesFromJson(sdesJson)).toEqual([both[0]]);
	});

	it.each(['', '   ', null, undefined, '[]', []])('accepts %j as no SDEs', (sdesJson) => {
		expect(sdesFromJson(sdesJson)).toEqual([]);
		expect(profileOf({ sdesJson })).toEqual({});
	});

	it('holds the JSON to the same tables as the fields: coerces and trims', () => {
		expect(
			sdesFromJson([
				{
					type: 'ctmrinfo',
					info: {
						balance: '12.5',
						companySize: '40',
						ctype: ' vip ',
						lastPaymentDate: '2024-03-01T23:30:00',
						customerId: '',
					},
				},
				{
					type: 'personal',
					personal: {
						gender: 'male',
						age: { age: '34', year: 1990 },
						contacts: [{ phoneType: 'work', address: { country: ' US ' } }],
					},
				},
			]),
		).toEqual([
			{
				type: 'ctmrinfo',
				info: {
					balance: 12.5,
					companySize: 40,
					ctype: 'vip',
					lastPaymentDate: { year: 2024, month: 3, day: 1 },
				},
			},
			{
				type: 'personal',
				personal: {
					gender: 'MALE',
					age: { age: 34, year: 1990 },
					contacts: [{ phoneType: 'WORK', address: { country: 'US' } }],
				},
			},
		]);
	});

	it.each(validCases(CUSTOMER_INFO_FIELDS))(
		'Customer Info %s is accepted in JSON',
		(_name, field, input, expected) => {
			if (input instanceof DateTime || input instanceof Date) return; // not JSON
			expect(
				sdesFromJson(JSON.stringify([{ type: 'ctmrinfo', info: { [field.name]: input } }])),
			).toEqual([{ type: 'ctmrinfo', info: { [field.name]: expected } }]);
		},
	);

	it.each(invalidCases(CUSTOMER_INFO_FIELDS))(
		'Customer Info %s is refused in JSON, with its path',
		(_name, field, input) => {
			expectInputError(
				() => sdesFromJson([{ type: 'ctmrinfo', info: { [field.name]: input } }]),
				`${JSON_SDES} › entry 1 › info › ${field.name}`,
			);
		},
	);

	it.each(invalidCases(PERSONAL_INFO_FIELDS))(
		'Personal Info %s is refused in JSON, with its path',
		(_name, field, input) => {
			expectInputError(
				() => sdesFromJson([{ type: 'personal', personal: { [field.name]: input } }]),
				`${JSON_SDES} › entry 1 › personal › ${field.name}`,
			);
		},
	);

	it.each<[string, unknown, string]>([
		['invalid JSON', '[{"type":"ctmrinfo",', JSON_SDES],
		['not JSON at all', 'ctype=vip', JSON_SDES],
		['a JSON string', '"ctmrinfo"', `${JSON_SDES} › entry 1`],
		['JSON null', 'null', `${JSON_SDES} › entry 1`],
		['a number', 42, `${JSON_SDES} › entry 1`],
		['a list holding a non-object', [both[0], 'personal'], `${JSON_SDES} › entry 2`],
		['a list holding a list', [[both[0]]], `${JSON_SDES} › entry 1`],
		['an unknown type', [{ type: 'purchase', info: {} }], `${JSON_SDES} › entry 1 › type`],
		['a type of another case', [{ type: 'CTMRINFO', info: {} }], `${JSON_SDES} › entry 1 › type`],
		['no type', [{ info: { ctype: 'vip' } }], `${JSON_SDES} › entry 1 › type`],
		[
			'an unknown key beside type',
			[{ type: 'ctmrinfo', info: {}, extra: 1 }],
			`${JSON_SDES} › entry 1`,
		],
		['ctmrinfo without info', [{ type: 'ctmrinfo' }], `${JSON_SDES} › entry 1 › info`],
		['info that is a list', [{ type: 'ctmrinfo', info: [] }], `${JSON_SDES} › entry 1 › info`],
		[
			'an unknown Customer Info field',
			[{ type: 'ctmrinfo', info: { ctype: 'vip', vipLevel: 3 } }],
			`${JSON_SDES} › entry 1 › info`,
		],
		[
			'personal under info',
			[{ type: 'personal', info: { firstname: 'Ann' } }],
			`${JSON_SDES} › entry 1`,
		],
		['personal without personal', [{ type: 'personal' }], `${JSON_SDES} › entry 1 › personal`],
		[
			'an unknown Personal Info field',
			[{ type: 'personal', personal: { nickname: 'A' } }],
			`${JSON_SDES} › entry 1 › personal`,
		],
		[
			'a wrong gender',
			[{ type: 'personal', personal: { gender: 'X' } }],
			`${JSON_SDES} › entry 1 › personal › gender`,
		],
		[
			'age as a number',
			[{ type: 'personal', personal: { age: 34 } }],
			`${JSON_SDES} › entry 1 › personal › age`,
		],
		[
			'an unknown age key',
			[{ type: 'personal', personal: { age: { years: 34 } } }],
			`${JSON_SDES} › entry 1 › personal › age`,
		],
		[
			'a fractional age',
			[{ type: 'personal', personal: { age: { age: 34.5 } } }],
			`${JSON_SDES} › entry 1 › personal › age › age`,
		],
		[
			'a text year',
			[{ type: 'personal', personal: { age: { year: 'nineteen' } } }],
			`${JSON_SDES} › entry 1 › personal › age › year`,
		],
		[
			'contacts as an object',
			[{ type: 'personal', personal: { contacts: { email: 'a@b.c' } } }],
			`${JSON_SDES} › entry 1 › personal › contacts`,
		],
		[
			'a contact that is text',
			[{ type: 'personal', personal: { contacts: ['a@b.c'] } }],
			`${JSON_SDES} › entry 1 › personal › contacts › 1`,
		],
		[
			'an unknown contact key',
			[{ type: 'personal', personal: { contacts: [{}, { fax: '1' }] } }],
			`${JSON_SDES} › entry 1 › personal › contacts › 2`,
		],
		[
			'a wrong phone type',
			[{ type: 'personal', personal: { contacts: [{ phoneType: 'CELL' }] } }],
			`${JSON_SDES} › entry 1 › personal › contacts › 1 › phoneType`,
		],
		[
			'an address that is text',
			[{ type: 'personal', personal: { contacts: [{ address: 'Main St' }] } }],
			`${JSON_SDES} › entry 1 › personal › contacts › 1 › address`,
		],
		[
			'an unknown address key',
			[{ type: 'personal', personal: { contacts: [{ address: { city: 'X' } }] } }],
			`${JSON_SDES} › entry 1 › personal › contacts › 1 › address`,
		],
		[
			'a wrong country',
			[{ type: 'personal', personal: { contacts: [{ address: { country: {} } }] } }],
			`${JSON_SDES} › entry 1 › personal › contacts › 1 › address › country`,
		],
		[
			'a wrong balance in the second entry',
			[both[1], { type: 'ctmrinfo', info: { balance: 'lots' } }],
			`${JSON_SDES} › entry 2 › info › balance`,
		],
		[
			'a bad date',
			'[{"type":"ctmrinfo","info":{"registrationDate":{"day":31,"month":4,"year":2024}}}]',
			`${JSON_SDES} › entry 1 › info › registrationDate`,
		],
		['the same type twice', [both[0], { type: 'ctmrinfo', info: { ctype: 'x' } }], JSON_SDES],
	])('refuses %s', (_name, sdesJson, field) => {
		expectInputError(() => buildSdes(undefined, undefined, sdesJson), field);
		expectInputError(() => plan({ sdesJson }), field);
	});

	it('names unknown fields and lists the accepted ones', () => {
		const error = expectInputError(
			() => sdesFromJson([{ type: 'ctmrinfo', info: { vipLevel: 3, tier: 1 } }]),
			`${JSON_SDES} › entry 1 › info`,
		);
		expect(error.problem).toMatch(/vipLevel, tier/);
		for (const field of CUSTOMER_INFO_FIELDS) expect(error.fix).toContain(field.name);
	});

	it.each<[string, Partial<CreateParameters>]>([
		[
			'Customer Info',
			{ customerInfo: { ctype: 'vip' }, sdesJson: [{ type: 'ctmrinfo', info: { balance: 1 } }] },
		],
		[
			'Personal Info',
			{
				personalInfo: { gender: 'male' },
				sdesJson: '{"type":"personal","personal":{"firstname":"Ann"}}',
			},
		],
	])('refuses a type set both in %s fields and in the JSON', (section, parameters) => {
		const error = expectInputError(() => plan(parameters), JSON_SDES);
		expect(error.problem).toContain(`${section} (SDE)`);
		expect(error.fix).toContain(`${section} (SDE)`);
	});

	it('holds a JSON age to real calendar dates, as it holds Date of Birth', () => {
		// The typed Date of Birth refuses 2023-02-29; the same date as a JSON age goes to LivePerson.
		expectInputError(
			() =>
				sdesFromJson('[{"type":"personal","personal":{"age":{"year":2023,"month":2,"day":29}}}]'),
			/^Additional SDEs \(JSON\) › entry 1 › personal › age/,
		);
	});

	it('accepts the JSON type when the fields of that type are all blank', () => {
		expect(
			sdesOf({
				customerInfo: { ctype: ' ', balance: '' },
				sdesJson: [{ type: 'ctmrinfo', info: { ctype: 'vip' } }],
			}),
		).toEqual([{ type: 'ctmrinfo', info: { ctype: 'vip' } }]);
	});
});

// ---------------------------------------------------------------------------------------------

describe('InputError', () => {
	it('carries field, problem and fix, and says both in its message', () => {
		const error = new InputError('Routing › Skill ID', 'is not a skill ID', 'Use a number.');
		expect(error).toBeInstanceOf(Error);
		expect(error.name).toBe('InputError');
		expect(error.message).toBe('Routing › Skill ID: is not a skill ID');
		expect(inputErrorDefects(error)).toEqual([]);
		expect(inputErrorDefects(new InputError('', 'x', ''))).toHaveLength(3);
	});
});

// ---------------------------------------------------------------------------------------------

describe('answers', () => {
	const request = (id: string, type: string): ConnectorRequest => ({
		kind: 'req',
		id,
		type,
		body: {},
	});
	const requests = [
		request('1', 'userprofile.SetUserProfile'),
		request('2', 'cm.ConsumerRequestConversation'),
		request('3', 'ms.PublishEvent'),
	];
	const answers = [
		{ code: 'OK', body: { msg: 'OK User Profile set successfully' }, reqId: '1' },
		{ code: 'OK', body: { conversationId: '8602832d-dce1-446b-8445-0d51f5926a42' }, reqId: '2' },
		{ code: 'OK', body: { sequence: 0 }, reqId: '3' },
	];
	const expected: RequestResult[] = [
		{
			type: 'userprofile.SetUserProfile',
			reqId: '1',
			code: 'OK',
			body: { msg: 'OK User Profile set successfully' },
		},
		{
			type: 'cm.ConsumerRequestConversation',
			reqId: '2',
			code: 'OK',
			body: { conversationId: '8602832d-dce1-446b-8445-0d51f5926a42' },
		},
		{ type: 'ms.PublishEvent', reqId: '3', code: 'OK', body: { sequence: 0 } },
	];

	function expectAnswerError(action: () => unknown, problem: AnswerError['problem']): AnswerError {
		let thrown: unknown;
		try {
			action();
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(AnswerError);
		const error = thrown as AnswerError;
		expect(error.problem).toBe(problem);
		expect(error.name).toBe('AnswerError');
		expect(error.message.trim()).not.toBe('');
		return error;
	}

	describe('matchAnswers', () => {
		const orders: [string, number[]][] = [
			['in order', [0, 1, 2]],
			['reversed', [2, 1, 0]],
			['shuffled', [1, 2, 0]],
			['shuffled again', [2, 0, 1]],
		];

		it.each(orders)('pairs answers %s by reqId', (_name, order) => {
			const shuffled = order.map((index) => answers[index]);
			expect(matchAnswers(requests, shuffled)).toEqual(expected);
			expect(matchAnswers(requests, JSON.stringify(shuffled))).toEqual(expected);
		});

		it('matches a numeric reqId and reads a missing or odd body as {}', () => {
			expect(matchAnswers([request('1', 't')], [{ code: 'OK', reqId: 1 }])).toEqual([
				{ type: 't', reqId: '1', code: 'OK', body: {} },
			]);
			expect(matchAnswers([request('1', 't')], [{ code: 'OK', reqId: '1', body: 'fine' }])).toEqual(
				[{ type: 't', reqId: '1', code: 'OK', body: {} }],
			);
		});

		it('takes a single object as the answer to a SEND', () => {
			expect(
				matchAnswers(
					[request('1', 'ms.PublishEvent')],
					'{"code":"OK","body":{"sequence":4},"reqId":"1"}',
				),
			).toEqual([{ type: 'ms.PublishEvent', reqId: '1', code: 'OK', body: { sequence: 4 } }]);
		});

		it('matches requests with uuid ids', () => {
			const a = request('6a1f…-1', 'x');
			const b = request('6a1f…-2', 'y');
			expect(
				matchAnswers(
					[a, b],
					[
						{ code: 'OK', reqId: b.id },
						{ code: 'OK', reqId: a.id },
					],
				).map((r) => r.type),
			).toEqual(['x', 'y']);
		});

		it.each<[string, unknown]>([
			['fewer answers', answers.slice(0, 2)],
			['no answers', []],
		])('refuses %s than requests as wrongShape', (_name, raw) => {
			const error = expectAnswerError(() => matchAnswers(requests, raw), 'wrongShape');
			expect(error.message).toMatch(/\d+ results for 3 requests/);
		});

		it('refuses more answers than requests', () => {
			expectAnswerError(
				() => matchAnswers(requests, [...answers, { code: 'OK', body: {}, reqId: '4' }]),
				'wrongShape',
			);
		});

		it('refuses a second, contradicting answer to the same request', () => {
			expectAnswerError(
				() =>
					matchAnswers(requests.slice(0, 2), [
						answers[0],
						answers[1],
						{ code: 'BAD_REQUEST', body: { msg: 'no' }, reqId: '2' },
					]),
				'wrongShape',
			);
		});

		it('refuses an answer without the reqId of a request, keeping what matched', () => {
			const error = expectAnswerError(
				() => matchAnswers(requests, [answers[0], { code: 'OK', body: {} }, answers[2]]),
				'unmatchedReqId',
			);
			expect(error.request).toEqual(requests[1]);
			expect(error.results).toEqual([expected[0]]);
		});

		it('refuses a reused reqId', () => {
			expectAnswerError(
				() => matchAnswers(requests, [answers[0], answers[0], answers[2]]),
				'unmatchedReqId',
			);
		});

		it.each(['<html>502 Bad Gateway</html>', '', '[{"code":"OK"', 'OK'])(
			'refuses non-JSON text %j as notJson',
			(raw) => {
				const error = expectAnswerError(() => matchAnswers(requests, raw), 'notJson');
				expect(error.message).toContain(raw.trim().slice(0, 20));
			},
		);

		it.each<unknown>([
			null,
			'null',
			42,
			'"OK"',
			true,
			[1, 2, 3],
			[answers[0], null, answers[2]],
			[[answers[0]]],
		])('refuses %j as wrongShape', (raw) => {
			expectAnswerError(() => matchAnswers(requests, raw), 'wrongShape');
		});

		it.each<[string, unknown, string]>([
			[
				'BAD_REQUEST with a message',
				{
					code: 'BAD_REQUEST',
					body: { msg: "User x already has open conversation. Can't open another one." },
					reqId: '2',
				},
				"User x already has open conversation. Can't open another one.",
			],
			['a numeric code', { code: 400, body: {}, reqId: '2' }, 'LivePerson answered 400'],
			[
				'lower-case bad_request',
				{ code: 'bad_request', body: {}, reqId: '2' },
				'LivePerson answered bad_request',
			],
		])('refuses %s as rejected, with the request and the results', (_name, refused, message) => {
			const error = expectAnswerError(
				() => matchAnswers(requests, [answers[0], refused, answers[2]]),
				'rejected',
			);
			expect(error.message).toBe(message);
			expect(error.request).toEqual(requests[1]);
			expect(error.answer?.reqId).toBe('2');
			expect(error.results).toHaveLength(3);
			expect(error.results.map((result) => result.reqId)).toEqual(['1', '2', '3']);
		});

		it.each([
			['no code', { body: {}, reqId: '2' }, 'LivePerson answered (no code)'],
			[
				'a server error code',
				{ code: 'INTERNAL_SERVER_ERROR', body: {}, reqId: '2' },
				'LivePerson answered INTERNAL_SERVER_ERROR',
			],
			['a numeric 5xx code', { code: 503, body: {}, reqId: '2' }, 'LivePerson answered 503'],
		])('calls %s unclear: it proves neither success nor refusal', (_name, answer, message) => {
			const error = expectAnswerError(
				() => matchAnswers(requests, [answers[0], answer, answers[2]]),
				'unclear',
			);
			expect(error.message).toBe(message);
			expect(error.results).toHaveLength(3);
		});

		it.each(['ok', 'Ok', 200])('accepts the code %p as OK', (code) => {
			const results = matchAnswers(requests, [answers[0], { ...answers[1], code }, answers[2]]);
			expect(results[1].code).toBe(code);
		});

		it('reports a refusal before an unclear code, whatever the order', () => {
			const error = expectAnswerError(
				() =>
					matchAnswers(requests, [
						{ ...answers[0], code: 'WEIRD' },
						answers[1],
						{ ...answers[2], code: 'BAD_REQUEST' },
					]),
				'rejected',
			);
			expect(error.request?.id).toBe('3');
		});

		it('reports the first refused request in request order', () => {
			const error = expectAnswerError(
				() =>
					matchAnswers(requests, [
						{ ...answers[2], code: 'BAD_REQUEST' },
						answers[0],
						{ ...answers[1], code: 'BAD_REQUEST' },
					]),
				'rejected',
			);
			expect(error.request?.id).toBe('2');
		});

		it('refuses a reqId that cannot be turned into text as unmatched, not with a TypeError', () => {
			expectAnswerError(
				() => matchAnswers([request('1', 't')], '[{"code":"OK","reqId":{"toString":0}}]'),
				'unmatchedReqId',
			);
		});

		it('reports a code that cannot be turned into text as unclear, not with a TypeError', () => {
			// The message is built as `LivePerson answered ${code}`, which throws for this valid JSON.
			expectAnswerError(
				() => matchAnswers([request('1', 't')], '[{"code":{"toString":0},"reqId":"1"}]'),
				'unclear',
			);
		});
	});

	describe('createdConversationId and publishedSequence', () => {
		it('read the conversationId and the sequence', () => {
			expect(createdConversationId(expected)).toBe('8602832d-dce1-446b-8445-0d51f5926a42');
			expect(publishedSequence(expected)).toBe(0);
			expect(
				publishedSequence(matchAnswers(requests.slice(0, 2), answers.slice(0, 2))),
			).toBeUndefined();
		});

		it('leave a sequence out when it is not a number', () => {
			expect(
				publishedSequence([expected[1], { ...expected[2], body: { sequence: '0' } }]),
			).toBeUndefined();
		});

		it.each<[string, RequestResult[]]>([
			['no results', []],
			['no conversation result', [expected[0], expected[2]]],
			['no conversationId', [expected[0], { ...expected[1], body: {} }]],
			['an empty conversationId', [{ ...expected[1], body: { conversationId: '' } }]],
			['a numeric conversationId', [{ ...expected[1], body: { conversationId: 42 } }]],
			['a refused conversation request', [{ ...expected[1], code: 'BAD_REQUEST' }]],
		])('find no conversation with %s', (_name, results) => {
			expect(createdConversationId(results)).toBeUndefined();
		});
	});
});

// ---------------------------------------------------------------------------------------------

describe('jwt', () => {
	const token = (claims: unknown) =>
		[
			Buffer.from('{"alg":"RS256"}').toString('base64url'),
			Buffer.from(JSON.stringify(claims)).toString('base64url'),
			'sig',
		].join('.');

	it('reads the claims of a compact JWS without verifying it', () => {
		expect(looksLikeJws(token({ exp: 1700000000 }))).toBe(true);
		expect(readClaims(token({ aud: '123', exp: 1700000000 }))).toEqual({
			aud: '123',
			exp: 1700000000,
		});
	});

	it.each([
		['an hour left', { iat: 1000, exp: 4600 }, 1000, false],
		['just over 5 minutes left', { iat: 1000, exp: 4600 }, 4299, false],
		['just under 5 minutes left', { iat: 1000, exp: 4600 }, 4301, true],
		['expired', { iat: 1000, exp: 4600 }, 5000, true],
		[
			'a 2-minute token, fresh (half its lifetime is the limit)',
			{ iat: 1000, exp: 1120 },
			1000,
			false,
		],
		['a 2-minute token, past half its lifetime', { iat: 1000, exp: 1120 }, 1061, true],
		['no iat: 5 minutes apply', { exp: 4600 }, 4301, true],
	])('renewal of a token with %s', (_case, claims, now, due) => {
		expect(renewalDue(token(claims), now, 300)).toBe(due);
	});

	it.each(['', 'abc', 'a.b', 'a.b.c.d', 'a b.c.d', `${token({})}.x`])(
		'does not take %j for a JWS',
		(text) => {
			expect(looksLikeJws(text)).toBe(false);
			expect(readClaims(text)).toBeUndefined();
		},
	);

	it.each([token([1]), token('x'), token(null), 'a.bm90IGpzb24.c'])(
		'reads no claims from %s',
		(text) => {
			expect(readClaims(text)).toBeUndefined();
		},
	);

	it('never renews without a numeric exp (a ConsumerJWS never expires)', () => {
		expect(renewalDue(token({ lp_consumer_id: 'x' }), 1e12, 300)).toBe(false);
		expect(renewalDue(token({ exp: '1700000000' }), 1e12, 300)).toBe(false);
		expect(renewalDue('not a token', 1e12, 300)).toBe(false);
	});
});
