import type { INodeProperties } from 'n8n-workflow';

import {
	autoMessagesOption,
	consumerIdProperty,
	consumerJwsOption,
	reliabilityOptions,
} from '../../descriptions/consumer.description';
import { userProfileProperty } from '../../descriptions/profile.description';
import { conversationContextProperty, routingProperty } from '../../descriptions/routing.description';
import { customerInfoProperty, personalInfoProperty, sdesJsonProperty } from '../../descriptions/sdes.description';
import * as createAndSend from './createAndSend.operation';
import * as createWithCampaign from './createWithCampaign.operation';
import * as createWithSdes from './createWithSdes.operation';

export { createAndSend, createWithCampaign, createWithSdes };

const CREATE_OPERATIONS = ['createWithSdes', 'createWithCampaign', 'createAndSend'];

function forOperations(operations: string[], property: INodeProperties): INodeProperties {
	return { ...property, displayOptions: { show: { resource: ['conversation'], operation: operations } } };
}

const firstMessageDeliveryOption: INodeProperties = {
	displayName: 'First Message Delivery',
	name: 'firstMessageDelivery',
	type: 'options',
	default: 'inCreateRequest',
	description: 'How the first message reaches LivePerson',
	options: [
		{
			name: 'In the Create Request',
			value: 'inCreateRequest',
			description: 'As the third request of the create batch, as LivePerson\'s CREATE reference shows',
		},
		{
			name: 'As a Separate SEND',
			value: 'separateSend',
			description: 'Right after the conversation is created, as most LivePerson clients do',
		},
	],
};

function optionsProperty(withFirstMessage: boolean): INodeProperties {
	const options = [
		autoMessagesOption,
		consumerJwsOption,
		...reliabilityOptions,
		...(withFirstMessage ? [firstMessageDeliveryOption] : []),
	];
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: options.sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{
				name: 'Create and Send Message',
				value: 'createAndSend',
				description: 'Open a conversation and send the customer\'s first message',
				action: 'Create a conversation and send a message',
			},
			{
				name: 'Create with Campaign',
				value: 'createWithCampaign',
				description: 'Open a conversation routed by a messaging campaign and engagement',
				action: 'Create a conversation with a campaign',
			},
			{
				name: 'Create with SDEs',
				value: 'createWithSdes',
				description: 'Open a conversation with the customer\'s profile and engagement attributes',
				action: 'Create a conversation with sdes',
			},
		],
		default: 'createAndSend',
	},
	forOperations(CREATE_OPERATIONS, consumerIdProperty),
	...createWithCampaign.description,
	...createAndSend.description,
	forOperations(CREATE_OPERATIONS, userProfileProperty),
	forOperations(CREATE_OPERATIONS, customerInfoProperty),
	forOperations(CREATE_OPERATIONS, personalInfoProperty),
	forOperations(CREATE_OPERATIONS, sdesJsonProperty),
	forOperations(['createWithSdes', 'createWithCampaign'], routingProperty(false)),
	forOperations(['createAndSend'], routingProperty(true)),
	forOperations(CREATE_OPERATIONS, conversationContextProperty),
	forOperations(['createWithSdes', 'createWithCampaign'], optionsProperty(false)),
	forOperations(['createAndSend'], optionsProperty(true)),
];
