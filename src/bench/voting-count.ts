/**
 * Counting benchmark: 100,000 seeded ballots over 10 options for EVERY method (ranked ballots for
 * Schulze, IRV and Borda; the same voters' preferences turned into a choice, approvals, grades, dots,
 * a budget selection or a position for the others). For each method: the batch count (median of 3
 * runs, ms) against the goal of 200 ms, the cost of one live `tally.add()` (µs per ballot, what the
 * server pays on every vote) against the goal of 20 µs, and of an add() followed by a `result()` (a
 * live result after every ballot, the first 3,000 ballots: median of 5 runs after a first one, printed
 * apart, in which the functions are still being compiled). A ratio ≤ 1 meets the goal.
 *
 *   npx tsx src/bench/voting-count.ts      (prints a table)
 */
import { pathToFileURL } from 'node:url';
import { count, createTally } from '../lib/domain/voting/index';
import type { Ballot, Election, ElectionConfig, Method } from '../lib/domain/voting/types';
import { METHODS } from '../lib/domain/voting/types';
import { atMost, type BenchRow } from './row';

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

/** The same voters' ranked preferences, expressed as each method's ballot. */
export function electionFor(method: Method, ranked: Election): Election {
	const ids = ranked.options.map((o) => o.id);
	const grades = ['Très bien', 'Bien', 'Assez bien', 'Passable', 'Insuffisant'];
	const config: ElectionConfig = {
		method,
		options: method === 'yes-no-abstain' ? ranked.options.slice(0, 1) : ranked.options.map((o, i) => ({ ...o, ...(method === 'budget' ? { cost: 1_000 + 250 * i } : {}) })),
		...(method === 'budget' ? { budget: 6_000 } : {}),
		...(method === 'dot' ? { dots: 5 } : {}),
		...(method === 'majority-judgment' ? { grades } : {})
	};
	const ballots: Ballot[] = ranked.ballots.map((b) => {
		const order = (b.ranking ?? []).flat();
		const top = order[0] ?? ids[0] ?? 'o0';
		switch (method) {
			case 'plurality':
				return { choice: top };
			case 'approval':
				return { approve: order.slice(0, 3) };
			case 'yes-no-abstain':
				return { position: top === 'o0' || top === 'o1' ? 'for' : top === 'o2' ? 'abstain' : 'against' };
			case 'majority-judgment':
				return { grades: Object.fromEntries(order.map((id, i) => [id, Math.min(grades.length - 1, Math.floor(i / 2))])) };
			case 'dot':
				return { dots: { [top]: 3, ...(order[1] ? { [order[1]]: 2 } : {}) } };
			case 'budget': {
				const select: string[] = [];
				let spent = 0;
				for (const id of order) {
					const cost = 1_000 + 250 * ids.indexOf(id);
					if (spent + cost <= 6_000) {
						select.push(id);
						spent += cost;
					}
				}
				return { select };
			}
			default:
				return b;
		}
	});
	return { ...config, ballots };
}

function medianMs(fn: () => unknown, runs = RUNS): number {
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t0 = performance.now();
		fn();
		times.push(performance.now() - t0);
	}
	times.sort((a, b) => a - b);
	return Math.round((times[Math.floor(times.length / 2)] ?? 0) * 10) / 10;
}

/** Goals from the performance issue: a batch count under 200 ms, a live add() under 20 µs. */
const COUNT_GOAL_MS = 200;
const ADD_GOAL_US = 20;
/**
 * Ballots of the add()+result() run: a result after every ballot. IRV's result recounts its rounds
 * from the stored rankings, so its cost grows with the ballots (the app publishes one result per group
 * of votes, or per `tallyEveryMs` for a secret vote, not one per ballot).
 */
const LIVE_BALLOTS = 3_000;
/** Runs of it after the first, whose median is reported (IRV's functions may still be recompiled in the second). */
const LIVE_RUNS = 5;

export async function benchVotingCount(): Promise<BenchRow[]> {
	const ranked = benchElection();
	const label = `${BALLOTS / 1000}k ballots, ${OPTIONS} options`;
	const results: BenchRow[] = [];
	for (const method of METHODS) {
		const election = electionFor(method, ranked);
		const countMs = medianMs(() => count(election));
		const addMs = medianMs(() => {
			const tally = createTally({ ...election, ballots: [] });
			for (const b of election.ballots) tally.add(b);
		});
		const addUs = Math.round((addMs * 1000 * 100) / BALLOTS) / 100;
		// A result after every vote, as a live board showing each vote as it comes would ask for. The
		// server's tallies live as long as the process: the first run (compiled on the way, shown apart)
		// is left out of the median, which is the cost once the functions are compiled.
		const live = election.ballots.slice(0, LIVE_BALLOTS);
		const liveRun = () => {
			const tally = createTally({ ...election, ballots: [] });
			for (const b of live) {
				tally.add(b);
				tally.result();
			}
		};
		const t0 = performance.now();
		liveRun();
		const firstUs = Math.round(((performance.now() - t0) * 1000 * 100) / LIVE_BALLOTS) / 100;
		const liveMs = medianMs(liveRun, LIVE_RUNS);
		const liveUs = Math.round((liveMs * 1000 * 100) / LIVE_BALLOTS) / 100;
		results.push(
			{ name: `count ${method} (${label}), goal ${COUNT_GOAL_MS} ms`, value: countMs, unit: 'ms', goal: atMost(2, COUNT_GOAL_MS) },
			{ name: `count ${method}: ratio to the goal (≤ 1 meets it)`, value: Math.round((countMs / COUNT_GOAL_MS) * 100) / 100, unit: '×' },
			{ name: `live add() ${method}, goal ${ADD_GOAL_US} µs`, value: addUs, unit: 'µs/ballot' },
			{ name: `live add() ${method}: ratio to the goal`, value: Math.round((addUs / ADD_GOAL_US) * 1000) / 1000, unit: '×' },
			{ name: `live add()+result() ${method}, ${LIVE_BALLOTS.toLocaleString('en')} ballots, goal ${ADD_GOAL_US} µs`, value: liveUs, unit: 'µs/ballot', goal: atMost(2, ADD_GOAL_US) },
			{ name: `live add()+result() ${method}: ratio to the goal`, value: Math.round((liveUs / ADD_GOAL_US) * 1000) / 1000, unit: '×' },
			{ name: `live add()+result() ${method}, first run (compiling), not in the median`, value: firstUs, unit: 'µs/ballot' }
		);
	}
	return results;
}
const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
	const results = await benchVotingCount();
	const width = Math.max(...results.map((r) => r.name.length));
	console.log(`${'benchmark'.padEnd(width)}  ${'value'.padStart(10)}  unit`);
	for (const r of results) console.log(`${r.name.padEnd(width)}  ${String(r.value).padStart(10)}  ${r.unit}`);
}
