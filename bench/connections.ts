/**
 * npm run bench:connections
 * Can requests through n8n's helpers reuse TCP connections? Sends 20 sequential requests exactly as
 * `this.helpers.httpRequest` and `httpRequestWithAuthentication` do (n8n-core's request helpers end
 * in `Container.get(OutboundHttp).requests().request(options)`), with and without `agentOptions`,
 * and prints the emulator's connection count for each. See bench/README.md for the code path.
 */
import * as http from 'http';
import * as path from 'path';

process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_USER_FOLDER ??= path.join(__dirname, '..', '..', '.n8n-test');

import { OutboundHttp } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { startEmulator } from '../emulator/src';

const REQUESTS = 20;

async function main() {
	const emulator = await startEmulator();
	const url = `${emulator.baseUrl}/api/account/${emulator.accountId}/service/baseURI.json`;
	const client = Container.get(OutboundHttp).requests();
	const trials: Array<[string, Partial<IHttpRequestOptions>]> = [
		['no options (what the node sends)', {}],
		['agentOptions: { keepAlive: true }', { agentOptions: { keepAlive: true } }],
		[
			'agentOptions: { keepAlive: true, maxSockets: 1 }',
			{ agentOptions: { keepAlive: true, maxSockets: 1 } },
		],
		['skipSslCertificateValidation: true', { skipSslCertificateValidation: true }],
	];
	console.log(
		`Node ${process.version}: http.globalAgent.keepAlive = ${String((http.globalAgent as { keepAlive?: boolean }).keepAlive)}`,
	);
	console.log(
		`${REQUESTS} sequential requests through OutboundHttp.requests().request(), per option set:\n`,
	);
	console.log('| request options | TCP connections | most open at once | Connection header sent |');
	console.log('|---|---|---|---|');
	try {
		for (const [label, extra] of trials) {
			emulator.reset();
			for (let i = 0; i < REQUESTS; i++)
				await client.request({ url, qs: { version: '1.0' }, json: true, ...extra });
			const stats = emulator.stats();
			console.log(
				`| ${label} | ${stats.connections} | ${stats.maxOpenConnections} | ${emulator.requests[0].headers.connection} |`,
			);
		}
	} finally {
		await emulator.close();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
