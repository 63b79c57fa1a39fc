import { valuesOf, type Choice } from '../../shared/choices';
import type { Range } from '../../shared/values';

/**
 * The two SDE types LivePerson accepts when a conversation is created, field by field
 * (developers.liveperson.com, Engagement Attributes, and Connector API › CONVERSATION). Both the
 * node panel (descriptions/sdes.description.ts) and the mapping (sdes.ts) are built from these tables.
 */
export type SdeFieldKind = 'string' | 'number' | 'integer' | 'date';

export interface SdeField {
	name: string;
	displayName: string;
	kind: SdeFieldKind;
	description: string;
	/** For integers: the values that make sense (LivePerson documents none). */
	range?: Range;
}

export const CUSTOMER_INFO_FIELDS: SdeField[] = [
	{
		name: 'accountName',
		displayName: 'Account Name',
		kind: 'string',
		description: "The customer's account name",
	},
	{
		name: 'balance',
		displayName: 'Balance',
		kind: 'number',
		description: "The customer's balance, a number such as 1250.5",
	},
	{
		name: 'companyBranch',
		displayName: 'Company Branch',
		kind: 'string',
		description: 'The branch the customer belongs to, e.g. ACME',
	},
	{
		name: 'companySize',
		displayName: 'Company Size',
		kind: 'integer',
		description: "Number of employees of the customer's company",
		range: { min: 0 },
	},
	{
		name: 'cstatus',
		displayName: 'Customer Status',
		kind: 'string',
		description: "The customer's status, e.g. cancelled",
	},
	{
		name: 'ctype',
		displayName: 'Customer Type',
		kind: 'string',
		description: "The customer's type or tier, e.g. vip",
	},
	{
		name: 'currency',
		displayName: 'Currency',
		kind: 'string',
		description: 'Currency code of the balance, e.g. USD',
	},
	{
		name: 'customerId',
		displayName: 'Customer ID',
		kind: 'string',
		description:
			'Warning: LivePerson treats a conversation with a customer ID as authenticated and advises against sending it through the Connector API. Leave empty unless your LivePerson admin asks for it.',
	},
	{
		name: 'imei',
		displayName: 'IMEI',
		kind: 'string',
		description: "The IMEI of the customer's device",
	},
	{
		name: 'lastPaymentDate',
		displayName: 'Last Payment Date',
		kind: 'date',
		description: 'Sent as {day, month, year}',
	},
	{
		name: 'loginStatus',
		displayName: 'Login Status',
		kind: 'integer',
		description: 'A whole number your LivePerson setup gives a meaning to',
	},
	{
		name: 'registrationDate',
		displayName: 'Registration Date',
		kind: 'date',
		description: 'Sent as {day, month, year}',
	},
	{
		name: 'role',
		displayName: 'Role',
		kind: 'string',
		description: "The customer's role, e.g. owner",
	},
	{
		name: 'socialId',
		displayName: 'Social ID',
		kind: 'string',
		description: "The customer's social network ID",
	},
	{
		name: 'storeNumber',
		displayName: 'Store Number',
		kind: 'string',
		description: 'Warning: not supported by LivePerson in authenticated conversations',
	},
	{
		name: 'storeZipCode',
		displayName: 'Store Zip Code',
		kind: 'string',
		description: 'Warning: not supported by LivePerson in authenticated conversations',
	},
	{
		name: 'userName',
		displayName: 'User Name',
		kind: 'string',
		description: "The customer's user name",
	},
];

export const PERSONAL_INFO_FIELDS: SdeField[] = [
	{
		name: 'company',
		displayName: 'Company',
		kind: 'string',
		description: 'The company the person works for',
	},
	{
		name: 'firstname',
		displayName: 'First Name',
		kind: 'string',
		description: "The person's first name",
	},
	{
		name: 'language',
		displayName: 'Language',
		kind: 'string',
		description: 'Language and region, e.g. en-US',
	},
	{
		name: 'lastname',
		displayName: 'Last Name',
		kind: 'string',
		description: "The person's last name",
	},
];

export const GENDER_CHOICES: Choice[] = [
	{ value: 'MALE', name: 'Male' },
	{ value: 'FEMALE', name: 'Female' },
	{ value: 'OTHER', name: 'Other' },
];
export const GENDERS = valuesOf(GENDER_CHOICES);

export const PHONE_TYPE_CHOICES: Choice[] = [
	{ value: 'HOME', name: 'Home' },
	{ value: 'MOBILE', name: 'Mobile' },
	{ value: 'WORK', name: 'Work' },
	{ value: 'FAX', name: 'Fax' },
	{ value: 'MAIN', name: 'Main' },
	{ value: 'HOME_FAX', name: 'Home Fax' },
	{ value: 'WORK_FAX', name: 'Work Fax' },
	{ value: 'PAGER', name: 'Pager' },
	{ value: 'OTHER', name: 'Other' },
];
export const PHONE_TYPES = valuesOf(PHONE_TYPE_CHOICES);

export const CONTACT_FIELDS = ['email', 'phone', 'phoneType', 'address'] as const;
export const ADDRESS_FIELDS = ['country', 'region'] as const;
export const AGE_FIELDS = ['age', 'year', 'month', 'day'] as const;

/** A person's age in years, and the parts of a date of birth. */
export const AGE_RANGES: Record<(typeof AGE_FIELDS)[number], Range> = {
	age: { min: 0, max: 150 },
	year: { min: 1, max: 9999 },
	month: { min: 1, max: 12 },
	day: { min: 1, max: 31 },
};
