import type { IDataObject } from 'n8n-workflow';

import { setUserProfileRequest } from '../../helpers/requests';
import type { PersonalInfoParameters } from '../../helpers/sdes';
import { consumerIdProperty, optionsProperty } from '../../descriptions/consumer.description';
import { userProfileProperty } from '../../descriptions/profile.description';
import {
	customerInfoProperty,
	personalInfoProperty,
	sdesJsonProperty,
} from '../../descriptions/sdes.description';
import type { OperationDefinition } from '../operation';
import { conversationOutput, sendAsConsumer } from './sendToConversation';

export const definition: OperationDefinition<'updateProfile'> = {
	value: 'updateProfile',
	name: 'Update Profile (SDEs)',
	description: "Replace the consumer's profile and SDEs; agents see them on the open conversation",
	action: 'Update the profile and attributes of a consumer',
	properties: [
		{
			...consumerIdProperty,
			hint: "LivePerson's profile update names no conversation: it applies to the consumer and shows on their open conversation",
		},
		userProfileProperty,
		customerInfoProperty,
		personalInfoProperty,
		sdesJsonProperty,
		optionsProperty(),
	],
	outcome: {
		field: 'profileUpdated',
		notDone: 'The profile was not updated.',
		maybe: 'The profile may or may not have been updated.',
		check:
			'Run the item again if needed: the update replaces the whole profile, so repeating it does no harm.',
	},
	safeToRepeat: true,
	async execute(item) {
		const request = setUserProfileRequest({
			userProfile: item.parameter<IDataObject>('userProfile', 'User Profile', {}),
			customerInfo: item.parameter<IDataObject>('customerInfo', 'Customer Info (SDE)', {}),
			personalInfo: item.parameter<PersonalInfoParameters>(
				'personalInfo',
				'Personal Info (SDE)',
				{},
			),
			sdesJson: item.parameter<unknown>('sdesJson', 'Additional SDEs (JSON)', ''),
		});
		const sent = await sendAsConsumer(item, request);
		return conversationOutput(undefined, sent, { profileUpdated: true });
	},
};
