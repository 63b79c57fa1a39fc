import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { createdConversationId, publishedSequence } from '../../transport/answers';
import { LivePersonFailure } from '../../../shared/errors';
import {
	planCreate,
	type CreateParameters,
	type FirstMessageDelivery,
} from '../../helpers/requests';
import type { PersonalInfoParameters } from '../../helpers/sdes';
import type { RequestResult } from '../../transport/types';
import { callConnector, callConnectorAs, type Consumer } from '../../transport';
import {
	autoMessagesOption,
	consumerIdProperty,
	optionsProperty,
} from '../../descriptions/consumer.description';
import { userProfileProperty } from '../../descriptions/profile.description';
import {
	conversationContextProperty,
	routingProperty,
	routingWithCampaignProperty,
} from '../../descriptions/routing.description';
import {
	customerInfoProperty,
	personalInfoProperty,
	sdesJsonProperty,
} from '../../descriptions/sdes.description';
import type { OutcomeWords } from '../../../shared/actions/operation';
import type { ConversationItem } from './consumer';
import { consumerChoice, consumerFields, withConsumer } from './consumer';

/** How the three create operations differ; everything else they share. */
export interface CreateVariant {
	campaign: 'required' | 'optional' | 'none';
	firstMessage: boolean;
}

export const CREATE_OUTCOME: OutcomeWords = {
	field: 'conversationCreated',
	notDone: 'The conversation was not created.',
	maybe: 'The conversation may or may not have been created, so the node did not send it again.',
	check: "Check the consumer's open conversations in LivePerson before running this item again.",
};

const firstMessageDeliveryOption: INodeProperties = {
	displayName: 'First Message Delivery',
	name: 'firstMessageDelivery',
	type: 'options',
	default: 'inCreateRequest',
	description: 'How the first message reaches LivePerson',
	options: [
		{
			name: 'As a Separate SEND',
			value: 'separateSend',
			description: 'Right after the conversation is created, as most LivePerson clients do',
		},
		{
			name: 'In the Create Request',
			value: 'inCreateRequest',
			description:
				"As the third request of the create batch, as LivePerson's CREATE reference shows",
		},
	],
};

/** The panel of a create operation: the shared sections around the operation's own fields. */
export function createProperties(
	variant: CreateVariant,
	own: INodeProperties[] = [],
): INodeProperties[] {
	return [
		consumerIdProperty,
		...own,
		userProfileProperty,
		customerInfoProperty,
		personalInfoProperty,
		sdesJsonProperty,
		variant.campaign === 'optional' ? routingWithCampaignProperty : routingProperty,
		conversationContextProperty,
		optionsProperty(
			autoMessagesOption,
			...(variant.firstMessage ? [firstMessageDeliveryOption] : []),
		),
	];
}

function readParameters(item: ConversationItem, variant: CreateVariant): CreateParameters {
	const parameter = <T>(name: string, label: string, fallback: T) =>
		item.parameter<T>(name, label, fallback);
	const routing = parameter<IDataObject>('routing', 'Routing', {});
	const parameters: CreateParameters = {
		accountId: item.session.credential.accountId,
		userProfile: parameter<IDataObject>('userProfile', 'User Profile', {}),
		customerInfo: parameter<IDataObject>('customerInfo', 'Customer Info (SDE)', {}),
		personalInfo: parameter<PersonalInfoParameters>('personalInfo', 'Personal Info (SDE)', {}),
		sdesJson: parameter<unknown>('sdesJson', 'Additional SDEs (JSON)', ''),
		routing,
		conversationContext: parameter<IDataObject>('conversationContext', 'Conversation Context', {}),
	};
	if (variant.campaign === 'required') {
		parameters.campaign = {
			campaignId: parameter<unknown>('campaignId', 'Campaign ID', ''),
			engagementId: parameter<unknown>('engagementId', 'Engagement ID', ''),
			required: true,
		};
	} else if (variant.campaign === 'optional') {
		parameters.campaign = {
			campaignId: routing.campaignId,
			engagementId: routing.engagementId,
			required: false,
		};
	}
	if (variant.firstMessage) {
		parameters.firstMessage = {
			text: parameter<unknown>('message', 'Message', ''),
			delivery:
				(item.options.firstMessageDelivery as FirstMessageDelivery | undefined) ??
				'inCreateRequest',
		};
	}
	return parameters;
}

/** A batch LivePerson refused in part: if its conversation request was OK, the conversation exists. */
function createdAnyway(error: unknown): unknown {
	if (!(error instanceof LivePersonFailure)) return error;
	const results = (error.facts.data?.livePersonResponses ?? []) as RequestResult[];
	const conversationId =
		error.facts.reason === 'refused' ? createdConversationId(results) : undefined;
	if (!conversationId) return error;
	const refused = results.find((result) => result.code !== 'OK');
	return new LivePersonFailure({
		...error.facts,
		message: `The conversation was created, but LivePerson refused ${refused?.type ?? 'a request'} in the same batch`,
		description: `Conversation ${conversationId} is open: continue it, or close it. ${error.facts.description}`,
		effect: 'yes',
		data: { conversationId, livePersonResponses: results },
	});
}

/** A separate first SEND that failed: the conversation exists all the same. */
function firstMessageFailed(
	error: unknown,
	output: IDataObject,
	results: RequestResult[],
): unknown {
	if (!(error instanceof LivePersonFailure)) return error;
	return new LivePersonFailure({
		...error.facts,
		message: `The conversation was created, but its first message was not sent: ${error.facts.message}`,
		description: `Conversation ${output.conversationId} is open. ${
			error.facts.effect === 'unknown'
				? 'The message may or may not have been sent, so the node did not send it again.'
				: 'Send the message into it, or close it.'
		} ${error.facts.description}`,
		effect: 'yes',
		data: { ...output, messageSent: error.facts.effect, livePersonResponses: results },
	});
}

/**
 * Opens one conversation for the item: validates and maps everything before sending, then sends
 * the batch, then (if asked) the first message as a separate SEND.
 */
export async function createConversation(
	item: ConversationItem,
	variant: CreateVariant,
): Promise<IDataObject> {
	const plan = planCreate(readParameters(item, variant));
	const choice = consumerChoice(item);
	const autoMessages = item.options.autoMessages === true;
	let consumer: Consumer | undefined;
	let results: RequestResult[];
	try {
		({ results } = await callConnectorAs(
			item.session,
			choice,
			{ endpoint: 'conversation', requests: plan.batch, autoMessages },
			item.settings,
			(used) => {
				consumer = used;
				item.secrets.push(used.consumerJws);
			},
		));
	} catch (error) {
		throw withConsumer(createdAnyway(error), consumer);
	}
	const conversationId = createdConversationId(results);
	if (!conversationId) {
		throw withConsumer(
			new LivePersonFailure({
				reason: 'unreadableAnswer',
				message: 'LivePerson accepted the request but its answer has no conversationId',
				description: 'The answer was OK but names no conversation.',
				effect: 'unknown',
				data: { livePersonResponses: results },
			}),
			consumer,
		);
	}
	const output: IDataObject = { conversationId, ...consumerFields(consumer) };
	const sequence = publishedSequence(results);
	if (sequence !== undefined) output.sequence = sequence;
	if (plan.firstMessageSend && consumer) {
		try {
			const sent = await callConnector(
				item.session,
				{ endpoint: 'send', requests: [plan.firstMessageSend(conversationId)], autoMessages },
				consumer.consumerJws,
				item.settings,
			);
			results.push(...sent);
			const sentSequence = publishedSequence(sent);
			if (sentSequence !== undefined) output.sequence = sentSequence;
		} catch (error) {
			throw firstMessageFailed(error, output, results);
		}
	}
	output.livePersonResponses = results;
	return output;
}
