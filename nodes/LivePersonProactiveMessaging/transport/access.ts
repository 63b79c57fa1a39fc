import type {
	ICredentialDataDecryptedObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { LivePersonSetupError } from '../../shared/errors';
import { excerpt } from '../../shared/text';
import { serviceBaseUrl, unreachable, type FullResponse } from '../../shared/transport/hosts';
import { repeatingRequest, retrySettings } from '../../shared/transport/retry';
import { readProactiveCredential } from './api';
import { zoneHosts } from './hosts';

/**
 * For the credential test: asks the Outbound Configuration API for one template with a freshly
 * minted AppJWT, so a credential that mints but cannot use Proactive (not enabled, a Connector app's
 * client, a wrong host) fails the test by name instead of every execution later.
 */
export async function checkProactiveAccess(
	helpers: IHttpRequestHelper['helpers'],
	raw: ICredentialDataDecryptedObject,
	token: string,
): Promise<void> {
	const credential = readProactiveCredential(raw);
	const settings = retrySettings();
	const request = repeatingRequest(
		async (options: IHttpRequestOptions) =>
			(await helpers.httpRequest({
				...options,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: settings.timeoutMs,
			})) as FullResponse,
		settings,
	);
	const handoff =
		credential.hostOverrides.handoff ??
		zoneHosts(await serviceBaseUrl(request, credential, 'agentVep')).handoff;
	const url = `${handoff}/api/account/${encodeURIComponent(credential.accountId)}/app/prmsg/handoffs/list`;
	const response = (await request({
		method: 'GET',
		url,
		qs: { v: '1', limit: 1, offset: 0 },
		headers: { Authorization: `Bearer ${token}` },
		json: false,
	}).catch((error: Error) =>
		unreachable(error, `LivePerson's Outbound Configuration API at ${handoff}`),
	)) as FullResponse;
	if (response.statusCode >= 200 && response.statusCode < 300) return;
	const said = excerpt(
		typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? ''),
		200,
	);
	if (response.statusCode === 401 || response.statusCode === 403)
		throw new LivePersonSetupError(
			`LivePerson's Proactive Messaging refused the credential's AppJWT (HTTP ${response.statusCode})`,
			`Check that Proactive Messaging is enabled for account ${credential.accountId} (Proactive Web Tool › Settings › Enable) and that the Client ID and Secret are the Proactive Web Tool's, not a Connector app's. LivePerson said: ${said}`,
		);
	throw new LivePersonSetupError(
		`LivePerson's Outbound Configuration API answered HTTP ${response.statusCode}`,
		`Check the Account ID and, if set, the Outbound Configuration Host (${handoff}). LivePerson said: ${said}`,
		response.statusCode === 429 || response.statusCode >= 500,
	);
}
