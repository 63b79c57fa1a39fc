export { callConnector } from './connector';
export { resolveConsumer } from './consumer';
export { answerFailure, inputError, itemError, setupError } from './errors';
export { LivePersonSetupError } from './hosts';
export { openSession } from './session';
