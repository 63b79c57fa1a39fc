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
import type { ConversationOperation } from './consumer';
import { conversationOutput, sendAsConsumer } from './sendToConversation';

export const definition: ConversationOperation<'updateProfile'> = {
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
			'Check the profile in LivePerson before running the item again: a late repeat could overwrite a newer update.',
	},
	// A profile is last-writer-wins: repeated late, after another execution updated it, this
	// update would undo the newer one. So it is not sent again after an answer that may mean it
	// was applied (a 429 proves it was not, and is waited out as everywhere).
	safeToRepeat: false,
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
		const sent = await sendAsConsumer(item, request, {
			inputs: { 'User Profile and SDEs': request.body },
		});
		return conversationOutput(undefined, sent, { profileUpdated: true });
	},
};
