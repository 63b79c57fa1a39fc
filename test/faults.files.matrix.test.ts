/**
 * The fault matrix (test/support/faultMatrix.ts) for sharing files: faults on the publish (never
 * sent twice), on the upload and download URL requests, and at the file storage (an upload that
 * fails, a URL that expires).
 */
import { OPERATIONS, describeMatrix, useEmulator } from './support/faultMatrix';

useEmulator();
describeMatrix(
	OPERATIONS.filter((operation) => ['Send File', 'Download File'].includes(operation.name)),
);
