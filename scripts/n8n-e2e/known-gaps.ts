/**
 * Checks expected to fail today because of known problems (being fixed on main, or limits of older
 * n8n versions). They show as XFAIL and do not fail the run; once one passes it shows as XPASS:
 * remove it from this list. Keep each reason short and say what the user sees.
 */
export const KNOWN_GAPS: Record<string, string> = {};

/** Known gaps only for some n8n versions: from `from` (inclusive) up to `below` (exclusive). */
export const VERSION_GAPS: Array<{ id: string; from?: string; below?: string; reason: string }> = [
	{
		id: 'errors.error-output',
		below: '2.35.3',
		reason:
			"n8n-core before 2.35.2 (n8n before 2.35.3) sends an item to the error output only when its json is {error} or {error, message}: the node's {error, details} items land on the success output",
	},
	{
		id: 'example.create-conversation-for-crm-contact.as-shipped',
		below: '2.3.0',
		reason:
			"n8n before 2.3 has no Data table › Table › Create: the example's Conversations Table node fails; docs/examples.md gives the one step for these versions (create the table, put its ID in an Edit Fields node of that name)",
	},
	{
		id: 'example.create-conversation-for-crm-contact',
		below: '2.35.3',
		reason:
			"n8n before 2.35.3 sends the node's failed items to the success output (see errors.error-output): on the second click LivePerson's refusal reaches Record Conversation on Contact instead of the error branch that looks the conversation up",
	},
	{
		id: 'example.appointment-reminder-whatsapp',
		below: '2.35.3',
		reason:
			"n8n before 2.35.3 sends the node's failed items to the success output (see errors.error-output): the customer without consent goes on to Wait and Get Delivery Status instead of Needs Attention",
	},
	{
		id: 'example.crm-contact-conversation.as-shipped',
		below: '2.3.0',
		reason:
			"n8n before 2.3 has no Data table › Table › Create: the example's Conversations Table node fails; docs/examples.md gives the one step for these versions (create the table, put its ID in an Edit Fields node of that name)",
	},
];

function older(version: string, than: string): boolean {
	const a = version.split('.').map(Number);
	const b = than.split('.').map(Number);
	for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
	return false;
}

/** The known gaps for a run against this n8n version. */
export function knownGapsFor(n8nVersion: string): Record<string, string> {
	const gaps = { ...KNOWN_GAPS };
	for (const gap of VERSION_GAPS) {
		const fromOk = !gap.from || !older(n8nVersion, gap.from);
		const belowOk = !gap.below || older(n8nVersion, gap.below);
		if (fromOk && belowOk) gaps[gap.id] = gap.reason;
	}
	return gaps;
}
