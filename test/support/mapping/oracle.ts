/**
 * "Valid per the API page", decided by the LivePerson emulator's own validator (written
 * independently of the node), plus the limits the page states: the whole body at most 5000
 * characters, distinct request ids, and no empty values sent in place of leaving a field out.
 */
import type { CreatePlan } from '../../../nodes/LivePersonConnector/helpers/requests';
import {
	checkCreateBatch,
	checkEnvelope,
	checkFirstMessage,
	checkPublishEvent,
	checkRequestConversation,
	checkSetUserProfile,
	type Obj,
} from '../../../emulator/src/validation';

export const MAX_BODY = 5000;
export const SAMPLE_CONVERSATION_ID = '8602832d-dce1-446b-8445-0d51f5926a42';

/** Paths of values that are `''`, `null`, `undefined`, or not JSON at all (NaN, Date, functions…). */
export function emptyOrForeignValues(value: unknown, path = '$'): string[] {
	if (value === '' || value === null || value === undefined)
		return [`${path} is ${JSON.stringify(value) ?? 'undefined'}`];
	if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path} is ${value}`];
	if (typeof value === 'string' || typeof value === 'boolean') return [];
	if (Array.isArray(value))
		return value.flatMap((item, index) => emptyOrForeignValues(item, `${path}[${index}]`));
	if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
		return Object.entries(value).flatMap(([key, item]) =>
			emptyOrForeignValues(item, `${path}.${key}`),
		);
	}
	return [`${path} is not plain JSON (${Object.prototype.toString.call(value)})`];
}

/** Everything wrong with a plan for `accountId`; empty when LivePerson would accept it. */
export function planProblems(plan: CreatePlan, accountId: string): string[] {
	const problems: string[] = [];
	const text = JSON.stringify(plan.batch);
	if (text.length > MAX_BODY) problems.push(`the batch has ${text.length} characters`);
	problems.push(...emptyOrForeignValues(plan.batch, 'batch'));
	// What the emulator sees is the serialised body, so validate that.
	const sent: unknown = JSON.parse(text);
	const batch = checkCreateBatch(sent);
	if (!batch.ok) {
		problems.push('whole' in batch ? batch.whole : batch.perItem.filter(Boolean).join('; '));
		return problems;
	}
	const ids = batch.items.map((item) => item.id);
	if (new Set(ids).size !== ids.length) problems.push(`request ids repeat: ${ids.join(', ')}`);
	const [profile, conversation, message] = batch.items;
	const itemProblems = [
		checkSetUserProfile(profile.body),
		checkRequestConversation(conversation.body, accountId),
		message ? checkFirstMessage(message.body) : undefined,
	];
	problems.push(...itemProblems.filter((problem): problem is string => problem !== undefined));

	if (plan.firstMessageSend) {
		if (message) problems.push('the first message is both in the batch and a separate SEND');
		const send = plan.firstMessageSend(SAMPLE_CONVERSATION_ID);
		const sendText = JSON.stringify(send);
		if (sendText.length > MAX_BODY) problems.push(`the SEND has ${sendText.length} characters`);
		problems.push(...emptyOrForeignValues(send, 'send'));
		const envelope = checkEnvelope(JSON.parse(sendText), 'send');
		if (!envelope.ok) problems.push(envelope.msg);
		else {
			if (envelope.req.type !== 'ms.PublishEvent')
				problems.push(`the SEND is a ${envelope.req.type}`);
			const problem = checkPublishEvent(envelope.req.body as Obj);
			if (problem) problems.push(problem);
			if (envelope.req.body.dialogId !== SAMPLE_CONVERSATION_ID)
				problems.push('the SEND goes to another dialog');
		}
	}
	return problems;
}

/** Customer Info dates that are not real calendar dates (2023-02-29, month 13…). */
export function impossibleDates(batch: unknown): string[] {
	const problems: string[] = [];
	const sdes =
		(batch as { body?: { authenticatedData?: { lp_sdes?: unknown[] } } }[])[0]?.body
			?.authenticatedData?.lp_sdes ?? [];
	for (const sde of sdes as { type?: string; info?: Record<string, unknown> }[]) {
		if (sde.type !== 'ctmrinfo' || !sde.info) continue;
		for (const name of ['lastPaymentDate', 'registrationDate']) {
			const date = sde.info[name] as { year: number; month: number; day: number } | undefined;
			if (!date) continue;
			const real = new Date(Date.UTC(2000, date.month - 1, date.day));
			real.setUTCFullYear(date.year);
			const ok =
				date.year >= 1 &&
				date.year <= 9999 &&
				real.getUTCFullYear() === date.year &&
				real.getUTCMonth() === date.month - 1 &&
				real.getUTCDate() === date.day;
			if (!ok) problems.push(`${name} ${JSON.stringify(date)} is not a calendar date`);
		}
	}
	return problems;
}
