/**
 * Property-based tests of the mapping layer, with the LivePerson emulator's own validator
 * (emulator/src/validation.ts, written from the API page independently of the node) as the
 * oracle for "valid per the API page".
 *
 * 1. For any parameters at all (valid values, edge values, garbage, for every field), planCreate
 *    either returns requests the API accepts, or throws an InputError naming a field the user set.
 * 2. For valid parameters, the requests hold exactly what a model written from the API page says;
 *    with one tricky value added, planCreate refuses naming exactly that field, or stays valid.
 * 3. matchAnswers turns any answer into results or an AnswerError, nothing else.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import {
	AnswerError,
	codeVerdict,
	matchAnswers,
} from '../nodes/LivePersonConnector/transport/answers';
import {
	TTR_DEF_NAMES,
	planCreate,
	type CreateParameters,
	type CreatePlan,
	type FirstMessageDelivery,
} from '../nodes/LivePersonConnector/helpers/requests';
import { InputError } from '../nodes/shared/errors';
import {
	AGE_FIELDS,
	AGE_RANGES,
	CUSTOMER_INFO_FIELDS,
	GENDERS,
	PERSONAL_INFO_FIELDS,
	PHONE_TYPES,
} from '../nodes/LivePersonConnector/helpers/sdeFields';
import type { ConnectorRequest } from '../nodes/LivePersonConnector/transport/types';
import type { PersonalInfoParameters } from '../nodes/LivePersonConnector/helpers/sdes';
import { isBlank, isCalendarDate, optionalIdentity } from '../nodes/shared/values';
import {
	blank,
	brokenJson,
	enumPair,
	garbage,
	someOf,
	tricky,
	validOrBlank,
	validText,
	wild,
	type Pair,
} from './support/mapping/arbitraries';
import { inputErrorDefects } from './support/mapping/inputErrors';
import {
	MAX_BODY,
	SAMPLE_CONVERSATION_ID,
	impossibleDates,
	planProblems,
} from './support/mapping/oracle';

fc.configureGlobal({ seed: 42, numRuns: 300 });

const JSON_SDES = 'Additional SDEs (JSON)';

const PROFILE_FIELDS: Record<string, string> = {
	firstName: 'First Name',
	lastName: 'Last Name',
	userId: 'User ID',
	avatarUrl: 'Avatar URL',
	role: 'Role',
	backgndImgUri: 'Background Image URL',
	description: 'Description',
	mobileNum: 'Mobile Number',
	mail: 'Email',
	pushServiceName: 'Push Service Name',
	pushCertName: 'Push Certificate Name',
	pushToken: 'Push Token',
};
const PROFILE_KEYS = Object.keys(PROFILE_FIELDS);
const CONTEXT_FIELDS: Record<string, string> = {
	visitorId: 'Visitor ID',
	sessionId: 'Session ID',
	interactionContextId: 'Interaction Context ID',
	lang: 'Language',
};
const CONTEXT_KEYS = Object.keys(CONTEXT_FIELDS);
const CONTACT_FIELDS: Record<string, string> = {
	email: 'Email',
	phone: 'Phone',
	phoneType: 'Phone Type',
	country: 'Country',
	region: 'Region',
};
const CONTACT_KEYS = Object.keys(CONTACT_FIELDS);
const CUSTOMER_NAMES = CUSTOMER_INFO_FIELDS.map((field) => field.name);
const PERSONAL_NAMES = PERSONAL_INFO_FIELDS.map((field) => field.name);
const kindOf = (name: string) =>
	[...CUSTOMER_INFO_FIELDS, ...PERSONAL_INFO_FIELDS].find((field) => field.name === name)?.kind ??
	'string';
const rangeOf = (name: string) =>
	[...CUSTOMER_INFO_FIELDS, ...PERSONAL_INFO_FIELDS].find((field) => field.name === name)?.range;

/** What goes over the wire: -0 and 0 are the same there, undefined keys vanish. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/** JSON text of anything the generators make (BigInt would make JSON.stringify throw). */
const toJson = (value: unknown, pretty = false) =>
	JSON.stringify(
		value,
		(_key, item: unknown) => (typeof item === 'bigint' ? String(item) : item),
		pretty ? 2 : undefined,
	) ?? 'undefined';

const accountId = fc.stringMatching(/^[1-9][0-9]{3,9}$/);

type CampaignVariant = 'none' | 'optional' | 'required';

function assemble(parts: {
	accountId: string;
	userProfile?: IDataObject;
	customerInfo?: IDataObject;
	personalInfo?: IDataObject;
	sdesJson?: unknown;
	routing?: IDataObject;
	conversationContext?: IDataObject;
	variant: CampaignVariant;
	required?: { campaignId?: unknown; engagementId?: unknown };
	firstMessage?: { text: unknown; delivery: FirstMessageDelivery };
}): CreateParameters {
	// As actions/conversation/create.ts readParameters builds them.
	const parameters: CreateParameters = {
		accountId: parts.accountId,
		userProfile: parts.userProfile,
		customerInfo: parts.customerInfo,
		personalInfo: parts.personalInfo,
		sdesJson: parts.sdesJson,
		routing: parts.routing,
		conversationContext: parts.conversationContext,
	};
	if (parts.variant === 'required') {
		parameters.campaign = {
			campaignId: parts.required?.campaignId,
			engagementId: parts.required?.engagementId,
			required: true,
		};
	} else if (parts.variant === 'optional') {
		parameters.campaign = {
			campaignId: parts.routing?.campaignId,
			engagementId: parts.routing?.engagementId,
			required: false,
		};
	}
	if (parts.firstMessage) parameters.firstMessage = parts.firstMessage;
	return parameters;
}

// ---------------------------------------------------------------------------------------------
// 1. Anything in, valid requests or a precise InputError out

/**
 * Parameters where each value is garbage with weight `noise` against 10 for a valid or blank
 * one: noise 0 gives mostly valid items (a few over-long or broken JSON), 10 mostly refused ones.
 */
function wildParameters(noise: number): fc.Arbitrary<CreateParameters> {
	const junk = { arbitrary: garbage, weight: noise };
	/** Keys LivePerson does not know, only when there is noise. */
	const unknown = (...keys: string[]) => (noise > 0 ? keys : []);
	const field = (kind: Parameters<typeof wild>[0]) => wild(kind, noise);
	/** A whole value (an SDE, its info, a contact…) replaced by garbage now and then. */
	const orJunk = <T>(arbitrary: fc.Arbitrary<unknown & T>) =>
		fc.oneof({ arbitrary: arbitrary as fc.Arbitrary<unknown>, weight: 20 }, junk);

	const skillId = fc.oneof(
		{
			arbitrary: fc.integer({ min: -1, max: 2 ** 31 }).map((n) => (n % 2 === 0 ? n : ` ${n} `)),
			weight: 7,
		},
		{ arbitrary: blank, weight: 3 },
		junk,
	);
	const contacts = fc.oneof(
		fc.constant(undefined),
		fc.constant({}),
		fc.record({
			contact: fc.array(
				someOf(CONTACT_KEYS, (key) =>
					key === 'phoneType' ? field({ enum: PHONE_TYPES }) : field('string'),
				),
				{ maxLength: 4 },
			),
		}),
	);
	const personalInfo = fc
		.tuple(
			someOf([...PERSONAL_NAMES, 'gender', 'age', 'birthDate'], (key) =>
				key === 'gender'
					? field({ enum: GENDERS })
					: key === 'age'
						? field('integer')
						: key === 'birthDate'
							? field('date')
							: field(kindOf(key)),
			),
			contacts,
		)
		.map(
			([fields, rows]) =>
				(rows === undefined ? fields : { ...fields, contacts: rows }) as IDataObject,
		);

	// Additional SDEs: the right structure most of the time, with unknown keys and junk mixed in.
	const ctmrinfo = fc
		.record(
			{
				type: fc.oneof({ arbitrary: fc.constant('ctmrinfo'), weight: 20 }, junk),
				info: orJunk(
					someOf([...CUSTOMER_NAMES, ...unknown('vipLevel')], (key) =>
						key === 'vipLevel' ? garbage : field(kindOf(key)),
					),
				),
				extra: garbage,
			},
			{ requiredKeys: ['type', 'info'], noNullPrototype: true },
		)
		.map(({ type, info, extra }) =>
			noise > 0 && extra !== undefined && typeof info === 'object'
				? { type, info, extra }
				: { type, info },
		);
	const address = orJunk(
		someOf(['country', 'region', ...unknown('city')], (key) =>
			key === 'city' ? garbage : field('string'),
		),
	);
	const jsonContact = orJunk(
		someOf(['email', 'phone', 'phoneType', 'address', ...unknown('fax')], (key) =>
			key === 'address'
				? address
				: key === 'phoneType'
					? field({ enum: PHONE_TYPES })
					: key === 'fax'
						? garbage
						: field('string'),
		),
	);
	const personal = fc.record(
		{
			type: fc.oneof({ arbitrary: fc.constant('personal'), weight: 20 }, junk),
			personal: orJunk(
				someOf([...PERSONAL_NAMES, 'gender', 'age', 'contacts', ...unknown('nickname')], (key) => {
					if (key === 'gender') return field({ enum: GENDERS });
					if (key === 'age')
						return orJunk(
							someOf([...AGE_FIELDS, ...unknown('years')], (part) =>
								part === 'years' ? garbage : field('integer'),
							),
						);
					if (key === 'contacts') return orJunk(fc.array(jsonContact, { maxLength: 3 }));
					if (key === 'nickname') return garbage;
					return field('string');
				}),
			),
		},
		{ noNullPrototype: true },
	);
	const sde = fc.oneof(
		{ arbitrary: ctmrinfo, weight: 10 },
		{ arbitrary: personal, weight: 10 },
		junk,
	);
	const sdeList = fc.array(sde, { maxLength: 2 });
	const sdesJson: fc.Arbitrary<unknown> = fc.oneof(
		{ arbitrary: blank, weight: 6 },
		{ arbitrary: sdeList, weight: 2 },
		{ arbitrary: sde, weight: 1 },
		{
			arbitrary: fc.tuple(sdeList, fc.boolean()).map(([list, pretty]) => toJson(list, pretty)),
			weight: 2,
		},
		{ arbitrary: sde.map((one) => toJson(one)), weight: 1 },
		{ arbitrary: sdeList.chain((list) => brokenJson(toJson(list))), weight: 1 },
		{ arbitrary: fc.json({ maxDepth: 3 }), weight: 1 },
		junk,
	);

	return fc
		.record({
			accountId,
			userProfile: fc.option(
				someOf(PROFILE_KEYS, () => field('string')),
				{ nil: undefined },
			),
			// Often absent, so that JSON SDEs do not always clash with the typed ones.
			customerInfo: fc.oneof(
				fc.constant(undefined),
				someOf(CUSTOMER_NAMES, (name) => field(kindOf(name))),
			),
			personalInfo: fc.oneof(fc.constant(undefined), personalInfo),
			sdesJson,
			routing: fc.option(
				someOf(['ttrDefName', 'skillId', 'campaignId', 'engagementId'], (key) =>
					key === 'ttrDefName'
						? field({ enum: TTR_DEF_NAMES })
						: key === 'skillId'
							? skillId
							: field('string'),
				),
				{ nil: undefined },
			),
			conversationContext: fc.option(
				someOf(CONTEXT_KEYS, () => field('string')),
				{ nil: undefined },
			),
			variant: fc.constantFrom<CampaignVariant>('none', 'optional', 'required'),
			required: someOf(['campaignId', 'engagementId'], () => field('string')),
			firstMessage: fc.option(
				fc.record({
					text: fc.oneof(
						{ arbitrary: validText.map(([input]) => input), weight: 17 },
						{ arbitrary: blank, weight: 2 },
						{
							arbitrary: fc.integer({ min: 4900, max: 5100 }).map((n) => 'm'.repeat(n)),
							weight: 1,
						},
						junk,
					),
					delivery: fc.constantFrom<FirstMessageDelivery>('inCreateRequest', 'separateSend'),
				}),
				{ nil: undefined },
			),
		})
		.map(assemble);
}

const anyParameters = fc.oneof(
	{ arbitrary: wildParameters(0), weight: 3 },
	wildParameters(1),
	wildParameters(10),
);

/** The raw input an InputError's field points at, when it is a single typed field. */
function inputNamedBy(parameters: CreateParameters, field: string): { value: unknown } | undefined {
	const [section, ...rest] = field.split(' › ');
	const name = rest.join(' › ');
	const key = (labels: Record<string, string>) =>
		Object.keys(labels).find((candidate) => labels[candidate] === name);
	const fromTable = (fields: { name: string; displayName: string }[]) =>
		fields.find((candidate) => candidate.displayName === name)?.name;
	switch (section) {
		case 'User Profile':
			return { value: parameters.userProfile?.[key(PROFILE_FIELDS) ?? '?'] };
		case 'Conversation Context':
			return { value: parameters.conversationContext?.[key(CONTEXT_FIELDS) ?? '?'] };
		case 'Customer Info (SDE)':
			return { value: parameters.customerInfo?.[fromTable(CUSTOMER_INFO_FIELDS) ?? '?'] };
		case 'Personal Info (SDE)': {
			const contact = /^Contacts › contact (\d+) › (.+)$/.exec(name);
			if (contact) {
				const row = parameters.personalInfo?.contacts?.contact?.[Number(contact[1]) - 1];
				const rowKey = Object.keys(CONTACT_FIELDS).find(
					(candidate) => CONTACT_FIELDS[candidate] === contact[2],
				);
				return { value: row?.[rowKey ?? '?'] };
			}
			const special: Record<string, string> = {
				Gender: 'gender',
				Age: 'age',
				'Date of Birth': 'birthDate',
			};
			return {
				value: parameters.personalInfo?.[special[name] ?? fromTable(PERSONAL_INFO_FIELDS) ?? '?'],
			};
		}
		case 'Routing':
			if (name === 'Time to Response') return { value: parameters.routing?.ttrDefName };
			if (name === 'Skill ID') return { value: parameters.routing?.skillId };
			return undefined; // a campaign id may be named because it is empty while the other is set
		default:
			return undefined;
	}
}

/** The field labels the node may name, built from its tables. */
function isKnownField(field: string): boolean {
	const profile = Object.values(PROFILE_FIELDS).map((name) => `User Profile › ${name}`);
	const customer = CUSTOMER_INFO_FIELDS.map((item) => `Customer Info (SDE) › ${item.displayName}`);
	const personal = [
		...PERSONAL_INFO_FIELDS.map((item) => item.displayName),
		'Gender',
		'Age',
		'Date of Birth',
	].map((name) => `Personal Info (SDE) › ${name}`);
	const routing = ['Time to Response', 'Skill ID', 'Campaign ID', 'Engagement ID'].map(
		(name) => `Routing › ${name}`,
	);
	const context = Object.values(CONTEXT_FIELDS).map((name) => `Conversation Context › ${name}`);
	const fixed = ['Campaign ID', 'Engagement ID', 'Message', 'User Profile and SDEs', JSON_SDES];
	if ([...profile, ...customer, ...personal, ...routing, ...context, ...fixed].includes(field))
		return true;
	if (
		/^Personal Info \(SDE\) › Contacts › contact [1-9]\d* › (Email|Phone|Phone Type|Country|Region)$/.test(
			field,
		)
	)
		return true;
	return /^Additional SDEs \(JSON\) › entry [1-9]\d*( › \S.*)?$/.test(field);
}

function describeThrown(error: unknown): string {
	return error instanceof Error
		? `${error.name}: ${error.message}\n${error.stack ?? ''}`
		: String(error);
}

describe('planCreate, for any parameters', () => {
	it('returns requests the API accepts, or throws an InputError naming the field at fault', () => {
		let planned = 0;
		let refused = 0;
		fc.assert(
			fc.property(anyParameters, (parameters) => {
				let plan: CreatePlan;
				try {
					plan = planCreate(parameters);
				} catch (error) {
					if (!(error instanceof InputError))
						throw new Error(
							`planCreate threw something else than an InputError: ${describeThrown(error)}`,
						);
					refused++;
					expect(inputErrorDefects(error)).toEqual([]);
					expect(isKnownField(error.field)).toBe(true);
					const named = inputNamedBy(parameters, error.field);
					// Blank values are never an error: the field it names must have been set.
					if (named) expect(isBlank(named.value)).toBe(false);
					if (error.field.startsWith(JSON_SDES)) expect(isBlank(parameters.sdesJson)).toBe(false);
					if (error.field === 'Campaign ID' || error.field === 'Engagement ID')
						expect(parameters.campaign?.required).toBe(true);
					if (error.field === 'Message') expect(parameters.firstMessage).toBeDefined();
					return;
				}
				planned++;
				expect(planProblems(plan, parameters.accountId)).toEqual([]);
				expect(impossibleDates(plan.batch)).toEqual([]);
				if (!parameters.firstMessage) {
					expect(plan.batch).toHaveLength(2);
					expect(plan.firstMessageSend).toBeUndefined();
				} else if (parameters.firstMessage.delivery === 'separateSend') {
					expect(plan.batch).toHaveLength(2);
					expect(plan.firstMessageSend?.(SAMPLE_CONVERSATION_ID).body.event).toMatchObject({
						message: parameters.firstMessage.text,
					});
				} else {
					expect(plan.batch).toHaveLength(3);
					expect(plan.batch[2].body.event).toMatchObject({ message: parameters.firstMessage.text });
				}
				// Deterministic: the same parameters make the same requests.
				expect(wire(planCreate(parameters).batch)).toEqual(wire(plan.batch));
			}),
		);
		// The generators must exercise both outcomes, or the property says little.
		expect(planned).toBeGreaterThan(20);
		expect(refused).toBeGreaterThan(20);
	});
});

// ---------------------------------------------------------------------------------------------
// 2. Valid parameters, checked against a model of the API page

interface Model {
	parameters: CreateParameters;
	/** The SetUserProfile and ConsumerRequestConversation bodies the API page asks for. */
	profile: IDataObject;
	conversation: IDataObject;
	message?: { text: string; delivery: FirstMessageDelivery };
	/** The JSON sets a type twice, or a type its fields already set. */
	jsonConflict: boolean;
}

type PairRecord = Record<string, Pair | undefined>;
const inputs = (pairs: PairRecord): IDataObject =>
	Object.fromEntries(Object.entries(pairs).map(([key, pair]) => [key, pair?.[0]])) as IDataObject;
/** Expected values, leaving out what must not be sent; undefined when nothing is left. */
function expected(pairs: PairRecord, rename: Record<string, string> = {}): IDataObject | undefined {
	const entries = Object.entries(pairs)
		.filter(([, pair]) => pair !== undefined && pair[1] !== undefined)
		.map(([key, pair]) => [rename[key] ?? key, pair?.[1]]);
	return entries.length > 0 ? (Object.fromEntries(entries) as IDataObject) : undefined;
}
const blankPair: fc.Arbitrary<Pair> = blank.map((input): Pair => [input, undefined]);
const enumOrBlank = (allowed: readonly string[]) =>
	fc.oneof({ arbitrary: enumPair(allowed), weight: 3 }, blankPair);
const pairsOf = (keys: readonly string[], pair: (key: string) => fc.Arbitrary<Pair>) =>
	fc.record(
		Object.fromEntries(keys.map((key) => [key, pair(key)])) as Record<string, fc.Arbitrary<Pair>>,
		{
			requiredKeys: [],
			noNullPrototype: true,
		},
	) as fc.Arbitrary<PairRecord>;

const validContactRow = pairsOf(CONTACT_KEYS, (key) =>
	key === 'phoneType' ? enumOrBlank(PHONE_TYPES) : validOrBlank('string'),
);
/** A row added in the panel and left empty. */
const emptyContactRow = pairsOf(CONTACT_KEYS, () => blankPair);
function expectedContact(row: PairRecord): IDataObject | undefined {
	const { country, region, ...rest } = row;
	const address = expected({ country, region });
	return expected({ ...rest, address: address ? [address, address] : undefined });
}

/** A JSON SDE of `type` with at least one value set, and the SDE LivePerson must get. */
function validJsonSde(type: 'ctmrinfo' | 'personal'): fc.Arbitrary<Pair> {
	if (type === 'ctmrinfo') {
		return pairsOf(CUSTOMER_NAMES, (name) => validOrBlank(kindOf(name), rangeOf(name)))
			.filter((pairs) => expected(pairs) !== undefined)
			.map((pairs): Pair => [
				{ type, info: inputs(pairs) },
				{ type, info: expected(pairs) },
			]);
	}
	// A complete {year, month, day} must be a real date (as Date of Birth must).
	const isRealDate = (age: IDataObject) =>
		age.year === undefined ||
		age.month === undefined ||
		age.day === undefined ||
		isCalendarDate(age as never);
	const age = pairsOf(AGE_FIELDS, (key) =>
		validOrBlank('integer', AGE_RANGES[key as keyof typeof AGE_RANGES]),
	).filter((pairs) => expected(pairs) !== undefined && isRealDate(expected(pairs) as IDataObject));
	const address = pairsOf(['country', 'region'], () => validOrBlank('string')).filter(
		(pairs) => expected(pairs) !== undefined,
	);
	const contact = fc
		.record({
			row: pairsOf(['email', 'phone', 'phoneType'], (key) =>
				key === 'phoneType' ? enumOrBlank(PHONE_TYPES) : validOrBlank('string'),
			),
			address: fc.option(address, { nil: undefined }),
		})
		.map(({ row, address: where }): Pair => {
			const input = inputs(row);
			const output = expected(row) ?? {};
			if (where) {
				input.address = inputs(where);
				output.address = expected(where);
			}
			return [input, output];
		})
		.filter(([, output]) => Object.keys(output as IDataObject).length > 0);
	return fc
		.record(
			{
				text: pairsOf(PERSONAL_NAMES, () => validOrBlank('string')),
				gender: enumOrBlank(GENDERS),
				age: fc.option(age, { nil: undefined }),
				contacts: fc.option(fc.array(contact, { minLength: 1, maxLength: 2 }), { nil: undefined }),
			},
			{ requiredKeys: [] },
		)
		.map(({ text, gender, age: years, contacts }) => {
			const input: IDataObject = { ...inputs(text ?? {}) };
			const output: IDataObject = { ...expected(text ?? {}) };
			if (gender) {
				input.gender = gender[0] as string;
				if (gender[1] !== undefined) output.gender = gender[1] as string;
			}
			if (years) {
				input.age = inputs(years);
				output.age = expected(years);
			}
			if (contacts) {
				input.contacts = contacts.map(([row]) => row as IDataObject);
				output.contacts = contacts.map(([, row]) => row as IDataObject);
			}
			return [
				{ type, personal: input },
				{ type, personal: output },
			] as Pair;
		})
		.filter(([, sde]) => Object.keys((sde as { personal: IDataObject }).personal).length > 0);
}

const validSdesJson: fc.Arbitrary<{ input: unknown; sdes: IDataObject[] }> = fc
	.oneof(
		{ arbitrary: fc.constant<('ctmrinfo' | 'personal')[]>([]), weight: 2 },
		{
			arbitrary: fc.array(fc.constantFrom<'ctmrinfo' | 'personal'>('ctmrinfo', 'personal'), {
				minLength: 1,
				maxLength: 2,
			}),
			weight: 3,
		},
	)
	.chain((types) => fc.tuple(...types.map(validJsonSde)))
	.chain((pairs) => {
		const list = pairs.map(([input]) => input);
		const sdes = pairs.map(([, sde]) => sde as IDataObject);
		const forms: fc.Arbitrary<unknown>[] = [
			fc.constant(list),
			fc.constant(toJson(list)),
			fc.constant(toJson(list, true)),
		];
		if (list.length === 0) forms.push(blank);
		if (list.length === 1) forms.push(fc.constant(list[0]), fc.constant(toJson(list[0])));
		return fc.oneof(...forms).map((input) => ({ input, sdes }));
	});

const validSkillId: fc.Arbitrary<Pair> = fc.oneof(
	fc.integer({ min: -1, max: 2 ** 31 }).map((n): Pair => [n, String(n)]),
	fc.integer({ min: -1, max: 2 ** 31 }).map((n): Pair => [` ${n} `, String(n)]),
	blankPair,
);

const validModel: fc.Arbitrary<Model> = fc
	.record({
		accountId,
		profile: pairsOf(PROFILE_KEYS, () => validOrBlank('string')),
		customer: pairsOf(CUSTOMER_NAMES, (name) => validOrBlank(kindOf(name), rangeOf(name))),
		personal: pairsOf(PERSONAL_NAMES, () => validOrBlank('string')),
		gender: enumOrBlank(GENDERS),
		age: fc.oneof(
			fc.integer({ min: 0, max: 150 }).map((n): Pair => [n % 3 === 0 ? String(n) : n, n]),
			blankPair,
		),
		birthDate: validOrBlank('date'),
		contacts: fc.option(
			fc.array(fc.oneof({ arbitrary: validContactRow, weight: 3 }, emptyContactRow), {
				maxLength: 3,
			}),
			{ nil: undefined },
		),
		sdes: validSdesJson,
		ttrDefName: enumOrBlank(TTR_DEF_NAMES),
		skillId: validSkillId,
		variant: fc.constantFrom<CampaignVariant>('none', 'optional', 'required'),
		campaign: fc.oneof(fc.tuple(validText, validText), fc.tuple(blankPair, blankPair)),
		context: pairsOf(CONTEXT_KEYS, () => validOrBlank('string')),
		// Whole sections left empty, so the JSON SDEs often have no typed SDE to clash with.
		customerOn: fc.boolean(),
		personalOn: fc.boolean(),
		// A long description, to reach the 5000-character limit now and then.
		padding: fc.oneof(
			{ arbitrary: fc.constant(undefined), weight: 5 },
			fc.integer({ min: 4000, max: 5200 }),
		),
		message: fc.option(
			fc.record({
				text: fc
					.string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
					.filter((text) => text.trim() !== ''),
				delivery: fc.constantFrom<FirstMessageDelivery>('inCreateRequest', 'separateSend'),
			}),
			{ nil: undefined },
		),
	})
	.map((generated): Model => {
		const off: Pair = [undefined, undefined];
		const m = {
			...generated,
			profile: generated.padding
				? {
						...generated.profile,
						description: ['d'.repeat(generated.padding), 'd'.repeat(generated.padding)] as Pair,
					}
				: generated.profile,
			customer: generated.customerOn ? generated.customer : {},
			personal: generated.personalOn ? generated.personal : {},
			gender: generated.personalOn ? generated.gender : off,
			age: generated.personalOn ? generated.age : off,
			birthDate: generated.personalOn ? generated.birthDate : off,
			contacts: generated.personalOn ? generated.contacts : undefined,
		};
		// Campaign: required takes two valid ids; optional both or neither; none ignores them.
		const [campaignId, engagementId] =
			m.variant === 'required'
				? m.campaign.map((pair) => (pair[1] === undefined ? (['id', 'id'] as Pair) : pair))
				: m.campaign;
		const routing: IDataObject = {
			ttrDefName: m.ttrDefName[0] as string,
			skillId: m.skillId[0] as string,
		};
		if (m.variant !== 'none' || campaignId[1] !== undefined)
			Object.assign(routing, { campaignId: campaignId[0], engagementId: engagementId[0] });
		const personalInfo: PersonalInfoParameters = {
			...inputs(m.personal),
			gender: m.gender[0] as string,
			age: m.age[0] as number,
			birthDate: m.birthDate[0] as string,
		};
		if (m.contacts) personalInfo.contacts = { contact: m.contacts.map(inputs) };
		const parameters = assemble({
			accountId: m.accountId,
			userProfile: inputs(m.profile),
			customerInfo: inputs(m.customer),
			personalInfo,
			sdesJson: m.sdes.input,
			routing,
			conversationContext: inputs(m.context),
			variant: m.variant,
			required: { campaignId: campaignId[0], engagementId: engagementId[0] },
			firstMessage: m.message,
		});

		// The model, straight from section 3 of the API page.
		const info = expected(m.customer);
		const ageObject = {
			...expected({ age: m.age }),
			...(m.birthDate[1] as IDataObject | undefined),
		};
		const contacts = (m.contacts ?? [])
			.map(expectedContact)
			.filter((row): row is IDataObject => row !== undefined);
		const personal = {
			...expected(m.personal),
			...expected({ gender: m.gender }),
			...(Object.keys(ageObject).length > 0 ? { age: ageObject } : {}),
			...(contacts.length > 0 ? { contacts } : {}),
		};
		const typed = [
			...(info ? [{ type: 'ctmrinfo', info }] : []),
			...(Object.keys(personal).length > 0 ? [{ type: 'personal', personal }] : []),
		];
		const jsonTypes = m.sdes.sdes.map((sde) => sde.type);
		const jsonConflict =
			new Set(jsonTypes).size !== jsonTypes.length ||
			typed.some((sde) => jsonTypes.includes(sde.type));
		const lpSdes = [...typed, ...m.sdes.sdes];
		const privateKeys = { mobileNum: m.profile.mobileNum, mail: m.profile.mail };
		const push = expected({
			serviceName: m.profile.pushServiceName,
			certName: m.profile.pushCertName,
			token: m.profile.pushToken,
		});
		const privateData = expected({
			...privateKeys,
			pushNotificationData: push ? [push, push] : undefined,
		});
		const {
			mobileNum: _m,
			mail: _a,
			pushServiceName: _s,
			pushCertName: _c,
			pushToken: _t,
			...visible
		} = m.profile;
		const profile: IDataObject = {
			...expected(visible),
			...(privateData ? { privateData } : {}),
			...(lpSdes.length > 0 ? { authenticatedData: { lp_sdes: lpSdes } } : {}),
		};
		const shark = expected(m.context);
		const conversation: IDataObject = {
			brandId: m.accountId,
			channelType: 'MESSAGING',
			...expected({ ttrDefName: m.ttrDefName, skillId: m.skillId }),
			...(m.variant !== 'none' && campaignId[1] !== undefined
				? { campaignInfo: { campaignId: campaignId[1], engagementId: engagementId[1] } }
				: {}),
			...(shark ? { conversationContext: { type: 'SharkContext', ...shark } } : {}),
		};
		return { parameters, profile, conversation, message: m.message, jsonConflict };
	});

describe('planCreate, for valid parameters', () => {
	it('sends exactly what the API page asks for, or refuses a body over 5000 characters', () => {
		let planned = 0;
		let tooLong = 0;
		let conflicts = 0;
		fc.assert(
			fc.property(validModel, (model) => {
				const expectedBatch: IDataObject[] = [
					{ kind: 'req', id: '1', type: 'userprofile.SetUserProfile', body: model.profile },
					{
						kind: 'req',
						id: '2',
						type: 'cm.ConsumerRequestConversation',
						body: model.conversation,
					},
				];
				if (model.message?.delivery === 'inCreateRequest') {
					expectedBatch.push({
						kind: 'req',
						id: '3',
						type: 'ms.PublishEvent',
						body: {
							event: {
								type: 'ContentEvent',
								contentType: 'text/plain',
								message: model.message.text,
							},
						},
					});
				}
				// With one-character ids, the smallest the batch can be.
				const modelSize = JSON.stringify(expectedBatch).length;

				let plan: CreatePlan;
				try {
					plan = planCreate(model.parameters);
				} catch (error) {
					if (!(error instanceof InputError))
						throw new Error(`planCreate threw: ${describeThrown(error)}`);
					expect(inputErrorDefects(error)).toEqual([]);
					if (model.jsonConflict) {
						conflicts++;
						expect(error.field).toBe(JSON_SDES);
						return;
					}
					tooLong++;
					expect(['User Profile and SDEs', 'Message']).toContain(error.field);
					expect(error.problem).toMatch(/5000/);
					// The node's ids may be longer than one character, but not by much.
					expect(modelSize).toBeGreaterThan(MAX_BODY - 100);
					return;
				}
				planned++;
				expect(model.jsonConflict).toBe(false);
				expect(modelSize).toBeLessThanOrEqual(MAX_BODY);
				expect(planProblems(plan, model.parameters.accountId)).toEqual([]);
				const strip = (batch: (ConnectorRequest | IDataObject)[]) =>
					wire(batch.map(({ kind, type, body }) => ({ kind, type, body })));
				expect(strip(plan.batch)).toEqual(strip(expectedBatch));
				if (model.message?.delivery === 'separateSend') {
					expect(wire(plan.firstMessageSend?.('conv-1').body)).toEqual({
						dialogId: 'conv-1',
						event: { type: 'ContentEvent', contentType: 'text/plain', message: model.message.text },
					});
				} else {
					expect(plan.firstMessageSend).toBeUndefined();
				}
			}),
		);
		expect(planned).toBeGreaterThan(100);
		expect(conflicts).toBeGreaterThan(10);
		expect(tooLong).toBeGreaterThan(10);
	});
});

// ---------------------------------------------------------------------------------------------
// 2b. Valid parameters with one tricky value: refused naming exactly that field, or still valid

interface Target {
	section:
		'userProfile' | 'customerInfo' | 'personalInfo' | 'conversationContext' | 'routing' | 'contact';
	key: string;
	label: string;
	kind: Parameters<typeof tricky>[0];
}

const TARGETS: Target[] = [
	...PROFILE_KEYS.map((key): Target => ({
		section: 'userProfile',
		key,
		label: `User Profile › ${PROFILE_FIELDS[key]}`,
		kind: 'string',
	})),
	...CUSTOMER_INFO_FIELDS.map((field): Target => ({
		section: 'customerInfo',
		key: field.name,
		label: `Customer Info (SDE) › ${field.displayName}`,
		kind: field.kind,
	})),
	...PERSONAL_INFO_FIELDS.map((field): Target => ({
		section: 'personalInfo',
		key: field.name,
		label: `Personal Info (SDE) › ${field.displayName}`,
		kind: field.kind,
	})),
	{ section: 'personalInfo', key: 'gender', label: 'Personal Info (SDE) › Gender', kind: 'enum' },
	{ section: 'personalInfo', key: 'age', label: 'Personal Info (SDE) › Age', kind: 'integer' },
	{
		section: 'personalInfo',
		key: 'birthDate',
		label: 'Personal Info (SDE) › Date of Birth',
		kind: 'date',
	},
	...CONTACT_KEYS.map((key): Target => ({
		section: 'contact',
		key,
		label: `Contacts › ${CONTACT_FIELDS[key]}`,
		kind: key === 'phoneType' ? 'enum' : 'string',
	})),
	...CONTEXT_KEYS.map((key): Target => ({
		section: 'conversationContext',
		key,
		label: `Conversation Context › ${CONTEXT_FIELDS[key]}`,
		kind: 'string',
	})),
	{ section: 'routing', key: 'ttrDefName', label: 'Routing › Time to Response', kind: 'enum' },
	{ section: 'routing', key: 'skillId', label: 'Routing › Skill ID', kind: 'skillId' },
];

const oneTrickyValue = fc
	.tuple(
		validModel.filter((model) => !model.jsonConflict),
		fc
			.constantFrom(...TARGETS)
			.chain((target) => fc.tuple(fc.constant(target), tricky(target.kind))),
	)
	.map(([model, [target, value]]) => {
		const parameters: CreateParameters = { ...model.parameters, sdesJson: undefined };
		let label = target.label;
		if (target.section === 'contact') {
			const rows = [
				...(parameters.personalInfo?.contacts?.contact ?? []),
				{ [target.key]: value } as IDataObject,
			];
			parameters.personalInfo = { ...parameters.personalInfo, contacts: { contact: rows } };
			label = `Personal Info (SDE) › Contacts › contact ${rows.length} › ${CONTACT_FIELDS[target.key]}`;
		} else {
			parameters[target.section] = {
				...parameters[target.section],
				[target.key]: value,
			} as IDataObject;
		}
		return { parameters, label, value, target };
	});

describe('planCreate, for valid parameters with one tricky value', () => {
	it('refuses naming exactly that field, or still sends requests the API accepts', () => {
		let refused = 0;
		fc.assert(
			fc.property(oneTrickyValue, ({ parameters, label }) => {
				let plan: CreatePlan;
				try {
					plan = planCreate(parameters);
				} catch (error) {
					if (!(error instanceof InputError))
						throw new Error(`planCreate threw: ${describeThrown(error)}`);
					expect(inputErrorDefects(error)).toEqual([]);
					if (!/rejects requests over/.test(error.problem)) {
						refused++;
						expect(error.field).toBe(label);
					}
					return;
				}
				expect(planProblems(plan, parameters.accountId)).toEqual([]);
				expect(impossibleDates(plan.batch)).toEqual([]);
			}),
		);
		expect(refused).toBeGreaterThan(150);
	});

	it('sends what the user meant, or refuses: no hex or binary numbers, no half-read dates, no lost precision', () => {
		let checked = 0;
		fc.assert(
			fc.property(
				oneTrickyValue.filter(({ target }) => MEANING_CHECKED.includes(target.section)),
				({ parameters, target, value }) => {
					let plan: CreatePlan;
					try {
						plan = planCreate(parameters);
					} catch (error) {
						if (!(error instanceof InputError)) throw error;
						return;
					}
					const meant = meaningOf(target, value);
					expect(meant).not.toBe(REFUSE);
					expect(sentValue(plan, target)).toEqual(meant);
					checked++;
				},
			),
			{ numRuns: 400 },
		);
		expect(checked).toBeGreaterThan(20);
	});
});

/** Sections whose sent value the faithfulness property reads back. */
const MEANING_CHECKED: Target['section'][] = ['customerInfo', 'personalInfo'];
const REFUSE = Symbol('refuse');
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const DATE_TEXT =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ]([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-](0\d|1[0-4]):?[0-5]\d)?)?$/i;

/** What a person means by `value` in a field of this kind, written independently of the node's code. */
function meaningOf(target: Target, value: unknown): unknown {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
		return undefined;
	switch (target.kind) {
		case 'number':
		case 'integer': {
			const text = typeof value === 'string' ? value.trim() : undefined;
			const number =
				typeof value === 'number'
					? value
					: text !== undefined && DECIMAL.test(text)
						? Number(text)
						: NaN;
			if (!Number.isFinite(number)) return REFUSE;
			if (target.kind === 'integer' && !Number.isSafeInteger(number)) return REFUSE;
			if (target.key === 'age' && (number < 0 || number > 150)) return REFUSE;
			return number;
		}
		case 'date': {
			if (typeof value === 'string') {
				const match = DATE_TEXT.exec(value.trim());
				return match ? { year: +match[1], month: +match[2], day: +match[3] } : REFUSE;
			}
			if (value instanceof Date)
				return {
					year: value.getUTCFullYear(),
					month: value.getUTCMonth() + 1,
					day: value.getUTCDate(),
				};
			const parts = value as { year?: unknown; month?: unknown; day?: unknown };
			return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
		}
		case 'enum':
			return typeof value === 'string' ? value.trim().toUpperCase() : REFUSE;
		default:
			return typeof value === 'string'
				? value.trim()
				: typeof value === 'number' || typeof value === 'boolean'
					? String(value)
					: REFUSE;
	}
}

/** The value LivePerson receives for the target, read from the planned batch. */
function sentValue(plan: CreatePlan, target: Target): unknown {
	const sdes = ((plan.batch[0].body.authenticatedData as IDataObject | undefined)?.lp_sdes ??
		[]) as IDataObject[];
	if (target.section === 'customerInfo')
		return ((sdes.find((sde) => sde.type === 'ctmrinfo')?.info ?? {}) as IDataObject)[target.key];
	const personal = (sdes.find((sde) => sde.type === 'personal')?.personal ?? {}) as IDataObject;
	const age = personal.age as IDataObject | undefined;
	if (target.key === 'age') return age?.age;
	if (target.key === 'birthDate') return age && { year: age.year, month: age.month, day: age.day };
	return personal[target.key];
}

// ---------------------------------------------------------------------------------------------
// 3. Any answer in, results or an AnswerError out

const requestsArb: fc.Arbitrary<ConnectorRequest[]> = fc
	.uniqueArray(
		fc.oneof(
			fc.constantFrom('1', '2', '3', '0'),
			fc.uuid(),
			fc.string({ minLength: 1, maxLength: 5 }),
		),
		{ minLength: 1, maxLength: 3 },
	)
	.chain((ids) =>
		fc
			.tuple(
				...ids.map(() =>
					fc.constantFrom(
						'userprofile.SetUserProfile',
						'cm.ConsumerRequestConversation',
						'ms.PublishEvent',
					),
				),
			)
			.map((types) =>
				ids.map((id, index): ConnectorRequest => ({
					kind: 'req',
					id,
					type: types[index],
					body: {},
				})),
			),
	);

/** Plain data for reqId and code: anything JSON can say, plus numbers. */
const answerValue = fc.oneof(
	fc.jsonValue({ maxDepth: 1 }),
	fc.constantFrom('OK', 'BAD_REQUEST', 400, 200, 'ok', '', null),
);

function answersFor(requests: ConnectorRequest[]): fc.Arbitrary<unknown> {
	const ids = requests.map((request) => request.id);
	const answer = fc.record(
		{
			code: fc.oneof({ arbitrary: fc.constant('OK'), weight: 6 }, answerValue, {
				arbitrary: fc.constantFrom('BAD_REQUEST', 'NOT_FOUND', 401),
				weight: 2,
			}),
			body: fc.oneof(
				{
					arbitrary: fc.dictionary(
						fc.constantFrom('msg', 'conversationId', 'sequence', 'x'),
						fc.jsonValue({ maxDepth: 1 }),
					),
					weight: 4,
				},
				garbage,
			),
			reqId: fc.oneof(
				{ arbitrary: fc.constantFrom(...ids), weight: 6 },
				answerValue,
				fc.constantFrom(...ids).map(Number),
			),
		},
		{ requiredKeys: [], noNullPrototype: true },
	);
	const wellFormed = fc
		.tuple(
			fc.shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length }),
			fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: ids.length, maxLength: ids.length }),
		)
		.map(([order, bodies]) =>
			order.map((reqId, index) => ({ code: 'OK', body: { value: bodies[index] }, reqId })),
		);
	const list = fc.array(answer, { maxLength: 5 });
	return fc.oneof(
		wellFormed,
		wellFormed.map((answers) => JSON.stringify(answers)),
		list,
		list.map((answers) => JSON.stringify(answers)),
		list.chain((answers) => brokenJson(JSON.stringify(answers))),
		answer,
		fc.json(),
		fc.string(),
		fc.anything({
			maxDepth: 2,
			withBoxedValues: true,
			withMap: true,
			withSet: true,
			withDate: true,
		}),
	);
}

describe('matchAnswers, for any answer', () => {
	it('returns one OK result per request, or throws an AnswerError', () => {
		let matched = 0;
		const problems = new Set<string>();
		fc.assert(
			fc.property(
				requestsArb.chain((requests) => fc.tuple(fc.constant(requests), answersFor(requests))),
				([requests, raw]) => {
					let results;
					try {
						results = matchAnswers(requests, raw);
					} catch (error) {
						if (!(error instanceof AnswerError))
							throw new Error(
								`matchAnswers threw something else than an AnswerError: ${describeThrown(error)}`,
							);
						problems.add(error.problem);
						expect(['notJson', 'wrongShape', 'unmatchedReqId', 'rejected', 'unclear']).toContain(
							error.problem,
						);
						expect(error.message.trim()).not.toBe('');
						if (error.problem === 'rejected' || error.problem === 'unclear') {
							expect(requests).toContain(error.request);
							expect(error.results).toHaveLength(requests.length);
							expect(codeVerdict(error.answer!.code)).toBe(
								error.problem === 'rejected' ? 'refused' : 'unclear',
							);
						}
						return;
					}
					matched++;
					expect(results.map((result) => [result.reqId, result.type])).toEqual(
						requests.map((request) => [request.id, request.type]),
					);
					for (const result of results) {
						expect(codeVerdict(result.code)).toBe('ok');
						expect(
							typeof result.body === 'object' &&
								result.body !== null &&
								!Array.isArray(result.body),
						).toBe(true);
					}
				},
			),
		);
		expect(matched).toBeGreaterThan(20);
		expect([...problems].sort()).toEqual([
			'notJson',
			'rejected',
			'unclear',
			'unmatchedReqId',
			'wrongShape',
		]);
	});

	it('pairs well-formed answers in any order with their requests by reqId', () => {
		fc.assert(
			fc.property(
				requestsArb.chain((requests) =>
					fc.tuple(
						fc.constant(requests),
						fc.shuffledSubarray(requests, {
							minLength: requests.length,
							maxLength: requests.length,
						}),
						fc.boolean(),
					),
				),
				([requests, order, asText]) => {
					const answers = order.map((request) => ({
						code: 'OK',
						body: { echo: request.id },
						reqId: request.id,
					}));
					const results = matchAnswers(requests, asText ? JSON.stringify(answers) : answers);
					expect(results).toEqual(
						requests.map((request) => ({
							type: request.type,
							reqId: request.id,
							code: 'OK',
							body: { echo: request.id },
						})),
					);
				},
			),
		);
	});
});

// ---------------------------------------------------------------------------------------------
// 4. Identity fields (Consumer ID, ConsumerJWS, Conversation ID): text or digits, never coerced

describe('optionalIdentity, for any value an expression can give', () => {
	it('keeps text (trimmed) and whole numbers as digits, and refuses everything else by name', () => {
		const identity = fc.oneof(
			fc.string(),
			fc.integer(),
			fc.double(),
			fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 4711),
			fc.boolean(),
			fc.constant(null),
			fc.array(fc.string(), { maxLength: 3 }),
			fc.object({ maxDepth: 1 }),
			fc.date(),
		);
		fc.assert(
			fc.property(identity, (value) => {
				let result: string | undefined;
				try {
					result = optionalIdentity('Consumer ID', value, 'Map the contact ID itself.');
				} catch (error) {
					expect(error).toBeInstanceOf(InputError);
					expect((error as InputError).field).toBe('Consumer ID');
					expect(
						typeof value === 'string' ||
							(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0),
					).toBe(false);
					return;
				}
				if (typeof value === 'string')
					expect(result).toBe(value.trim() === '' ? undefined : value.trim());
				else if (value === null) expect(result).toBeUndefined();
				else {
					expect(typeof value).toBe('number');
					expect(result).toBe(String(value));
					expect(result).toMatch(/^\d+$/);
				}
			}),
		);
	});
});
