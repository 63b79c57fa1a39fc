/**
 * The n8n versions this package is checked against, and how each one installs from this registry.
 *
 * - newest: the newest n8n 2.x the npm registry serves here that installs (2.41.3 does not: it needs
 *   `@n8n/agents@0.26.2`, which the registry lacks). n8n 2.x needs Node 24, taken from the npm
 *   package `node@24`.
 * - oldest: the oldest n8n whose APIs the node and credential need (see the README's Compatibility
 *   section for the reasons). n8n 1.x runs on Node 20.
 *
 * `linkedom` and `xlsx` are pinned because the versions n8n asks for are missing from this registry.
 */
export interface N8nTarget {
	/** n8n's version on npm. */
	n8n: string;
	/** The Node.js major n8n runs on. */
	nodeMajor: number;
	/** npm `overrides` for the cache install. */
	overrides: Record<string, string>;
	/** Native modules to build after the script-less install (only those present are built). */
	rebuild: string[];
	/** Extra environment for the n8n process. */
	env: Record<string, string>;
}

export const TARGETS: Record<string, N8nTarget> = {
	newest: {
		n8n: '2.41.1',
		nodeMajor: 24,
		overrides: { linkedom: '0.18.14' },
		rebuild: ['isolated-vm', 'sqlite3'],
		env: {},
	},
	oldest: {
		n8n: '1.123.81',
		nodeMajor: 20,
		overrides: { linkedom: '0.18.14', xlsx: '0.18.5' },
		rebuild: ['sqlite3'],
		// 1.123's vm expression engine needs isolated-vm on Node 24; the legacy engine needs nothing.
		env: { N8N_EXPRESSION_ENGINE: 'legacy' },
	},
};

/**
 * Which target to run: `--n8n newest|oldest|<version>` or N8N_E2E_VERSION; default newest.
 * A bare version (e.g. 2.40.7) borrows the install recipe of the target with the same major.
 */
export function selectTarget(
	argv: string[] = process.argv.slice(2),
	env = process.env,
): { label: string; target: N8nTarget } {
	const i = argv.findIndex((a) => a === '--n8n' || a.startsWith('--n8n='));
	const arg = i < 0 ? undefined : argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
	const wanted = (arg ?? env.N8N_E2E_VERSION ?? 'newest').trim();
	if (TARGETS[wanted]) return { label: wanted, target: TARGETS[wanted] };
	if (!/^\d+\.\d+\.\d+$/.test(wanted))
		throw new Error(`unknown n8n version "${wanted}": use newest, oldest or x.y.z`);
	const major = Number(wanted.split('.')[0]);
	const recipe = major >= 2 ? TARGETS.newest : TARGETS.oldest;
	return { label: wanted, target: { ...recipe, n8n: wanted } };
}
