/**
 * The fault matrix (test/support/faultMatrix.ts) for sending into and closing an open conversation:
 * a message is never sent twice; closing is safe to repeat.
 */
import { OPERATIONS, describeMatrix, useEmulator } from './support/faultMatrix';

useEmulator();
describeMatrix(
	OPERATIONS.filter((operation) => ['Send Message', 'Close Conversation'].includes(operation.name)),
);
