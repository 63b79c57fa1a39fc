/**
 * Living with a conversation: every operation on an open conversation, run in n8n's engine against
 * the emulator, with what LivePerson received and what the workflow gets back, and each refusal
 * LivePerson documents.
 */
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from './harness';
import { emulatorPerFile } from './support/emulatorPerFile';
import {
	LP_NODE,
	clientCredential,
	lpChain,
	lpWorkflow,
	staticCredential,
} from './support/workflows';

const emulator = emulatorPerFile();

const asConsumer = {
	consumerId: '={{ $json.ext_consumer_id }}',
	conversationId: '={{ $json.conversationId }}',
};
const sentTo = (endpoint: 'send' | 'conversation') =>
	emulator.requestsTo(endpoint).map((request) => JSON.parse(request.rawBody));

async function openConversation(contactId: string): Promise<string> {
	const result = await runWorkflow(
		lpWorkflow({ operation: 'createWithSdes', consumerId: '={{ $json.contactId }}' }),
		{
			credentials: clientCredential(emulator),
			input: [{ contactId }],
		},
	);
	expect(result.status).toBe('success');
	return result.jsonOf(LP_NODE)[0].conversationId as string;
}

async function runOn(
	parameters: IDataObject,
	input: IDataObject[],
	options: { onError?: 'continueRegularOutput' } = {},
) {
	return await runWorkflow(lpWorkflow(parameters, options), {
		credentials: clientCredential(emulator),
		input,
	});
}

describe('a conversation from open to closed, in one workflow', () => {
	test('create, send, type, update the profile, close: each step as LivePerson documents it', async () => {
		const result = await runWorkflow(
			lpChain([
				{
					name: 'Open',
					operation: 'createAndSend',
					consumerId: '={{ $json.contactId }}',
					message: 'My order is late',
				},
				{
					name: 'Send',
					operation: 'sendMessage',
					...asConsumer,
					message: 'Order 4711, placed Monday',
				},
				{ name: 'Type', operation: 'sendTyping', ...asConsumer, chatState: 'COMPOSING' },
				{
					name: 'Profile',
					operation: 'updateProfile',
					consumerId: '={{ $json.ext_consumer_id }}',
					customerInfo: { ctype: 'vip' },
				},
				{
					name: 'Close',
					operation: 'close',
					consumerId: '={{ $json.ext_consumer_id }}',
					conversationId: '={{ $("Open").item.json.conversationId }}',
				},
			]),
			{ credentials: clientCredential(emulator), input: [{ contactId: 'lifecycle-1' }] },
		);

		expect(result.status).toBe('success');
		const [opened] = result.jsonOf('Open');
		const conversationId = opened.conversationId as string;
		expect(result.jsonOf('Send')[0]).toMatchObject({
			conversationId,
			sequence: 1,
			ext_consumer_id: 'lifecycle-1',
		});
		expect(result.jsonOf('Type')[0]).toMatchObject({ conversationId, chatState: 'COMPOSING' });
		expect(result.jsonOf('Profile')[0]).toMatchObject({
			profileUpdated: true,
			ext_consumer_id: 'lifecycle-1',
		});
		expect(result.jsonOf('Close')[0]).toMatchObject({
			conversationId,
			closed: true,
			alreadyClosed: false,
		});
		for (const step of ['Send', 'Type', 'Profile', 'Close'])
			expect(result.outputOf(step)[0].pairedItem).toEqual({ item: 0 });

		expect(sentTo('send')).toEqual([
			{
				kind: 'req',
				id: '1',
				type: 'ms.PublishEvent',
				body: {
					dialogId: conversationId,
					event: {
						type: 'ContentEvent',
						contentType: 'text/plain',
						message: 'Order 4711, placed Monday',
					},
				},
			},
			{
				kind: 'req',
				id: '1',
				type: 'ms.PublishEvent',
				body: {
					dialogId: conversationId,
					event: { type: 'ChatStateEvent', chatState: 'COMPOSING' },
				},
			},
			{
				kind: 'req',
				id: '1',
				type: 'userprofile.SetUserProfile',
				body: { authenticatedData: { lp_sdes: [{ type: 'ctmrinfo', info: { ctype: 'vip' } }] } },
			},
			{
				kind: 'req',
				id: '1',
				type: 'cm.UpdateConversationField',
				body: {
					conversationId,
					conversationField: { field: 'ConversationStateField', conversationState: 'CLOSE' },
				},
			},
		]);
		const conversation = emulator.state.conversation(conversationId)!;
		expect(conversation.state).toBe('CLOSE');
		expect(conversation.messages.map((m) => [m.sequence, m.from, m.event.message])).toEqual([
			[0, 'consumer', 'My order is late'],
			[1, 'consumer', 'Order 4711, placed Monday'],
		]);
		expect(conversation.sdes.ctmrinfo).toEqual({ ctype: 'vip' });
		// Every SEND acted for the conversation's own consumer.
		const consumers = new Set(emulator.requestsTo('send').map((r) => r.headers['x-lp-on-behalf']));
		expect(consumers.size).toBe(1);
	});
});

describe('Send Message', () => {
	test("shares sequences with the agent's messages, and Mark as Read acknowledges the agent's", async () => {
		const conversationId = await openConversation('reader');
		const { sequence: agentSequence } = await emulator.agent.sendMessage(
			conversationId,
			'Hello, how can I help?',
		);
		expect(agentSequence).toBe(0);

		const sent = await runOn(
			{
				operation: 'sendMessage',
				consumerId: 'reader',
				conversationId,
				message: 'Where is my order?',
			},
			[{}],
		);
		expect(sent.jsonOf(LP_NODE)[0]).toMatchObject({ conversationId, sequence: 1 });

		const read = await runOn(
			{
				operation: 'markAsRead',
				consumerId: 'reader',
				conversationId,
				sequences: '={{ $json.sequences }}',
				status: 'READ',
			},
			[{ sequences: [agentSequence] }],
		);
		expect(read.status).toBe('success');
		expect(read.jsonOf(LP_NODE)[0]).toMatchObject({
			conversationId,
			status: 'READ',
			sequences: [0],
		});
		expect(sentTo('send').at(-1).body.event).toEqual({
			type: 'AcceptStatusEvent',
			status: 'READ',
			sequenceList: [0],
		});
	});

	test('sends a raw ms.PublishEvent event given as JSON, and the Client-Properties header when asked', async () => {
		const conversationId = await openConversation('rich');
		const event = {
			type: 'RichContentEvent',
			content: { type: 'vertical', elements: [{ type: 'text', text: 'Order 4711' }] },
		};
		const result = await runOn(
			{
				operation: 'sendMessage',
				consumerId: 'rich',
				conversationId,
				options: { event: JSON.stringify(event), autoMessages: true },
			},
			[{}],
		);
		expect(result.status).toBe('success');
		expect(result.jsonOf(LP_NODE)[0].sequence).toBe(0);
		const [send] = emulator.requestsTo('send');
		expect(JSON.parse(send.rawBody).body).toEqual({ dialogId: conversationId, event });
		expect(JSON.parse(send.headers['client-properties'])).toEqual({
			type: '.ClientProperties',
			features: ['AUTO_MESSAGES'],
		});
	});

	test('with Static Tokens, acts for the ConsumerJWS given on each item', async () => {
		const jws = emulator.mintConsumerJws('static-consumer');
		const created = await runWorkflow(
			lpWorkflow({ operation: 'createWithSdes', options: { consumerJws: '={{ $json.jws }}' } }),
			{
				credentials: staticCredential(emulator),
				input: [{ jws }],
			},
		);
		const conversationId = created.jsonOf(LP_NODE)[0].conversationId as string;
		const sent = await runWorkflow(
			lpWorkflow({
				operation: 'sendMessage',
				conversationId,
				message: 'Hi',
				options: { consumerJws: '={{ $json.jws }}' },
			}),
			{ credentials: staticCredential(emulator), input: [{ jws }] },
		);
		expect(sent.jsonOf(LP_NODE)[0]).toMatchObject({
			conversationId,
			sequence: 0,
			ext_consumer_id: 'static-consumer',
		});
	});
});

describe('what LivePerson refuses, with a reason a workflow can route on', () => {
	async function failure(parameters: IDataObject, input: IDataObject[] = [{}]) {
		const result = await runOn(parameters, input, { onError: 'continueRegularOutput' });
		expect(result.status).toBe('success');
		const [item] = result.jsonOf(LP_NODE);
		expect(item.error).toMatch(/\[item 0\]$/);
		return item as { error: string; details: IDataObject };
	}

	test('a message into a closed conversation', async () => {
		const conversationId = await openConversation('closed');
		await emulator.agent.closeConversation(conversationId);
		const item = await failure({
			operation: 'sendMessage',
			consumerId: 'closed',
			conversationId,
			message: 'Hello?',
		});
		expect(item.error).toBe('The conversation is closed [item 0]');
		expect(item.details).toMatchObject({
			reason: 'conversationClosed',
			messageSent: 'no',
			ext_consumer_id: 'closed',
		});
		expect(item.details.description).toMatch(/Conversation is close/);
	});

	test("another consumer's conversation: LivePerson answers 401, nothing is sent into it", async () => {
		const conversationId = await openConversation('owner');
		const item = await failure({
			operation: 'sendMessage',
			consumerId: 'intruder',
			conversationId,
			message: 'Hi',
		});
		expect(item.details).toMatchObject({
			reason: 'consumerJwsRejected',
			messageSent: 'no',
			httpCode: '401',
		});
		expect(emulator.state.conversation(conversationId)!.messages).toHaveLength(0);
		// The refused ConsumerJWS was minted by the node: it is minted once more and tried once more.
		expect(emulator.requestsTo('send').map((r) => r.status)).toEqual([401, 401]);
	});

	test("closing another consumer's conversation", async () => {
		const conversationId = await openConversation('owner-2');
		const item = await failure({ operation: 'close', consumerId: 'intruder-2', conversationId });
		expect(item.details).toMatchObject({ reason: 'consumerJwsRejected', conversationClosed: 'no' });
		expect(emulator.state.conversation(conversationId)!.state).toBe('OPEN');
	});

	test('a conversation LivePerson does not know', async () => {
		const item = await failure({
			operation: 'close',
			consumerId: 'nobody',
			conversationId: '00000000-0000-4000-8000-000000000000',
		});
		expect(item.details).toMatchObject({
			reason: 'conversationNotFound',
			conversationClosed: 'no',
		});
	});

	test('a second create for a consumer with an open conversation names the consumer, so the workflow can find it', async () => {
		await openConversation('twice');
		const item = await failure({ operation: 'createWithSdes', consumerId: 'twice' });
		expect(item.details).toMatchObject({
			reason: 'consumerHasOpenConversation',
			conversationCreated: 'no',
			ext_consumer_id: 'twice',
			lp_consumer_id: emulator.lpConsumerIdFor('twice'),
		});
	});

	test.each<[string, IDataObject, string]>([
		[
			'a Conversation ID that maps to nothing',
			{
				operation: 'sendMessage',
				consumerId: 'x',
				conversationId: '={{ $json.missing }}',
				message: 'Hi',
			},
			'Conversation ID is empty',
		],
		[
			'a Conversation ID that is an object',
			{ operation: 'close', consumerId: 'x', conversationId: '={{ $json.conversation }}' },
			'Conversation ID must be text or a whole number, not an object',
		],
		[
			'an empty message',
			{ operation: 'sendMessage', consumerId: 'x', conversationId: 'c', message: ' ' },
			'Message is empty',
		],
		[
			'event JSON that is not JSON',
			{
				operation: 'sendMessage',
				consumerId: 'x',
				conversationId: 'c',
				options: { event: '{"type":' },
			},
			'Options › Event (JSON) is not valid JSON',
		],
		[
			'an event without a type',
			{
				operation: 'sendMessage',
				consumerId: 'x',
				conversationId: 'c',
				options: { event: '{"message":"Hi"}' },
			},
			'Options › Event (JSON) must be an event object with a "type"',
		],
		[
			'a message over 5,000 characters',
			{ operation: 'sendMessage', consumerId: 'x', conversationId: 'c', message: 'x'.repeat(5000) },
			'Message brings the request to',
		],
		[
			'a chat state LivePerson does not know',
			{
				operation: 'sendTyping',
				consumerId: 'x',
				conversationId: 'c',
				chatState: '={{ "TYPING" }}',
			},
			'Chat State "TYPING" is not one of LivePerson\'s values',
		],
		[
			'a sequence that is not a number',
			{ operation: 'markAsRead', consumerId: 'x', conversationId: 'c', sequences: '1, two' },
			'Sequences "two" is not a message sequence',
		],
		[
			'no sequence',
			{ operation: 'markAsRead', consumerId: 'x', conversationId: 'c', sequences: ' ' },
			'Sequences is empty',
		],
		[
			'a profile update with nothing in it',
			{ operation: 'updateProfile', consumerId: 'x' },
			'User Profile and SDEs are all empty',
		],
	])('bad input: %s is refused before anything is sent', async (_name, parameters, message) => {
		const item = await failure(parameters, [{ conversation: { id: 'c' } }]);
		expect(item.error.startsWith(message)).toBe(true);
		expect(item.details).toMatchObject({ reason: 'invalidInput' });
		expect(emulator.requests).toHaveLength(0);
	});
});

describe('Share Location', () => {
	test("the customer's location reaches the agent as a map, the label as given", async () => {
		const conversationId = await openConversation('share-location');
		const result = await runOn(
			{
				operation: 'shareLocation',
				consumerId: 'share-location',
				conversationId,
				latitude: '={{ $json.lat }}',
				longitude: '={{ $json.lng }}',
				label: 'Delivery address',
			},
			[{ lat: 48.8584, lng: 2.2945 }],
		);
		expect(result.jsonOf(LP_NODE)[0]).toMatchObject({
			conversationId,
			location: { latitude: 48.8584, longitude: 2.2945, label: 'Delivery address' },
			sequence: 0,
		});
		const [event] = emulator.state
			.conversations()
			.find((c) => c.conversationId === conversationId)!.events;
		expect(event.event).toEqual({
			type: 'RichContentEvent',
			content: {
				type: 'vertical',
				elements: [{ type: 'map', la: 48.8584, lo: 2.2945, alt: 'Delivery address' }],
			},
		});
	});

	test('a latitude beyond 90 is bad input: nothing is sent', async () => {
		const result = await runOn(
			{
				operation: 'shareLocation',
				consumerId: 'x',
				conversationId: 'c',
				latitude: '={{ 91 }}',
				longitude: 0,
			},
			[{}],
			{ onError: 'continueRegularOutput' },
		);
		const [item] = result.jsonOf(LP_NODE) as Array<{ error?: string; details?: IDataObject }>;
		expect(item.error).toBe('Latitude must be between -90 and 90, not 91 [item 0]');
		expect(item.details).toMatchObject({ reason: 'invalidInput', locationSent: 'no' });
		expect(emulator.requests).toHaveLength(0);
	});
});

describe('Close Conversation', () => {
	test('closing a closed conversation is reported plainly as closed, not as an error', async () => {
		const conversationId = await openConversation('close-twice');
		const first = await runOn({ operation: 'close', consumerId: 'close-twice', conversationId }, [
			{},
		]);
		const second = await runOn({ operation: 'close', consumerId: 'close-twice', conversationId }, [
			{},
		]);

		expect(first.jsonOf(LP_NODE)[0]).toMatchObject({
			conversationId,
			closed: true,
			alreadyClosed: false,
		});
		expect(second.status).toBe('success');
		expect(second.jsonOf(LP_NODE)[0]).toMatchObject({
			conversationId,
			closed: true,
			alreadyClosed: true,
			ext_consumer_id: 'close-twice',
		});
		expect(emulator.requestsTo('send').map((r) => r.status)).toEqual([200, 400]);
	});

	test('a consumer can open a new conversation once the old one is closed', async () => {
		const first = await openConversation('reopen');
		await runOn({ operation: 'close', consumerId: 'reopen', conversationId: first }, [{}]);
		const second = await openConversation('reopen');
		expect(second).not.toBe(first);
	});
});

test('100 contacts, each: create, send twice, close, with Client Credentials: the requests it takes', async () => {
	const input = Array.from({ length: 100 }, (_, i) => ({ contactId: `counted-${i}` }));
	const result = await runWorkflow(
		lpChain([
			{ name: 'Open', operation: 'createWithSdes', consumerId: '={{ $json.contactId }}' },
			{ name: 'First', operation: 'sendMessage', ...asConsumer, message: 'First' },
			{ name: 'Second', operation: 'sendMessage', ...asConsumer, message: 'Second' },
			{ name: 'Close', operation: 'close', ...asConsumer },
		]),
		{ credentials: clientCredential(emulator), input },
	);

	expect(result.status).toBe('success');
	const counts = Object.fromEntries(
		['csds', 'sentinel', 'idp', 'conversation', 'send'].map((endpoint) => [
			endpoint,
			emulator.requestsTo(endpoint as never).length,
		]),
	);
	// One host lookup and one AppJWT for the whole execution (four nodes), one ConsumerJWS per contact.
	expect(counts).toEqual({ csds: 1, sentinel: 1, idp: 100, conversation: 100, send: 300 });
	expect(
		emulator.state.conversations().every((c) => c.state === 'CLOSE' && c.messages.length === 2),
	).toBe(true);
});
