#!/usr/bin/env node
// One command on a fresh clone: install if needed, migrate and seed the SQLite database, build, serve.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_NODE_ARGS } from './server-node.mjs';

const run = (cmd, args) => {
	const r = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
	if (r.status !== 0) process.exit(r.status ?? 1);
};

function newest(dir) {
	let latest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, entry.name);
		latest = Math.max(latest, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
	}
	return latest;
}

if (!existsSync('node_modules/.bin/vite') || !existsSync('node_modules/better-sqlite3/build/Release')) {
	// `npm install` rather than `npm ci`: it honours the lock file too, and tolerates platform-specific
	// optional packages that a registry mirror does not carry (npm ci refuses the lock then).
	console.log('Installing dependencies…');
	run('npm', ['install', '--no-audit', '--no-fund']);
}
run('node_modules/.bin/tsx', ['src/cli/seed.ts']);
const stale = !existsSync('build/handler.js') || newest('src') > statSync('build/handler.js').mtimeMs;
if (stale) {
	console.log('Building the app…');
	run('node_modules/.bin/vite', ['build']);
}
// `node` as package.json's start runs it (on Windows the run goes through a shell, which finds it).
run('node', SERVER_NODE_ARGS);
