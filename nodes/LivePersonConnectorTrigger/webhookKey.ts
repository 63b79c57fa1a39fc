import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { LivePersonSetupError } from '../shared/errors';
import {
	CREDENTIAL_TYPE,
	WebhookKeyMissing,
	webhookKeyFrom,
	type WebhookKey,
} from './helpers/credential';

/** The credential's webhook key, or an n8n error naming the empty field and the fix. */
export async function readWebhookKey(
	this: IHookFunctions | IWebhookFunctions,
): Promise<WebhookKey> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	try {
		return webhookKeyFrom(credentials);
	} catch (error) {
		const description =
			error instanceof WebhookKeyMissing
				? error.fix
				: error instanceof LivePersonSetupError
					? error.description
					: undefined;
		throw new NodeOperationError(this.getNode(), (error as Error).message, { description });
	}
}
