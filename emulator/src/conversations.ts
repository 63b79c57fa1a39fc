/** Emulator state: consumers, their conversations, profiles/SDEs and the events with their sequences. */
import type {
	ConsumerView,
	ConversationEventView,
	ConversationView,
	EmulatorState,
	RoutingView,
} from './types';
import { isObj, type Obj } from './validation';

interface Consumer extends ConsumerView {
	profile?: Obj;
}

function clone<T>(v: T): T {
	return structuredClone(v);
}

export class ConversationStore {
	private consumersByLp = new Map<string, Consumer>();
	private conversations = new Map<string, ConversationView>();
	private openByLp = new Map<string, string>();

	constructor(
		private readonly accountId: string,
		private readonly random: () => number,
	) {}

	registerConsumer(extConsumerId: string, lpConsumerId: string): void {
		if (!this.consumersByLp.has(lpConsumerId))
			this.consumersByLp.set(lpConsumerId, { extConsumerId, lpConsumerId });
	}

	get(conversationId: string): ConversationView | undefined {
		return this.conversations.get(conversationId);
	}

	openFor(lpConsumerId: string): ConversationView | undefined {
		const id = this.openByLp.get(lpConsumerId);
		return id === undefined ? undefined : this.conversations.get(id);
	}

	/** A v4-shaped UUID from the seeded generator, so runs with the same seed give the same ids. */
	// inferred: ids keep counting across reset(), so no id is ever handed out twice by one emulator.
	private newId(): string {
		const b = Buffer.alloc(16);
		for (let i = 0; i < 16; i++) b[i] = Math.floor(this.random() * 256);
		b[6] = (b[6] & 0x0f) | 0x40;
		b[8] = (b[8] & 0x3f) | 0x80;
		const h = b.toString('hex');
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
	}

	create(args: {
		extConsumerId: string;
		lpConsumerId: string;
		profile: Obj;
		routing: RoutingView;
		clientProperties?: string;
	}): ConversationView {
		let id = this.newId();
		while (this.conversations.has(id)) id = this.newId();
		const conv: ConversationView = {
			conversationId: id,
			dialogId: id,
			accountId: this.accountId,
			extConsumerId: args.extConsumerId,
			lpConsumerId: args.lpConsumerId,
			state: 'OPEN',
			createdAt: Date.now(),
			profile: {},
			profileHistory: [],
			sdes: {},
			routing: clone(args.routing),
			events: [],
			messages: [],
		};
		if (args.clientProperties !== undefined) conv.clientProperties = args.clientProperties;
		this.registerConsumer(args.extConsumerId, args.lpConsumerId);
		this.conversations.set(id, conv);
		this.openByLp.set(args.lpConsumerId, id);
		// inferred: a new conversation starts with the batch's profile and SDEs only; earlier ones do not carry over.
		this.applyProfileTo(conv, args.profile);
		return conv;
	}

	/** A SetUserProfile: kept on the consumer and shown on the consumer's open conversation. */
	setProfile(lpConsumerId: string, extConsumerId: string, body: Obj): void {
		this.registerConsumer(extConsumerId, lpConsumerId);
		const consumer = this.consumersByLp.get(lpConsumerId) as Consumer;
		consumer.profile = clone(body);
		const open = this.openFor(lpConsumerId);
		if (open) this.applyProfileTo(open, body);
	}

	private applyProfileTo(conv: ConversationView, body: Obj): void {
		conv.profile = clone(body);
		conv.profileHistory.push(clone(body));
		const auth = body.authenticatedData;
		const sdes = isObj(auth) && Array.isArray(auth.lp_sdes) ? (auth.lp_sdes as Obj[]) : [];
		// Replace semantics: each SDE type sent replaces the stored one whole.
		for (const sde of sdes) {
			if (sde.type === 'ctmrinfo' && isObj(sde.info)) conv.sdes.ctmrinfo = clone(sde.info);
			if (sde.type === 'personal' && isObj(sde.personal)) conv.sdes.personal = clone(sde.personal);
		}
	}

	/** Adds an event; returns the sequence for a content event. */
	publish(
		conv: ConversationView,
		from: 'consumer' | 'agent',
		event: Obj,
		extra: Pick<
			ConversationEventView,
			'reqId' | 'clientProperties' | 'dialogId' | 'audience' | 'originator'
		> = {},
	): number | undefined {
		const entry: ConversationEventView = { from, event: clone(event), at: Date.now() };
		for (const key of [
			'reqId',
			'clientProperties',
			'dialogId',
			'audience',
			'originator',
		] as const) {
			if (extra[key] !== undefined) Object.assign(entry, { [key]: clone(extra[key]) });
		}
		// inferred: consumer and agent content events (plain and rich) share one sequence per conversation.
		if (event.type === 'ContentEvent' || event.type === 'RichContentEvent') {
			entry.sequence = conv.messages.length;
			conv.messages.push(entry);
		}
		conv.events.push(entry);
		return entry.sequence;
	}

	close(conv: ConversationView, by: 'consumer' | 'agent'): void {
		conv.state = 'CLOSE';
		conv.closedAt = Date.now();
		conv.closedBy = by;
		if (this.openByLp.get(conv.lpConsumerId) === conv.conversationId)
			this.openByLp.delete(conv.lpConsumerId);
	}

	reset(): void {
		this.consumersByLp.clear();
		this.conversations.clear();
		this.openByLp.clear();
	}

	/** Read-only copies for tests and the control endpoint. */
	view(): EmulatorState {
		return {
			conversations: () => [...this.conversations.values()].map(clone),
			conversation: (id) => {
				const c = this.conversations.get(id);
				return c && clone(c);
			},
			openConversationFor: (lp) => {
				const c = this.openFor(lp);
				return c && clone(c);
			},
			consumers: () =>
				[...this.consumersByLp.values()].map(({ extConsumerId, lpConsumerId }) => ({
					extConsumerId,
					lpConsumerId,
				})),
		};
	}
}
