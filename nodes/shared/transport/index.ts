export { authorizationOf, type LivePersonApi } from './api';
export type { LivePersonCredential } from './credential';
export { retrySettings, type RetrySettings } from './retry';
export {
	authenticatedRequest,
	once,
	openSession,
	plainRequest,
	serviceUrl,
	sessionSecrets,
	type LivePersonContext,
	type Session,
} from './session';
