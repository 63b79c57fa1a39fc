/** Debian packages the end-to-end scripts need, installed with apt-get when missing (as root). */
import * as fs from 'fs';

import { run } from './processes';

let updated = false;

/**
 * Returns the first of `binaries` that exists; if none does, installs `packages` with apt-get
 * (after one `apt-get update` per run) and looks again. Throws with the command to run when this
 * is not root.
 */
export async function ensureDebianPackages(
	packages: string[],
	binaries: Array<string | (() => string | undefined)>,
	log: (s: string) => void,
	logFile: string,
): Promise<string> {
	const find = () =>
		binaries
			.map((b) => (typeof b === 'function' ? b() : b))
			.find((p): p is string => !!p && fs.existsSync(p));
	const found = find();
	if (found) return found;
	const command = `apt-get update && apt-get install -y ${packages.join(' ')}`;
	if (typeof process.getuid === 'function' && process.getuid() !== 0) {
		throw new Error(`${packages.join(', ')} missing and this is not root: run \`${command}\``);
	}
	log(`${packages.join(', ')} missing: ${command}`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	if (!updated) {
		await run('apt-get update', 'apt-get', ['update'], { env, logFile, timeoutMs: 10 * 60_000 });
		updated = true;
	}
	await run(
		`apt-get install ${packages.join(' ')}`,
		'apt-get',
		['install', '-y', '--no-install-recommends', ...packages],
		{
			env,
			logFile,
			timeoutMs: 15 * 60_000,
		},
	);
	const installed = find();
	if (!installed)
		throw new Error(
			`apt-get installed ${packages.join(', ')} but none of ${binaries.join(', ')} exists`,
		);
	return installed;
}
