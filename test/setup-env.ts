// Keeps the headless engine quiet and inside the project (it would otherwise write ~/.n8n).
import * as path from 'path';

process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_USER_FOLDER ??= path.join(__dirname, '..', '.n8n-test');
process.env.N8N_RUNNERS_ENABLED ??= 'false';
