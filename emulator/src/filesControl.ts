/** Control endpoints of the test clock, the storage host, the Messaging REST API and agent files. */
import { json } from './answers';
import type { Route } from './control';
import type { RestSettings } from './rest';
import type { StorageSettings } from './storage';
import type { Emulator, EmulatorAnswer } from './types';
import { isObj } from './validation';

export function restAndStorageControlRoutes(
	emulator: Emulator,
	badRequest: (message: string) => EmulatorAnswer,
): Record<string, Route[]> {
	const clockState = () => ({
		now: emulator.clock.now(),
		nowIso: new Date(emulator.clock.now()).toISOString(),
		offsetMs: emulator.clock.offset(),
	});
	return {
		'/_emulator/clock': [
			{ method: 'GET', run: () => json(200, clockState()) },
			{
				method: 'POST',
				run: (b) => {
					if (!isObj(b))
						return badRequest('body must be {"advanceSeconds"|"advanceMs"|"offsetMs": n}');
					if (typeof b.offsetMs === 'number') emulator.clock.setOffset(b.offsetMs);
					if (typeof b.advanceMs === 'number') emulator.clock.advance(b.advanceMs);
					if (typeof b.advanceSeconds === 'number') emulator.clock.advance(b.advanceSeconds * 1000);
					if (![b.offsetMs, b.advanceMs, b.advanceSeconds].some((v) => typeof v === 'number'))
						return badRequest('give advanceSeconds, advanceMs or offsetMs (a number)');
					return json(200, clockState());
				},
			},
		],
		'/_emulator/storage': [
			{
				method: 'GET',
				run: () =>
					json(200, { settings: emulator.storage.settings(), files: emulator.storage.files() }),
			},
			{
				method: 'POST',
				run: (b) => {
					if (!isObj(b)) return badRequest('body must be an object of storage settings');
					return json(200, { settings: emulator.storage.configure(b as Partial<StorageSettings>) });
				},
			},
		],
		'/_emulator/rest': [
			{ method: 'GET', run: () => json(200, emulator.rest.settings()) },
			{
				method: 'POST',
				run: (b) => {
					if (!isObj(b)) return badRequest('body must be an object of REST API settings');
					return json(200, emulator.rest.configure(b as Partial<RestSettings>));
				},
			},
		],
		'/_emulator/agent/file': [
			{
				method: 'POST',
				run: async (b) => {
					if (
						!isObj(b) ||
						typeof b.conversationId !== 'string' ||
						typeof b.base64 !== 'string' ||
						typeof b.fileType !== 'string'
					) {
						return badRequest('conversationId, base64 and fileType are required');
					}
					const opts: { agentId?: string; audience?: 'ALL' | 'AGENTS_AND_MANAGERS' } = {};
					if (typeof b.agentId === 'string') opts.agentId = b.agentId;
					if (b.audience === 'ALL' || b.audience === 'AGENTS_AND_MANAGERS')
						opts.audience = b.audience;
					return json(
						200,
						await emulator.agent.sendFile(
							b.conversationId,
							{
								base64: b.base64,
								fileType: b.fileType,
								...(typeof b.caption === 'string' ? { caption: b.caption } : {}),
								...(typeof b.preview === 'string' ? { preview: b.preview } : {}),
							},
							opts,
						),
					);
				},
			},
		],
	};
}
