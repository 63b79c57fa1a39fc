/** What the benchmark's parent process tells a client child to do, and what the child reports. */

/** The concurrency the bench prints as "default": the node's own default for Options › Items in Parallel. */
export { DEFAULT_CONCURRENCY } from '../nodes/shared/descriptions/options';

/**
 * node: the LivePerson Connector in n8n's engine. floor: n8n's floor, a bare node in the same engine
 * making the node's requests with its request options and nothing else (bench/floorNode.ts).
 * raw: a keep-alive client on Node's http module, no n8n (bench/rawClient.ts).
 */
export type ClientKind = 'node' | 'floor' | 'raw';

export const CLIENT_KINDS: readonly ClientKind[] = ['node', 'floor', 'raw'];

/**
 * The floor's cancel signal. none: no abortSignal on its requests. shared: the execution's one
 * long-lived cancel signal on every request. perRequest: an
 * AbortController per request, aborted by the execution's signal, its forwarding listener removed
 * when the request settles.
 */
export type FloorSignal = 'none' | 'shared' | 'perRequest';

/**
 * newConsumers: each item is a new consumer (IDP mint + CONVERSATION create per item).
 * perItemJws: each item brings its own ConsumerJWS (CONVERSATION create only).
 */
export type Workload = 'newConsumers' | 'perItemJws';

export interface RunSpec {
	client: ClientKind;
	workload: Workload;
	items: number;
	concurrency: number;
	/** The emulator, used as CSDS host; every service points back to it. */
	baseUrl: string;
	accountId: string;
	clientId: string;
	clientSecret: string;
	/** Prefix of the items' consumer IDs (ext_consumer_id = prefix + index). */
	consumerPrefix: string;
	/** perItemJws: a JSON file with one ConsumerJWS per item, in item order. */
	jwsFile?: string;
	/** The package the node is loaded from (its package.json `n8n` field): a built checkout. */
	packageDir: string;
	/** The bench's own checkout: n8n-core and n8n-workflow are loaded from here for every client. */
	benchRoot?: string;
	/** Floor only: what cancel signal its requests carry (default none). */
	floorSignal?: FloorSignal;
	/** Floor only: read each item's consumer ID through the node's expression, `{{ $json.contactId }}`. */
	floorExpression?: boolean;
	/**
	 * Raw client only. keepAlive (the baseline): one keep-alive agent. perRequest: a new agent and TCP
	 * connection per request, as n8n's helpers do, to price what connection reuse would save.
	 */
	rawConnections?: 'keepAlive' | 'perRequest';
}

/** What a client did with the items (counted from its output). */
export interface ClientOutcome {
	outputItems: number;
	succeeded: number;
	failed: number;
	/** Input items with no output item paired to them. */
	unpaired: number;
	/** A few error messages, for the report. */
	errors: string[];
}

export interface RunResult extends ClientOutcome {
	client: ClientKind;
	items: number;
	concurrency: number;
	/** From the first request to the last answer (module loading and input building are outside). */
	wallMs: number;
	/** CPU time of the child over the same window. */
	cpuUserMs: number;
	cpuSystemMs: number;
	/** The child's peak resident set over its whole life (getrusage maxrss). */
	maxRssMb: number;
	/** Resident set when the window started (runtime and modules loaded, input built). */
	rssAtStartMb: number;
	/**
	 * With --expose-gc (the bench passes it): heap used after a full GC when the window started, and
	 * after the run with its output still referenced. Their difference over the items is what the
	 * client retains per item; forced after the window, it changes none of the figures above.
	 */
	heapAtStartMb?: number;
	retainedHeapMb?: number;
	/** process.hrtime in microseconds at the window's start and end (to cut a CPU profile to it). */
	windowStartUs: number;
	windowEndUs: number;
}

/** The input item for index i: what the trigger hands the node and what the raw client works from. */
export interface BenchItem {
	contactId: string;
	consumerJws?: string;
}

export function benchInput(
	spec: Pick<RunSpec, 'items' | 'consumerPrefix'>,
	jws?: string[],
): BenchItem[] {
	return Array.from({ length: spec.items }, (_, i) =>
		jws
			? { contactId: `${spec.consumerPrefix}${i}`, consumerJws: jws[i] }
			: { contactId: `${spec.consumerPrefix}${i}` },
	);
}

/** The Customer Info SDE every bench item carries (as in the load run). */
export const BENCH_CUSTOMER_INFO = { ctype: 'vip' } as const;
