/**
 * The documentation's promises: every relative link and #anchor in the repository's Markdown points
 * at a file and a heading that exist (as GitHub renders them), the README links to every page in
 * docs/, stays short, and shows the two commands CI and the demo rely on.
 */
import * as fs from 'fs';
import * as path from 'path';

import { CONVERSATION_REASONS } from '../nodes/LivePersonConnector/actions/conversation/Conversation.resource';
import { CAMPAIGN_REASONS } from '../nodes/LivePersonProactiveMessaging/actions/campaign/Campaign.resource';
import { SHARED_REASONS } from '../nodes/shared/errors';

const REPO = path.resolve(__dirname, '..');
const README_MAX_BYTES = 15_000;
/** The files the checks must cover, whatever else the walk finds. */
const REQUIRED = [
	'README.md',
	'CONTRIBUTING.md',
	'CHANGELOG.md',
	'emulator/README.md',
	'bench/README.md',
];

/** Every Markdown file of the repository, outside installed, built and hidden folders. */
function markdownFiles(dir = REPO): string[] {
	const found: string[] = [];
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		if (entry.name.startsWith('.') || ['node_modules', 'dist', 'coverage'].includes(entry.name))
			continue;
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) found.push(...markdownFiles(full));
		else if (entry.name.endsWith('.md'))
			found.push(path.relative(REPO, full).split(path.sep).join('/'));
	}
	return found.sort();
}

/** The lines outside fenced code blocks, with their inline code spans blanked out. */
function proseLines(markdown: string): string[] {
	const lines: string[] = [];
	let fence: string | undefined;
	for (const line of markdown.split('\n')) {
		const opening = /^\s*(`{3,}|~{3,})/.exec(line);
		if (fence !== undefined) {
			if (opening && opening[1][0] === fence[0] && opening[1].length >= fence.length)
				fence = undefined;
			continue;
		}
		if (opening) {
			fence = opening[1];
			continue;
		}
		lines.push(line);
	}
	return lines;
}

/** GitHub's heading anchor: lower case, punctuation and symbols dropped, each space a hyphen. */
function githubSlug(heading: string): string {
	const text = heading
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
		.replace(/<[^>]+>/g, ''); // inline HTML
	return text
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
		.replace(/ /g, '-');
}

/** The anchors a Markdown file offers: its headings' slugs (repeats numbered) and HTML ids. */
function anchorsOf(markdown: string): Set<string> {
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	for (const line of proseLines(markdown)) {
		const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
		if (heading) {
			const slug = githubSlug(heading[1]);
			const count = seen.get(slug) ?? 0;
			seen.set(slug, count + 1);
			anchors.add(count === 0 ? slug : `${slug}-${count}`);
		}
		for (const html of line.matchAll(/<a\s[^>]*(?:id|name)="([^"]+)"/g)) anchors.add(html[1]);
	}
	return anchors;
}

/** The link targets of a Markdown file: inline links, images and reference definitions. */
function linksOf(markdown: string): string[] {
	const targets: string[] = [];
	for (const raw of proseLines(markdown)) {
		const line = raw.replace(/(`+)[^`]*?\1/g, '');
		for (const link of line.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g))
			targets.push(link[1].replace(/^<|>$/g, ''));
		const definition = /^ {0,3}\[[^\]]+\]:\s*(\S+)/.exec(line);
		if (definition) targets.push(definition[1].replace(/^<|>$/g, ''));
	}
	return targets;
}

/** What is wrong with one link of `file`, or undefined when it resolves. */
function brokenLink(file: string, target: string): string | undefined {
	if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:: not checked here
	const hash = target.indexOf('#');
	const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
	const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
	const resolved =
		pathPart === '' ? path.join(REPO, file) : path.resolve(REPO, path.dirname(file), pathPart);
	const relative = path.relative(REPO, resolved);
	if (relative.startsWith('..') || path.isAbsolute(relative))
		return `${target}: leaves the repository`;
	if (!fs.existsSync(resolved)) return `${target}: ${relative} does not exist`;
	if (anchor === undefined || !resolved.endsWith('.md')) return undefined;
	if (!anchorsOf(fs.readFileSync(resolved, 'utf8')).has(anchor))
		return `${target}: no heading "#${anchor}" in ${relative}`;
	return undefined;
}

describe('the slug and link readers', () => {
	test('headings become GitHub anchors', () => {
		expect(githubSlug('Output: one item per change')).toBe('output-one-item-per-change');
		expect(githubSlug("n8n's verification lint")).toBe('n8ns-verification-lint');
		expect(githubSlug('Why: `details.reason`')).toBe('why-detailsreason');
		expect(githubSlug('Setup, step by step')).toBe('setup-step-by-step');
		expect(githubSlug('The [emulator](docs/emulator.md) › flags')).toBe('the-emulator--flags');
		expect(githubSlug('retry_after and max-retries')).toBe('retry_after-and-max-retries');
		expect([...anchorsOf('# A\n\n## Same\n\n## Same\n\n```\n# not a heading\n```\n')]).toEqual([
			'a',
			'same',
			'same-1',
		]);
	});

	test('links are read outside code only', () => {
		const markdown = [
			'See [one](a.md#x), ![two](img/b.png "title") and [three](https://example.com).',
			'`[not](code.md)` but [four](<c d.md>)',
			'```bash',
			'echo "[not](fenced.md)"',
			'```',
			'[ref]: docs/e.md',
		].join('\n');
		expect(linksOf(markdown)).toEqual([
			'a.md#x',
			'img/b.png',
			'https://example.com',
			'c d.md',
			'docs/e.md',
		]);
	});

	test('a missing file or heading is reported', () => {
		expect(brokenLink('README.md', 'docs/no-such-page.md')).toMatch(/does not exist/);
		expect(brokenLink('README.md', '#no-such-heading')).toMatch(/no heading/);
		expect(brokenLink('README.md', '../outside.md')).toMatch(/leaves the repository/);
		expect(brokenLink('README.md', 'CHANGELOG.md#unreleased')).toBeUndefined();
	});
});

const files = markdownFiles();

test('the documentation files exist', () => {
	expect(files).toEqual(expect.arrayContaining(REQUIRED));
	expect(files.filter((f) => f.startsWith('docs/')).length).toBeGreaterThan(0);
});

describe.each(files)('%s', (file) => {
	test('every relative link and anchor resolves', () => {
		const markdown = fs.readFileSync(path.join(REPO, file), 'utf8');
		const broken = linksOf(markdown)
			.map((target) => brokenLink(file, target))
			.filter((problem): problem is string => problem !== undefined);
		expect(broken).toEqual([]);
	});
});

describe('README.md', () => {
	const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');

	test(`is at most ${README_MAX_BYTES} bytes`, () => {
		expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(README_MAX_BYTES);
	});

	test('links to every page in docs/', () => {
		const linked = new Set(
			linksOf(readme)
				.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
				.map((target) => path.posix.normalize(decodeURIComponent(target.split('#')[0]))),
		);
		const pages = files.filter((f) => f.startsWith('docs/'));
		expect(pages.filter((page) => !linked.has(page))).toEqual([]);
	});

	test('shows the demo and test commands', () => {
		expect(readme).toContain('npm ci && npm run demo');
		expect(readme).toContain('npm test');
	});
});

describe('the reasons a workflow routes on', () => {
	test('docs/reliability.md documents exactly the reasons the Connector node can give', () => {
		const page = fs.readFileSync(path.join(REPO, 'docs', 'reliability.md'), 'utf8');
		const documented = [...page.matchAll(/^\| `(\w+)` \|/gm)]
			.map((match) => match[1])
			.filter((word) => word !== 'reason');
		expect(new Set(documented)).toEqual(
			new Set([...SHARED_REASONS, ...CONVERSATION_REASONS, 'unexpected']),
		);
	});

	test("docs/proactive.md documents exactly the Proactive node's own reasons", () => {
		const page = fs.readFileSync(path.join(REPO, 'docs', 'proactive.md'), 'utf8');
		const documented = [...page.matchAll(/^\| `(\w+)` \|/gm)]
			.map((match) => match[1])
			.filter((word) => word !== 'reason' && !/^[A-Z_]+$/.test(word));
		expect(new Set(documented)).toEqual(new Set(CAMPAIGN_REASONS));
	});
});
