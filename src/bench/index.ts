/**
 * `npm run bench`: timing goals live here, never in tests. Each benchmark module exports an async
 * function returning rows; this runner prints them as one table (and JSON with --json).
 *
 * Each benchmark runs in a Node process of its own, one after the other, as it runs when asked for
 * alone (`npm run bench -- pages`): a figure and its floor are still measured side by side in that
 * process. In one process for all, a benchmark inherited what the ones before it left (a heap grown by
 * 100,000 ballots, their modules, timers and sockets still open until exit), and the load tools that run
 * in the bench's own process (autocannon for the pages) measured less: the pages' static floor read
 * 4,788 requests/s in the full run against 6,046 alone, on the same machine, the same day.
 */
import { fork } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { meets, type BenchRow, type Goal } from './row';

const benches: { file: string; fn: string }[] = [
	{ file: 'voting-count.ts', fn: 'benchVotingCount' },
	{ file: 'votes.ts', fn: 'benchVotes' },
	{ file: 'board.ts', fn: 'benchBoard' },
	{ file: 'collab.ts', fn: 'benchCollab' },
	{ file: 'pages.ts', fn: 'benchPages' },
	{ file: 'estate.ts', fn: 'benchEstate' },
	{ file: 'bundle.ts', fn: 'benchBundle' },
	{ file: 'meeting.ts', fn: 'benchMeeting' },
	{ file: 'practice.ts', fn: 'benchPractice' },
	{ file: 'indicators.ts', fn: 'benchIndicators' },
	{ file: 'cluster.ts', fn: 'benchCluster' }
];

/** In the child: runs one benchmark and sends its rows to the runner, then exits (benchmarks may leave handles open). */
const CHILD = '--bench-child';
const childOf = process.argv.indexOf(CHILD);
if (childOf !== -1) {
	const bench = benches.find((b) => b.file === process.argv[childOf + 1]);
	const mod = bench && ((await import(pathToFileURL(resolve(import.meta.dirname, bench.file)).href)) as Record<string, () => Promise<BenchRow[]>>);
	const run = bench && mod?.[bench.fn];
	const rows = typeof run === 'function' ? await run() : [];
	process.send!(rows, () => process.exit(0));
} else {
	const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
	const rows: (BenchRow & { bench: string })[] = [];
	for (const { file } of benches) {
		if (!existsSync(resolve(import.meta.dirname, file)) || (only.length && !only.some((o) => file.startsWith(o)))) continue;
		process.stderr.write(`running ${file}…\n`);
		for (const row of await runAlone(file)) rows.push({ bench: file.replace(/\.ts$/, ''), ...row });
	}
	print(rows);
	process.exit(0);
}

/** One benchmark in a fresh Node process (this file again, with this one's tsx loader), its rows back over IPC. */
function runAlone(file: string): Promise<BenchRow[]> {
	return new Promise((done, fail) => {
		let rows: BenchRow[] | undefined;
		const child = fork(import.meta.filename, [CHILD, file], { stdio: 'inherit' });
		child.on('message', (message) => (rows = message as BenchRow[]));
		child.on('error', fail);
		child.on('exit', (code, signal) => (rows && code === 0 ? done(rows) : fail(new Error(`bench ${file} ended with ${signal ?? `exit code ${code}`} before its results`))));
	});
}

/** A function, not a const: the runner's top-level code calls `print` before a const below it would exist. */
function rounded(n: number): string {
	return String(Math.round(n * 100) / 100);
}

function print(rows: (BenchRow & { bench: string })[]) {
	if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
	else {
		const width = Math.max(...rows.map((r) => r.name.length), 10);
		for (const r of rows) console.log(`${r.bench.padEnd(14)} ${r.name.padEnd(width)} ${rounded(r.value).padStart(12)} ${r.unit}`);
		printGoals(rows);
	}
}

/** The rows marked as one of issue 15's goals (row.ts), again, by goal: the figure, its target, met or not. */
function printGoals(rows: (BenchRow & { bench: string })[]) {
	const marked = rows.filter((r): r is BenchRow & { bench: string; goal: Goal } => r.goal !== undefined).sort((a, b) => a.goal.id - b.goal.id);
	if (!marked.length) return;
	const width = Math.max(...marked.map((r) => r.name.length));
	const met = marked.filter((r) => meets(r.value, r.goal)).length;
	console.log(`\nIssue 15's goals in this run: ${met} of ${marked.length} figures meet theirs`);
	for (const r of marked) {
		const target = `${r.goal.atMost ? '≤' : '≥'} ${rounded(r.goal.target)}`;
		console.log(`goal ${r.goal.id}  ${r.name.padEnd(width)} ${rounded(r.value).padStart(9)}  ${target.padEnd(8)} ${meets(r.value, r.goal) ? 'met' : 'NOT MET'}`);
	}
}
