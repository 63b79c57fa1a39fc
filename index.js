// n8n loads the package through the "n8n" field of package.json; nothing is exported here.
module.exports = {};
