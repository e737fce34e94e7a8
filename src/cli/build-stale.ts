/**
 * Builds the app when `build/` is missing or older than a source file (what `npm run demo` does in
 * demo.mjs), for the TypeScript scripts that serve the built app: `npm run cluster`, the cluster bench.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir: string): number {
	let latest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, entry.name);
		latest = Math.max(latest, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
	}
	return latest;
}

export function buildIfStale(): void {
	if (existsSync('build/handler.js') && newest('src') <= statSync('build/handler.js').mtimeMs) return;
	console.log('Building the app…');
	const r = spawnSync('node_modules/.bin/vite', ['build'], { stdio: 'inherit' });
	if (r.status !== 0) throw new Error(`vite build failed (${r.status ?? r.signal})`);
}
