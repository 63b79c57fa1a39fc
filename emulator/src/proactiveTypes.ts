/** Public types of the emulator's Proactive Messaging 2.0 and Outbound Configuration services. */

/** The campaign API's consumerContent keys the emulator sends on. */
export type ProactiveChannel = 'sms' | 'wa' | 'inapp';

/**
 * Documented recipient statuses: NOT_SENT, SCHEDULED, DELIVERED, FAILED, SKIPPED, DRAFT and
 * TOO_MANY_VARIABLES. The emulator moves recipients through the first five by itself; a test can set
 * any value with `override`.
 */
export type ProactiveRecipientStatus =
	'NOT_SENT' | 'SCHEDULED' | 'DELIVERED' | 'FAILED' | 'SKIPPED' | 'DRAFT' | 'TOO_MANY_VARIABLES';

export interface ProactiveRecipientView {
	/** The id in acceptedConsumers and in the status answer's conversations[]. */
	id: string;
	/** The channel the message goes out on (the template's first campaign channel). */
	channel: ProactiveChannel;
	/** As sent (new body), or built from consumerCountryCode + consumerPhoneNumber (old body). */
	consumerContent: Record<string, string>;
	/** '+' and the digits, for phone channels. */
	phoneNumber?: string;
	/** ISO country derived from the number's calling code, when known. */
	country?: string;
	/** The time zone the send window is computed in. */
	timeZone?: string;
	variables?: Record<string, unknown>;
	headerVariables?: Record<string, unknown>;
	status: string;
	errorMessage: string | null;
	conversationId: string | null;
	/** Test-clock times (ms since the epoch). */
	processAt: number;
	scheduledFor?: number;
	deliveredAt?: number;
	repliedAt?: number;
	/** Every status the recipient had, with the test-clock time it changed. */
	history: Array<{ status: string; at: number }>;
}

export interface ProactiveCampaignView {
	proactiveCampaignId: string;
	leCampaignId: string;
	leEngagementId: string;
	requestTraceId: string;
	accountId: string;
	campaignName: string;
	skill: string;
	/** As sent. */
	templateId: string;
	/** The handoff profile the templateId resolved to. */
	handoffId: string;
	channels: ProactiveChannel[];
	outboundNumber?: string;
	/** Test-clock time of the create. */
	createdAt: number;
	campaignStatus: string;
	/** The request body as sent. */
	request: unknown;
	recipients: ProactiveRecipientView[];
	/** The failedConsumers entries of the create answer. */
	failedConsumers: Array<Record<string, unknown>>;
}

/** A handoff (outbound configuration profile) as the Outbound Configuration API lists it. */
export interface HandoffProfile {
	id: string;
	name: string;
	lookbackPeriodDay?: number;
	lookbackPeriodHour?: number;
	routeAllWithinLookback?: boolean;
	createdAt?: string;
	updatedAt?: string;
	channels: Array<Record<string, unknown>>;
	/**
	 * Emulator-only, never listed: further ids the campaign API takes as templateId for this
	 * handoff (an id a user types, e.g. a WhatsApp template id).
	 */
	aliases?: string[];
}

/**
 * How the handoff list answers:
 * - `profiles`: an array of profiles (`id`, `name`, `channels`…), as the field table describes;
 * - `channels`: an array of bare channel objects (no profile id), as the by-channel example;
 * - `single`: a bare channel object when the page holds exactly one, else an array of them, as the
 *   single-channel examples.
 */
export type HandoffAnswerShape = 'profiles' | 'channels' | 'single';

export interface ProactiveRateLimit {
	/** Default false, so that tests firing many requests are not throttled unless they ask. */
	enabled: boolean;
	/** Requests per rolling second, per account and per endpoint (campaign, status). Default 10. */
	perSecond: number;
	/** A Retry-After header on the 429, in seconds; null (default) for none. */
	retryAfterSeconds: number | null;
}

export interface ProactiveSettings {
	rateLimit: ProactiveRateLimit;
	/** Recipients per channel per account per test-clock UTC day. Default 100000. */
	dailyLimit: number;
	/** Default 100. */
	maxConsumersPerRequest: number;
	/** How long an accepted recipient stays NOT_SENT before the queue picks it up. Default 1000 ms. */
	pickupDelayMs: number;
	/** Send rate per channel per account, messages per second. Default 9. */
	messagesPerSecond: number;
	/** SMS send window in the recipient's local time: [startHour, endHour). Default 8 to 21. */
	smsWindow: { startHour: number; endHour: number };
	/** SMS numbers (digits) that opted out: their recipients end SKIPPED. */
	optedOut: string[];
	/** Numbers (digits) or in-app consumer ids whose send fails: FAILED with this errorMessage. */
	failing: Record<string, string>;
	/** The site setting messaging.rich.content.valid.urls: allowed image URL roots. */
	imageHosts: string[];
	/** Number prefix (digits, country code first) → IANA time zone; longest prefix wins over the built-in table. */
	timeZones: Record<string, string>;
	handoffShapes: { list: HandoffAnswerShape; byChannel: HandoffAnswerShape };
	/** The largest `limit` the handoff list honours; larger ones are cut to it. Default 100. */
	maxHandoffLimit: number;
	/** Lookback: a reply later than this after delivery is not linked to the campaign. Default 30 days. */
	lookbackMs: number;
}

export interface ProactiveClockOptions {
	/** Where the test clock starts (ms, ISO string or Date). Default: now. */
	start?: number | string | Date;
	/** A frozen clock moves only when told to. Default false: it follows real time. */
	frozen?: boolean;
}

export interface ProactiveOptions extends Partial<Omit<ProactiveSettings, 'rateLimit'>> {
	/** Default 'emulator-proactive-client-1'. */
	clientId?: string;
	/** Default 'emulator-proactive-secret-0123456789'. */
	clientSecret?: string;
	clock?: ProactiveClockOptions;
	rateLimit?: Partial<ProactiveRateLimit>;
	/** Replaces the built-in handoff fixtures. */
	handoffs?: HandoffProfile[];
}

/** Who replies: a recipient id, or a phone number / in-app consumer id (the latest campaign's recipient). */
export interface ProactiveReplyTarget {
	campaignId?: string;
	recipientId?: string;
	phone?: string;
	consumerId?: string;
}

export interface ProactiveReplyResult {
	campaignId: string;
	recipientId: string;
	/** Null when the reply came after the lookback (it is then not tied to the campaign). */
	conversationId: string | null;
	linked: boolean;
}

export interface ProactiveOverride {
	campaignId: string;
	/** Without it, only campaignStatus is set. */
	recipientId?: string;
	status?: string;
	errorMessage?: string | null;
	conversationId?: string | null;
	campaignStatus?: string;
}

export interface ProactiveControls {
	clientId: string;
	clientSecret: string;
	/** A Proactive AppJWT, as Sentinel mints for the Proactive client. */
	mintToken(opts?: { ttlSeconds?: number }): string;
	/** Every Proactive token minted so far now answers "jwt expired". */
	expireTokens(): void;
	/** The test clock (ms since the epoch). */
	now(): number;
	clock(): { now: string; nowMs: number; frozen: boolean };
	setClock(to: number | string | Date, opts?: { frozen?: boolean }): void;
	advanceClock(ms: number): void;
	campaigns(): ProactiveCampaignView[];
	campaign(proactiveCampaignId: string): ProactiveCampaignView | undefined;
	/** The recipient replies: sets its conversationId (within the lookback). */
	reply(target: ProactiveReplyTarget): ProactiveReplyResult;
	/** Forces a recipient's status (any string) or the campaign's campaignStatus. */
	override(o: ProactiveOverride): void;
	settings(): ProactiveSettings;
	configure(
		settings: Partial<Omit<ProactiveSettings, 'rateLimit'>> & {
			rateLimit?: Partial<ProactiveRateLimit>;
		},
	): ProactiveSettings;
	handoffs(): HandoffProfile[];
	/** Adds handoff profiles (replacing those with the same id), or replaces all of them. */
	setHandoffs(profiles: HandoffProfile[], opts?: { replace?: boolean }): void;
}
