// For programmatic use (n8n itself loads the package through the "n8n" field of package.json):
// the node and credential classes, from the built package.
module.exports = {
	LivePersonConnector: require('./dist/nodes/LivePersonConnector/LivePersonConnector.node')
		.LivePersonConnector,
	LivePersonTrigger: require('./dist/nodes/LivePersonTrigger/LivePersonTrigger.node')
		.LivePersonTrigger,
	LivePersonConnectorApi: require('./dist/credentials/LivePersonConnectorApi.credentials')
		.LivePersonConnectorApi,
};
