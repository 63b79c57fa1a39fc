import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from '../../../shared/values';
import {
	conversationConsumerIdProperty,
	conversationIdProperty,
	optionsProperty,
} from '../../descriptions/consumer.description';
import type { ConversationOperation } from './consumer';
import { consumerFields } from './consumer';
import { pathPart, readAsConsumer, readOutcome, REST_NOTICE, textOf, timeOf } from './read';
import { conversationIdOf } from './sendToConversation';

function participantsOf(value: unknown): IDataObject[] {
	if (!Array.isArray(value)) return [];
	return value
		.filter(isPlainObject)
		.map((p) => ({ id: textOf(p.id) ?? null, role: textOf(p.role) ?? null }));
}

function dialogsOf(value: unknown): IDataObject[] {
	if (!Array.isArray(value)) return [];
	return value.filter(isPlainObject).map((d) => ({
		dialogId: textOf(d.dialogId) ?? textOf(d.id) ?? null,
		dialogType: textOf(d.dialogType) ?? null,
		state: textOf(d.state) ?? null,
		createdAt: timeOf(d.createdTs),
		closedAt: timeOf(d.closedTs),
	}));
}

/**
 * The conversation as LivePerson's Messaging REST API answers it, in the node's words. The answer's
 * shape is read defensively (LivePerson publishes no body): every field the node could not find is
 * null, and LivePerson's whole answer is kept as `livePersonResponse`.
 */
export function conversationFromRest(asked: string, body: IDataObject): IDataObject {
	const campaign = isPlainObject(body.campaignInfo) ? body.campaignInfo : {};
	return {
		conversationId: textOf(body.id) ?? textOf(body.conversationId) ?? asked,
		state: textOf(body.state) ?? null,
		stage: textOf(body.stage) ?? null,
		createdAt: timeOf(body.createdTs ?? body.startTs),
		closedAt: timeOf(body.closedTs ?? body.endTs),
		closedBy: textOf(body.closedBy) ?? null,
		skillId: textOf(body.skillId) ?? null,
		campaignId: textOf(campaign.campaignId) ?? null,
		engagementId: textOf(campaign.engagementId) ?? null,
		participants: participantsOf(body.participants),
		dialogs: dialogsOf(body.dialogs),
		livePersonResponse: body,
	};
}

export const definition: ConversationOperation<'getConversation'> = {
	value: 'getConversation',
	name: 'Get Conversation',
	description:
		"Read a conversation: whether it is open or closed (state, stage), its dialogs, participants, the skill and campaign it was routed by, and when it opened and closed. Needs the conversation's consumer.",
	action: 'Get a conversation',
	properties: [
		REST_NOTICE,
		conversationIdProperty,
		conversationConsumerIdProperty,
		optionsProperty(),
	],
	outcome: readOutcome('conversationRead', 'The conversation was'),
	// A GET: repeating it changes nothing.
	safeToRepeat: true,
	async execute(item) {
		const conversationId = conversationIdOf(item);
		const { consumer, result } = await readAsConsumer(
			item,
			async (get) => (await get(`/conversations/${pathPart(conversationId)}`)).body,
		);
		const conversation = conversationFromRest(conversationId, result);
		const { livePersonResponse, ...fields } = conversation;
		return { ...fields, ...consumerFields(consumer), livePersonResponse };
	},
};
