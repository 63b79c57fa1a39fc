import {
	NodeOperationError,
	type ILoadOptionsFunctions,
	type INodeListSearchResult,
	type ResourceMapperFields,
} from 'n8n-workflow';

import { retrySettings } from '../../shared/transport/retry';
import { openSession } from '../../shared/transport/session';
import { isPlainObject } from '../../shared/values';
import { proactiveApi } from '../transport/api';
import { listHandoffs } from '../transport/proactive';
import {
	describeTemplate,
	readTemplates,
	type Channel,
	type Template,
} from '../transport/templates';

async function templates(ctx: ILoadOptionsFunctions): Promise<Template[]> {
	try {
		const session = await openSession(ctx, proactiveApi);
		return readTemplates(await listHandoffs(session, retrySettings()));
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
			description: (error as { description?: string }).description,
		});
	}
}

function channelsChosen(ctx: ILoadOptionsFunctions): Channel[] {
	const channel = ctx.getCurrentNodeParameter('channel') as string | undefined;
	if (channel === 'smsWa') return ['sms', 'wa'];
	return channel === 'sms' || channel === 'wa' || channel === 'inapp' ? [channel] : [];
}

/** The account's templates for the chosen channel, from LivePerson's Outbound Configuration API. */
export async function searchTemplates(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const wanted = channelsChosen(this);
	const needle = (filter ?? '').trim().toLowerCase();
	const results = (await templates(this))
		.filter((t) => wanted.every((c) => t.channels.includes(c)))
		.filter((t) => !needle || t.name.toLowerCase().includes(needle) || t.id.includes(needle))
		.map((t) => ({ name: describeTemplate(t), value: t.id }));
	return { results };
}

/** The chosen template's variables, as the fields of the Variables mapper. */
export async function getTemplateVariables(
	this: ILoadOptionsFunctions,
): Promise<ResourceMapperFields> {
	const chosen = this.getNodeParameter('template', undefined) as unknown;
	const id = String(isPlainObject(chosen) ? (chosen.value ?? '') : (chosen ?? ''));
	const template = (await templates(this)).find((t) => t.id === id);
	if (!template)
		return {
			fields: [],
			emptyFieldsNotice:
				'This template is not in the list: give its variables in Options › Variables (JSON), e.g. {"1":"Ada"}.',
		};
	const inAppOnly = template.channels.every((c) => c === 'inapp');
	return {
		fields: template.variables.map((name) => ({
			id: name,
			displayName: `{{${name}}}${template.shared.includes(name) ? ' (body and button)' : ''}`,
			required: !inAppOnly,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			type: 'string',
		})),
	};
}
