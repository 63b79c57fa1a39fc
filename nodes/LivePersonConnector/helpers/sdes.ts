import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../../shared/errors';
import { listed } from '../../shared/text';
import {
	ADDRESS_FIELDS,
	AGE_FIELDS,
	AGE_RANGES,
	CONTACT_FIELDS,
	CUSTOMER_INFO_FIELDS,
	GENDERS,
	PERSONAL_INFO_FIELDS,
	PHONE_TYPES,
	type SdeField,
} from './sdeFields';
import {
	compact,
	describeValue,
	isBlank,
	isCalendarDate,
	optionalDateParts,
	optionalEnum,
	optionalInteger,
	optionalNumber,
	optionalString,
	isPlainObject,
	tryParseJson,
} from '../../shared/values';

const CUSTOMER_INFO = 'Customer Info (SDE)';
const PERSONAL_INFO = 'Personal Info (SDE)';
const SDES_JSON = 'Additional SDEs (JSON)';

/** The raw values of the node's Personal Info collection. */
export interface PersonalInfoParameters extends IDataObject {
	gender?: string;
	age?: number | string;
	birthDate?: string;
	contacts?: { contact?: IDataObject[] };
}

function coerceField(field: SdeField, label: string, value: unknown): IDataObject[string] {
	switch (field.kind) {
		case 'number':
			return optionalNumber(label, value);
		case 'integer':
			return optionalInteger(label, value, field.range);
		case 'date':
			return optionalDateParts(label, value);
		default:
			return optionalString(label, value);
	}
}

function coerceTable(
	fields: SdeField[],
	section: string,
	values: IDataObject,
	labelsByKey: boolean,
) {
	const result: IDataObject = {};
	for (const field of fields) {
		const label = `${section} › ${labelsByKey ? field.name : field.displayName}`;
		result[field.name] = coerceField(field, label, values[field.name]);
	}
	return compact(result);
}

function rejectUnknownKeys(values: IDataObject, known: readonly string[], section: string) {
	const unknown = Object.keys(values).filter((key) => !known.includes(key));
	if (unknown.length > 0) {
		throw new InputError(
			section,
			`LivePerson does not accept the field${unknown.length > 1 ? 's' : ''} ${listed(unknown)}`,
			`Use only: ${listed(known, known.length)}.`,
		);
	}
}

/** `{type: 'ctmrinfo', info}` from the Customer Info fields, or nothing when none is set. */
export function customerInfoSde(values: IDataObject | null = {}): IDataObject | undefined {
	values ??= {};
	const info = coerceTable(CUSTOMER_INFO_FIELDS, CUSTOMER_INFO, values, false);
	return Object.keys(info).length > 0 ? { type: 'ctmrinfo', info } : undefined;
}

/** `{type: 'personal', personal}` from the Personal Info fields, or nothing when none is set. */
export function personalInfoSde(
	values: PersonalInfoParameters | null = {},
): IDataObject | undefined {
	values ??= {};
	const personal = coerceTable(PERSONAL_INFO_FIELDS, PERSONAL_INFO, values, false);
	const gender = optionalEnum(`${PERSONAL_INFO} › Gender`, values.gender, GENDERS);
	if (gender) personal.gender = gender;
	const age = optionalInteger(`${PERSONAL_INFO} › Age`, values.age, AGE_RANGES.age);
	const birthDate = optionalDateParts(`${PERSONAL_INFO} › Date of Birth`, values.birthDate);
	if (age !== undefined || birthDate) personal.age = compact({ age, ...birthDate });
	const rows = Array.isArray(values.contacts?.contact) ? values.contacts.contact : [];
	const contacts = rows
		.map((contact, index) => contactFromFields(contact ?? {}, index))
		// A row with only a phone type is a row left empty: n8n fills in the Phone Type default.
		.filter((contact) => Object.keys(contact).some((key) => key !== 'phoneType'));
	if (contacts.length > 0) personal.contacts = contacts;
	return Object.keys(personal).length > 0 ? { type: 'personal', personal } : undefined;
}

function contactFromFields(values: IDataObject, index: number): IDataObject {
	const label = `${PERSONAL_INFO} › Contacts › contact ${index + 1}`;
	const address = compact({
		country: optionalString(`${label} › Country`, values.country),
		region: optionalString(`${label} › Region`, values.region),
	});
	return compact({
		email: optionalString(`${label} › Email`, values.email),
		phone: optionalString(`${label} › Phone`, values.phone),
		phoneType: optionalEnum(`${label} › Phone Type`, values.phoneType, PHONE_TYPES),
		address: Object.keys(address).length > 0 ? address : undefined,
	});
}

/**
 * SDEs given as JSON (usually mapped whole from an upstream node). They are held to the same
 * tables as the typed fields, so LivePerson never has to reject what the node could have caught.
 */
export function sdesFromJson(raw: unknown): IDataObject[] {
	if (isBlank(raw)) return [];
	let value = raw;
	if (typeof raw === 'string') {
		const parsed = tryParseJson(raw);
		if (!parsed) {
			throw new InputError(
				SDES_JSON,
				'is not valid JSON',
				'Enter a JSON array of SDEs, e.g. [{"type":"ctmrinfo","info":{"ctype":"vip"}}], or leave it empty.',
			);
		}
		value = parsed.value;
	}
	const entries = Array.isArray(value) ? value : [value];
	return entries.map((entry, index) => validateJsonSde(entry, `${SDES_JSON} › entry ${index + 1}`));
}

function validateJsonSde(entry: unknown, label: string): IDataObject {
	if (!isPlainObject(entry)) {
		throw new InputError(
			label,
			`must be an object, not ${describeValue(entry)}`,
			'Write each SDE as {"type": …, …}.',
		);
	}
	if (entry.type === 'ctmrinfo') {
		rejectUnknownKeys(entry, ['type', 'info'], label);
		const info = requireObject(entry.info, `${label} › info`);
		rejectUnknownKeys(
			info,
			CUSTOMER_INFO_FIELDS.map((field) => field.name),
			`${label} › info`,
		);
		return {
			type: 'ctmrinfo',
			info: coerceTable(CUSTOMER_INFO_FIELDS, `${label} › info`, info, true),
		};
	}
	if (entry.type === 'personal') {
		rejectUnknownKeys(entry, ['type', 'personal'], label);
		return {
			type: 'personal',
			personal: validateJsonPersonal(
				requireObject(entry.personal, `${label} › personal`),
				`${label} › personal`,
			),
		};
	}
	throw new InputError(
		`${label} › type`,
		`${describeValue(entry.type)} is not an SDE type LivePerson accepts when creating a conversation`,
		'Use "ctmrinfo" (Customer Info) or "personal" (Personal Info).',
	);
}

function validateJsonPersonal(personal: IDataObject, label: string): IDataObject {
	const known = [...PERSONAL_INFO_FIELDS.map((field) => field.name), 'gender', 'age', 'contacts'];
	rejectUnknownKeys(personal, known, label);
	const result = coerceTable(PERSONAL_INFO_FIELDS, label, personal, true);
	const gender = optionalEnum(`${label} › gender`, personal.gender, GENDERS);
	if (gender) result.gender = gender;
	if (!isBlank(personal.age)) {
		const age = requireObject(personal.age, `${label} › age`);
		rejectUnknownKeys(age, AGE_FIELDS, `${label} › age`);
		const checked = compact(
			Object.fromEntries(
				AGE_FIELDS.map((key) => [
					key,
					optionalInteger(`${label} › age › ${key}`, age[key], AGE_RANGES[key]),
				]),
			),
		);
		const { year, month, day } = checked as { year?: number; month?: number; day?: number };
		if (
			year !== undefined &&
			month !== undefined &&
			day !== undefined &&
			!isCalendarDate({ year, month, day })
		) {
			throw new InputError(
				`${label} › age`,
				`${[year, month, day].join('-')} is not a date of birth`,
				'Give year, month (1-12) and day of a real date, e.g. {"age":34,"year":1990,"month":4,"day":12}.',
			);
		}
		result.age = checked;
	}
	if (!isBlank(personal.contacts)) {
		if (!Array.isArray(personal.contacts)) {
			throw new InputError(
				`${label} › contacts`,
				'must be a list',
				'Write contacts as [{"email": …, "phone": …}].',
			);
		}
		result.contacts = personal.contacts.map((contact, index) =>
			validateJsonContact(contact, `${label} › contacts › ${index + 1}`),
		);
	}
	return result;
}

function validateJsonContact(contact: unknown, label: string): IDataObject {
	const values = requireObject(contact, label);
	rejectUnknownKeys(values, CONTACT_FIELDS, label);
	const result = compact({
		email: optionalString(`${label} › email`, values.email),
		phone: optionalString(`${label} › phone`, values.phone),
		phoneType: optionalEnum(`${label} › phoneType`, values.phoneType, PHONE_TYPES),
	}) as IDataObject;
	if (!isBlank(values.address)) {
		const address = requireObject(values.address, `${label} › address`);
		rejectUnknownKeys(address, ADDRESS_FIELDS, `${label} › address`);
		result.address = compact({
			country: optionalString(`${label} › address › country`, address.country),
			region: optionalString(`${label} › address › region`, address.region),
		});
	}
	return result;
}

function requireObject(value: unknown, label: string): IDataObject {
	if (!isPlainObject(value)) {
		throw new InputError(
			label,
			`must be an object, not ${describeValue(value)}`,
			"Check the JSON structure against LivePerson's SDE reference.",
		);
	}
	return value;
}

/** The `lp_sdes` list: typed fields first (Customer Info, then Personal Info), then the JSON ones. */
export function buildSdes(
	customerInfo: IDataObject | undefined,
	personalInfo: PersonalInfoParameters | undefined,
	sdesJson: unknown,
): IDataObject[] {
	const typed = [customerInfoSde(customerInfo), personalInfoSde(personalInfo)].filter(
		(sde): sde is IDataObject => sde !== undefined,
	);
	const fromJson = sdesFromJson(sdesJson);
	for (const sde of fromJson) {
		if (typed.some((other) => other.type === sde.type)) {
			const section = sde.type === 'ctmrinfo' ? CUSTOMER_INFO : PERSONAL_INFO;
			throw new InputError(
				SDES_JSON,
				`sets a "${sde.type}" SDE that ${section} already sets; LivePerson replaces the whole SDE, so one would be lost`,
				`Set ${section} either in its fields or in the JSON, not both.`,
			);
		}
	}
	const all = [...typed, ...fromJson];
	const types = all.map((sde) => sde.type);
	if (new Set(types).size !== types.length) {
		throw new InputError(SDES_JSON, 'sets the same SDE type twice', 'Give each SDE type once.');
	}
	return all;
}
