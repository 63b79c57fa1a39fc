import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { optionsCollection } from '../../../shared/descriptions/options';
import { InputError, LivePersonFailure } from '../../../shared/errors';
import { optionalIdentity } from '../../../shared/values';
import { once } from '../../../shared/transport/session';
import { campaignStatus, MAX_REQUESTS_PER_SECOND } from '../../transport/proactive';
import type { CampaignOperation } from './campaign';

const fields: INodeProperties[] = [
	{
		displayName: 'Campaign ID',
		name: 'campaignId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.proactiveCampaignId }}',
		description: 'The proactiveCampaignId Send Campaign returned',
	},
	{
		displayName: 'Recipient ID',
		name: 'recipientId',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.recipientId }}',
		description:
			"One recipient's status (the recipientId Send Campaign returned). Empty: the whole campaign, every recipient in one item.",
	},
];

/** What each status means, in the words of LivePerson's page. */
const STATUS_WORDS: Record<string, string> = {
	NOT_SENT: 'Waiting to be sent',
	SCHEDULED: "Held until the send window opens (SMS: 8:00-21:00 in the customer's time zone)",
	DELIVERED: 'Handed to the channel (not a proof that it reached the phone)',
	FAILED: 'Not sent: see errorMessage',
	SKIPPED: 'Not sent: the customer opted out (SMS)',
	DRAFT: 'Publishing failed',
	TOO_MANY_VARIABLES: 'Not sent: the template has fewer variables than were given',
};

export const definition: CampaignOperation<'getCampaignStatus'> = {
	value: 'getCampaignStatus',
	name: 'Get Campaign Status',
	description:
		"Read where a proactive campaign's messages are (waiting, scheduled, delivered, failed, skipped) and the conversationId once a customer replies",
	action: 'Get the status of a proactive campaign',
	properties: [
		...fields,
		optionsCollection({
			displayName: 'Requests per Second',
			name: 'requestsPerSecond',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_REQUESTS_PER_SECOND },
			default: MAX_REQUESTS_PER_SECOND,
			description:
				"At most this many status requests per second (LivePerson's limit is 10 per account)",
		}),
	],
	outcome: {
		field: 'statusRead',
		notDone: 'The status was not read.',
		maybe: 'The status may not have been read.',
		check: 'Reading it again does no harm.',
	},
	safeToRepeat: true,
	async execute(item) {
		const fix =
			'Map the proactiveCampaignId Send Campaign returned, e.g. {{ $json.proactiveCampaignId }}.';
		const campaignId = optionalIdentity(
			'Campaign ID',
			item.parameter('campaignId', 'Campaign ID', ''),
			fix,
		);
		if (!campaignId) throw new InputError('Campaign ID', 'is empty', fix);
		const recipientId = optionalIdentity(
			'Recipient ID',
			item.parameter('recipientId', 'Recipient ID', ''),
			'Map the recipientId Send Campaign returned, e.g. {{ $json.recipientId }}, or leave it empty.',
		);
		const perSecond = Number(item.options.requestsPerSecond ?? MAX_REQUESTS_PER_SECOND);
		// Items of one campaign share one request per run.
		const status = await once(item.session, `campaignStatus:${campaignId}`, () =>
			campaignStatus(item.session, campaignId, item.settings, perSecond),
		);
		const describe = (entry: (typeof status.recipients)[number]): IDataObject => ({
			recipientId: entry.recipientId,
			status: entry.status ?? null,
			statusMeaning: (entry.status && STATUS_WORDS[entry.status]) ?? null,
			conversationId: entry.conversationId,
			replied: entry.conversationId !== null,
			errorMessage: entry.errorMessage,
		});
		if (recipientId) {
			const entry = status.recipients.find((r) => r.recipientId === recipientId);
			if (!entry)
				throw new LivePersonFailure({
					reason: 'recipientNotFound',
					message: `Campaign ${campaignId} has no recipient "${recipientId}"`,
					description:
						'Only recipients LivePerson accepted are in a campaign. Check the Recipient ID: it is the recipientId Send Campaign returned for this campaign.',
					effect: 'no',
					data: { proactiveCampaignId: campaignId },
				});
			return {
				proactiveCampaignId: campaignId,
				campaignStatus: status.campaignStatus ?? null,
				...describe(entry),
			};
		}
		const counts: IDataObject = {};
		for (const entry of status.recipients) {
			const key = entry.status ?? 'UNKNOWN';
			counts[key] = ((counts[key] as number | undefined) ?? 0) + 1;
		}
		return {
			proactiveCampaignId: campaignId,
			campaignStatus: status.campaignStatus ?? null,
			counts,
			replied: status.recipients.filter((r) => r.conversationId !== null).length,
			recipients: status.recipients.map(describe),
		};
	},
};
