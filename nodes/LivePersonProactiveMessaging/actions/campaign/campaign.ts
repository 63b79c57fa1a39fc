import type { ItemContext, OperationDefinition } from '../../../shared/actions/operation';
import { LivePersonSetupError } from '../../../shared/errors';
import { once } from '../../../shared/transport/session';
import type { ProactiveSession } from '../../transport/api';
import { listHandoffs } from '../../transport/proactive';
import { readTemplates, type Template } from '../../transport/templates';

/** An item of a campaign operation: its session is the Proactive API's. */
export type CampaignItem = ItemContext<ProactiveSession>;

export type CampaignOperation<Value extends string> = OperationDefinition<Value, ProactiveSession>;

/**
 * The account's templates, read once per run to check items before anything is sent. When the
 * Outbound Configuration API cannot be read (or the ID was typed and is not listed), the items go
 * unchecked and LivePerson's per-recipient answer says what is wrong.
 */
export async function knownTemplates(item: CampaignItem): Promise<Template[] | undefined> {
	return await once(item.session, 'templates', async () => {
		const listed = await listHandoffs(item.session, item.settings).then(
			(entries) => ({ entries }),
			(error: unknown) => ({ error }),
		);
		if ('entries' in listed) return readTemplates(listed.entries);
		const { error } = listed;
		if (error instanceof LivePersonSetupError && !error.transient) return Promise.reject(error);
		item.session.ctx.logger.debug(
			`LivePerson Proactive Messaging: the templates could not be listed, items are not checked against them (${(error as Error).message})`,
		);
		return undefined;
	});
}
