/**
 * npm run lint:fix writes each node's canvas subtitle from its operations (subtitleOf): n8n's
 * verification scan accepts only a literal subtitle, so the literal in the node file is derived,
 * not written by hand. test/panel.test.ts fails when a node file's literal is out of date.
 */
import * as fs from 'fs';
import * as path from 'path';

import { subtitleOf, type NodeDefinition } from '../nodes/shared/actions/resource';
import { NODES_OVER_THE_KERNEL } from './kernelNodes';

const SUBTITLE = /(\n\t\tsubtitle:\s*)'[^\n]*',\n/;

export function withSubtitle(source: string, node: NodeDefinition): string {
	if (!SUBTITLE.test(source)) throw new Error('no `subtitle:` literal on its own line');
	const literal = `'${subtitleOf(node).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
	return source.replace(SUBTITLE, (_, head: string) => `${head}${literal},\n`);
}

if (require.main === module) {
	for (const { file, node } of NODES_OVER_THE_KERNEL) {
		const full = path.join(__dirname, '..', file);
		const before = fs.readFileSync(full, 'utf8');
		const after = withSubtitle(before, node);
		if (after !== before) {
			fs.writeFileSync(full, after);
			console.log(`subtitle written: ${file}`);
		}
	}
}
