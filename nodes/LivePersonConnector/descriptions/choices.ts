import type { INodeProperties } from 'n8n-workflow';

import type { TextField } from '../helpers/profileFields';

export { choiceOptions, sortedOptions } from '../../shared/descriptions/panel';

export function textFieldProperty(field: TextField): INodeProperties {
	return {
		displayName: field.displayName,
		name: field.name,
		type: 'string',
		default: '',
		...(field.secret ? { typeOptions: { password: true } } : {}),
		...(field.placeholder ? { placeholder: field.placeholder } : {}),
		...(field.description ? { description: field.description } : {}),
	};
}
