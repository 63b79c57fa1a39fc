export { callConnector, type ConnectorCall } from './connector';
export { resolveConsumer, type Consumer } from './consumer';
export { inputError, itemError, setupError, type Created } from './errors';
export { LivePersonSetupError } from './hosts';
export { CREDENTIAL_TYPE, openSession, type Session } from './session';
