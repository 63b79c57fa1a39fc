/** The LivePerson Connector API emulator: see README.md beside this file. */
export { startEmulator, DEFAULTS, routeOf } from './server';
export { faultPresets, seededRandom } from './faults';
export { decodeJwtPayload, issuedTokens, uuidFromHash } from './tokens';
export { webhookSignature } from './agent';
export { printableRecord, shorten } from './control';
export { MAX_BODY_CHARS } from './messaging';
export { PROACTIVE_DEFAULTS, nextWindowOpening } from './proactive';
export { HANDOFF_FIXTURES } from './proactiveFixtures';
export type * from './types';
export type * from './proactiveTypes';
