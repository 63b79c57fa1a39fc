/**
 * The fault matrix (test/support/faultMatrix.ts) for every other SEND on an open conversation: a
 * profile update, a typing indicator, a read receipt, a shared location, and any operation added
 * later (so none is left out of the matrix).
 */
import { OPERATIONS, describeMatrix, useEmulator } from './support/faultMatrix';

/** The operations the other two matrix files run. */
const ELSEWHERE = ['Send Message', 'Close Conversation'];

useEmulator();
describeMatrix(
	OPERATIONS.filter(
		(operation) => operation.endpoint === 'send' && !ELSEWHERE.includes(operation.name),
	),
);
