/**
 * Fixtures of the Proactive Messaging and Outbound Configuration emulation: the handoffs (templates),
 * opted-out and failing numbers, image hosts, and the calling-code → country and time zone table.
 *
 * The handoffs reproduce, on purpose, every inconsistency of LivePerson's Outbound Configuration
 * page, so that a client that parses them has to parse defensively:
 * - placeholders written `${{1}}` and `{{1}}`;
 * - an SMS template listing a variable that its content never mentions;
 * - a component with `Variables` instead of `variables`;
 * - `appNames` (the page's example) and `appName` (the page's field table);
 * - a URL button variable named like a body variable ("1");
 * - headers with a variable (the campaign needs headerVariables) and without (static URL).
 */
import type { HandoffProfile, ProactiveSettings } from './proactiveTypes';

const OPT_OUT_TEXT = 'To stop receiving messages, reply STOP. For help, reply HELP.';

/** Built-in handoffs, in list order. Ids are strings of digits, as in LivePerson's examples. */
export const HANDOFF_FIXTURES: readonly HandoffProfile[] = [
	{
		id: '666555567888',
		name: 'Order shipped (SMS)',
		lookbackPeriodDay: 30,
		lookbackPeriodHour: 0,
		routeAllWithinLookback: true,
		createdAt: '2025-01-14T09:12:00Z',
		updatedAt: '2025-06-02T16:40:00Z',
		// inferred: the FAQ's "templateId 1234567890 for SMS" is taken here as a typed id of this handoff.
		aliases: ['1234567890'],
		channels: [
			{
				type: 'sms-twilio',
				language: 'en',
				outboundnumber: '+14155550100',
				messageComponents: [
					{
						type: 'body',
						content: 'Hi ${{1}}, your order ${{2}} has shipped.',
						variables: ['1', '2'],
						optOut: OPT_OUT_TEXT,
					},
				],
			},
		],
	},
	{
		id: '666555567999',
		name: 'Appointment reminder (SMS)',
		lookbackPeriodDay: 7,
		lookbackPeriodHour: 0,
		routeAllWithinLookback: false,
		createdAt: '2025-02-03T11:00:00Z',
		updatedAt: '2025-02-03T11:00:00Z',
		channels: [
			{
				type: 'sms-twilio',
				language: 'en',
				outboundnumber: '+14155550101',
				messageComponents: [
					// As in the page's by-channel example: a variable listed, no placeholder in the text.
					{
						type: 'body',
						content: 'Reminder: you have an appointment with us tomorrow.',
						variables: ['1'],
						optOut: OPT_OUT_TEXT,
					},
				],
			},
		],
	},
	{
		id: '1111111111111',
		name: 'Ticket confirmation (WhatsApp)',
		lookbackPeriodDay: 30,
		lookbackPeriodHour: 0,
		routeAllWithinLookback: true,
		createdAt: '2025-03-10T08:30:00Z',
		updatedAt: '2025-03-10T08:30:00Z',
		// inferred: a WhatsApp template id, which the FAQ says is the templateId for WhatsApp.
		aliases: ['943679028015322'],
		channels: [
			{
				type: 'wa',
				language: 'en',
				namespace: 'b8520e15_f77b_5f76_fb50_9f756d03676b',
				templatename: 'ticket_confirmation',
				outboundnumber: '12535550123',
				messageComponents: [
					{
						type: 'body',
						content:
							'Your ticket for ${{1}}\n\nTime - ${{2}}\nVenue - ${{3}}\nSeats - ${{4}} - ${{5}}',
						variables: ['1', '2', '3', '4', '5'],
					},
				],
			},
		],
	},
	{
		id: '2222222222222',
		name: 'Delivery update with photo (WhatsApp rich)',
		lookbackPeriodDay: 14,
		lookbackPeriodHour: 12,
		routeAllWithinLookback: true,
		createdAt: '2025-04-22T13:05:00Z',
		updatedAt: '2025-05-01T07:45:00Z',
		channels: [
			{
				type: 'wa',
				language: 'en',
				namespace: 'b8520e15_f77b_5f76_fb50_9f756d03676b',
				templatename: 'delivery_update_photo',
				outboundnumber: '12535550123',
				messageComponents: [
					{ type: 'header', sub_type: 'image', content: '{{1}}', variables: ['1'] },
					{
						type: 'body',
						content: 'Hello {{1}}, parcel {{2}} is on its way.',
						variables: ['1', '2'],
					},
					{ type: 'footer', content: 'Reply to talk to us' },
					{
						type: 'button',
						index: 0,
						content: 'Track',
						sub_type: 'url',
						// The URL's "1" and the body's "1" share one campaign variable.
						url: 'https://track.example.com/{{1}}',
						variables: ['1'],
					},
					{ type: 'button', index: 1, content: 'Talk to us', sub_type: 'quick_reply' },
				],
			},
		],
	},
	{
		id: '2222222222333',
		name: 'Menu with a static header (WhatsApp rich)',
		lookbackPeriodDay: 1,
		lookbackPeriodHour: 0,
		routeAllWithinLookback: false,
		createdAt: '2025-04-23T10:00:00Z',
		updatedAt: '2025-04-23T10:00:00Z',
		channels: [
			{
				type: 'wa',
				language: 'en',
				namespace: 'b8520e15_f77b_5f76_fb50_9f756d03676b',
				templatename: 'menu_static_header',
				outboundnumber: '12535550123',
				messageComponents: [
					{
						type: 'header',
						sub_type: 'video',
						content: 'https://media.example.com/menu.mp4',
						variables: [],
					},
					{ type: 'body', content: 'Today for you, ${{1}}!', variables: ['1'] },
					{
						type: 'button',
						index: 0,
						content: 'Call',
						sub_type: 'phone_number',
						phone_number: '+12062061111',
					},
				],
			},
		],
	},
	{
		id: '8888888888888',
		name: 'Appointment reminder (WhatsApp)',
		lookbackPeriodDay: 2,
		lookbackPeriodHour: 0,
		routeAllWithinLookback: true,
		createdAt: '2025-05-20T10:00:00Z',
		updatedAt: '2025-05-20T10:00:00Z',
		channels: [
			{
				type: 'wa',
				language: 'en',
				namespace: 'b8520e15_f77b_5f76_fb50_9f756d03676b',
				templatename: 'appointment_reminder',
				outboundnumber: '12535550123',
				messageComponents: [
					{
						type: 'body',
						content:
							'Hi {{1}}, a reminder of your appointment tomorrow at {{2}}. Reply here if you need to change it.',
						variables: ['1', '2'],
					},
				],
			},
		],
	},
	{
		id: '3333333333333',
		name: 'Payment due (SMS + WhatsApp)',
		lookbackPeriodDay: 30,
		lookbackPeriodHour: 0,
		routeAllWithinLookback: true,
		createdAt: '2025-05-05T09:00:00Z',
		updatedAt: '2025-05-05T09:00:00Z',
		channels: [
			{
				type: 'sms-twilio',
				language: 'en',
				outboundnumber: '+14155550102',
				messageComponents: [
					{
						type: 'body',
						content: 'Hi ${{1}}, ${{2}} is due on ${{3}}.',
						variables: ['1', '2', '3'],
						optOut: OPT_OUT_TEXT,
					},
				],
			},
			{
				type: 'wa',
				language: 'en',
				namespace: 'b8520e15_f77b_5f76_fb50_9f756d03676b',
				templatename: 'payment_due',
				outboundnumber: '12535550123',
				messageComponents: [
					{
						type: 'body',
						content: 'Hi ${{1}}, ${{2}} is due on ${{3}}.',
						variables: ['1', '2', '3'],
					},
				],
			},
		],
	},
	{
		id: '4444444444444',
		name: 'Cart reminder (in-app)',
		lookbackPeriodDay: 3,
		lookbackPeriodHour: 0,
		routeAllWithinLookback: true,
		createdAt: '2025-06-11T12:00:00Z',
		updatedAt: '2025-06-11T12:00:00Z',
		channels: [
			{
				type: 'inapp',
				appNames: ['com.example.shop'],
				language: 'en',
				messageComponents: [
					{
						type: 'text',
						messageText: '${{3}}',
						notificationTitle: 'Hi ${{1}}',
						notificationMessage: 'Your cart: ${{2}}',
						isSameMessageForNotification: true,
						variables: ['1', '2', '3'],
					},
					{
						url: '${{4}}',
						type: 'image',
						isClickable: true,
						destinationUrl: 'https://shop.example.com/cart',
						// The page's in-app example spells this one with a capital V.
						Variables: ['4'],
					},
				],
			},
		],
	},
	{
		id: '4444444444555',
		name: 'Loyalty points (in-app)',
		lookbackPeriodDay: 30,
		lookbackPeriodHour: 0,
		routeAllWithinLookback: false,
		createdAt: '2025-06-12T12:00:00Z',
		updatedAt: '2025-06-12T12:00:00Z',
		channels: [
			{
				type: 'inapp',
				// The page's field table spells it appName (its example: appNames).
				appName: 'com.example.shop',
				language: 'en',
				messageComponents: [
					{
						type: 'text',
						messageText: 'You have {{1}} points.',
						notificationTitle: 'Points',
						notificationMessage: 'You have {{1}} points.',
						isSameMessageForNotification: true,
						variables: ['1'],
					},
				],
			},
		],
	},
	{
		id: '5555555555555',
		name: 'Welcome (Google RCS)',
		lookbackPeriodDay: 30,
		lookbackPeriodHour: 0,
		routeAllWithinLookback: true,
		createdAt: '2025-07-01T08:00:00Z',
		updatedAt: '2025-07-01T08:00:00Z',
		channels: [
			{
				type: 'googlercs',
				language: 'en',
				messageComponents: [
					{ type: 'button', index: 0, content: 'I need help', sub_type: 'quick_reply' },
					{
						type: 'media',
						height: 'medium',
						thumbnailImageAlignment: 'right',
						content: '${{2}}',
						variables: ['2'],
					},
					{
						type: 'body',
						title: 'Welcome ${{1}}',
						content: 'Message us any time.',
						variables: ['1'],
					},
				],
				cardOrientation: 'VERTICAL',
				serviceAccountName: 'c2m-1234567-grcs',
			},
		],
	},
	{
		id: '6666666666666',
		name: 'Store hours (Apple Messages)',
		lookbackPeriodDay: 30,
		lookbackPeriodHour: 0,
		routeAllWithinLookback: true,
		createdAt: '2025-07-02T08:00:00Z',
		updatedAt: '2025-07-02T08:00:00Z',
		channels: [
			{
				type: 'apple-twilio',
				language: 'en',
				messageComponents: [
					{ type: 'body', content: 'We open at ${{1}} today.', variables: ['1'] },
				],
			},
		],
	},
];

/** The Outbound Configuration channel names (the by-channel path segment). */
export const HANDOFF_CHANNELS = ['wa', 'sms-twilio', 'apple-twilio', 'googlercs', 'inapp'] as const;

/** SMS numbers that opted out (digits, country code first). */
export const OPTED_OUT_NUMBERS: readonly string[] = ['15550000001', '447700900001'];

// inferred: LivePerson documents no errorMessage for a FAILED recipient; this one is the emulator's.
export const SEND_FAILED = 'CHANNEL_DELIVERY_FAILED';

/** Numbers or in-app consumer ids whose send fails, with the errorMessage the status then carries. */
export const FAILING_RECIPIENTS: Readonly<Record<string, string>> = {
	'15550000002': SEND_FAILED,
	'crm-consumer-failing': SEND_FAILED,
};

/** Allowed image URL roots (the site setting messaging.rich.content.valid.urls). */
export const IMAGE_HOSTS: readonly string[] = [
	'https://upload.wikimedia.org',
	'https://images.example.com',
];

/**
 * Calling-code prefix (longest wins) → ISO country and the time zone the send window uses.
 * inferred: LivePerson computes a zone from the number (the FAQ: "+1 (201) is found to be in EST");
 * how is not documented. The emulator uses one zone per country, and for +1 a few area codes; any
 * other +1 number counts as New York, any unknown prefix as UTC. Tests can override by prefix.
 */
export const NUMBER_ZONES: Readonly<Record<string, { country: string; timeZone: string }>> = {
	'1': { country: 'US', timeZone: 'America/New_York' },
	'1201': { country: 'US', timeZone: 'America/New_York' },
	'1212': { country: 'US', timeZone: 'America/New_York' },
	'1312': { country: 'US', timeZone: 'America/Chicago' },
	'1303': { country: 'US', timeZone: 'America/Denver' },
	'1415': { country: 'US', timeZone: 'America/Los_Angeles' },
	'1206': { country: 'US', timeZone: 'America/Los_Angeles' },
	'1808': { country: 'US', timeZone: 'Pacific/Honolulu' },
	'1907': { country: 'US', timeZone: 'America/Anchorage' },
	'1416': { country: 'CA', timeZone: 'America/Toronto' },
	'1604': { country: 'CA', timeZone: 'America/Vancouver' },
	'7': { country: 'RU', timeZone: 'Europe/Moscow' },
	'27': { country: 'ZA', timeZone: 'Africa/Johannesburg' },
	'31': { country: 'NL', timeZone: 'Europe/Amsterdam' },
	'32': { country: 'BE', timeZone: 'Europe/Brussels' },
	'33': { country: 'FR', timeZone: 'Europe/Paris' },
	'34': { country: 'ES', timeZone: 'Europe/Madrid' },
	'39': { country: 'IT', timeZone: 'Europe/Rome' },
	'41': { country: 'CH', timeZone: 'Europe/Zurich' },
	'43': { country: 'AT', timeZone: 'Europe/Vienna' },
	'44': { country: 'GB', timeZone: 'Europe/London' },
	'45': { country: 'DK', timeZone: 'Europe/Copenhagen' },
	'46': { country: 'SE', timeZone: 'Europe/Stockholm' },
	'47': { country: 'NO', timeZone: 'Europe/Oslo' },
	'48': { country: 'PL', timeZone: 'Europe/Warsaw' },
	'49': { country: 'DE', timeZone: 'Europe/Berlin' },
	'52': { country: 'MX', timeZone: 'America/Mexico_City' },
	'54': { country: 'AR', timeZone: 'America/Argentina/Buenos_Aires' },
	'55': { country: 'BR', timeZone: 'America/Sao_Paulo' },
	'61': { country: 'AU', timeZone: 'Australia/Sydney' },
	'64': { country: 'NZ', timeZone: 'Pacific/Auckland' },
	'65': { country: 'SG', timeZone: 'Asia/Singapore' },
	'81': { country: 'JP', timeZone: 'Asia/Tokyo' },
	'82': { country: 'KR', timeZone: 'Asia/Seoul' },
	'86': { country: 'CN', timeZone: 'Asia/Shanghai' },
	'90': { country: 'TR', timeZone: 'Europe/Istanbul' },
	'91': { country: 'IN', timeZone: 'Asia/Kolkata' },
	'351': { country: 'PT', timeZone: 'Europe/Lisbon' },
	'353': { country: 'IE', timeZone: 'Europe/Dublin' },
	'358': { country: 'FI', timeZone: 'Europe/Helsinki' },
	'852': { country: 'HK', timeZone: 'Asia/Hong_Kong' },
	'966': { country: 'SA', timeZone: 'Asia/Riyadh' },
	'971': { country: 'AE', timeZone: 'Asia/Dubai' },
	'972': { country: 'IL', timeZone: 'Asia/Jerusalem' },
};

/** The settings a new (or reset) emulator starts from. */
export function defaultProactiveSettings(): ProactiveSettings {
	return {
		rateLimit: { enabled: false, perSecond: 10, retryAfterSeconds: null },
		dailyLimit: 100_000,
		maxConsumersPerRequest: 100,
		// inferred: the page gives no queue delay; one second keeps NOT_SENT observable.
		pickupDelayMs: 1000,
		messagesPerSecond: 9,
		smsWindow: { startHour: 8, endHour: 21 },
		optedOut: [...OPTED_OUT_NUMBERS],
		failing: { ...FAILING_RECIPIENTS },
		imageHosts: [...IMAGE_HOSTS],
		timeZones: {},
		handoffShapes: { list: 'profiles', byChannel: 'single' },
		// inferred: the maximum `limit` is undocumented.
		maxHandoffLimit: 100,
		lookbackMs: 30 * 24 * 3600 * 1000,
	};
}
