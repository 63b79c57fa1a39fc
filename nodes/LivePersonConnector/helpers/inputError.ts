/**
 * Bad input found before anything is sent. The operation layer turns it into a
 * NodeOperationError carrying the item index, so the pure mapping stays free of n8n's runtime.
 */
export class InputError extends Error {
	constructor(
		/** The field as the user sees it in the node panel, e.g. `Customer Info › Balance`. */
		readonly field: string,
		/** What is wrong, in one sentence. */
		readonly problem: string,
		/** What to do about it. */
		readonly fix: string,
	) {
		super(`${field}: ${problem}`);
		this.name = 'InputError';
	}
}
