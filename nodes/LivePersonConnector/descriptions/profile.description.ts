import type { INodeProperties } from 'n8n-workflow';

import { USER_PROFILE_FIELDS } from '../helpers/profileFields';
import { sortedOptions, textFieldProperty } from './choices';

export const userProfileProperty: INodeProperties = {
	displayName: 'User Profile',
	name: 'userProfile',
	type: 'collection',
	placeholder: 'Add Profile Field',
	default: {},
	description: "The consumer's profile as the agent sees it (userprofile.SetUserProfile)",
	options: sortedOptions(USER_PROFILE_FIELDS.map(textFieldProperty)),
};
