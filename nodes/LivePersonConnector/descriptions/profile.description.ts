import type { INodeProperties } from 'n8n-workflow';

export const userProfileProperty: INodeProperties = {
	displayName: 'User Profile',
	name: 'userProfile',
	type: 'collection',
	placeholder: 'Add Profile Field',
	default: {},
	description: 'The consumer\'s profile as the agent sees it (userprofile.SetUserProfile)',
	options: [
		{ displayName: 'Avatar URL', name: 'avatarUrl', type: 'string', default: '', placeholder: 'https://example.com/avatar.png' },
		{ displayName: 'Background Image URL', name: 'backgndImgUri', type: 'string', default: '' },
		{ displayName: 'Description', name: 'description', type: 'string', default: '' },
		{ displayName: 'Email', name: 'mail', type: 'string', placeholder: 'name@email.com', default: '', description: 'Private data: not shown to the consumer' },
		{ displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
		{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
		{ displayName: 'Mobile Number', name: 'mobileNum', type: 'string', default: '', description: 'Private data: not shown to the consumer' },
		{ displayName: 'Push Certificate Name', name: 'pushCertName', type: 'string', default: '' },
		{ displayName: 'Push Service Name', name: 'pushServiceName', type: 'string', default: '' },
		{ displayName: 'Push Token', name: 'pushToken', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Role', name: 'role', type: 'string', default: '' },
	],
};
