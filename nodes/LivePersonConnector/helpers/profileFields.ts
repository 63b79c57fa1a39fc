import type { Choice } from '../../shared/choices';

/**
 * The User Profile, Routing and Conversation Context sections field by field. Both the node panel
 * (descriptions/) and the mapping (requests.ts) are built from these tables, as the SDEs are from
 * sdeFields.ts. LivePerson reference: developers.liveperson.com, Connector API › CONVERSATION.
 */

export interface TextField {
	/** The parameter name in the node panel. */
	name: string;
	displayName: string;
	/** Where the value goes in the request body. */
	path: string[];
	description?: string;
	placeholder?: string;
	/** A value that grants access (a push token): masked in the panel. */
	secret?: boolean;
}

export const USER_PROFILE_FIELDS: TextField[] = [
	{ name: 'firstName', displayName: 'First Name', path: ['firstName'] },
	{ name: 'lastName', displayName: 'Last Name', path: ['lastName'] },
	{
		name: 'userId',
		displayName: 'User ID',
		path: ['userId'],
		description: 'Your own ID for this user, shown with the profile',
	},
	{
		name: 'avatarUrl',
		displayName: 'Avatar URL',
		path: ['avatarUrl'],
		placeholder: 'https://example.com/avatar.png',
	},
	{ name: 'role', displayName: 'Role', path: ['role'] },
	{ name: 'backgndImgUri', displayName: 'Background Image URL', path: ['backgndImgUri'] },
	{ name: 'description', displayName: 'Description', path: ['description'] },
	{
		name: 'mobileNum',
		displayName: 'Mobile Number',
		path: ['privateData', 'mobileNum'],
		description: 'Private data: not shown to the consumer',
	},
	{
		name: 'mail',
		displayName: 'Email',
		path: ['privateData', 'mail'],
		placeholder: 'name@email.com',
		description: 'Private data: not shown to the consumer',
	},
	{
		name: 'pushServiceName',
		displayName: 'Push Service Name',
		path: ['privateData', 'pushNotificationData', 'serviceName'],
	},
	{
		name: 'pushCertName',
		displayName: 'Push Certificate Name',
		path: ['privateData', 'pushNotificationData', 'certName'],
	},
	{
		name: 'pushToken',
		displayName: 'Push Token',
		path: ['privateData', 'pushNotificationData', 'token'],
		secret: true,
	},
];

export const CONVERSATION_CONTEXT_FIELDS: TextField[] = [
	{ name: 'visitorId', displayName: 'Visitor ID', path: ['visitorId'] },
	{ name: 'sessionId', displayName: 'Session ID', path: ['sessionId'] },
	{
		name: 'interactionContextId',
		displayName: 'Interaction Context ID',
		path: ['interactionContextId'],
	},
	{ name: 'lang', displayName: 'Language', path: ['lang'], placeholder: 'en-US' },
];

export const TTR_DEF_NAME_CHOICES: Choice[] = [
	{ value: 'NORMAL', name: 'Normal' },
	{ value: 'URGENT', name: 'Urgent' },
	{ value: 'PRIORITIZED', name: 'Prioritized' },
	// Not in the CONVERSATION page's list, but in its seeds and older pages.
	{ value: 'CUSTOM', name: 'Custom' },
];

/** ChatStateEvent states (SEND). */
export const CHAT_STATE_CHOICES: Choice[] = [
	{
		value: 'COMPOSING',
		name: 'Composing',
		description: 'The consumer is typing: agents see "typing…" until another state clears it',
	},
	{ value: 'PAUSE', name: 'Paused', description: 'The consumer stopped typing' },
	{ value: 'ACTIVE', name: 'Active', description: 'The consumer is looking at the conversation' },
	{
		value: 'INACTIVE',
		name: 'Inactive',
		description: 'The consumer is away from the conversation',
	},
	{ value: 'GONE', name: 'Gone', description: 'The consumer left the conversation window' },
];

/** AcceptStatusEvent statuses (SEND). */
export const ACCEPT_STATUS_CHOICES: Choice[] = [
	{ value: 'READ', name: 'Read', description: 'The consumer read the messages' },
	{ value: 'ACCEPT', name: 'Accepted', description: "The messages reached the consumer's device" },
	{
		value: 'ACCESS',
		name: 'Accessed',
		description: 'The consumer opened the content of the messages',
	},
	{
		value: 'ACTION',
		name: 'Action',
		description: 'The consumer acted on the messages (e.g. clicked a button)',
	},
	{
		value: 'NACK',
		name: 'Not Delivered',
		description: 'The messages could not be delivered to the consumer',
	},
];
