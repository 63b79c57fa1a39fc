/**
 * The agent side (section 7): a test posts an agent message or closes a conversation, and the
 * emulator delivers the matching webhook, signed as in section 6, to the registered URLs.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import * as https from 'https';
import type { ConversationStore } from './conversations';
import { uuidFromHash } from './tokens';
import type { AgentSide, ConversationView, WebhookDelivery, WebhookEventType, WebhookRegistration, Webhooks } from './types';

const DELIVERY_TIMEOUT_MS = 2500;

export function webhookSignature(secret: string, rawBody: string, algorithm: 'sha1' | 'sha256'): string {
	return `${algorithm}=${crypto.createHmac(algorithm, secret).update(rawBody, 'utf8').digest('base64')}`;
}

export class AgentController {
	readonly deliveries: WebhookDelivery[] = [];
	private registrations: WebhookRegistration[] = [];
	private readonly defaultAgentId: string;

	constructor(
		private readonly store: ConversationStore,
		private readonly accountId: string,
		private readonly clientId: string,
		private readonly clientSecret: string,
	) {
		this.defaultAgentId = uuidFromHash(`${accountId}:agent:emulator`);
	}

	webhooks(): Webhooks {
		return {
			register: (reg) => {
				if (!reg || typeof reg.url !== 'string' || !/^https?:\/\//.test(reg.url)) throw new Error('webhook url must be http(s)://...');
				this.registrations.push({ ...reg });
			},
			clear: () => {
				this.registrations = [];
			},
			deliveries: this.deliveries,
		};
	}

	side(): AgentSide {
		return {
			sendMessage: (conversationId, message, opts = {}) => this.sendMessage(conversationId, message, opts),
			closeConversation: (conversationId) => this.closeConversation(conversationId),
		};
	}

	reset(): void {
		this.registrations = [];
		this.deliveries.length = 0;
	}

	private openConversation(conversationId: string): ConversationView {
		const conv = this.store.get(conversationId);
		if (!conv) throw new Error(`conversation ${conversationId} does not exist`);
		if (conv.state !== 'OPEN') throw new Error(`conversation ${conversationId} is closed`);
		return conv;
	}

	async sendMessage(
		conversationId: string,
		message: string,
		opts: { agentId?: string; audience?: 'ALL' | 'AGENTS_AND_MANAGERS' },
	): Promise<{ sequence: number; deliveries: WebhookDelivery[] }> {
		const conv = this.openConversation(conversationId);
		const agentId = opts.agentId ?? this.defaultAgentId;
		const event = { type: 'ContentEvent', message, contentType: 'text/plain' };
		const sequence = this.store.publish(conv, 'agent', event) as number;
		const notification = {
			kind: 'notification',
			type: 'ms.MessagingEventNotification',
			body: {
				changes: [
					{
						sequence,
						originatorId: agentId,
						originatorMetadata: { id: agentId, role: 'ASSIGNED_AGENT' },
						serverTimestamp: Date.now(),
						event,
						conversationId: conv.conversationId,
						dialogId: conv.dialogId,
						messageAudience: opts.audience ?? 'ALL',
					},
				],
			},
		};
		const deliveries = await this.deliver('ms.MessagingEventNotification.ContentEvent', notification);
		return { sequence, deliveries };
	}

	async closeConversation(conversationId: string): Promise<{ deliveries: WebhookDelivery[] }> {
		const conv = this.openConversation(conversationId);
		this.store.close(conv, 'agent');
		const now = Date.now();
		const participants = [
			{ id: conv.lpConsumerId, role: 'CONSUMER' },
			{ id: this.defaultAgentId, role: 'ASSIGNED_AGENT' },
		];
		// inferred: a reduced conversationDetails with the fields section 6 names.
		const notification = {
			kind: 'notification',
			type: 'cqm.ExConversationChangeNotification',
			body: {
				changes: [
					{
						type: 'UPSERT',
						result: {
							convId: conv.conversationId,
							conversationDetails: {
								state: 'CLOSE',
								stage: 'CLOSE',
								closeReason: 'AGENT',
								brandId: conv.accountId,
								startTs: conv.createdAt,
								endTs: now,
								metaDataLastUpdateTs: now,
								participants,
								dialogs: [
									{
										dialogId: conv.dialogId,
										dialogType: 'MAIN',
										channelType: 'MESSAGING',
										state: 'CLOSE',
										creationTs: conv.createdAt,
										endTs: now,
										closedBy: 'AGENT',
										participantsDetails: participants.map((p) => ({ ...p, state: 'ACTIVE' })),
									},
								],
							},
						},
					},
				],
			},
		};
		return { deliveries: await this.deliver('cqm.ExConversationChangeNotification', notification) };
	}

	private async deliver(eventType: WebhookEventType, payload: object): Promise<WebhookDelivery[]> {
		const body = JSON.stringify(payload);
		const targets = this.registrations.filter((r) => !r.events || r.events.includes(eventType));
		return Promise.all(
			targets.map(async (reg) => {
				const headers = {
					'content-type': 'application/json',
					'x-liveperson-account-id': this.accountId,
					'x-liveperson-client-id': this.clientId,
					'x-liveperson-signature': webhookSignature(this.clientSecret, body, reg.algorithm ?? 'sha1'),
				};
				const delivery: WebhookDelivery = { url: reg.url, eventType, body, headers, at: Date.now() };
				this.deliveries.push(delivery);
				try {
					delivery.status = await post(reg.url, body, headers);
				} catch (err) {
					delivery.error = err instanceof Error ? err.message : String(err);
				}
				return delivery;
			}),
		);
	}
}

function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
	return new Promise((resolve, reject) => {
		const lib = url.startsWith('https:') ? https : http;
		const req = lib.request(
			url,
			{ method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: DELIVERY_TIMEOUT_MS },
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`no answer within ${DELIVERY_TIMEOUT_MS} ms`)));
		req.on('error', reject);
		req.end(body);
	});
}
