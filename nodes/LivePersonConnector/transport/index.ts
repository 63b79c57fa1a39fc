export {
	connectorApi,
	CREDENTIAL_TYPE,
	type ConnectorCredential,
	type ConnectorSession,
} from './api';
export { callConnector, callConnectorAs, type ConnectorCall } from './connector';
export type { Consumer, ConsumerChoice } from './consumer';
