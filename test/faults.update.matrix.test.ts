/**
 * The fault matrix (test/support/faultMatrix.ts) for the SENDs that are safe to repeat and change
 * no conversation state: a profile update, a typing indicator, a read receipt.
 */
import { OPERATIONS, describeMatrix, useEmulator } from './support/faultMatrix';

useEmulator();
describeMatrix(
	OPERATIONS.filter((operation) =>
		['Update Profile', 'Send Typing Indicator', 'Mark as Read'].includes(operation.name),
	),
);
