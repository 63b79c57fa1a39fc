/**
 * Summarises a V8 CPU profile (node --cpu-prof) by package and by function:
 *   node .bench-build/bench/profile.js FILE.cpuprofile [windowStartUs windowEndUs]
 * "Self" is time spent in a frame itself; "on stack" is time with the frame anywhere on the
 * synchronous stack (work after an `await` shows under the microtask queue, not under its caller).
 */
import { readFileSync } from 'fs';

interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
}
interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}
interface CpuProfile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

export interface ProfileSummary {
	sampledMs: number;
	/** Self time per package or area, percent of non-idle samples, largest first. */
	selfByArea: Array<{ area: string; percent: number }>;
	/** Time with any frame of the area on the stack, percent. */
	onStackByArea: Array<{ area: string; percent: number }>;
	/** Functions by time on stack, percent. */
	onStackByFunction: Array<{ fn: string; area: string; percent: number }>;
	/** Functions by self time, percent. */
	selfByFunction: Array<{ fn: string; area: string; percent: number }>;
}

/** Which package or part of the program a frame belongs to. */
export function areaOf(frame: CallFrame): string {
	const { url, functionName } = frame;
	if (!url) {
		if (functionName === '(garbage collector)') return 'GC';
		if (functionName.startsWith('(')) return functionName;
		return 'V8 builtins';
	}
	const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
	if (modules) return modules[1];
	if (/\/dist\/(nodes|credentials)\//.test(url)) return 'the node (dist/)';
	if (url.includes('/test/harness/')) return 'test harness';
	if (url.includes('/bench/')) return 'bench client';
	if (url.startsWith('node:')) {
		return /^node:(_http_|http|https|net|internal\/(http|net|stream|streams|url|dns|tls)|stream|url|tls|dns|zlib)/.test(
			url,
		)
			? 'Node http/net/streams'
			: 'Node other (events, timers, async hooks...)';
	}
	return url;
}

function functionKey(frame: CallFrame): string {
	const file = frame.url
		.replace(/^.*node_modules\//, '')
		.replace(/^.*\/(dist|\.bench-build)\//, '$1/')
		.replace(/^file:\/\//, '');
	return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
}

const NOT_WORK = new Set(['(idle)', '(root)']);

export function summariseProfile(
	profile: CpuProfile,
	windowStartUs = -Infinity,
	windowEndUs = Infinity,
	top = 25,
): ProfileSummary {
	const byId = new Map<number, ProfileNode>();
	const parent = new Map<number, number>();
	for (const node of profile.nodes) {
		byId.set(node.id, node);
		for (const child of node.children ?? []) parent.set(child, node.id);
	}
	const self = new Map<string, number>();
	const onStackArea = new Map<string, number>();
	const onStackFn = new Map<string, { area: string; time: number }>();
	const selfFn = new Map<string, { area: string; time: number }>();
	let total = 0;
	let time = profile.startTime;
	const add = <K>(map: Map<K, number>, key: K, delta: number) =>
		map.set(key, (map.get(key) ?? 0) + delta);
	for (let i = 0; i < profile.samples.length; i++) {
		time += profile.timeDeltas[i] ?? 0;
		if (time < windowStartUs || time > windowEndUs) continue;
		const delta = profile.timeDeltas[i + 1] ?? 0; // a sample stands for the time until the next one
		const leaf = byId.get(profile.samples[i]);
		if (!leaf || NOT_WORK.has(leaf.callFrame.functionName)) continue;
		total += delta;
		const leafArea = areaOf(leaf.callFrame);
		add(self, leafArea, delta);
		const leafKey = functionKey(leaf.callFrame);
		selfFn.set(leafKey, { area: leafArea, time: (selfFn.get(leafKey)?.time ?? 0) + delta });
		const areas = new Set<string>();
		const fns = new Set<string>();
		for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
			const frame = (byId.get(id) as ProfileNode).callFrame;
			if (NOT_WORK.has(frame.functionName)) continue;
			const area = areaOf(frame);
			areas.add(area);
			const key = functionKey(frame);
			if (!fns.has(key)) {
				fns.add(key);
				onStackFn.set(key, { area, time: (onStackFn.get(key)?.time ?? 0) + delta });
			}
		}
		for (const area of areas) add(onStackArea, area, delta);
	}
	const percent = (t: number) => Math.round((1000 * t) / Math.max(total, 1)) / 10;
	const sorted = <T extends { percent: number }>(list: T[]) =>
		list.sort((a, b) => b.percent - a.percent);
	return {
		sampledMs: Math.round(total / 1000),
		selfByArea: sorted([...self].map(([area, t]) => ({ area, percent: percent(t) }))),
		onStackByArea: sorted([...onStackArea].map(([area, t]) => ({ area, percent: percent(t) }))),
		onStackByFunction: sorted(
			[...onStackFn].map(([fn, v]) => ({ fn, area: v.area, percent: percent(v.time) })),
		)
			.filter(
				(f) =>
					!/^(processTicksAndRejections|runMicrotasks|listOnTimeout|processTimers|\(program\)) /.test(
						f.fn,
					),
			)
			.slice(0, top),
		selfByFunction: sorted(
			[...selfFn].map(([fn, v]) => ({ fn, area: v.area, percent: percent(v.time) })),
		).slice(0, top),
	};
}

export function formatProfileSummary(summary: ProfileSummary): string {
	const lines = [
		`CPU profile: ${summary.sampledMs} ms of samples (idle excluded)`,
		'',
		'Self time by package / area:',
	];
	for (const a of summary.selfByArea.slice(0, 16))
		lines.push(`  ${String(a.percent).padStart(5)} %  ${a.area}`);
	lines.push('', 'On the stack (any frame of the area), by package / area:');
	for (const a of summary.onStackByArea.slice(0, 16))
		lines.push(`  ${String(a.percent).padStart(5)} %  ${a.area}`);
	lines.push('', 'Functions by self time:');
	for (const f of summary.selfByFunction)
		lines.push(`  ${String(f.percent).padStart(5)} %  ${f.fn}  [${f.area}]`);
	lines.push('', 'Functions by time on the stack:');
	for (const f of summary.onStackByFunction)
		lines.push(`  ${String(f.percent).padStart(5)} %  ${f.fn}  [${f.area}]`);
	return lines.join('\n');
}

export function summariseProfileFile(
	file: string,
	windowStartUs?: number,
	windowEndUs?: number,
): ProfileSummary {
	return summariseProfile(
		JSON.parse(readFileSync(file, 'utf8')) as CpuProfile,
		windowStartUs,
		windowEndUs,
	);
}

if (require.main === module) {
	const [file, start, end] = process.argv.slice(2);
	if (!file) {
		console.error('usage: profile.js FILE.cpuprofile [windowStartUs windowEndUs]');
		process.exit(2);
	}
	console.log(
		formatProfileSummary(
			summariseProfileFile(file, start ? Number(start) : undefined, end ? Number(end) : undefined),
		),
	);
}
