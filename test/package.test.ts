import { execFileSync } from 'child_process';
import * as path from 'path';

const root = path.join(__dirname, '..');
const pkg = require('../package.json');

test('the published package holds only dist/, index.js, the README, the licence and package.json, and no source maps', () => {
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
			cwd: root,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		}),
	) as Array<{ files: Array<{ path: string }> }>;
	const files = packed.files.map((file) => file.path);
	const outside = files.filter(
		(file) =>
			!file.startsWith('dist/') &&
			!['index.js', 'README.md', 'LICENSE.md', 'package.json'].includes(file),
	);
	expect(outside).toEqual([]);
	expect(files).toEqual(expect.arrayContaining([...pkg.n8n.nodes, ...pkg.n8n.credentials]));
	expect(files.filter((file) => file.includes('emulator') || file.startsWith('test/'))).toEqual([]);
	expect(files).toEqual(
		expect.arrayContaining([
			'dist/nodes/LivePersonConnector/liveperson.svg',
			'dist/nodes/LivePersonConnector/liveperson.dark.svg',
			'index.js',
		]),
	);
	// Stack traces would point at .ts files that are not shipped.
	expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
});

test('index.js exports the node and credential classes from dist/ for programmatic use', () => {
	const exported = require('../index.js');
	expect(Object.keys(exported).sort()).toEqual([
		'LivePersonConnector',
		'LivePersonConnectorApi',
		'LivePersonConnectorTrigger',
		'LivePersonProactiveApi',
		'LivePersonProactiveMessaging',
	]);
	expect(new exported.LivePersonConnector().description.name).toBe('livePersonConnector');
	expect(new exported.LivePersonConnectorTrigger().description.name).toBe(
		'livePersonConnectorTrigger',
	);
	expect(new exported.LivePersonConnectorApi().name).toBe('livePersonConnectorApi');
	expect(new exported.LivePersonProactiveMessaging().description.name).toBe(
		'livePersonProactiveMessaging',
	);
	expect(new exported.LivePersonProactiveApi().name).toBe('livePersonProactiveApi');
	expect(pkg.main).toBe('index.js');
});

test('no runtime dependencies; n8n-workflow is an optional peer', () => {
	expect(pkg.dependencies ?? {}).toEqual({});
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	// n8n provides n8n-workflow: `npm install` in ~/.n8n/nodes must not install a second copy.
	expect(pkg.peerDependenciesMeta).toEqual({ 'n8n-workflow': { optional: true } });
	expect(pkg.devDependencies['n8n-core']).toBe('2.41.1');
	expect(pkg.devDependencies['n8n-workflow']).toBe('2.41.0');
});
