/**
 * Counting benchmark: 100,000 random ranked ballots over 10 options (seeded, deterministic), counted
 * with Schulze, IRV and Borda; each figure is the median of 3 runs, in ms. Also the cost of one live
 * `tally.add()` for Schulze (µs per ballot), which is what the server pays on every vote.
 *
 *   npx tsx src/bench/voting-count.ts      (prints a table)
 */
import { pathToFileURL } from 'node:url';
import { borda, createTally, irv, schulze } from '../lib/domain/voting/index';
import type { Ballot, Election } from '../lib/domain/voting/types';

export interface BenchResult {
	name: string;
	value: number;
	unit: string;
}

const BALLOTS = 100_000;
const OPTIONS = 10;
const RUNS = 3;

/** mulberry32: small, fast, seeded PRNG. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * Voters rank options by appeal + noise (so results are not pure noise); 30 % rank only their top
 * 3–6 options, 10 % put two options level somewhere.
 */
export function benchElection(seed = 20250101, ballots = BALLOTS, options = OPTIONS): Election {
	const rnd = prng(seed);
	const ids = Array.from({ length: options }, (_, i) => `o${i}`);
	const appeal = ids.map(() => rnd() * 1.5);
	const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
	const list: Ballot[] = [];
	for (let v = 0; v < ballots; v++) {
		const order = ids
			.map((id, i) => ({ id, u: (appeal[i] ?? 0) + gauss() }))
			.sort((a, b) => b.u - a.u)
			.map((x) => x.id);
		const kept = rnd() < 0.3 ? order.slice(0, 3 + Math.floor(rnd() * 4)) : order;
		const ranking = kept.map((id) => [id]);
		if (rnd() < 0.1 && ranking.length > 2) {
			const at = Math.floor(rnd() * (ranking.length - 1));
			const [a, b] = [ranking[at] ?? [], ranking[at + 1] ?? []];
			ranking.splice(at, 2, [...a, ...b]);
		}
		list.push({ ranking });
	}
	return { method: 'schulze', options: ids.map((id) => ({ id, label: id })), ballots: list };
}

function medianMs(fn: () => unknown): number {
	const times: number[] = [];
	for (let i = 0; i < RUNS; i++) {
		const t0 = performance.now();
		fn();
		times.push(performance.now() - t0);
	}
	times.sort((a, b) => a - b);
	return Math.round((times[Math.floor(times.length / 2)] ?? 0) * 10) / 10;
}

export async function benchVotingCount(): Promise<BenchResult[]> {
	const election = benchElection();
	const label = `${BALLOTS / 1000}k ranked ballots, ${OPTIONS} options`;
	const results: BenchResult[] = [
		{ name: `voting count: schulze (${label})`, value: medianMs(() => schulze(election)), unit: 'ms' },
		{ name: `voting count: irv (${label})`, value: medianMs(() => irv(election)), unit: 'ms' },
		{ name: `voting count: borda (${label})`, value: medianMs(() => borda(election)), unit: 'ms' }
	];
	const liveMs = medianMs(() => {
		const tally = createTally({ method: 'schulze', options: election.options });
		for (const b of election.ballots) tally.add(b);
	});
	results.push({
		name: `voting live tally: schulze add() per ballot (${label})`,
		value: Math.round((liveMs * 1000 * 100) / BALLOTS) / 100,
		unit: 'µs'
	});
	return results;
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
	const results = await benchVotingCount();
	const width = Math.max(...results.map((r) => r.name.length));
	console.log(`${'benchmark'.padEnd(width)}  ${'value'.padStart(10)}  unit`);
	for (const r of results) console.log(`${r.name.padEnd(width)}  ${String(r.value).padStart(10)}  ${r.unit}`);
}
