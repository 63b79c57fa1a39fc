/** CONVERSATION (create) and SEND, enforcing the checks of section 7 in its order. */
import {
	authError,
	bad,
	CLOSE_OK,
	CONVERSATION_IS_CLOSE,
	EVENT_OK,
	json,
	NOT_PROCESSED,
	ok,
	PROFILE_OK,
	type ItemAnswer,
} from './answers';
import type { ConversationStore } from './conversations';
import {
	exemptFromBodyLimit,
	FILE_URL_TYPES,
	handleFileUrlRequest,
	publishHostedFile,
} from './files';
import type { FileStore } from './storage';
import type { ConsumerJwsClaims, TokenAuthority } from './tokens';
import type { EmulatorAnswer, RecordedRequest, RoutingView } from './types';
import {
	checkCreateBatch,
	checkEnvelope,
	checkFirstMessage,
	checkPublishEvent,
	checkRequestConversation,
	checkSetUserProfile,
	checkUpdateConversationField,
	isObj,
	reqIdOf,
	SEND_TYPES,
	TYPE_PUBLISH_EVENT,
	TYPE_SET_USER_PROFILE,
	TYPE_UPDATE_CONVERSATION_FIELD,
	type LpRequest,
	type Obj,
} from './validation';

export const MAX_BODY_CHARS = 5000;

export interface MessagingContext {
	record: RecordedRequest;
	accountId: string;
	tokens: TokenAuthority;
	store: ConversationStore;
	/** An expireToken fault: the AppJWT of this request counts as expired. */
	forceExpired: boolean;
	/** The storage host, for the file requests over SEND. */
	files?: FileStore;
}

/** The raw header value. */
// inferred: a `Bearer ` prefix is tolerated on every endpoint, not only IDP (public clients send none).
export function appJwtFrom(headers: Record<string, string>): string | undefined {
	const raw = headers['authorization']?.trim();
	if (!raw) return undefined;
	const token = raw.replace(/^Bearer\s+/i, '').trim();
	return token.length > 0 ? token : undefined;
}

/** 40105 when the AppJWT is missing, 40102 when invalid or expired; undefined when fine. */
export function checkAppJwt(
	ctx: Pick<MessagingContext, 'record' | 'tokens' | 'forceExpired'>,
): EmulatorAnswer | undefined {
	const token = appJwtFrom(ctx.record.headers);
	if (token === undefined) return authError(40105);
	const verdict = ctx.tokens.verifyAppJwt(token, ctx.forceExpired);
	return verdict.ok ? undefined : authError(40102);
}

function checkAuth(
	ctx: MessagingContext,
): { ok: true; consumer: ConsumerJwsClaims } | { ok: false; answer: EmulatorAnswer } {
	const appProblem = checkAppJwt(ctx);
	if (appProblem) return { ok: false, answer: appProblem };
	const jws = ctx.record.headers['x-lp-on-behalf']?.trim();
	if (!jws) return { ok: false, answer: authError(40104) };
	const verdict = ctx.tokens.verifyConsumerJws(jws);
	if (!verdict.ok) return { ok: false, answer: authError(40103) };
	return { ok: true, consumer: verdict.claims };
}

function tooLong(ctx: MessagingContext): string | undefined {
	// inferred: "characters" counted as JavaScript/Java string length (UTF-16 code units).
	const n = ctx.record.rawBody.length;
	return n > MAX_BODY_CHARS
		? `Bad Request, the request body has ${n} characters; the limit is ${MAX_BODY_CHARS}`
		: undefined;
}

function parsed(ctx: MessagingContext): { ok: true; value: unknown } | { ok: false } {
	if (ctx.record.json !== undefined) return { ok: true, value: ctx.record.json };
	return { ok: false };
}

// ---------------------------------------------------------------------------------------------
// CONVERSATION

// inferred: create answers are always arrays; a problem with no item to pin it on (size, JSON, not an
// array) gets one BAD_REQUEST entry without reqId. SEND answers the same as one object.
function createFailure(items: ItemAnswer[]): EmulatorAnswer {
	return json(400, items);
}

export function handleCreate(ctx: MessagingContext): EmulatorAnswer {
	const auth = checkAuth(ctx);
	if (!auth.ok) return auth.answer;
	const { consumer } = auth;

	const size = tooLong(ctx);
	if (size) return createFailure([bad(size, undefined)]);

	const body = parsed(ctx);
	if (!body.ok) return createFailure([bad('Bad Request, the body is not valid JSON', undefined)]);

	const batch = checkCreateBatch(body.value);
	if (!batch.ok) {
		if ('whole' in batch) return createFailure([bad(`Bad Request, ${batch.whole}`, undefined)]);
		const raw = body.value as unknown[];
		return createFailure(
			batch.perItem.map((p, i) => bad(p ? `Bad Request, ${p}` : NOT_PROCESSED, reqIdOf(raw[i]))),
		);
	}
	const [profileReq, requestReq, messageReq] = batch.items;

	const open = ctx.store.openFor(consumer.lp_consumer_id);
	if (open) {
		// The documented answer: the profile is set, the conversation refused.
		const profileProblem = checkSetUserProfile(profileReq.body);
		const answers: ItemAnswer[] = [];
		if (profileProblem) {
			answers.push(bad(`Bad Request, ${profileProblem}`, profileReq.id));
		} else {
			ctx.store.setProfile(consumer.lp_consumer_id, consumer.ext_consumer_id, profileReq.body);
			ctx.record.processed = true;
			answers.push(ok({ msg: PROFILE_OK }, profileReq.id));
		}
		answers.push(
			bad(
				`Consumer request conversation failed: User ${consumer.lp_consumer_id} already has open conversation. Can't open another one.`,
				requestReq.id,
			),
		);
		// inferred: the optional first message is refused too, as it has no conversation to go to.
		if (messageReq) answers.push(bad(NOT_PROCESSED, messageReq.id));
		return json(400, answers);
	}

	const problems = [
		checkSetUserProfile(profileReq.body),
		checkRequestConversation(requestReq.body, ctx.accountId),
		messageReq ? checkFirstMessage(messageReq.body) : undefined,
	].slice(0, batch.items.length);
	if (problems.some((p) => p !== undefined)) {
		// inferred: content errors reject the whole batch; nothing is applied.
		return createFailure(
			batch.items.map((req, i) =>
				bad(problems[i] ? `Bad Request, ${problems[i]}` : NOT_PROCESSED, req.id),
			),
		);
	}

	const conv = ctx.store.create({
		extConsumerId: consumer.ext_consumer_id,
		lpConsumerId: consumer.lp_consumer_id,
		profile: profileReq.body,
		routing: routingOf(requestReq.body),
		// inferred: Client-Properties is stored as sent, never parsed or validated.
		clientProperties: ctx.record.headers['client-properties'],
	});
	ctx.record.processed = true;
	const answers = [
		ok({ msg: PROFILE_OK }, profileReq.id),
		ok({ conversationId: conv.conversationId }, requestReq.id),
	];
	if (messageReq) {
		const sequence = ctx.store.publish(conv, 'consumer', messageReq.body.event as Obj, {
			reqId: messageReq.id,
			clientProperties: ctx.record.headers['client-properties'],
		});
		answers.push(ok({ sequence }, messageReq.id));
	}
	return json(200, answers);
}

function routingOf(body: Obj): RoutingView {
	const r: RoutingView = {
		brandId: body.brandId as string,
		channelType: body.channelType as string,
	};
	if (body.ttrDefName !== undefined) r.ttrDefName = body.ttrDefName as string;
	if (body.skillId !== undefined) r.skillId = body.skillId as string;
	if (body.campaignInfo !== undefined)
		r.campaignInfo = body.campaignInfo as RoutingView['campaignInfo'];
	if (body.conversationContext !== undefined) {
		r.conversationContext = body.conversationContext as Record<string, string>;
	}
	return r;
}

// ---------------------------------------------------------------------------------------------
// SEND

function sendBad(msg: string, reqId: string | undefined): EmulatorAnswer {
	return json(400, bad(msg, reqId));
}

export function handleSend(ctx: MessagingContext): EmulatorAnswer {
	const auth = checkAuth(ctx);
	if (!auth.ok) return auth.answer;
	const { consumer } = auth;

	const size = tooLong(ctx);
	if (size && !exemptFromBodyLimit(ctx.record, ctx.files, MAX_BODY_CHARS))
		return sendBad(size, undefined);

	const body = parsed(ctx);
	if (!body.ok) return sendBad('Bad Request, the body is not valid JSON', undefined);
	if (Array.isArray(body.value)) {
		return sendBad(
			'Bad Request, SEND takes one request object, not an array (batches go to CONVERSATION)',
			undefined,
		);
	}
	const env = checkEnvelope(body.value, 'request');
	if (!env.ok) return sendBad(`Bad Request, ${env.msg}`, reqIdOf(body.value));
	const req = env.req;
	const fileUrl =
		ctx.files !== undefined && (FILE_URL_TYPES as readonly string[]).includes(req.type);
	if (!(SEND_TYPES as readonly string[]).includes(req.type) && !fileUrl) {
		const known = [...SEND_TYPES, ...(ctx.files ? FILE_URL_TYPES : [])];
		return sendBad(
			`Bad Request, request.type "${req.type}" is not supported by SEND; expected one of ${known.join(', ')}`,
			req.id,
		);
	}
	if (fileUrl)
		return handleFileUrlRequest({ ...ctx, files: ctx.files as FileStore }, req, consumer);

	// inferred: a later SetUserProfile needs no open conversation; it updates the consumer and the open one.
	if (req.type === TYPE_SET_USER_PROFILE) {
		const problem = checkSetUserProfile(req.body);
		if (problem) return sendBad(`Bad Request, ${problem}`, req.id);
		ctx.store.setProfile(consumer.lp_consumer_id, consumer.ext_consumer_id, req.body);
		ctx.record.processed = true;
		return json(200, ok({ msg: PROFILE_OK }, req.id));
	}

	const idField = req.type === TYPE_PUBLISH_EVENT ? 'dialogId' : 'conversationId';
	const conversationId = req.body[idField];
	if (typeof conversationId !== 'string' || conversationId.length === 0) {
		return sendBad(`Bad Request, body.${idField} is missing`, req.id);
	}
	const conv = ctx.store.get(conversationId);
	// inferred wording: an unknown conversation is a plain 400.
	if (!conv) return sendBad(`Bad Request, conversation ${conversationId} was not found`, req.id);
	if (conv.lpConsumerId !== consumer.lp_consumer_id) {
		// inferred: 40103, since the ConsumerJWS is the credential that does not fit.
		return authError(
			40103,
			`ConsumerJWS does not belong to a participant of conversation ${conversationId}`,
		);
	}
	// inferred: closing a closed conversation gets the same answer as sending into it.
	if (conv.state === 'CLOSE') return sendBad(CONVERSATION_IS_CLOSE, req.id);

	if (req.type === TYPE_UPDATE_CONVERSATION_FIELD)
		return closeConversation(ctx, req, conv.conversationId);
	return publishEvent(ctx, req, conversationId);
}

function closeConversation(
	ctx: MessagingContext,
	req: LpRequest,
	conversationId: string,
): EmulatorAnswer {
	const problem = checkUpdateConversationField(req.body);
	if (problem) return sendBad(`Bad Request, ${problem}`, req.id);
	const conv = ctx.store.get(conversationId);
	if (!conv) return sendBad(`Bad Request, conversation ${conversationId} was not found`, req.id);
	ctx.store.close(conv, 'consumer');
	ctx.record.processed = true;
	return json(200, ok({ msg: CLOSE_OK }, req.id));
}

function publishEvent(ctx: MessagingContext, req: LpRequest, dialogId: string): EmulatorAnswer {
	if (ctx.files && isObj(req.body.event) && req.body.event.contentType === 'hosted/file') {
		if (req.body.conversationId !== undefined && req.body.conversationId !== dialogId)
			return sendBad(`Bad Request, body.conversationId does not match body.dialogId`, req.id);
		const clientProperties = ctx.record.headers['client-properties'];
		return publishHostedFile({ ...ctx, files: ctx.files, clientProperties }, req, dialogId);
	}
	const problem = checkPublishEvent(req.body);
	if (problem) return sendBad(`Bad Request, ${problem}`, req.id);
	if (req.body.conversationId !== undefined && req.body.conversationId !== dialogId) {
		// inferred: the main dialog id equals the conversation id, so both must agree.
		return sendBad(`Bad Request, body.conversationId does not match body.dialogId`, req.id);
	}
	const conv = ctx.store.get(dialogId);
	if (!conv || !isObj(req.body.event))
		return sendBad(`Bad Request, dialog ${dialogId} was not found`, req.id);
	const sequence = ctx.store.publish(conv, 'consumer', req.body.event, {
		reqId: req.id,
		clientProperties: ctx.record.headers['client-properties'],
	});
	ctx.record.processed = true;
	return json(200, ok(sequence === undefined ? { msg: EVENT_OK } : { sequence }, req.id));
}
