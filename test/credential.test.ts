// What the user sees when pressing Save/Test on the LivePerson Connector API credential: n8n's
// server-side credential test (see test/harness/credential-test.ts) against the emulator.
import type { ICredentialDataDecryptedObject, ICredentialTestRequest } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator/src';
import { HarnessCredentialsHelper, REPO_ROOT, loadNodesAndCredentials } from './harness';
import { testCredential } from './harness/credential-test';

const TYPE = 'livePersonConnectorApi';
const UNKNOWN_ACCOUNT = '87654321';

let emulator: Emulator;
let rules: NonNullable<ICredentialTestRequest['rules']>;

beforeAll(async () => {
	emulator = await startEmulator();
	const { credentialTypes } = await loadNodesAndCredentials();
	rules = credentialTypes.getByName(TYPE).test?.rules ?? [];
});
afterAll(async () => await emulator.close());
beforeEach(() => emulator.reset());

/** The message of the credential's `responseSuccessBody` rule for LivePerson errorCode `code`. */
function ruleMessage(code: number): string {
	const rule = rules.find((r) => r.type === 'responseSuccessBody' && r.properties.value === code);
	if (!rule) throw new Error(`The credential has no rule for errorCode ${code}`);
	return rule.properties.message;
}

const clientCredentials = (
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject => ({
	authentication: 'clientCredentials',
	accountId: emulator.accountId,
	clientId: emulator.clientId,
	clientSecret: emulator.clientSecret,
	csdsHost: emulator.baseUrl,
	...overrides,
});

const staticTokens = (
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject => ({
	authentication: 'staticTokens',
	accountId: emulator.accountId,
	domain: emulator.baseUrl,
	appJwt: emulator.mintAppJwt(),
	consumerJws: '',
	...overrides,
});

const OK = { status: 'OK', message: 'Connection successful!' };

describe('Client Credentials', () => {
	it('is OK with the right values, minting one AppJWT with the secret in the form body only', async () => {
		const helper = await HarnessCredentialsHelper.create();

		await expect(
			testCredential(TYPE, clientCredentials(), { credentialsHelper: helper }),
		).resolves.toEqual(OK);

		const mints = emulator.requestsTo('sentinel');
		expect(mints).toHaveLength(1);
		const [mint] = mints;
		expect(mint.status).toBe(200);
		const form = new URLSearchParams(mint.rawBody);
		expect(form.get('client_id')).toBe(emulator.clientId);
		expect(form.get('client_secret')).toBe(emulator.clientSecret);
		expect(Object.keys(mint.query)).not.toContain('client_secret');
		expect(Object.values(mint.query)).not.toContain(emulator.clientSecret);
		expect(mint.path).not.toContain(emulator.clientSecret);

		// The minted AppJWT is saved back, as the server does, and the test request carried it.
		const minted = helper.stored(TYPE)?.mintedAppJwt;
		expect(typeof minted).toBe('string');
		expect(minted).not.toBe('');
		const check = emulator.requestsTo('csds').at(-1)!;
		expect(check.path).toBe(
			`/api/account/${emulator.accountId}/service/asyncMessagingEnt/baseURI.json`,
		);
		// The Domain API takes no token: the minted one stays with the credential.
		expect(check.headers.authorization ?? '').toBe('');
	});

	it('names the Client ID / Client Secret, without the secret, when the secret is wrong', async () => {
		const wrongSecret = 'not-the-secret-6f1d2c9a';

		const result = await testCredential(TYPE, clientCredentials({ clientSecret: wrongSecret }));

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Client ID|Client Secret/);
		expect(result.message).not.toContain(wrongSecret);
		expect(result.message).not.toContain(emulator.clientSecret);
		expect(emulator.requestsTo('sentinel').map((r) => r.status)).toEqual([401]);
	});

	it('names the account when LivePerson does not know it', async () => {
		const result = await testCredential(TYPE, clientCredentials({ accountId: UNKNOWN_ACCOUNT }));

		expect(result.status).toBe('Error');
		expect(result.message).toContain(UNKNOWN_ACCOUNT);
		expect(emulator.requestsTo('sentinel')).toHaveLength(0);
	});
});

describe('Static Tokens', () => {
	it.each([
		['an empty', () => ''],
		['a valid', () => emulator.mintConsumerJws('credential-test-consumer')],
	])('is OK with a valid AppJWT and %s default ConsumerJWS', async (_label, consumerJws) => {
		const data = staticTokens({ consumerJws: consumerJws() });

		await expect(testCredential(TYPE, data)).resolves.toEqual(OK);

		// First the Messaging Domain is checked without tokens, then the test request carries them.
		const sends = emulator.requestsTo('send');
		expect(sends).toHaveLength(2);
		expect(sends[0].headers.authorization).toBeUndefined();
		expect(sends[1].headers.authorization).toBe(data.appJwt);
		expect(emulator.requestsTo('sentinel')).toHaveLength(0);
	});

	it('names the Messaging Domain and the account when the domain answers 404', async () => {
		emulator.faults.add({ on: 'send', times: Infinity, action: { type: 'status', status: 404 } });

		const result = await testCredential(TYPE, staticTokens());

		expect(result.status).toBe('Error');
		expect(result.message).toContain('Messaging Domain');
		expect(result.message).toContain(emulator.accountId);
		expect(result.message).not.toMatch(/^(Error: )?Not Found$/);
	});

	it('reports the 40102 rule for an expired AppJWT', async () => {
		const data = staticTokens({ appJwt: emulator.mintAppJwt({ ttlSeconds: -10 }) });

		await expect(testCredential(TYPE, data)).resolves.toEqual({
			status: 'Error',
			message: ruleMessage(40102),
		});
	});

	it('reports the 40103 rule for an invalid default ConsumerJWS', async () => {
		const data = staticTokens({ consumerJws: 'not-a-consumer-jws' });

		await expect(testCredential(TYPE, data)).resolves.toEqual({
			status: 'Error',
			message: ruleMessage(40103),
		});
	});
});

describe('a new credential', () => {
	it('opens in Client Credentials mode', async () => {
		const { credentialTypes } = await loadNodesAndCredentials(REPO_ROOT);
		const authentication = credentialTypes
			.getByName(TYPE)
			.properties.find((property) => property.name === 'authentication');
		expect(authentication?.default).toBe('clientCredentials');
	});

	it('is tested as Client Credentials when the mode was never chosen', async () => {
		const { authentication: _mode, ...data } = clientCredentials();

		await expect(testCredential(TYPE, data)).resolves.toEqual(OK);

		expect(emulator.requestsTo('sentinel')).toHaveLength(1);
	});
});

// The n8n server builds the temporary node with the type name its loader gives n8n-nodes-base's
// No Operation node, `noOp`, so the credentials helper's "credential test" condition (type
// `n8n-nodes-base.noOp`) does not hold: preAuthentication runs only when `mintedAppJwt` is empty.
describe('an AppJWT minted earlier and still saved in the credential', () => {
	const withStaleToken = () =>
		clientCredentials({
			clientSecret: 'changed-to-a-wrong-secret',
			mintedAppJwt: emulator.mintAppJwt(),
		});

	it('is not minted again by the test', async () => {
		const helper = await HarnessCredentialsHelper.create();

		await testCredential(TYPE, withStaleToken(), { credentialsHelper: helper });

		expect(helper.preAuthenticationCalls.map((c) => c.ran)).toEqual([false]);
		expect(emulator.requestsTo('sentinel')).toHaveLength(0);
	});

	it('would be minted again if the temporary node had the full No Operation type name', async () => {
		const helper = await HarnessCredentialsHelper.create();

		const result = await testCredential(TYPE, withStaleToken(), {
			credentialsHelper: helper,
			tempNodeType: 'n8n-nodes-base.noOp',
		});

		expect(helper.preAuthenticationRuns(TYPE)).toBe(1);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Client ID|Client Secret/);
	});

	// KNOWN GAP: the Client Credentials test request (a Domain API lookup) never presents the AppJWT,
	// and n8n does not re-run preAuthentication for a test while a minted AppJWT is saved, so a secret
	// changed to a wrong one still tests OK (until the saved token expires). Executions are not fooled:
	// the node sees the token was minted for other values and mints anew (clientCredentials.workflow
	// test). Remove `.failing` once the test itself can tell.
	it.failing('reports a wrong client secret', async () => {
		const result = await testCredential(TYPE, withStaleToken());

		expect(result.status).toBe('Error');
	});
});

describe('answers without a LivePerson errorCode', () => {
	it('Static Tokens: an Account ID the AppJWT was not minted for is named, before any request', async () => {
		const result = await testCredential(TYPE, staticTokens({ accountId: UNKNOWN_ACCOUNT }));

		expect(emulator.requests).toHaveLength(0);
		expect(result.status).toBe('Error');
		expect(result.message).toBe(
			`The credential's AppJWT was minted for another account than its Account ID (${UNKNOWN_ACCOUNT})`,
		);
	});

	it('Client Credentials: an account the Domain API does not know is named as the Account ID', async () => {
		const result = await testCredential(TYPE, clientCredentials({ accountId: UNKNOWN_ACCOUNT }));

		expect(result).toEqual({
			status: 'Error',
			message: `LivePerson's Domain API does not know account "${UNKNOWN_ACCOUNT}"`,
		});
	});

	it('Static Tokens: a Messaging Domain with a path is refused by name, before any request', async () => {
		const result = await testCredential(
			TYPE,
			staticTokens({ domain: `${emulator.baseUrl}/not-messaging` }),
		);

		expect(emulator.requests).toHaveLength(0);
		expect(result).toEqual({
			status: 'Error',
			message: "The credential's Messaging Domain has a path (/not-messaging)",
		});
	});

	it('Client Credentials: an account without the messaging service is an error', async () => {
		emulator.setServices({ asyncMessagingEnt: null });

		const result = await testCredential(TYPE, clientCredentials());

		expect(emulator.requestsTo('csds').at(-1)!.status).not.toBe(200);
		expect(result.status).toBe('Error');
	});
});

it('a CSDS host with a trailing space is OK, as it is for the AppJWT mint', async () => {
	await expect(
		testCredential(TYPE, clientCredentials({ csdsHost: `${emulator.baseUrl} ` })),
	).resolves.toEqual(OK);
});
