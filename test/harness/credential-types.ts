// Registry of credential types (what n8n's CLI `CredentialTypes` answers from its loaders).
import { UnrecognizedCredentialTypeError } from 'n8n-core';
import type { ICredentialType, ICredentialTypes } from 'n8n-workflow';

interface CredentialTypeEntry {
	load: () => ICredentialType;
	packageName: string;
	/** Parent types as declared by `extends` (known without loading the class). */
	extends: string[];
	/** Node types (full names) that declare this credential. */
	supportedNodes: string[];
}

export class HarnessCredentialTypes implements ICredentialTypes {
	private readonly entries = new Map<string, CredentialTypeEntry>();

	register(
		name: string,
		load: (() => ICredentialType) | ICredentialType,
		info: { packageName: string; extends?: string[]; supportedNodes?: string[] },
	) {
		let cached: ICredentialType | undefined;
		this.entries.set(name, {
			load: typeof load === 'function' ? () => (cached ??= load()) : () => load,
			packageName: info.packageName,
			extends: [...(info.extends ?? [])],
			supportedNodes: [...(info.supportedNodes ?? [])],
		});
	}

	names(): string[] {
		return [...this.entries.keys()];
	}

	recognizes(credentialType: string): boolean {
		return this.entries.has(credentialType);
	}

	getByName(credentialType: string): ICredentialType {
		const entry = this.entries.get(credentialType);
		if (!entry) throw new UnrecognizedCredentialTypeError(credentialType);
		return entry.load();
	}

	getSupportedNodes(type: string): string[] {
		return [...(this.entries.get(type)?.supportedNodes ?? [])];
	}

	/** All ancestors of a credential type, nearest first (recursive `extends`). */
	getParentTypes(typeName: string): string[] {
		const result: string[] = [];
		const visit = (name: string) => {
			for (const parent of this.entries.get(name)?.extends ?? []) {
				if (result.includes(parent)) continue;
				result.push(parent);
				visit(parent);
			}
		};
		visit(typeName);
		return result;
	}
}
