import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from '../../shared/values';

/** The channels a campaign can use, as its recipients' `consumerContent` keys. */
export type Channel = 'sms' | 'wa' | 'inapp';

/** The Outbound Configuration API's channel types, as campaign channels. */
const CHANNEL_OF: Record<string, Channel> = {
	sms: 'sms',
	'sms-twilio': 'sms',
	wa: 'wa',
	whatsapp: 'wa',
	inapp: 'inapp',
	'in-app': 'inapp',
};

export type HeaderMedia = 'image' | 'video' | 'document';

/** A handoff (template) as the node uses it. */
export interface Template {
	id: string;
	name: string;
	/** Channels the campaign API takes, in the handoff's order. */
	channels: Channel[];
	/** Channel types it has that the campaign API is not known to take (RCS, Apple). */
	unsupported: string[];
	/** The campaign's `variables` keys: every component's, each once ("1", "2", …). */
	variables: string[];
	/** A WhatsApp rich template's header that takes a URL per recipient (`headerVariables`). */
	headerMedia?: HeaderMedia;
	/** Variables a button shares with the body: one value fills both. */
	shared: string[];
}

const text = (value: unknown) =>
	typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/** A component's variables, whichever way the page spells them. */
function variablesOf(component: IDataObject): string[] {
	const list = component.variables ?? component.Variables;
	return Array.isArray(list) ? list.map(text).filter((v): v is string => !!v) : [];
}

function componentsOf(channel: IDataObject): IDataObject[] {
	const list = channel.messageComponents ?? channel.components;
	return Array.isArray(list) ? list.filter(isPlainObject) : [];
}

/**
 * Handoffs as LivePerson's Outbound Configuration API lists them, read defensively: its page shows
 * profiles with `channels`, bare channel objects, objects or arrays, `variables` and `Variables`,
 * placeholders as `${{1}}` and `{{1}}` (and SMS variables no text mentions). Variables are counted
 * from the `variables` lists, never from the text.
 */
export function readTemplates(entries: unknown[]): Template[] {
	const templates: Template[] = [];
	for (const entry of entries.flatMap((e) => (Array.isArray(e) ? e : [e]))) {
		if (!isPlainObject(entry)) continue;
		const id = text(entry.id);
		if (!id) continue; // a bare channel object names no handoff: nothing a campaign can use
		const rawChannels = Array.isArray(entry.channels)
			? entry.channels.filter(isPlainObject)
			: isPlainObject(entry.channels)
				? [entry.channels]
				: [];
		const channels: Channel[] = [];
		const unsupported: string[] = [];
		const variables: string[] = [];
		const shared = new Set<string>();
		let headerMedia: HeaderMedia | undefined;
		for (const channel of rawChannels) {
			const type = (text(channel.type) ?? '').toLowerCase();
			const known = CHANNEL_OF[type];
			if (known && !channels.includes(known)) channels.push(known);
			else if (!known && type) unsupported.push(type);
			const bodyVariables = new Set<string>();
			for (const component of componentsOf(channel)) {
				const kind = (text(component.type) ?? '').toLowerCase();
				const names = variablesOf(component);
				if (kind === 'header') {
					const media = (text(component.sub_type) ?? '').toLowerCase();
					if (names.length > 0 && (media === 'image' || media === 'video' || media === 'document'))
						headerMedia = media;
					continue; // a header's variable is its URL (headerVariables), not a text variable
				}
				if (kind === 'button') {
					for (const name of names) if (bodyVariables.has(name)) shared.add(name);
				} else {
					for (const name of names) bodyVariables.add(name);
				}
				for (const name of names) if (!variables.includes(name)) variables.push(name);
			}
		}
		variables.sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
		templates.push({
			id,
			name: text(entry.name) ?? id,
			channels,
			unsupported,
			variables,
			...(headerMedia ? { headerMedia } : {}),
			shared: [...shared],
		});
	}
	return templates;
}

const CHANNEL_NAMES: Record<Channel, string> = { sms: 'SMS', wa: 'WhatsApp', inapp: 'In-App' };

/** `Order shipped (SMS) — SMS, 2 variables`, for the picker. */
export function describeTemplate(template: Template): string {
	const channels = [
		...template.channels.map((c) => CHANNEL_NAMES[c]),
		...template.unsupported.map((t) => `${t} (not for campaigns)`),
	].join(' + ');
	const count = template.variables.length;
	const media = template.headerMedia ? `, ${template.headerMedia} header` : '';
	return `${template.name} · ${channels || 'no channel'} · ${count} variable${count === 1 ? '' : 's'}${media}`;
}

export function channelName(channel: Channel): string {
	return CHANNEL_NAMES[channel];
}
