/**
 * The agent side (section 7): a test posts agent messages, rich content, typing and read receipts,
 * or closes a conversation (optionally into a post-conversation survey), and the emulator delivers
 * the matching webhook, signed as in sections 6 and 8, to the registered URLs. Raw bodies can be
 * delivered too, signed or mis-signed at will, for the trigger's signature tests.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import * as https from 'https';
import type { ConversationStore } from './conversations';
import { publishAgentFile, type AgentFileTarget } from './files';
import type { FileStore } from './storage';
import { uuidFromHash } from './tokens';
import type {
	AgentEventOptions,
	AgentFile,
	AgentSide,
	ConversationView,
	RawDeliveryOptions,
	WebhookDelivery,
	WebhookEventType,
	WebhookRegistration,
	Webhooks,
} from './types';

const DELIVERY_TIMEOUT_MS = 2500;

type Obj = Record<string, unknown>;

export function webhookSignature(
	secret: string,
	rawBody: string | Buffer,
	algorithm: 'sha1' | 'sha256',
): string {
	const bytes = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
	return `${algorithm}=${crypto.createHmac(algorithm, secret).update(bytes).digest('base64')}`;
}

interface Survey {
	dialogId: string;
	open: boolean;
}

export class AgentController {
	readonly deliveries: WebhookDelivery[] = [];
	private registrations: WebhookRegistration[] = [];
	private readonly defaultAgentId: string;
	/** Events the store does not number (read receipts; rich content where it does not) are numbered here. */
	private readonly otherSequences = new Map<string, number>();
	private readonly surveys = new Map<string, Survey>();

	constructor(
		private readonly store: ConversationStore,
		private readonly accountId: string,
		private readonly clientId: string,
		private readonly clientSecret: string,
		private readonly files?: FileStore,
	) {
		this.defaultAgentId = uuidFromHash(`${accountId}:agent:emulator`);
	}

	/** The post-conversation survey of a conversation, if one was opened. */
	survey(conversationId: string): { dialogId: string; open: boolean } | undefined {
		const s = this.surveys.get(conversationId);
		return s && { ...s };
	}

	private originator(opts: AgentEventOptions): { id: string; role: string } {
		return { id: opts.agentId ?? this.defaultAgentId, role: opts.role ?? 'ASSIGNED_AGENT' };
	}

	webhooks(): Webhooks {
		return {
			register: (reg) => {
				if (!reg || typeof reg.url !== 'string' || !/^https?:\/\//.test(reg.url))
					throw new Error('webhook url must be http(s)://...');
				this.registrations.push({ ...reg });
			},
			clear: () => {
				this.registrations = [];
			},
			deliver: (eventType, body, opts) => this.deliver(eventType, body, opts),
			deliveries: this.deliveries,
		};
	}

	side(): AgentSide {
		return {
			sendMessage: (conversationId, message, opts = {}) =>
				this.sendMessages(conversationId, [message], opts).then(({ sequences, deliveries }) => ({
					sequence: sequences[0],
					deliveries,
				})),
			sendMessages: (conversationId, messages, opts = {}) =>
				this.sendMessages(conversationId, messages, opts),
			sendRichContent: (conversationId, content, opts = {}) =>
				this.sendRichContent(conversationId, content, opts),
			setChatState: (conversationId, chatState, opts = {}) =>
				this.setChatState(conversationId, chatState, opts),
			sendAcceptStatus: (conversationId, status, sequenceList, opts = {}) =>
				this.sendAcceptStatus(conversationId, status, sequenceList, opts),
			closeConversation: (conversationId, opts = {}) =>
				this.closeConversation(conversationId, opts),
			closeSurvey: (conversationId) => this.closeSurvey(conversationId),
			sendFile: (conversationId, file, opts = {}) => this.sendFile(conversationId, file, opts),
		};
	}

	reset(): void {
		this.registrations = [];
		this.deliveries.length = 0;
		this.otherSequences.clear();
		this.surveys.clear();
	}

	private openConversation(conversationId: string): ConversationView {
		const conv = this.store.get(conversationId);
		if (!conv) throw new Error(`conversation ${conversationId} does not exist`);
		if (conv.state !== 'OPEN') throw new Error(`conversation ${conversationId} is closed`);
		return conv;
	}

	/** The conversation and the dialog an agent event goes to: the main one, or the open survey. */
	private target(
		conversationId: string,
		inSurvey: boolean | undefined,
	): { conv: ConversationView; dialogId: string } {
		if (!inSurvey) {
			const conv = this.openConversation(conversationId);
			return { conv, dialogId: conv.dialogId };
		}
		const conv = this.store.get(conversationId);
		const survey = this.surveys.get(conversationId);
		if (!conv || !survey?.open)
			throw new Error(`conversation ${conversationId} has no open survey`);
		return { conv, dialogId: survey.dialogId };
	}

	// inferred: LivePerson's own examples number read receipts in the conversation's sequence; the store
	// numbers content events only, so these take the number after them, which a later content event
	// can reuse (the trigger's duplicate keys include the event type).
	private otherSequence(conv: ConversationView): number {
		const taken = this.otherSequences.get(conv.conversationId) ?? 0;
		this.otherSequences.set(conv.conversationId, taken + 1);
		return (this.store.get(conv.conversationId)?.messages.length ?? 0) + taken;
	}

	/** One change of an ms.MessagingEventNotification, in the current or the older (dialogId only) shape. */
	private messagingChange(
		conv: ConversationView,
		dialogId: string,
		event: Obj,
		opts: AgentEventOptions,
		extra: Obj,
	): Obj {
		const agentId = opts.agentId ?? this.defaultAgentId;
		const change: Obj = {
			...extra,
			originatorId: agentId,
			originatorMetadata: { id: agentId, role: opts.role ?? 'ASSIGNED_AGENT' },
			event,
			dialogId,
		};
		if (opts.shape !== 'dialogIdOnly') change.conversationId = conv.conversationId;
		return change;
	}

	private async notify(
		eventType: WebhookEventType,
		type: string,
		changes: Obj[],
	): Promise<WebhookDelivery[]> {
		return await this.deliver(
			eventType,
			JSON.stringify({ kind: 'notification', type, body: { changes } }),
		);
	}

	async sendMessages(
		conversationId: string,
		messages: string[],
		opts: AgentEventOptions & { audience?: 'ALL' | 'AGENTS_AND_MANAGERS'; inSurvey?: boolean },
	): Promise<{ sequences: number[]; deliveries: WebhookDelivery[] }> {
		const { conv, dialogId } = this.target(conversationId, opts.inSurvey);
		const sequences: number[] = [];
		const changes = messages.map((message) => {
			const event = { type: 'ContentEvent', message, contentType: 'text/plain' };
			const sequence = this.store.publish(conv, 'agent', event, {
				originator: this.originator(opts),
				audience: opts.audience ?? 'ALL',
				...(dialogId !== conv.dialogId ? { dialogId } : {}),
			}) as number;
			sequences.push(sequence);
			const extra: Obj = { sequence, serverTimestamp: Date.now() };
			if (opts.shape !== 'dialogIdOnly') extra.messageAudience = opts.audience ?? 'ALL';
			return this.messagingChange(conv, dialogId, event, opts, extra);
		});
		const deliveries = await this.notify(
			'ms.MessagingEventNotification.ContentEvent',
			'ms.MessagingEventNotification',
			changes,
		);
		return { sequences, deliveries };
	}

	async sendRichContent(
		conversationId: string,
		content: Obj,
		opts: AgentEventOptions & { audience?: 'ALL' | 'AGENTS_AND_MANAGERS' },
	): Promise<{ sequence: number; deliveries: WebhookDelivery[] }> {
		const conv = this.openConversation(conversationId);
		const event = { type: 'RichContentEvent', content };
		const sequence =
			this.store.publish(conv, 'agent', event, {
				originator: this.originator(opts),
				audience: opts.audience ?? 'ALL',
			}) ?? this.otherSequence(conv);
		const extra: Obj = { sequence, serverTimestamp: Date.now() };
		if (opts.shape !== 'dialogIdOnly') extra.messageAudience = opts.audience ?? 'ALL';
		const change = this.messagingChange(conv, conv.dialogId, event, opts, extra);
		const deliveries = await this.notify(
			'ms.MessagingEventNotification.RichContentEvent',
			'ms.MessagingEventNotification',
			[change],
		);
		return { sequence, deliveries };
	}

	/** Typing: LivePerson sends neither a sequence nor a server timestamp with these (section 8). */
	async setChatState(
		conversationId: string,
		chatState: string,
		opts: AgentEventOptions,
	): Promise<{ deliveries: WebhookDelivery[] }> {
		const conv = this.openConversation(conversationId);
		const event = { type: 'ChatStateEvent', chatState };
		this.store.publish(conv, 'agent', event, { originator: this.originator(opts) });
		const change = this.messagingChange(conv, conv.dialogId, event, opts, {});
		return {
			deliveries: await this.notify(
				'ms.MessagingEventNotification.ChatStateEvent',
				'ms.MessagingEventNotification',
				[change],
			),
		};
	}

	async sendAcceptStatus(
		conversationId: string,
		status: string,
		sequenceList: number[],
		opts: AgentEventOptions,
	): Promise<{ sequence: number; deliveries: WebhookDelivery[] }> {
		const conv = this.openConversation(conversationId);
		const event = { type: 'AcceptStatusEvent', status, sequenceList };
		this.store.publish(conv, 'agent', event, { originator: this.originator(opts) });
		const sequence = this.otherSequence(conv);
		const change = this.messagingChange(conv, conv.dialogId, event, opts, {
			sequence,
			serverTimestamp: Date.now(),
		});
		const deliveries = await this.notify(
			'ms.MessagingEventNotification.AcceptStatusEvent',
			'ms.MessagingEventNotification',
			[change],
		);
		return { sequence, deliveries };
	}

	/**
	 * An agent's file: stored at the storage host, then a hosted/file ContentEvent in the
	 * conversation and its webhook (inferred shape: no webhook example shows a file; the events
	 * page says such an event carries a caption, a file type, a relative path and a preview).
	 */
	async sendFile(
		conversationId: string,
		file: AgentFile,
		opts: AgentEventOptions & { audience?: 'ALL' | 'AGENTS_AND_MANAGERS' },
	): Promise<{ sequence: number; relativePath: string; deliveries: WebhookDelivery[] }> {
		if (!this.files) throw new Error('this emulator has no storage host');
		const conv = this.openConversation(conversationId);
		const target: AgentFileTarget = {
			publish: (event) =>
				this.store.publish(conv, 'agent', event, {
					originator: this.originator(opts),
					audience: opts.audience ?? 'ALL',
				}) as number,
		};
		const { event, sequence, relativePath } = publishAgentFile(this.files, file, target);
		const extra: Obj = { sequence, serverTimestamp: Date.now() };
		if (opts.shape !== 'dialogIdOnly') extra.messageAudience = opts.audience ?? 'ALL';
		const change = this.messagingChange(conv, conv.dialogId, event, opts, extra);
		const deliveries = await this.notify(
			'ms.MessagingEventNotification.ContentEvent',
			'ms.MessagingEventNotification',
			[change],
		);
		return { sequence, relativePath, deliveries };
	}

	private conversationChange(
		conv: ConversationView,
		details: { state: string; stage: string; closeReason: string; surveyOpen?: boolean },
	): Obj {
		const now = Date.now();
		const participants = [
			{ id: conv.lpConsumerId, role: 'CONSUMER' },
			{ id: this.defaultAgentId, role: 'ASSIGNED_AGENT' },
		];
		const survey = this.surveys.get(conv.conversationId);
		const dialogs: Obj[] = [
			{
				dialogId: conv.dialogId,
				dialogType: 'MAIN',
				channelType: 'MESSAGING',
				state: 'CLOSE',
				creationTs: conv.createdAt,
				endTs: conv.closedAt ?? now,
				closedBy: 'AGENT',
				participantsDetails: participants.map((p) => ({ ...p, state: 'ACTIVE' })),
			},
		];
		if (survey) {
			dialogs.push({
				dialogId: survey.dialogId,
				dialogType: 'POST_SURVEY',
				channelType: 'MESSAGING',
				state: survey.open ? 'OPEN' : 'CLOSE',
				creationTs: conv.closedAt ?? now,
				...(survey.open ? {} : { endTs: now }),
			});
		}
		// inferred: a reduced conversationDetails with the fields sections 6 and 8 name.
		return {
			type: 'UPSERT',
			result: {
				convId: conv.conversationId,
				conversationDetails: {
					state: details.state,
					stage: details.stage,
					closeReason: details.closeReason,
					brandId: conv.accountId,
					startTs: conv.createdAt,
					...(details.stage === 'CLOSE' ? { endTs: now } : {}),
					metaDataLastUpdateTs: now,
					participants,
					dialogs,
				},
			},
		};
	}

	/**
	 * The agent closes the conversation. With `postSurvey`, a survey dialog opens: the main dialog is
	 * closed (state CLOSE) while the conversation is not (stage OPEN) until closeSurvey().
	 */
	async closeConversation(
		conversationId: string,
		opts: { postSurvey?: boolean; closeReason?: string },
	): Promise<{ deliveries: WebhookDelivery[]; surveyDialogId?: string }> {
		const conv = this.openConversation(conversationId);
		this.store.close(conv, 'agent');
		const surveyDialogId = opts.postSurvey
			? uuidFromHash(`${conversationId}:post-survey`)
			: undefined;
		if (surveyDialogId) this.surveys.set(conversationId, { dialogId: surveyDialogId, open: true });
		const change = this.conversationChange(conv, {
			state: 'CLOSE',
			stage: surveyDialogId ? 'OPEN' : 'CLOSE',
			closeReason: opts.closeReason ?? 'AGENT',
		});
		const deliveries = await this.notify(
			'cqm.ExConversationChangeNotification',
			'cqm.ExConversationChangeNotification',
			[change],
		);
		return surveyDialogId ? { deliveries, surveyDialogId } : { deliveries };
	}

	async closeSurvey(conversationId: string): Promise<{ deliveries: WebhookDelivery[] }> {
		const conv = this.store.get(conversationId);
		const survey = this.surveys.get(conversationId);
		if (!conv || !survey?.open)
			throw new Error(`conversation ${conversationId} has no open survey`);
		survey.open = false;
		const change = this.conversationChange(conv, {
			state: 'CLOSE',
			stage: 'CLOSE',
			closeReason: 'AGENT',
		});
		return {
			deliveries: await this.notify(
				'cqm.ExConversationChangeNotification',
				'cqm.ExConversationChangeNotification',
				[change],
			),
		};
	}

	/** Posts exactly `body` to every registration of `eventType`, signed as `opts` says. */
	async deliver(
		eventType: WebhookEventType,
		body: string | Buffer,
		opts: RawDeliveryOptions = {},
	): Promise<WebhookDelivery[]> {
		const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
		const targets = this.registrations.filter((r) => !r.events || r.events.includes(eventType));
		return await Promise.all(
			targets.map(async (reg) => {
				const signature =
					opts.signature !== undefined
						? opts.signature
						: webhookSignature(
								opts.signWith ?? this.clientSecret,
								bytes,
								opts.algorithm ?? reg.algorithm ?? 'sha1',
							);
				const headers: Record<string, string> = {
					'content-type': 'application/json',
					'x-liveperson-account-id': this.accountId,
					'x-liveperson-client-id': this.clientId,
				};
				if (signature !== null) headers['x-liveperson-signature'] = signature;
				for (const [name, value] of Object.entries(opts.headers ?? {})) {
					if (value === null) delete headers[name];
					else headers[name] = value;
				}
				const delivery: WebhookDelivery = {
					url: reg.url,
					eventType,
					body: bytes.toString('utf8'),
					headers,
					at: Date.now(),
				};
				this.deliveries.push(delivery);
				const started = process.hrtime.bigint();
				try {
					const answer = await post(reg.url, bytes, headers);
					delivery.status = answer.status;
					delivery.responseBody = answer.body;
				} catch (err) {
					delivery.error = err instanceof Error ? err.message : String(err);
				}
				delivery.durationMs = Number(process.hrtime.bigint() - started) / 1e6;
				return delivery;
			}),
		);
	}
}

function post(
	url: string,
	body: Buffer,
	headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const lib = url.startsWith('https:') ? https : http;
		const req = lib.request(
			url,
			{
				method: 'POST',
				headers: { ...headers, 'content-length': String(body.length) },
				timeout: DELIVERY_TIMEOUT_MS,
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
				);
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`no answer within ${DELIVERY_TIMEOUT_MS} ms`)));
		req.on('error', reject);
		req.end(body);
	});
}
