/**
 * The fault matrix (test/support/faultMatrix.ts) for creating a conversation: faults on the create,
 * on the ConsumerJWS mint, and on what the run shares (Domain API, Sentinel).
 */
import { OPERATIONS, describeMatrix, describeRunFaults, useEmulator } from './support/faultMatrix';

useEmulator();
describeMatrix(OPERATIONS.filter((operation) => operation.endpoint === 'conversation'));
describeRunFaults();
