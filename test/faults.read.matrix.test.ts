/**
 * The fault matrix (test/support/faultMatrix.ts) for the reads of the Messaging REST API: a read
 * changes nothing, so every fault ends in the read done after retries, or in `no`.
 */
import { OPERATIONS, describeMatrix, useEmulator } from './support/faultMatrix';

useEmulator();
describeMatrix(
	OPERATIONS.filter((operation) => ['Get Conversation', 'Get Messages'].includes(operation.name)),
);
