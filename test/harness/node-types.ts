// Registry of node types keyed the way n8n keys them: `<packageName>.<nodeName>`
// (e.g. `n8n-nodes-liveperson.livePersonConnector`, `n8n-nodes-base.manualTrigger`).
import { UnrecognizedNodeTypeError } from 'n8n-core';
import type { IDataObject, INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

type NodeTypeSource = () => INodeType | IVersionedNodeType;

export interface KnownNodeType {
	/** Where the class was loaded from (`builtin` for the harness's own nodes). */
	sourcePath: string;
	packageName: string;
}

function splitFullName(fullName: string): [string, string] {
	const dot = fullName.lastIndexOf('.');
	return dot === -1 ? ['', fullName] : [fullName.slice(0, dot), fullName.slice(dot + 1)];
}

export class HarnessNodeTypes implements INodeTypes {
	private readonly sources = new Map<string, NodeTypeSource>();

	private readonly known = new Map<string, KnownNodeType>();

	/** Registers a node type under its full name; `load` is called on first use (as n8n's lazy loader does). */
	register(
		fullName: string,
		load: NodeTypeSource | INodeType | IVersionedNodeType,
		sourcePath = 'builtin',
	) {
		let cached: INodeType | IVersionedNodeType | undefined;
		const source: NodeTypeSource =
			typeof load === 'function' ? () => (cached ??= (load as NodeTypeSource)()) : () => load;
		this.sources.set(fullName, source);
		this.known.set(fullName, { sourcePath, packageName: splitFullName(fullName)[0] });
	}

	has(fullName: string): boolean {
		return this.sources.has(fullName);
	}

	/** Full names of every registered node type. */
	names(): string[] {
		return [...this.sources.keys()];
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const source = this.sources.get(nodeType);
		if (!source) {
			const [packageName, nodeName] = splitFullName(nodeType);
			throw new UnrecognizedNodeTypeError(packageName, nodeName);
		}
		return source();
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries(
			[...this.known.entries()].map(([name, info]) => [name, { ...info } as IDataObject]),
		);
	}
}
