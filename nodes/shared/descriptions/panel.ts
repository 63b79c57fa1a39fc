import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { Choice } from '../choices';

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
const byDisplayName = (a: INodeProperties, b: INodeProperties) =>
	a.displayName.localeCompare(b.displayName);

/** A panel option list from a table of LivePerson's values, in the alphabetical order n8n's lint asks for. */
export function choiceOptions(choices: readonly Choice[]): INodePropertyOptions[] {
	return choices
		.map(({ value, name, description }) => ({
			name,
			value,
			...(description ? { description } : {}),
		}))
		.sort(byName);
}

/** A collection's options, sorted by display name as n8n's lint asks. */
export function sortedOptions(options: INodeProperties[]): INodeProperties[] {
	return [...options].sort(byDisplayName);
}
