// For programmatic use (n8n itself loads the package through the "n8n" field of package.json):
// the node and credential classes, from the built package.
module.exports = {
	LivePersonConnector: require('./dist/nodes/LivePersonConnector/LivePersonConnector.node')
		.LivePersonConnector,
	LivePersonConnectorTrigger:
		require('./dist/nodes/LivePersonConnectorTrigger/LivePersonConnectorTrigger.node')
			.LivePersonConnectorTrigger,
	LivePersonProactiveMessaging:
		require('./dist/nodes/LivePersonProactiveMessaging/LivePersonProactiveMessaging.node')
			.LivePersonProactiveMessaging,
	LivePersonConnectorApi: require('./dist/credentials/LivePersonConnectorApi.credentials')
		.LivePersonConnectorApi,
	LivePersonProactiveApi: require('./dist/credentials/LivePersonProactiveApi.credentials')
		.LivePersonProactiveApi,
};
