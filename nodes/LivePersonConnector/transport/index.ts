export { callConnector, callConnectorAs, type ConnectorCall } from './connector';
export type { Consumer, ConsumerChoice } from './consumer';
export { CREDENTIAL_TYPE } from './credential';
export { retrySettings, type RetrySettings } from './retry';
export { openSession, sessionSecrets, type LivePersonContext, type Session } from './session';
