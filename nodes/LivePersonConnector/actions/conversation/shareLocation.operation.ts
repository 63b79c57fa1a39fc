import type { INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../shared/errors';
import { optionalNumber, optionalString } from '../../../shared/values';
import { publishedSequence } from '../../transport/answers';
import type { ConnectorRequest } from '../../transport/types';
import {
	conversationConsumerIdProperty,
	conversationIdProperty,
	optionsProperty,
} from '../../descriptions/consumer.description';
import type { ConversationOperation } from './consumer';
import { conversationIdOf, conversationOutput, sendAsConsumer } from './sendToConversation';

const latitude: INodeProperties = {
	displayName: 'Latitude',
	name: 'latitude',
	type: 'number',
	typeOptions: { minValue: -90, maxValue: 90, numberPrecision: 8 },
	default: 0,
	required: true,
	placeholder: 'e.g. {{ $json.lat }}',
	description: 'In decimal degrees, from -90 (south) to 90 (north)',
};

const longitude: INodeProperties = {
	displayName: 'Longitude',
	name: 'longitude',
	type: 'number',
	typeOptions: { minValue: -180, maxValue: 180, numberPrecision: 8 },
	default: 0,
	required: true,
	placeholder: 'e.g. {{ $json.lng }}',
	description: 'In decimal degrees, from -180 (west) to 180 (east)',
};

const label: INodeProperties = {
	displayName: 'Label',
	name: 'label',
	type: 'string',
	default: '',
	placeholder: 'e.g. Delivery address',
	description: 'What the agent sees beside the map. Empty: the coordinates.',
};

function coordinate(field: INodeProperties, value: unknown, bound: number): number {
	const number = optionalNumber(field.displayName, value);
	if (number === undefined || number < -bound || number > bound)
		throw new InputError(
			field.displayName,
			number === undefined ? 'is empty' : `must be between -${bound} and ${bound}, not ${number}`,
			'Give the coordinate in decimal degrees, e.g. 48.8584.',
		);
	return number;
}

/**
 * The customer's location as LivePerson's map rich content: the `RichContentEvent` a consumer's
 * channel (e.g. WhatsApp) sends when the customer shares where they are.
 */
function locationRequest(
	conversationId: string,
	lat: number,
	lng: number,
	alt: string,
): ConnectorRequest {
	return {
		kind: 'req',
		id: '1',
		type: 'ms.PublishEvent',
		body: {
			dialogId: conversationId,
			event: {
				type: 'RichContentEvent',
				content: { type: 'vertical', elements: [{ type: 'map', la: lat, lo: lng, alt }] },
			},
		},
	};
}

export const definition: ConversationOperation<'shareLocation'> = {
	value: 'shareLocation',
	name: 'Share Location',
	description:
		"Share a place with the agent as a map, as the consumer (e.g. the customer's delivery address)",
	action: 'Share a location in a conversation',
	properties: [
		conversationIdProperty,
		conversationConsumerIdProperty,
		latitude,
		longitude,
		label,
		optionsProperty(),
	],
	outcome: {
		field: 'locationSent',
		notDone: 'The location was not sent.',
		maybe: 'The location may or may not have been sent, so the node did not send it again.',
		check: 'Check the conversation in LivePerson before sending it again.',
	},
	safeToRepeat: false,
	async execute(item) {
		const conversationId = conversationIdOf(item);
		const lat = coordinate(latitude, item.value(latitude), 90);
		const lng = coordinate(longitude, item.value(longitude), 180);
		const alt = optionalString(label.displayName, item.value(label)) ?? `${lat}, ${lng}`;
		const sent = await sendAsConsumer(item, locationRequest(conversationId, lat, lng, alt), {
			inputs: { Label: alt },
		});
		const sequence = publishedSequence(sent.results);
		return conversationOutput(conversationId, sent, {
			location: { latitude: lat, longitude: lng, label: alt },
			...(sequence === undefined ? {} : { sequence }),
		});
	},
};
