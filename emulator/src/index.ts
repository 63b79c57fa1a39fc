/** The LivePerson Connector API emulator: see README.md beside this file. */
export { startEmulator, DEFAULTS, routeOf } from './server';
export { faultPresets, seededRandom } from './faults';
export { decodeJwtPayload, issuedTokens, uuidFromHash } from './tokens';
export { webhookSignature } from './agent';
export { printableRecord, shorten } from './control';
export { MAX_BODY_CHARS } from './messaging';
export type * from './types';
export {
	bannerText,
	credentialValues,
	describeEmulator,
	type CredentialBlock,
	type CredentialValues,
	type EmulatorInfo,
} from './banner';
