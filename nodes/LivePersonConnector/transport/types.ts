import type { IDataObject } from 'n8n-workflow';

/** One request of LivePerson's messaging protocol, as sent in a CONVERSATION batch or a SEND. */
export interface ConnectorRequest {
	kind: 'req';
	id: string;
	type: string;
	body: IDataObject;
}

/** LivePerson's answer to one request, matched to it by `reqId`. */
export interface ConnectorAnswer {
	code: string | number;
	body?: IDataObject;
	reqId?: string;
}

/** What the node reports for each request it sent (output field `livePersonResponses`). */
export interface RequestResult {
	type: string;
	reqId: string;
	code: string | number;
	body: IDataObject;
}

export const REQUEST_TYPES = {
	setUserProfile: 'userprofile.SetUserProfile',
	requestConversation: 'cm.ConsumerRequestConversation',
	publishEvent: 'ms.PublishEvent',
	updateConversationField: 'cm.UpdateConversationField',
} as const;

/** LivePerson rejects a whole request body over this many characters (HTTP 400). */
export const MAX_BODY_CHARACTERS = 5000;
