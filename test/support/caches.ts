import * as path from 'path';

const dist = path.join(__dirname, '..', '..', 'dist', 'nodes');

/**
 * Forgets the nodes' in-memory host, ConsumerJWS, AppJWT and REST header-form caches, which (as in n8n) outlive an execution.
 * The harness loads the built package with this test file's module registry, so these are the
 * very modules the node runs with.
 */
export function clearNodeCaches(): void {
	require(path.join(dist, 'shared', 'transport', 'hosts')).clearHostCache();
	require(path.join(dist, 'LivePersonConnector', 'transport', 'consumer')).clearConsumerCache();
	require(path.join(dist, 'shared', 'transport', 'appJwt')).clearAppJwtCache();
	require(path.join(dist, 'LivePersonConnector', 'transport', 'rest')).clearRestCache();
}
