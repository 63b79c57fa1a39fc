/** A value LivePerson accepts for an enum field, with the name the node panel shows for it. */
export interface Choice {
	value: string;
	name: string;
	description?: string;
}

export function valuesOf(choices: readonly Choice[]): string[] {
	return choices.map((choice) => choice.value);
}
