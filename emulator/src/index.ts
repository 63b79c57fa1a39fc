/** The LivePerson Connector API emulator: see README.md beside this file. */
export { startEmulator, DEFAULTS, routeOf } from './server';
export { faultPresets, seededRandom } from './faults';
export { decodeJwtPayload, issuedTokens, uuidFromHash } from './tokens';
export { webhookSignature } from './agent';
export { printableRecord, shorten } from './control';
export { MAX_BODY_CHARS } from './messaging';
export {
	storageFaultPresets,
	MAX_FILE_BYTES,
	MAX_PREVIEW_CHARS,
	TEMP_URL_INVALID,
} from './storage';
export type * from './types';
export type { StorageControl, StorageSettings, StoredFileView, TestClock } from './storage';
export type { RestControl, RestSettings } from './rest';
export { PROACTIVE_DEFAULTS, nextWindowOpening } from './proactive';
export { HANDOFF_FIXTURES } from './proactiveFixtures';
export type * from './proactiveTypes';
export {
	bannerText,
	credentialValues,
	describeEmulator,
	type CredentialBlock,
	type CredentialValues,
	type EmulatorInfo,
} from './banner';
