import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { createOutcome, sentSequence } from '../../helpers/answers';
import { planCreate, type CreateParameters, type FirstMessageDelivery } from '../../helpers/createRequests';
import type { PersonalInfoParameters } from '../../helpers/sdes';
import type { RequestResult } from '../../helpers/types';
import { callConnector, itemError, openSession, resolveConsumer } from '../../transport';

/** How the three create operations differ; everything else they share. */
export interface CreateVariant {
	campaign: 'required' | 'optional' | 'none';
	firstMessage: boolean;
}

function readParameters(this: IExecuteFunctions, i: number, variant: CreateVariant, accountId: string): CreateParameters {
	const parameter = <T>(name: string, fallback: T) => this.getNodeParameter(name, i, fallback) as T;
	const routing = parameter<IDataObject>('routing', {});
	const options = parameter<IDataObject>('options', {});
	const parameters: CreateParameters = {
		accountId,
		userProfile: parameter<IDataObject>('userProfile', {}),
		customerInfo: parameter<IDataObject>('customerInfo', {}),
		personalInfo: parameter<PersonalInfoParameters>('personalInfo', {}),
		sdesJson: parameter<unknown>('sdesJson', ''),
		routing,
		conversationContext: parameter<IDataObject>('conversationContext', {}),
	};
	if (variant.campaign === 'required') {
		parameters.campaign = {
			campaignId: parameter<unknown>('campaignId', ''),
			engagementId: parameter<unknown>('engagementId', ''),
			required: true,
		};
	} else if (variant.campaign === 'optional') {
		parameters.campaign = { campaignId: routing.campaignId, engagementId: routing.engagementId, required: false };
	}
	if (variant.firstMessage) {
		parameters.firstMessage = {
			text: parameter<unknown>('message', ''),
			delivery: (options.firstMessageDelivery as FirstMessageDelivery | undefined) ?? 'inCreateRequest',
		};
	}
	return parameters;
}

/**
 * Opens one conversation for item `i`: validates and maps everything before sending, then sends
 * the batch, then (if asked) the first message as a separate SEND.
 */
export async function createConversation(
	this: IExecuteFunctions,
	i: number,
	variant: CreateVariant,
): Promise<IDataObject> {
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const session = await openSession.call(this, options);
	const plan = planCreate(readParameters.call(this, i, variant, session.accountId));
	const consumer = await resolveConsumer.call(
		this,
		session,
		{
			consumerId: String(this.getNodeParameter('consumerId', i, '') ?? '').trim() || undefined,
			consumerJws: String(options.consumerJws ?? '').trim() || undefined,
		},
		i,
	);
	const call = { consumerJws: consumer.consumerJws, itemIndex: i, autoMessages: options.autoMessages === true };
	const results: RequestResult[] = await callConnector.call(this, session, {
		...call,
		endpoint: 'conversation',
		requests: plan.batch,
	});
	const outcome = createOutcome(results);
	const output: IDataObject = { conversationId: outcome.conversationId };
	if (consumer.ext_consumer_id) output.ext_consumer_id = consumer.ext_consumer_id;
	if (consumer.lp_consumer_id) output.lp_consumer_id = consumer.lp_consumer_id;
	if (outcome.sequence !== undefined) output.sequence = outcome.sequence;

	if (plan.firstMessageSend) {
		const send = plan.firstMessageSend(outcome.conversationId);
		try {
			const [sent] = await callConnector.call(this, session, { ...call, endpoint: 'send', requests: [send] });
			results.push(sent);
			const sequence = sentSequence(sent);
			if (sequence !== undefined) output.sequence = sequence;
		} catch (error) {
			throw itemError(this.getNode(), i, {
				message: `The conversation was created, but its first message was not sent: ${(error as Error).message.replace(/ \[item \d+\]$/, '')}`,
				description: `Conversation ${outcome.conversationId} is open. Send the message into it, or close it. ${(error as { description?: string }).description ?? ''}`.trim(),
				created: 'yes',
				data: { ...output, livePersonResponses: results },
			});
		}
	}
	output.livePersonResponses = results;
	return output;
}
