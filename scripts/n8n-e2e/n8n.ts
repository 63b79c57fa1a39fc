/**
 * A real n8n process on 127.0.0.1 (free ports for n8n and its task-runner broker, a user folder of
 * its own) and a small client for the REST API its editor uses.
 */
import * as fs from 'fs';
import * as path from 'path';

import type { N8nInstall, NodeRuntime } from './cache';
import { freePorts, startProcess, stopProcess, type Started } from './processes';

export const OWNER = {
	email: 'owner@e2e.example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Owner-Passw0rd',
};

export interface N8nInstance {
	label: string;
	baseUrl: string;
	port: number;
	userFolder: string;
	process: Started;
	/** Its log so far, colours removed. */
	log(): string;
	stop(): Promise<void>;
}

// eslint-disable-next-line no-control-regex -- ANSI colour codes in n8n's log
const ANSI = /\x1b\[[0-9;]*m/g;

export function plain(text: string): string {
	return text.replace(ANSI, '');
}

/** Starts n8n and resolves once its editor is reachable (or rejects with the log's tail). */
export async function startN8n(options: {
	label: string;
	install: N8nInstall;
	node: NodeRuntime;
	userFolder: string;
	logFile: string;
	env?: Record<string, string>;
	command?: string[];
	readyPattern?: RegExp;
	timeoutMs?: number;
}): Promise<N8nInstance> {
	const [port, brokerPort] = await freePorts(2);
	fs.mkdirSync(options.userFolder, { recursive: true });
	const baseUrl = `http://127.0.0.1:${port}`;
	const env: NodeJS.ProcessEnv = {
		PATH: process.env.PATH,
		HOME: process.env.HOME,
		LANG: process.env.LANG ?? 'C.UTF-8',
		TZ: 'UTC',
		NO_PROXY: '127.0.0.1,localhost',
		N8N_USER_FOLDER: options.userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `${baseUrl}/`,
		N8N_EDITOR_BASE_URL: `${baseUrl}/`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_LEVEL: 'debug',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		...options.env,
	};
	const proc = startProcess(
		`n8n (${options.label})`,
		options.node.bin,
		[options.install.bin, ...(options.command ?? ['start'])],
		{
			cwd: options.userFolder,
			env,
			logFile: options.logFile,
		},
	);
	const instance: N8nInstance = {
		label: options.label,
		baseUrl,
		port,
		userFolder: options.userFolder,
		process: proc,
		log: () => plain(proc.output()),
		stop: () => stopProcess(proc),
	};
	const ready = options.readyPattern ?? /Editor is now accessible via/;
	const deadline = Date.now() + (options.timeoutMs ?? 180_000);
	while (!ready.test(instance.log())) {
		if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
			throw new Error(
				`n8n (${options.label}) exited during start-up:\n${instance.log().slice(-3000)}`,
			);
		}
		if (Date.now() > deadline) {
			await instance.stop();
			throw new Error(
				`n8n (${options.label}) not ready after ${(options.timeoutMs ?? 180_000) / 1000} s:\n${instance.log().slice(-3000)}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	return instance;
}

export class RestError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly body: unknown,
	) {
		super(message);
	}
}

export interface ExecutionSummary {
	id: string;
	status: string;
	finished: boolean;
	mode: string;
	workflowId: string;
}

export interface RunItem {
	json: Record<string, any>;
	pairedItem?: { item: number } | Array<{ item: number }>;
}

export interface NodeRun {
	executionStatus?: string;
	error?: { message?: string; description?: string; name?: string };
	data?: { main?: Array<RunItem[] | null> };
}

export interface Execution extends ExecutionSummary {
	data: {
		resultData: {
			runData: Record<string, NodeRun[]>;
			error?: { message?: string; description?: string; name?: string; node?: { name?: string } };
			lastNodeExecuted?: string;
		};
	};
}

/** The REST API n8n's editor uses, with the editor's cookie session. */
export class N8nApi {
	private cookie = '';
	private readonly browserId = 'n8n-nodes-liveperson-e2e';

	constructor(
		readonly baseUrl: string,
		private readonly parseFlatted: (text: string) => unknown,
	) {}

	async request<T = any>(
		method: string,
		route: string,
		body?: unknown,
		timeoutMs = 60_000,
	): Promise<T> {
		const response = await fetch(`${this.baseUrl}${route}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(timeoutMs),
		});
		const setCookie = response.headers.get('set-cookie');
		const auth = setCookie && /n8n-auth=[^;]*/.exec(setCookie);
		if (auth) this.cookie = auth[0];
		const text = await response.text();
		let parsed: any = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// not JSON
		}
		if (!response.ok) {
			const message =
				typeof parsed === 'object' && parsed?.message ? parsed.message : text.slice(0, 300);
			throw new RestError(
				`${method} ${route} -> HTTP ${response.status}: ${message}`,
				response.status,
				parsed,
			);
		}
		return (parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed) as T;
	}

	async setupOwner(): Promise<void> {
		await this.request('POST', '/rest/owner/setup', OWNER);
	}

	async login(): Promise<void> {
		// 2.x names the field emailOrLdapLoginId, 1.x email: send both.
		await this.request('POST', '/rest/login', {
			email: OWNER.email,
			emailOrLdapLoginId: OWNER.email,
			password: OWNER.password,
		});
	}

	async nodeTypes(): Promise<Array<Record<string, any>>> {
		return await this.request('GET', '/types/nodes.json');
	}

	async credentialTypes(): Promise<Array<Record<string, any>>> {
		return await this.request('GET', '/types/credentials.json');
	}

	async createCredential(
		name: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<{ id: string; name: string }> {
		const created = await this.request('POST', '/rest/credentials', { name, type, data });
		return { id: String(created.id), name: created.name };
	}

	/** n8n's credential test, as the credential dialog sends it. */
	async testCredential(credential: {
		id?: string;
		name: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<{ status: string; message: string }> {
		return await this.request('POST', '/rest/credentials/test', { credentials: credential });
	}

	async createWorkflow(workflow: Record<string, unknown>): Promise<Record<string, any>> {
		// 1.x requires `active` (NOT NULL); 2.x activates through /activate only.
		return await this.request('POST', '/rest/workflows', { active: false, ...workflow });
	}

	async getWorkflow(id: string): Promise<Record<string, any>> {
		return await this.request('GET', `/rest/workflows/${id}`);
	}

	/** Makes its production webhooks live: 2.x has /activate; 1.x takes active: true in a PATCH. */
	async activate(id: string): Promise<void> {
		const workflow = await this.getWorkflow(id);
		try {
			await this.request('POST', `/rest/workflows/${id}/activate`, {
				versionId: workflow.versionId,
			});
		} catch (error) {
			if (!(error instanceof RestError) || (error.status !== 404 && error.status !== 405))
				throw error;
			await this.request('PATCH', `/rest/workflows/${id}`, {
				active: true,
				versionId: workflow.versionId,
			});
		}
	}

	/**
	 * Why n8n could not activate the workflow, or null (none yet). n8n with the publication service
	 * (2.x) activates after answering and keeps each trigger's error in the publication status;
	 * older n8n keeps an activation error per workflow.
	 */
	async activationError(id: string): Promise<string | null> {
		try {
			const status = (await this.request('GET', `/rest/workflows/${id}/publication-status`)) as {
				status?: string;
				triggers?: Array<{ errorMessage?: string | null }>;
			};
			if (status.status !== 'failed' && status.status !== 'partial') return null;
			const messages = (status.triggers ?? []).map((t) => t.errorMessage).filter(Boolean);
			return messages.join('; ') || status.status;
		} catch (error) {
			if (!(error instanceof RestError) || error.status !== 404) throw error;
		}
		const error: unknown = await this.request('GET', `/rest/active-workflows/error/${id}`);
		return typeof error === 'string' && error !== '' ? error : null;
	}

	async deactivate(id: string): Promise<void> {
		const workflow = await this.getWorkflow(id);
		try {
			await this.request('POST', `/rest/workflows/${id}/deactivate`, {
				versionId: workflow.versionId,
			});
		} catch (error) {
			if (!(error instanceof RestError) || (error.status !== 404 && error.status !== 405))
				throw error;
			await this.request('PATCH', `/rest/workflows/${id}`, {
				active: false,
				versionId: workflow.versionId,
			});
		}
	}

	/** A manual run from the given trigger (its pinned data is used); returns the execution id. */
	async runManually(id: string, triggerName: string): Promise<string> {
		const workflowData = await this.getWorkflow(id);
		// 2.x reads the workflow from its database; 1.x wants it in the body.
		const result = await this.request('POST', `/rest/workflows/${id}/run`, {
			workflowData,
			startNodes: [],
			triggerToStartFrom: { name: triggerName },
		});
		if (!result?.executionId)
			throw new Error(`the manual run started no execution: ${JSON.stringify(result)}`);
		return String(result.executionId);
	}

	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const result = await this.request('GET', `/rest/executions?filter=${filter}&limit=100`);
		return (result.results ?? result) as ExecutionSummary[];
	}

	async execution(id: string): Promise<Execution> {
		const raw = await this.request('GET', `/rest/executions/${id}`);
		const data = typeof raw.data === 'string' ? this.parseFlatted(raw.data) : raw.data;
		return { ...raw, data } as Execution;
	}

	/** Polls until the execution has ended. */
	async waitForExecution(id: string, timeoutMs = 120_000): Promise<Execution> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			try {
				const execution = await this.execution(id);
				const ended =
					!['new', 'running', 'waiting', 'unknown'].includes(execution.status) ||
					execution.finished;
				// Its data can be written a moment after its status.
				if (ended && execution.data?.resultData) return execution;
			} catch (error) {
				if (!(error instanceof RestError) || error.status !== 404) throw error;
			}
			if (Date.now() > deadline)
				throw new Error(`execution ${id} did not end within ${timeoutMs / 1000} s`);
			await new Promise((resolve) => setTimeout(resolve, 300));
		}
	}
}

/** flatted's parse from the n8n install (n8n encodes execution data with it). */
export function flattedFrom(installDir: string): (text: string) => unknown {
	const resolved = require.resolve('flatted', {
		paths: [path.join(installDir, 'node_modules', 'n8n')],
	});
	return (require(resolved) as { parse: (text: string) => unknown }).parse;
}

/** The items a node emitted on an output in its last run. */
export function outputOf(execution: Execution, nodeName: string, output = 0): RunItem[] {
	const runs = execution.data.resultData.runData[nodeName] ?? [];
	const last = runs[runs.length - 1];
	return last?.data?.main?.[output] ?? [];
}
