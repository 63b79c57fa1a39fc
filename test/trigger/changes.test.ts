/** Normalising LivePerson's notifications into items, the filters, the duplicate keys and the credential reading. */
import type { IDataObject } from 'n8n-workflow';

import {
	changeItem,
	passes,
	readNotification,
	type ChangeFilter,
	type ChangeItem,
} from '../../nodes/LivePersonConnectorTrigger/helpers/changes';
import { webhookKeyFrom } from '../../nodes/LivePersonConnectorTrigger/helpers/credential';
import {
	MAX_KEYS_PER_TRIGGER,
	changeKey,
	firstSighting,
} from '../../nodes/LivePersonConnectorTrigger/helpers/seenChanges';

const CONV = '5491244f-e462-4c63-bf4e-faf4b2d3e7b5';
const SURVEY = '0c2a3d45-0000-4000-8000-00000000a11c';
const AGENT = '29c3019d-fe0b-5200-afe8-737abfeae4b4';

function items(notification: IDataObject): ChangeItem[] {
	const read = readNotification(JSON.stringify(notification));
	if (!read) throw new Error('not a notification');
	return read.changes
		.map((change) => changeItem(read, change))
		.filter((item): item is ChangeItem => item !== undefined);
}

const messaging = (...changes: IDataObject[]) => ({
	kind: 'notification',
	type: 'ms.MessagingEventNotification',
	body: { changes },
});
const agentMessage = (extra: IDataObject = {}): IDataObject => ({
	sequence: 2,
	originatorId: AGENT,
	originatorMetadata: { id: AGENT, role: 'ASSIGNED_AGENT' },
	serverTimestamp: 1528371199686,
	event: { type: 'ContentEvent', message: 'Hello from the Agent\n', contentType: 'text/plain' },
	dialogId: CONV,
	...extra,
});
const conversationChange = (details: IDataObject) => ({
	kind: 'notification',
	type: 'cqm.ExConversationChangeNotification',
	body: {
		changes: [
			{
				type: 'UPSERT',
				result: {
					convId: CONV,
					conversationDetails: {
						participants: [
							{ id: AGENT, role: 'ASSIGNED_AGENT' },
							{ id: 'consumer-1', role: 'CONSUMER' },
						],
						brandId: '64467156',
						metaDataLastUpdateTs: 1528371195521,
						...details,
					},
				},
			},
		],
	},
});

describe('normalising changes', () => {
	it('a text message in the documented older shape (dialogId only): conversationId from dialogId', () => {
		const [item] = items(messaging(agentMessage()));
		expect(item).toEqual({
			eventType: 'ContentEvent',
			conversationId: CONV,
			dialogId: CONV,
			sequence: 2,
			text: 'Hello from the Agent\n',
			contentType: 'text/plain',
			originatorId: AGENT,
			originatorRole: 'ASSIGNED_AGENT',
			messageAudience: null,
			serverTime: '2018-06-07T11:33:19.686Z',
			rawChange: agentMessage(),
		});
	});

	it('a message in a post-conversation survey: conversationId and dialogId stay apart', () => {
		const [item] = items(
			messaging(agentMessage({ conversationId: CONV, dialogId: SURVEY, messageAudience: 'ALL' })),
		);
		expect(item).toMatchObject({ conversationId: CONV, dialogId: SURVEY, messageAudience: 'ALL' });
	});

	it('one item per change, in order, several in one notification', () => {
		const result = items(
			messaging(
				agentMessage({ sequence: 3 }),
				agentMessage({ sequence: 4, event: { type: 'ContentEvent', message: 'b' } }),
			),
		);
		expect(result.map((i) => [i.sequence, i.text])).toEqual([
			[3, 'Hello from the Agent\n'],
			[4, 'b'],
		]);
	});

	it('typing has no sequence and no server time unless the notification has one', () => {
		const typing = {
			originatorId: AGENT,
			originatorMetadata: { id: AGENT, role: 'ASSIGNED_AGENT' },
			event: { type: 'ChatStateEvent', chatState: 'COMPOSING' },
			dialogId: CONV,
		};
		expect(items(messaging(typing))[0]).toMatchObject({
			eventType: 'ChatStateEvent',
			chatState: 'COMPOSING',
			sequence: null,
			serverTime: null,
			text: null,
		});
		const withSentTs = { ...messaging(typing), body: { sentTs: 1528371196009, changes: [typing] } };
		expect(items(withSentTs)[0].serverTime).toBe('2018-06-07T11:33:16.009Z');
	});

	it('read receipts carry status and the sequences read; rich content and files have no text', () => {
		const receipt = agentMessage({
			sequence: 1,
			event: { type: 'AcceptStatusEvent', status: 'READ', sequenceList: [0] },
		});
		expect(items(messaging(receipt))[0]).toMatchObject({
			eventType: 'AcceptStatusEvent',
			status: 'READ',
			sequenceList: [0],
			text: null,
		});
		const rich = agentMessage({
			event: { type: 'RichContentEvent', content: { type: 'vertical', elements: [] } },
		});
		expect(items(messaging(rich))[0]).toMatchObject({ eventType: 'RichContentEvent', text: null });
		const file = agentMessage({
			event: {
				type: 'ContentEvent',
				contentType: 'hosted/file',
				message: { caption: 'x', relativePath: '/a' },
			},
		});
		expect(items(messaging(file))[0]).toMatchObject({ text: null, contentType: 'hosted/file' });
	});

	it('a conversation change: conversationId from result.convId, state and stage kept apart', () => {
		const [item] = items(
			conversationChange({ state: 'CLOSE', stage: 'OPEN', closeReason: 'AGENT' }),
		);
		expect(item).toEqual({
			eventType: 'ExConversationChangeNotification',
			conversationId: CONV,
			dialogId: null,
			changeType: 'UPSERT',
			state: 'CLOSE',
			stage: 'OPEN',
			closeReason: 'AGENT',
			participants: [
				{ id: AGENT, role: 'ASSIGNED_AGENT' },
				{ id: 'consumer-1', role: 'CONSUMER' },
			],
			serverTime: '2018-06-07T11:33:15.521Z',
			rawChange: conversationChange({ state: 'CLOSE', stage: 'OPEN', closeReason: 'AGENT' }).body
				.changes[0],
		});
	});

	it('a documented new-conversation change has no stage or close reason: null, not guessed', () => {
		expect(items(conversationChange({ state: 'OPEN' }))[0]).toMatchObject({
			state: 'OPEN',
			stage: null,
			closeReason: null,
		});
	});

	it('unknown event types and bodies that are no notification give nothing', () => {
		expect(items(messaging(agentMessage({ event: { type: 'SomethingNew' } })))).toEqual([]);
		expect(readNotification('not json')).toBeUndefined();
		expect(readNotification('{"kind":"notification","body":{}}')).toBeUndefined();
		expect(readNotification('[1,2]')).toBeUndefined();
	});
});

describe('filters', () => {
	const filter = (overrides: Partial<ChangeFilter> = {}): ChangeFilter => ({
		events: new Set(['ContentEvent', 'ExConversationChangeNotification']),
		roles: new Set(['ASSIGNED_AGENT', 'AGENT_MANAGER', 'ASSIGNED_MANAGER']),
		includePrivateNotes: false,
		closedOnly: false,
		...overrides,
	});
	const message = (extra: IDataObject = {}) => items(messaging(agentMessage(extra)))[0];
	const consumer = message({ originatorMetadata: { id: 'c', role: 'CONSUMER' } });
	const note = message({ messageAudience: 'AGENTS_AND_MANAGERS' });

	it.each([
		['an agent message, default filter', message(), filter(), true],
		["the consumer's own echo, default filter", consumer, filter(), false],
		['the consumer, when chosen', consumer, filter({ roles: new Set(['CONSUMER']) }), true],
		[
			'a message without originator role',
			message({ originatorMetadata: undefined }),
			filter(),
			false,
		],
		['a private note, default', note, filter(), false],
		['a private note, included', note, filter({ includePrivateNotes: true }), true],
		['an event type not chosen', message(), filter({ events: new Set(['ChatStateEvent']) }), false],
		[
			'an open conversation, all changes',
			items(conversationChange({ state: 'OPEN', stage: 'OPEN' }))[0],
			filter(),
			true,
		],
		[
			'an open conversation, closed only',
			items(conversationChange({ state: 'OPEN', stage: 'OPEN' }))[0],
			filter({ closedOnly: true }),
			false,
		],
		[
			'main dialog closed, survey open, closed only',
			items(conversationChange({ state: 'CLOSE', stage: 'OPEN' }))[0],
			filter({ closedOnly: true }),
			true,
		],
	])('%s', (_case, item, f, expected) => {
		expect(passes(item, f)).toBe(expected);
	});
});

describe('duplicate keys', () => {
	const close = (details: IDataObject) => items(conversationChange(details))[0];

	it('messages by conversation, dialog and sequence; typing never', () => {
		expect(changeKey(items(messaging(agentMessage()))[0], false)).toBe(
			`ContentEvent:${CONV}/${CONV}:2`,
		);
		const typing = items(
			messaging({
				originatorMetadata: { role: 'ASSIGNED_AGENT' },
				event: { type: 'ChatStateEvent', chatState: 'PAUSE' },
				dialogId: CONV,
			}),
		)[0];
		expect(changeKey(typing, false)).toBeUndefined();
	});

	it('conversation changes by state and stage, plus the update time unless Closed Only', () => {
		const first = close({ state: 'CLOSE', stage: 'CLOSE', metaDataLastUpdateTs: 1 });
		const later = close({ state: 'CLOSE', stage: 'CLOSE', metaDataLastUpdateTs: 2 });
		expect(changeKey(first, true)).toBe(changeKey(later, true));
		expect(changeKey(first, false)).not.toBe(changeKey(later, false));
		expect(changeKey(close({ state: 'CLOSE', stage: 'OPEN' }), true)).not.toBe(
			changeKey(first, true),
		);
	});

	it('remembers per trigger, forgetting the oldest beyond the bound', () => {
		expect(firstSighting('t1', 'a')).toBe(true);
		expect(firstSighting('t1', 'a')).toBe(false);
		expect(firstSighting('t2', 'a')).toBe(true);
		for (let i = 0; i < MAX_KEYS_PER_TRIGGER; i++) firstSighting('t1', `k${i}`);
		expect(firstSighting('t1', 'a')).toBe(true);
		expect(firstSighting('t1', `k${MAX_KEYS_PER_TRIGGER - 1}`)).toBe(false);
	});
});

describe('reading the credential', () => {
	const appJwt = (claims: IDataObject) =>
		`eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

	it('Client Credentials: the client secret is the key', () => {
		expect(
			webhookKeyFrom({
				authentication: 'clientCredentials',
				accountId: ' 123 ',
				clientId: 'app-1',
				clientSecret: 's3cret',
			}),
		).toEqual({
			accountId: '123',
			clientId: 'app-1',
			hmacSecret: 's3cret',
		});
	});

	it("Static Tokens: the Webhook Secret is the key, the client ID is the AppJWT's azp", () => {
		const domain = 'va.msg.liveperson.net';
		const key = webhookKeyFrom({
			authentication: 'staticTokens',
			accountId: '123',
			domain,
			appJwt: appJwt({ azp: 'app-1' }),
			webhookSecret: 'wh',
		});
		expect(key).toEqual({ accountId: '123', clientId: 'app-1', hmacSecret: 'wh' });
		expect(
			webhookKeyFrom({
				authentication: 'staticTokens',
				accountId: '123',
				domain,
				appJwt: 'opaque',
				webhookSecret: 'wh',
			}),
		).toEqual({ accountId: '123', hmacSecret: 'wh' });
	});

	it('a credential saved before the Webhook Secret existed is named as the problem, with the fix', () => {
		expect(() =>
			webhookKeyFrom({
				authentication: 'staticTokens',
				accountId: '123',
				appJwt: 'x',
				domain: 'd',
			}),
		).toThrow("The credential's Webhook Secret is empty");
		expect(() =>
			webhookKeyFrom({ authentication: 'clientCredentials', accountId: '123', clientId: 'a' }),
		).toThrow('Client Secret is empty');
		expect(() =>
			webhookKeyFrom({ authentication: 'clientCredentials', clientSecret: 's' }),
		).toThrow('Account ID is empty');
	});
});
