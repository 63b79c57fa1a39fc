// In-memory stand-in for n8n's credentials table: records keyed by type + id, data kept as JSON text
// (what survives a save/load round trip; n8n additionally encrypts it).
import type {
	ICredentialDataDecryptedObject,
	ICredentialsEncrypted,
	INodeCredentialsDetails,
} from 'n8n-workflow';
import { ICredentials, UserError } from 'n8n-workflow';

/** What a test passes per credential type: `{ livePersonConnectorApi: { id: '1', name: 'LivePerson', data: {...} } }`. */
export interface CredentialInput {
	/** Omit to let this credential answer any reference of its type (whatever id the workflow uses). */
	id?: string;
	name?: string;
	data: ICredentialDataDecryptedObject;
}

export type CredentialsInput = Record<string, CredentialInput | CredentialInput[]>;

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	/** JSON text of the decrypted data as "saved". */
	data: string;
	/** True when the test gave no id: matches any reference of the type. */
	matchesAnyId: boolean;
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** ICredentials over a stored record (n8n-core's `Credentials` does the same over encrypted text). */
export class StoredCredentials extends ICredentials {
	constructor(private readonly record: StoredCredential) {
		super({ id: record.id, name: record.name }, record.type, record.data);
	}

	async getData(): Promise<ICredentialDataDecryptedObject> {
		return JSON.parse(this.record.data) as ICredentialDataDecryptedObject;
	}

	async setData(data: ICredentialDataDecryptedObject): Promise<void> {
		this.record.data = JSON.stringify(data);
		this.data = this.record.data;
	}

	async updateData(
		toUpdate: Partial<ICredentialDataDecryptedObject>,
		toDelete: string[] = [],
	): Promise<void> {
		const data = { ...(await this.getData()), ...toUpdate };
		for (const key of toDelete) delete data[key];
		await this.setData(data as ICredentialDataDecryptedObject);
	}

	getDataToSave(): ICredentialsEncrypted {
		return { id: this.id, name: this.name, type: this.type, data: this.record.data };
	}
}

export class CredentialsStore {
	private readonly records: StoredCredential[] = [];

	private nextId = 1;

	add(type: string, input: CredentialInput): StoredCredential {
		const matchesAnyId = input.id === undefined;
		const id = input.id ?? `harness-${type}-${this.nextId++}`;
		const existing = this.records.findIndex((r) => r.type === type && r.id === id);
		const record: StoredCredential = {
			id,
			name: input.name ?? type,
			type,
			data: JSON.stringify(input.data ?? {}),
			matchesAnyId,
		};
		if (existing === -1) this.records.push(record);
		else this.records[existing] = record;
		return record;
	}

	addAll(credentials: CredentialsInput = {}) {
		for (const [type, inputs] of Object.entries(credentials)) {
			for (const input of Array.isArray(inputs) ? inputs : [inputs]) this.add(type, input);
		}
	}

	all(): StoredCredential[] {
		return [...this.records];
	}

	/** The record a node's credential reference points at (by id; by name when the reference has no id). */
	find(reference: INodeCredentialsDetails | undefined, type: string): StoredCredential {
		const ofType = this.records.filter((r) => r.type === type);
		const byId = reference?.id
			? ofType.find((r) => r.id === reference.id && !r.matchesAnyId)
			: undefined;
		const byName = reference?.name ? ofType.find((r) => r.name === reference.name) : undefined;
		const record =
			byId ?? ofType.find((r) => r.matchesAnyId) ?? (reference?.id ? undefined : byName);
		if (!record) {
			throw new UserError(
				reference?.id
					? `Credential with ID "${reference.id}" does not exist for type "${type}".`
					: `No credentials of type "${type}" were given to the harness`,
			);
		}
		return record;
	}

	/** A copy of the data as currently "saved" for a type (first record unless `id` is given). */
	data(type: string, id?: string): ICredentialDataDecryptedObject | undefined {
		const record = this.records.find((r) => r.type === type && (id === undefined || r.id === id));
		return record ? copy(JSON.parse(record.data) as ICredentialDataDecryptedObject) : undefined;
	}
}
