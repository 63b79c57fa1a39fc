/** Public types of the LivePerson Connector API emulator. */
import type { RestControl, RestEndpointName } from './rest';
import type { StorageControl, StorageEndpointName, TestClock } from './storage';
import type { ProactiveControls, ProactiveOptions } from './proactiveTypes';

export type EndpointName =
	| 'csds'
	| 'sentinel'
	| 'idp'
	| 'conversation'
	| 'send'
	| RestEndpointName
	| StorageEndpointName
	| 'proactiveCampaign'
	| 'proactiveStatus'
	| 'handoffs'
	| 'control'
	| 'unknown';

export interface RecordedRequest {
	seq: number;
	at: number;
	endpoint: EndpointName;
	method: string;
	path: string;
	query: Record<string, string>;
	/** Lower-case header names, as Node delivers them; repeated headers joined with ', '. */
	headers: Record<string, string>;
	rawBody: string;
	/** Storage uploads: the number of bytes received (rawBody stays empty for binary bodies). */
	bodyBytes?: number;
	/** Messaging REST API: how the AppJWT was sent ('raw' or 'bearer'). */
	authForm?: 'raw' | 'bearer';
	json?: unknown;
	status?: number;
	responseBody?: string;
	fault?: string;
	/** true once the emulator applied the request to its state (a create really created the conversation). */
	processed: boolean;
}

export interface EmulatorOptions {
	/** Default 0 = a free port. The emulator always listens on 127.0.0.1. */
	port?: number;
	accountId?: string;
	clientId?: string;
	clientSecret?: string;
	appJwtTtlSeconds?: number;
	/** Seed for every random choice (probabilistic faults, conversation ids). */
	seed?: number;
	/** Called once per logged request, after its answer was sent (or the socket dropped). */
	onRequest?: (req: RecordedRequest) => void;
	/**
	 * Simulated network latency: every answer except the control API's is held this long after the
	 * request was read (other requests are served meanwhile). Default 0. A `delay` fault adds to it.
	 */
	latencyMs?: number;
	/** Lifetime of the storage's temporary URLs, in seconds of the test clock. Default 60. */
	fileUrlTtlSeconds?: number;
	/** The Proactive Messaging and Outbound Configuration services: client, test clock, limits, fixtures. */
	proactive?: ProactiveOptions;
}

/** Traffic counters since start or the last reset() (control requests are not counted). */
export interface EmulatorStats {
	/** TCP connections that carried at least one API request: 1 for a client that reuses its connection. */
	connections: number;
	/** API requests received (every endpoint but the control API). */
	requests: number;
	/** Most connections carrying API requests open at the same moment. */
	maxOpenConnections: number;
	/** API requests read and not yet answered (or dropped) now: the client's effective concurrency. */
	inFlight: number;
	/** The most API requests in flight at the same moment. */
	maxInFlight: number;
}

export type FaultAction =
	| { type: 'status'; status: number; body?: string | object; headers?: Record<string, string> }
	| { type: 'delay'; ms: number }
	| { type: 'drop'; when: 'before' | 'after' }
	| { type: 'raw'; status: number; body: string; contentType?: string; when?: 'before' | 'after' }
	| { type: 'expireToken' }
	/** Programmatic API only: process the request, then replace the real answer by rewrite(answer). */
	| { type: 'rewrite'; rewrite: (answer: EmulatorAnswer) => EmulatorAnswer };

export interface EmulatorAnswer {
	status: number;
	/** An object is sent as JSON. */
	body: string | object;
	contentType?: string;
	headers?: Record<string, string>;
}

export interface FaultSpec {
	on: EndpointName | 'any';
	action: FaultAction;
	/** Apply to the nth matching request counted from when the fault was added (1-based). Default 1. */
	nth?: number;
	/** How many consecutive matching requests from nth on. Default 1; Infinity allowed. */
	times?: number;
	/** Instead of nth/times: apply to each matching request with this probability (seeded RNG). */
	probability?: number;
	/**
	 * Only inside this window, in ms from the first request the fault matched (a run's start, not the
	 * fault's): e.g. `{ fromMs: 2000, toMs: 8000, probability: 0.9 }` throttles from 2 s to 8 s.
	 * Combines with probability or nth/times (counted inside the window).
	 */
	window?: { fromMs: number; toMs: number };
	/** Programmatic API only. */
	match?: (req: RecordedRequest) => boolean;
}

export interface Faults {
	add(spec: FaultSpec): void;
	clear(): void;
	/** The specs currently installed, in the order they were added. */
	list(): readonly FaultSpec[];
}

export type ConversationState = 'OPEN' | 'CLOSE';

export interface ConversationEventView {
	/** Set for content events only: their position in the conversation, from 0. */
	sequence?: number;
	from: 'consumer' | 'agent';
	event: Record<string, unknown>;
	at: number;
	reqId?: string;
	/** The Client-Properties header of the request that carried the event, if any. */
	clientProperties?: string;
	/** The dialog it went to when not the main one (a post-conversation survey). */
	dialogId?: string;
	/** Agent events: who sees it ('AGENTS_AND_MANAGERS' marks a private note). */
	audience?: 'ALL' | 'AGENTS_AND_MANAGERS';
	/** Agent events: the originator as the webhook named it. */
	originator?: { id: string; role: string };
}

export interface RoutingView {
	brandId: string;
	channelType: string;
	ttrDefName?: string;
	skillId?: string;
	campaignInfo?: { campaignId: string; engagementId: string };
	conversationContext?: Record<string, string>;
}

export interface ConversationView {
	conversationId: string;
	/** The main dialog; equal to the conversation id for a new conversation. */
	dialogId: string;
	accountId: string;
	extConsumerId: string;
	lpConsumerId: string;
	state: ConversationState;
	createdAt: number;
	closedAt?: number;
	closedBy?: 'consumer' | 'agent';
	/** The last SetUserProfile body applied while the conversation was open (as sent). */
	profile: Record<string, unknown>;
	/** Every SetUserProfile body applied to it, oldest first. */
	profileHistory: Record<string, unknown>[];
	/** Current SDEs; each type is replaced whole by a later update. */
	sdes: { ctmrinfo?: Record<string, unknown>; personal?: Record<string, unknown> };
	routing: RoutingView;
	/** Client-Properties header of the create request, if any. */
	clientProperties?: string;
	/** Every published event (content, chat state, accept status), in order. */
	events: ConversationEventView[];
	/** Content events only, with their sequence. */
	messages: ConversationEventView[];
}

export interface ConsumerView {
	extConsumerId: string;
	lpConsumerId: string;
}

export interface EmulatorState {
	conversations(): ConversationView[];
	conversation(conversationId: string): ConversationView | undefined;
	openConversationFor(lpConsumerId: string): ConversationView | undefined;
	consumers(): ConsumerView[];
}

export type WebhookEventType =
	| 'ms.MessagingEventNotification.ContentEvent'
	| 'ms.MessagingEventNotification.RichContentEvent'
	| 'ms.MessagingEventNotification.ChatStateEvent'
	| 'ms.MessagingEventNotification.AcceptStatusEvent'
	| 'cqm.ExConversationChangeNotification';

export interface WebhookRegistration {
	url: string;
	/** Default: every event type. */
	events?: WebhookEventType[];
	/** Signature algorithm; default 'sha1' (LivePerson's default). */
	algorithm?: 'sha1' | 'sha256';
}

export interface WebhookDelivery {
	url: string;
	eventType: WebhookEventType;
	/** The bytes sent, as UTF-8 text. */
	body: string;
	headers: Record<string, string>;
	status?: number;
	/** What the endpoint answered. */
	responseBody?: string;
	error?: string;
	at: number;
	/** From sending the request to the end of the answer. */
	durationMs?: number;
}

/** How a raw delivery is signed; by default as LivePerson signs (client secret, the registration's algorithm). */
export interface RawDeliveryOptions {
	/** Key to sign with instead of the emulator's client secret. */
	signWith?: string;
	algorithm?: 'sha1' | 'sha256';
	/** This exact x-liveperson-signature value, or null to send none. */
	signature?: string | null;
	/** Headers to set, or to remove (null). */
	headers?: Record<string, string | null>;
}

export interface AgentEventOptions {
	agentId?: string;
	/** originatorMetadata.role; default ASSIGNED_AGENT. */
	role?: string;
	/** 'dialogIdOnly': the older payloads, without conversationId and messageAudience. */
	shape?: 'current' | 'dialogIdOnly';
}

type Audience = { audience?: 'ALL' | 'AGENTS_AND_MANAGERS' };

export interface AgentSide {
	/** Posts an agent message into an open conversation (or its open survey) and delivers the webhook(s). */
	sendMessage(
		conversationId: string,
		message: string,
		opts?: AgentEventOptions & Audience & { inSurvey?: boolean },
	): Promise<{ sequence: number; deliveries: WebhookDelivery[] }>;
	/** Several messages delivered as one notification with one change each. */
	sendMessages(
		conversationId: string,
		messages: string[],
		opts?: AgentEventOptions & Audience & { inSurvey?: boolean },
	): Promise<{ sequences: number[]; deliveries: WebhookDelivery[] }>;
	sendRichContent(
		conversationId: string,
		content: Record<string, unknown>,
		opts?: AgentEventOptions & Audience,
	): Promise<{ sequence: number; deliveries: WebhookDelivery[] }>;
	/** Typing: COMPOSING, PAUSE, ACTIVE, INACTIVE, GONE. */
	setChatState(
		conversationId: string,
		chatState: string,
		opts?: AgentEventOptions,
	): Promise<{ deliveries: WebhookDelivery[] }>;
	/** A read receipt (or ACCEPT, ACCESS...) for the given sequences. */
	sendAcceptStatus(
		conversationId: string,
		status: string,
		sequenceList: number[],
		opts?: AgentEventOptions,
	): Promise<{ sequence: number; deliveries: WebhookDelivery[] }>;
	/** Closes a conversation as the agent; with postSurvey the stage stays OPEN until closeSurvey(). */
	closeConversation(
		conversationId: string,
		opts?: { postSurvey?: boolean; closeReason?: string },
	): Promise<{ deliveries: WebhookDelivery[]; surveyDialogId?: string }>;
	/** Ends the post-conversation survey: the conversation's stage becomes CLOSE. */
	closeSurvey(conversationId: string): Promise<{ deliveries: WebhookDelivery[] }>;
	/** Stores a file at the storage host and posts it as a hosted/file ContentEvent (webhook included). */
	sendFile(
		conversationId: string,
		file: AgentFile,
		opts?: AgentEventOptions & Audience,
	): Promise<{ sequence: number; relativePath: string; deliveries: WebhookDelivery[] }>;
}

/** A file an agent sends: the bytes (or base64), the type LivePerson names it by, a caption. */
export interface AgentFile {
	bytes?: Buffer | Uint8Array;
	base64?: string;
	/** JPG, JPEG, PNG or GIF. */
	fileType: string;
	caption?: string;
	/** A data URL shown as the thumbnail; none by default. */
	preview?: string;
}

export interface Webhooks {
	register(reg: WebhookRegistration): void;
	clear(): void;
	/** Posts these exact bytes as a webhook of `eventType` to its registrations. */
	deliver(
		eventType: WebhookEventType,
		body: string | Buffer,
		opts?: RawDeliveryOptions,
	): Promise<WebhookDelivery[]>;
	/** Every delivery attempt, oldest first. */
	deliveries: WebhookDelivery[];
}

export interface Emulator {
	/** 'http://127.0.0.1:PORT' */
	baseUrl: string;
	/** '127.0.0.1:PORT': what CSDS answers as baseURI. */
	host: string;
	port: number;
	accountId: string;
	clientId: string;
	clientSecret: string;
	/** The request log, in arrival order (cleared in place by reset()). */
	requests: RecordedRequest[];
	requestsTo(endpoint: EndpointName): RecordedRequest[];
	faults: Faults;
	state: EmulatorState;
	agent: AgentSide;
	webhooks: Webhooks;
	mintAppJwt(opts?: { ttlSeconds?: number }): string;
	mintConsumerJws(extConsumerId: string): string;
	lpConsumerIdFor(extConsumerId: string): string;
	/** Every AppJWT minted so far is rejected as expired (40102) from now on. */
	expireAppJwts(): void;
	/** Override or remove (null) CSDS entries. */
	setServices(services: Partial<Record<string, string | null>>): void;
	/** The CSDS map currently answered. */
	services(): Record<string, string>;
	/** TCP connections and requests since start or the last reset(). */
	stats(): EmulatorStats;
	/** The test clock the storage's temporary URLs expire on. */
	clock: TestClock;
	/** The storage host (`swift`): stored files and its settings. */
	storage: StorageControl;
	/** The Messaging REST API's settings (accepted auth forms, private notes, quota). */
	rest: RestControl;
	/** Proactive Messaging: its client, test clock, campaigns, replies, settings and handoffs. */
	proactive: ProactiveControls;
	/**
	 * Clears the log, the conversations and consumers, faults, webhooks, service overrides, token
	 * expiry, stats, stored files, the clock's offset, the storage and REST settings, and the
	 * Proactive campaigns and settings.
	 */
	reset(): void;
	close(): Promise<void>;
}
