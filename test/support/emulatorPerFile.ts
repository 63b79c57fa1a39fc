import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/src';
import { clearNodeCaches } from './caches';

/**
 * One emulator for the test file, started before its tests and closed after them, with its state
 * and the node's in-memory caches cleared before each test. The returned object stands for the
 * emulator once it runs (so it can be a module-level constant).
 */
export function emulatorPerFile(options: EmulatorOptions = {}): Emulator {
	let current: Emulator | undefined;
	beforeAll(async () => {
		current = await startEmulator(options);
	});
	afterAll(async () => await current?.close());
	beforeEach(() => {
		current?.reset();
		clearNodeCaches();
	});
	return new Proxy({} as Emulator, {
		get: (_target, key) => {
			if (!current) throw new Error('The emulator starts in beforeAll: use it inside a test');
			return current[key as keyof Emulator];
		},
	});
}
