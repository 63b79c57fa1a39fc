/**
 * What the CLI prints first: the values to paste into n8n's credentials, the control API, and how to
 * play the agent. Text for people, one JSON line (`--json`) for scripts; both from the same table.
 */
import type { Emulator } from './types';

/** The consumer the printed Default ConsumerJWS stands for (the examples' contact). */
export const EXAMPLE_CONSUMER = 'crm-contact-4711';

/** The printed AppJWT's lifetime: a working day, not Sentinel's hour. */
export const PRINTED_APP_JWT_TTL_SECONDS = 24 * 3600;

export interface CredentialField {
	/** The field's label in n8n's credential dialog. */
	label: string;
	/** The credential property's name, as n8n stores it (and its REST API takes it). */
	name: string;
	value: string | boolean;
	/** What the dialog shows for an options or boolean field, when it is not the stored value. */
	shown?: string;
}

export interface CredentialBlock {
	/** n8n's credential type name, e.g. `livePersonConnectorApi`. */
	type: string;
	/** The credential's name in n8n's "Add credential" list. */
	displayName: string;
	/** Which way of filling it in, e.g. "Client Credentials". */
	variant: string;
	fields: CredentialField[];
	/** A line printed under the fields. */
	note?: string;
}

/** A block with `data`: the fields as n8n's REST API takes them (`POST /rest/credentials`). */
export type CredentialValues = CredentialBlock & { data: Record<string, string | boolean> };

const field = (
	label: string,
	name: string,
	value: string | boolean,
	shown?: string,
): CredentialField =>
	shown === undefined ? { label, name, value } : { label, name, value, shown };

/**
 * One entry per credential block, printed in this order. Another credential served by the emulator
 * is one more entry here, e.g. for a Proactive Messaging credential:
 *
 *     (emu) => ({ type: 'livePersonProactiveApi', displayName: 'LivePerson Proactive Messaging API',
 *       variant: 'Client Credentials', fields: [field('Account ID', 'accountId', emu.accountId), …] }),
 */
export const CREDENTIAL_BLOCKS: ReadonlyArray<(emu: Emulator) => CredentialBlock> = [
	(emu) => ({
		type: 'livePersonConnectorApi',
		displayName: 'LivePerson Connector API',
		variant: 'Client Credentials',
		fields: [
			field(
				'Authentication',
				'authentication',
				'clientCredentials',
				'Client Credentials (Recommended)',
			),
			field('Account ID', 'accountId', emu.accountId),
			field('Client ID', 'clientId', emu.clientId),
			field('Client Secret', 'clientSecret', emu.clientSecret),
			field('Domain API (CSDS) Host', 'csdsHost', emu.baseUrl),
		],
	}),
	(emu) => ({
		type: 'livePersonConnectorApi',
		displayName: 'LivePerson Connector API',
		variant: 'Static Tokens',
		fields: [
			field('Authentication', 'authentication', 'staticTokens', 'Static Tokens'),
			field('Account ID', 'accountId', emu.accountId),
			field('Messaging Domain', 'domain', emu.baseUrl),
			field('AppJWT', 'appJwt', emu.mintAppJwt({ ttlSeconds: PRINTED_APP_JWT_TTL_SECONDS })),
			field('Default ConsumerJWS', 'consumerJws', emu.mintConsumerJws(EXAMPLE_CONSUMER)),
			field('Webhook Secret', 'webhookSecret', emu.clientSecret),
		],
		note:
			`The AppJWT is valid ${PRINTED_APP_JWT_TTL_SECONDS / 3600} h; the ConsumerJWS is consumer "${EXAMPLE_CONSUMER}". ` +
			'Both are signed with a key made at start: after a restart, paste new ones.',
	}),
	(emu) => ({
		type: 'livePersonProactiveApi',
		displayName: 'LivePerson Proactive Messaging API',
		variant: 'Client Credentials',
		fields: [
			field('Account ID', 'accountId', emu.accountId),
			field('Client ID', 'clientId', emu.proactive.clientId),
			field('Client Secret', 'clientSecret', emu.proactive.clientSecret),
			field('Domain API (CSDS) Host', 'csdsHost', emu.baseUrl),
			field('Override Hosts', 'overrideHosts', true, 'on'),
			field('Proactive Host', 'proactiveHost', emu.baseUrl),
			field('Outbound Configuration Host', 'handoffHost', emu.baseUrl),
		],
		note: "The emulator serves both Proactive APIs on its own address: LivePerson derives them from the account's zone, so they are set here.",
	}),
];

export interface EmulatorInfo {
	name: string;
	version: string;
	baseUrl: string;
	port: number;
	accountId: string;
	/** The CLI's process ID (under npx, not npx's own): SIGTERM or SIGINT stop it cleanly. */
	pid?: number;
	credentials: CredentialValues[];
	/** The control API's endpoints (full URLs); control requests are not written to the request log. */
	control: Record<
		| 'requests'
		| 'state'
		| 'stats'
		| 'faults'
		| 'reset'
		| 'tokens'
		| 'expireAppJwts'
		| 'services'
		| 'webhooks',
		string
	>;
	/** Playing the agent: each answers with what it delivered to the registered webhooks. */
	agent: Record<'message' | 'richContent' | 'typing' | 'read' | 'close' | 'closeSurvey', string>;
}

/** The credential blocks for this emulator (mints the static tokens anew on each call). */
export function credentialValues(emu: Emulator): CredentialValues[] {
	return CREDENTIAL_BLOCKS.map((block) => {
		const b = block(emu);
		return { ...b, data: Object.fromEntries(b.fields.map((f) => [f.name, f.value])) };
	});
}

export function describeEmulator(
	emu: Emulator,
	pkg: { name: string; version: string },
): EmulatorInfo {
	const c = `${emu.baseUrl}/_emulator`;
	return {
		name: pkg.name,
		version: pkg.version,
		baseUrl: emu.baseUrl,
		port: emu.port,
		accountId: emu.accountId,
		credentials: credentialValues(emu),
		control: {
			requests: `${c}/requests`,
			state: `${c}/state`,
			stats: `${c}/stats`,
			faults: `${c}/faults`,
			reset: `${c}/reset`,
			tokens: `${c}/tokens`,
			expireAppJwts: `${c}/expire-app-jwts`,
			services: `${c}/services`,
			webhooks: `${c}/webhooks`,
		},
		agent: {
			message: `${c}/agent/message`,
			richContent: `${c}/agent/rich-content`,
			typing: `${c}/agent/typing`,
			read: `${c}/agent/read`,
			close: `${c}/agent/close`,
			closeSurvey: `${c}/agent/close-survey`,
		},
	};
}

function rows(pairs: Array<[string, string]>, width: number): string[] {
	return pairs.map(([label, value]) => `  ${label.padEnd(width)}${value}`);
}

const post = (url: string, body?: object) =>
	body === undefined
		? `curl -X POST ${url}`
		: `curl -X POST ${url} -H 'Content-Type: application/json' -d '${JSON.stringify(body)}'`;

/** The text the CLI prints before the request log. */
export function bannerText(info: EmulatorInfo, note = ''): string {
	const id = 'CONVERSATION_ID';
	const { control: c, agent: a } = info;
	const controls: Array<[string, string]> = [
		['Request log', `curl ${c.requests}`],
		['Conversations', `curl ${c.state}`],
		[
			'Add a fault',
			post(c.faults, {
				on: 'conversation',
				action: { type: 'status', status: 429, headers: { 'Retry-After': '1' } },
			}),
		],
		['Faults', `curl ${c.faults}   (remove them: curl -X DELETE ${c.faults})`],
		['Counters', `curl ${c.stats}`],
		['New tokens', post(c.tokens, { extConsumerId: 'someone' })],
		['Reset', post(c.reset)],
	];
	const agent: Array<[string, string]> = [
		['Trigger URL', post(c.webhooks, { url: 'TRIGGER_URL' })],
		['Agent message', post(a.message, { conversationId: id, message: 'Hello, this is the agent' })],
		['Typing', post(a.typing, { conversationId: id })],
		['Read receipt', post(a.read, { conversationId: id, sequenceList: [0] })],
		['Agent closes', post(a.close, { conversationId: id })],
		['Deliveries', `curl ${c.webhooks}`],
	];
	// One column for every block, so the values line up down the whole printout.
	const labels = [
		...info.credentials.flatMap((b) => b.fields.map((f) => f.label)),
		...[...controls, ...agent].map(([label]) => label),
	];
	const width = Math.max(...labels.map((l) => l.length)) + 2;
	const lines = [
		'',
		`LivePerson emulator ${info.version} listening on ${info.baseUrl}${note}`,
		'No LivePerson account needed; nothing leaves this machine.',
	];
	for (const block of info.credentials) {
		lines.push(
			'',
			`n8n credential "${block.displayName}", ${block.variant}:`,
			...rows(
				block.fields.map((f) => [f.label, f.shown ?? String(f.value)]),
				width,
			),
		);
		if (block.note) lines.push(`  (${block.note})`);
	}
	lines.push(
		'',
		`Control API, ${info.baseUrl}/_emulator (its requests are not logged):`,
		...rows(controls, width),
		'',
		`Play the agent. TRIGGER_URL: the LivePerson Trigger's Test or Production URL; ${id}: from`,
		"  the request log, the state, or the LivePerson node's output. Each delivers a signed webhook.",
		...rows(agent, width),
		'',
	);
	return lines.join('\n');
}
