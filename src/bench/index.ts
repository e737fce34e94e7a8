/**
 * `npm run bench`: timing goals live here, never in tests. Each benchmark module exports an async
 * function returning rows; this runner prints them as one table (and JSON with --json).
 */
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

interface Row {
	name: string;
	value: number;
	unit: string;
}

const benches: { file: string; fn: string }[] = [
	{ file: 'voting-count.ts', fn: 'benchVotingCount' },
	{ file: 'votes.ts', fn: 'benchVotes' },
	{ file: 'board.ts', fn: 'benchBoard' },
	{ file: 'collab.ts', fn: 'benchCollab' },
	{ file: 'pages.ts', fn: 'benchPages' },
	{ file: 'bundle.ts', fn: 'benchBundle' },
	{ file: 'meeting.ts', fn: 'benchMeeting' },
	{ file: 'practice.ts', fn: 'benchPractice' },
	{ file: 'indicators.ts', fn: 'benchIndicators' },
	{ file: 'cluster.ts', fn: 'benchCluster' }
];

const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const rows: (Row & { bench: string })[] = [];
for (const { file, fn } of benches) {
	const path = resolve(import.meta.dirname, file);
	if (!existsSync(path) || (only.length && !only.some((o) => file.startsWith(o)))) continue;
	const mod = (await import(pathToFileURL(path).href)) as Record<string, () => Promise<Row[]>>;
	const run = mod[fn];
	if (typeof run !== 'function') continue;
	process.stderr.write(`running ${file}…\n`);
	for (const row of await run()) rows.push({ bench: file.replace(/\.ts$/, ''), ...row });
}

if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
else {
	const width = Math.max(...rows.map((r) => r.name.length), 10);
	for (const r of rows) console.log(`${r.bench.padEnd(14)} ${r.name.padEnd(width)} ${String(Math.round(r.value * 100) / 100).padStart(12)} ${r.unit}`);
}
process.exit(0);
