import type { ResourceDefinition } from '../../../shared/actions/resource';
import { operationsOf } from '../../../shared/actions/operation';
import { connectorApi } from '../../transport';
import { consumerOrderKey } from './consumer';
import { definition as close } from './close.operation';
import { definition as createAndSend } from './createAndSend.operation';
import { definition as createWithCampaign } from './createWithCampaign.operation';
import { definition as createWithSdes } from './createWithSdes.operation';
import { definition as markAsRead } from './markAsRead.operation';
import { definition as sendMessage } from './sendMessage.operation';
import { definition as sendTyping } from './sendTyping.operation';
import { definition as shareLocation } from './shareLocation.operation';
import { definition as updateProfile } from './updateProfile.operation';

export const operations = operationsOf(
	createWithSdes,
	createWithCampaign,
	createAndSend,
	sendMessage,
	shareLocation,
	updateProfile,
	sendTyping,
	markAsRead,
	close,
);

/** The Connector API's own `details.reason` words (see docs/reliability.md). */
export const CONVERSATION_REASONS = [
	'consumerJwsRejected',
	'consumerMismatch',
	'consumerHasOpenConversation',
	'conversationClosed',
	'conversationNotFound',
] as const;

export const conversation: ResourceDefinition = {
	value: 'conversation',
	name: 'Conversation',
	api: connectorApi,
	operations,
	defaultOperation: 'createAndSend',
	orderKey: consumerOrderKey,
	reportFields: ['conversationId', 'ext_consumer_id'],
	reasons: CONVERSATION_REASONS,
};
