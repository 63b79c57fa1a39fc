import { operationsOf } from '../../../shared/actions/operation';
import type { ResourceDefinition } from '../../../shared/actions/resource';
import { proactiveApi } from '../../transport/api';
import { definition as getCampaignStatus } from './getCampaignStatus.operation';
import { definition as sendCampaign } from './sendCampaign.operation';

export const operations = operationsOf(sendCampaign, getCampaignStatus);

/** Proactive Messaging's own `details.reason` words (see docs/proactive.md). */
export const CAMPAIGN_REASONS = [
	'invalidNumber',
	'duplicateRecipient',
	'missingRecipient',
	'tooManyVariables',
	'missingVariable',
	'invalidVariable',
	'invalidHeaderMedia',
	'headerMediaNotAllowed',
	'recipientRefused',
	'campaignRefused',
	'dailyLimitReached',
	'campaignNotFound',
	'recipientNotFound',
] as const;

export const campaign: ResourceDefinition = {
	value: 'campaign',
	name: 'Campaign',
	api: proactiveApi,
	operations,
	defaultOperation: 'sendCampaign',
	// Recipients are independent: no order to keep between items.
	reportFields: ['proactiveCampaignId', 'recipientId', 'phoneNumber', 'consumerId'],
	reasons: CAMPAIGN_REASONS,
};
