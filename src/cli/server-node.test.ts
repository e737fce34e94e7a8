import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_COMMAND, SERVER_NODE_ARGS, SERVER_V8_ARGS } from './server-node.mjs';

/** The server's Node arguments (src/cli/server-node.mjs): spelled the same everywhere, and in effect. */
describe('how the server process starts', () => {
	it("is the command package.json's start runs", () => {
		const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
		expect(scripts.start).toBe(SERVER_COMMAND);
	});

	it("is how package.json's bench runs the benchmarks that host the app in their own process", () => {
		const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
		expect(scripts.bench).toBe(['node', ...SERVER_V8_ARGS, '--import', 'tsx', 'src/bench/index.ts'].join(' '));
	});

	it('gives V8 a young generation of 2 × 32 MB (2 × 16 MB without the argument)', { timeout: 60_000 }, () => {
		// A process that allocates enough for the young generation to grow to its largest size.
		const grow = `
			let keep = [];
			for (let r = 0; r < 40; r++) { const a = []; for (let i = 0; i < 100000; i++) a.push({ i }); keep.push(a); if (keep.length > 3) keep.shift(); }
			const space = require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
			console.log(space.space_size / 1048576);`;
		const sized = (args: string[]) => Number(spawnSync(process.execPath, [...args, '-e', grow], { encoding: 'utf8' }).stdout.trim());
		expect(SERVER_NODE_ARGS.slice(0, SERVER_V8_ARGS.length)).toEqual(SERVER_V8_ARGS);
		expect(sized(SERVER_V8_ARGS)).toBe(64);
		expect(sized([])).toBeLessThan(64);
	});
});
