import type { INodeProperties } from 'n8n-workflow';

import {
	CUSTOMER_INFO_FIELDS,
	GENDER_CHOICES,
	PERSONAL_INFO_FIELDS,
	PHONE_TYPE_CHOICES,
	type SdeField,
} from '../helpers/sdeFields';
import { choiceOptions, sortedOptions } from './choices';

function fieldProperty(field: SdeField): INodeProperties {
	const base = { displayName: field.displayName, name: field.name, description: field.description };
	switch (field.kind) {
		case 'number':
			return { ...base, type: 'number', default: 0 };
		case 'integer':
			return { ...base, type: 'number', typeOptions: { numberPrecision: 0 }, default: 0 };
		case 'date':
			return { ...base, type: 'dateTime', default: '' };
		default:
			return { ...base, type: 'string', default: '' };
	}
}

export const customerInfoProperty: INodeProperties = {
	displayName: 'Customer Info (SDE)',
	name: 'customerInfo',
	type: 'collection',
	placeholder: 'Add Customer Info Field',
	default: {},
	description:
		"LivePerson's Customer Info engagement attribute (ctmrinfo), shown to the agent and usable for routing. LivePerson replaces the whole SDE on each update.",
	options: sortedOptions(CUSTOMER_INFO_FIELDS.map(fieldProperty)),
};

export const personalInfoProperty: INodeProperties = {
	displayName: 'Personal Info (SDE)',
	name: 'personalInfo',
	type: 'collection',
	placeholder: 'Add Personal Info Field',
	default: {},
	description: "LivePerson's Personal Info engagement attribute (personal), shown to the agent",
	options: sortedOptions([
		...PERSONAL_INFO_FIELDS.map(fieldProperty),
		{
			displayName: 'Age',
			name: 'age',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: 0,
			description: 'Age in years',
		},
		{
			displayName: 'Contacts',
			name: 'contacts',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Contact',
			default: {},
			options: [
				{
					displayName: 'Contact',
					name: 'contact',
					values: [
						{
							displayName: 'Country',
							name: 'country',
							type: 'string',
							default: '',
							placeholder: 'US',
						},
						{
							displayName: 'Email',
							name: 'email',
							type: 'string',
							placeholder: 'name@email.com',
							default: '',
						},
						{
							displayName: 'Phone',
							name: 'phone',
							type: 'string',
							default: '',
							placeholder: '+1 555 0100',
						},
						{
							displayName: 'Phone Type',
							name: 'phoneType',
							type: 'options',
							default: 'MOBILE',
							options: choiceOptions(PHONE_TYPE_CHOICES),
						},
						{
							displayName: 'Region',
							name: 'region',
							type: 'string',
							default: '',
							placeholder: 'CA',
						},
					],
				},
			],
		},
		{
			displayName: 'Date of Birth',
			name: 'birthDate',
			type: 'dateTime',
			default: '',
			description: 'Sent with the age as {year, month, day}',
		},
		{
			displayName: 'Gender',
			name: 'gender',
			type: 'options',
			default: 'FEMALE',
			options: choiceOptions(GENDER_CHOICES),
		},
	]),
};

export const sdesJsonProperty: INodeProperties = {
	displayName: 'Additional SDEs (JSON)',
	name: 'sdesJson',
	type: 'json',
	// An empty list, so an untouched field is valid JSON.
	default: '[]',
	description:
		"SDEs as LivePerson's JSON, e.g. mapped whole from an upstream node. Only ctmrinfo and personal are accepted, and each type may be set here or in its fields, not both.",
	hint: 'For example: [{"type":"ctmrinfo","info":{"ctype":"vip","balance":120.5}}]',
};
