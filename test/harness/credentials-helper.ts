// ICredentialsHelper (n8n-workflow 2.41) that behaves like the n8n server's
// (packages/cli/src/credentials-helper.ts): defaults applied on read, function and generic
// `authenticate`, `preAuthentication` on an empty/expired hidden `expirable` field with the result
// written back to the store, `extends` merged. Records what happened so tests can assert on it.
import { getAdditionalKeys } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsExpressionResolveValues,
	IExecuteData,
	IGetDecryptedCredentialsOptions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	INodeTypes,
	IRequestOptionsSimplified,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	UserError,
	Workflow,
	getCredentialOwnRequestAllowedDomains,
	isExpression,
} from 'n8n-workflow';

import { HarnessNoOp } from './builtin-nodes';
import type { HarnessCredentialTypes } from './credential-types';
import type { CredentialInput, CredentialsInput, StoredCredential } from './credentials-store';
import { CredentialsStore, StoredCredentials } from './credentials-store';
import { REPO_ROOT, loadNodesAndCredentials } from './package-loader';

/** One call the engine made to `preAuthentication`. */
export interface PreAuthenticationCall {
	type: string;
	nodeName: string;
	credentialsExpired: boolean;
	/** Whether the credential type's own `preAuthentication` ran (a token was minted). */
	ran: boolean;
}

/** One write-back to the store (what the server saves to its database). */
export interface CredentialUpdate {
	type: string;
	id: string;
	data: ICredentialDataDecryptedObject;
}

// Node used to resolve expressions outside a node execution, like the server's mock node.
const mockNode: INode = {
	id: 'harness-mock-node',
	name: '',
	type: 'n8n-nodes-base.noOp',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const mockNodeTypes: INodeTypes = {
	getByName: () => new HarnessNoOp(),
	getByNameAndVersion: () => new HarnessNoOp(),
	getKnownTypes: () => ({}),
};

/** The server hands `preAuthentication` only `httpRequest`, restricted to the credential's own allowed domains. */
function restrictToCredentialDomains(
	helpers: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): IHttpRequestHelper {
	return {
		helpers: {
			httpRequest: async (requestOptions: IHttpRequestOptions) => {
				const allowedDomains = getCredentialOwnRequestAllowedDomains(credentials);
				if (allowedDomains === undefined) return await helpers.helpers.httpRequest(requestOptions);
				if (requestOptions.allowedDomains !== undefined) {
					throw new UserError(
						'This credential restricts requests to specific domains, which cannot be combined with the domains its authentication step asks for.',
					);
				}
				return await helpers.helpers.httpRequest({ ...requestOptions, allowedDomains });
			},
		},
	} as IHttpRequestHelper;
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	readonly store = new CredentialsStore();

	/** Every call the engine made to `preAuthentication`, in order. */
	readonly preAuthenticationCalls: PreAuthenticationCall[] = [];

	/** Every write-back (`updateCredentials` / `updateCredentialsOauthTokenData`), in order. */
	readonly updates: CredentialUpdate[] = [];

	constructor(
		readonly credentialTypes: HarnessCredentialTypes,
		credentials: CredentialsInput = {},
	) {
		super();
		this.store.addAll(credentials);
	}

	/** A helper over the credential types of `packageDir` (default: the repository root). */
	static async create(
		credentials: CredentialsInput = {},
		packageDir: string | string[] = REPO_ROOT,
	): Promise<HarnessCredentialsHelper> {
		const { credentialTypes } = await loadNodesAndCredentials(packageDir);
		return new HarnessCredentialsHelper(credentialTypes, credentials);
	}

	/** Adds (or replaces, same type + id) credentials. */
	setCredentials(credentials: CredentialsInput) {
		this.store.addAll(credentials);
	}

	addCredential(type: string, input: CredentialInput): StoredCredential {
		return this.store.add(type, input);
	}

	/** A copy of the data currently saved for `type` (as the server's database would hold it). */
	stored(type: string, id?: string): ICredentialDataDecryptedObject | undefined {
		return this.store.data(type, id);
	}

	/** How many times a credential type's own `preAuthentication` actually ran. */
	preAuthenticationRuns(type?: string): number {
		return this.preAuthenticationCalls.filter(
			(c) => c.ran && (type === undefined || c.type === type),
		).length;
	}

	resetCalls() {
		this.preAuthenticationCalls.length = 0;
		this.updates.length = 0;
	}

	// ---- ICredentialsHelper -------------------------------------------------------------------

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		if (!this.credentialTypes.recognizes(credentialType)) return true;
		const typeDef = this.credentialTypes.getByName(credentialType);
		if (!typeDef.restrictToSupportedNodes) return true;
		return this.credentialTypes.getSupportedNodes(credentialType).includes(nodeType);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const { authenticate } = credentialType;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (typeof authenticate === 'object') {
			if (!workflow || !node) {
				throw new UnexpectedError(
					'Workflow and node are required for declarative credential authentication',
				);
			}
			requestOptions.headers ??= {};
			if (authenticate.type === 'generic') {
				const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
						const additionalKeys = { $credentials: credentials };
						const keyResolved = this.resolveValue(key, additionalKeys, workflow, node);
						const valueResolved = this.resolveValue(
							value as string,
							additionalKeys,
							workflow,
							node,
						);
						target[outerKey] ??= {};
						target[outerKey][keyResolved] = valueResolved;
					}
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const call: PreAuthenticationCall = {
			type: typeName,
			nodeName: node?.name,
			credentialsExpired,
			ran: false,
		};
		this.preAuthenticationCalls.push(call);

		const credentialType = this.credentialTypes.getByName(typeName);
		const expirableProperty = credentialType.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirableProperty?.name === undefined) return undefined;
		if (typeof credentialType.preAuthentication !== 'function') return undefined;

		// The server's credential test runs on a mock noOp node with `parameters.temp === ''`.
		const isTestingCredentials =
			node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
		if (
			credentials[expirableProperty.name] !== '' &&
			!credentialsExpired &&
			!isTestingCredentials
		) {
			return undefined;
		}

		call.ran = true;
		const output = (await credentialType.preAuthentication.call(
			restrictToCredentialDomains(helpers, credentials),
			credentials,
		)) as ICredentialDataDecryptedObject;
		// Without the expirable key nothing is stored (as on the server).
		if (output?.[expirableProperty.name] === undefined) return undefined;

		if (node.credentials) {
			const nodeCredentials = node.credentials[credentialType.name];
			const storedData = await (
				await this.getCredentials(nodeCredentials, credentialType.name)
			).getData();
			const dataToPersist: ICredentialDataDecryptedObject = { ...storedData };
			for (const [key, value] of Object.entries(output)) {
				// Never overwrite a field the user stored as an expression (except the expirable one).
				if (key === expirableProperty.name || !isExpression(storedData[key]))
					dataToPersist[key] = value;
			}
			await this.updateCredentials(nodeCredentials, credentialType.name, dataToPersist);
			return Object.assign(credentials, output);
		}
		return undefined;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const output = await credentialType.preAuthentication.call(
			restrictToCredentialDomains(helpers, credentials),
			credentials,
		);
		return (output as ICredentialDataDecryptedObject) ?? undefined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<StoredCredentials> {
		return new StoredCredentials(this.store.find(nodeCredentials, type));
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
		_options?: IGetDecryptedCredentialsOptions,
	): Promise<ICredentialDataDecryptedObject> {
		const data = await (await this.getCredentials(nodeCredentials, type)).getData();
		if (raw === true) return data;
		return await this.applyDefaultsAndResolve(
			additionalData,
			data,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		await credentials.setData(data);
		this.updates.push({ type, id: credentials.id as string, data: await credentials.getData() });
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
		_additionalData: IWorkflowExecuteAdditionalData,
	): Promise<void> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		await credentials.updateData({ oauthTokenData: data.oauthTokenData });
		this.updates.push({ type, id: credentials.id as string, data: await credentials.getData() });
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.credentialTypes.getByName(type);
		if (credentialType.extends === undefined) {
			if (['oAuth1Api', 'oAuth2Api'].includes(type)) {
				return [
					...credentialType.properties,
					{
						displayName: 'oauthTokenData',
						name: 'oauthTokenData',
						type: 'json',
						required: false,
						default: {},
					},
				];
			}
			return credentialType.properties;
		}
		const combined: INodeProperties[] = [];
		for (const parentType of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parentType));
		}
		// The type's own properties take precedence over its parents'.
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}

	// ---- internals ----------------------------------------------------------------------------

	/** Adds property defaults (so a saved credential missing a newer field gets its default) and resolves expressions. */
	private async applyDefaultsAndResolve(
		additionalData: IWorkflowExecuteAdditionalData,
		original: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const properties = this.getCredentialsProperties(type);
		let decrypted = NodeHelpers.getNodeParameters(
			properties,
			original as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (original.oauthTokenData !== undefined) decrypted.oauthTokenData = original.oauthTokenData;
		for (const key of ['allowedHttpRequestDomains', 'allowedDomains']) {
			if (decrypted[key] === undefined && original[key] !== undefined)
				decrypted[key] = original[key];
		}

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			try {
				decrypted = expressionResolveValues.workflow.expression.getParameterValue(
					decrypted as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decrypted,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				(e as Error).message += ' [Error resolving credentials]';
				throw e;
			}
		} else {
			const workflow = new Workflow({
				nodes: [mockNode],
				connections: {},
				active: false,
				nodeTypes: mockNodeTypes,
			});
			await workflow.expression.acquireIsolate();
			try {
				decrypted = workflow.expression.getComplexParameterValue(
					mockNode,
					decrypted as INodeParameters,
					mode,
					additionalKeys,
					undefined,
					undefined,
					decrypted,
				) as ICredentialDataDecryptedObject;
			} finally {
				await workflow.expression.releaseIsolate();
			}
		}
		return decrypted;
	}

	private resolveValue(
		value: string,
		additionalKeys: IWorkflowDataProxyAdditionalKeys,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			additionalKeys,
			undefined,
			'',
		);
		return resolved ? resolved.toString() : '';
	}
}
