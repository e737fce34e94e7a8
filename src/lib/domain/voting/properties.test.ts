import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { count, createTally, parseBallotFile, toBallotFile } from './index';
import { compareMajorityValues, cumulative } from './majority-judgment';
import { electionArb, shuffled } from './test-arbitraries';
import { METHODS, type Ballot, type Election, type IrvResult } from './types';
import { checkBallot, prepare } from './validate';

const RUNS = 100;

/**
 * Applies random adds (ballots of `pool`) and removes (of ballots present) to a tally, calling `after`
 * with the ballots present after each change; returns them.
 */
function applyOps(tally: ReturnType<typeof createTally>, pool: readonly Ballot[], ops: readonly [boolean, number][], after?: (present: Ballot[]) => void): Ballot[] {
	const present: Ballot[] = [];
	for (const [isAdd, k] of ops) {
		if ((isAdd || present.length === 0) && pool.length > 0) {
			const b = pool[k % pool.length] as Ballot;
			tally.add(b);
			present.push(b);
		} else if (present.length > 0) {
			const [b] = present.splice(k % present.length, 1);
			tally.remove(b as Ballot);
		}
		after?.(present);
	}
	return present;
}

describe.each(METHODS)('%s — properties', (method) => {
	it('the result does not depend on the order of the ballots', () => {
		fc.assert(
			fc.property(electionArb(method), fc.integer(), (e, seed) => {
				expect(count({ ...e, ballots: shuffled(e.ballots, seed) })).toEqual(count(e));
			}),
			{ numRuns: RUNS }
		);
	});

	it('the incremental tally (random adds and removes) equals the batch count', () => {
		fc.assert(
			fc.property(
				electionArb(method, 15),
				fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 40 }),
				(e, ops) => {
					const tally = createTally({ ...e, ballots: [] });
					const present = applyOps(tally, e.ballots, ops);
					expect(tally.size).toBe(present.length);
					expect(tally.result()).toEqual(count({ ...e, ballots: present }));
				}
			),
			{ numRuns: RUNS }
		);
	});

	it('a result read after every change (live results: IRV replays the changes on its last rounds) equals count() of the ballots present', () => {
		fc.assert(
			fc.property(
				electionArb(method, 15),
				fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 30 }),
				(e, ops) => {
					const tally = createTally({ ...e, ballots: [] });
					applyOps(tally, e.ballots, ops, (present) => expect(tally.result()).toEqual(count({ ...e, ballots: present })));
				}
			),
			{ numRuns: RUNS }
		);
	});

	it('a tally seeded with the ballots, after adding then removing extra ballots, equals count()', () => {
		fc.assert(
			fc.property(electionArb(method), electionArb(method), (e, other) => {
				const tally = createTally(e);
				// extra ballots from another election of the same method: valid or not here
				for (const b of other.ballots) tally.add(b);
				for (const b of [...other.ballots].reverse()) tally.remove(b);
				expect(tally.result()).toEqual(count(e));
			}),
			{ numRuns: 60 }
		);
	});

	it('round-trips through the ballots/v1 file format', () => {
		fc.assert(
			fc.property(electionArb(method), (e) => {
				const file = parseBallotFile(JSON.parse(JSON.stringify(toBallotFile(e))));
				expect(file.format).toBe('ballots/v1');
				expect(count(file)).toEqual(count(e));
			}),
			{ numRuns: RUNS }
		);
	});

	it('valid + invalid = number of ballots; winners are a prefix-set of the ranking', () => {
		fc.assert(
			fc.property(electionArb(method), (e) => {
				const r = count(e);
				expect(r.valid + r.invalid).toBe(e.ballots.length);
				expect(Object.values(r.invalidReasons).reduce((s, n) => s + n, 0)).toBe(r.invalid);
				if (method === 'budget' || method === 'yes-no-abstain') return;
				expect(new Set(r.ranking)).toEqual(new Set(e.options.map((o) => o.id)));
				expect(r.ranking.slice(0, r.winners.length)).toEqual(r.winners);
			}),
			{ numRuns: RUNS }
		);
	});
});

/**
 * Literal Balinski–Laraki majority value for unit-weight voters: repeatedly take the lower median of
 * the remaining grades and remove it. Grades are indices, 0 = best.
 */
function majorityValue(grades: number[]): number[] {
	const sorted = [...grades].sort((a, b) => a - b); // best first
	const out: number[] = [];
	while (sorted.length > 0) {
		const m = Math.floor(sorted.length / 2); // 0-based index of the lower median (best first)
		out.push(sorted[m] as number);
		sorted.splice(m, 1);
	}
	return out;
}

function lexCompare(a: number[], b: number[]): number {
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
	return 0;
}

describe('majority judgment tie-break', () => {
	it('matches the literal "remove one median grade at a time" rule for unit weights', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 2, max: 6 }).chain((k) =>
					fc.integer({ min: 1, max: 12 }).chain((voters) =>
						fc.tuple(
							fc.constant(k),
							fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: voters, maxLength: voters }),
							fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: voters, maxLength: voters })
						)
					)
				),
				([k, ga, gb]) => {
					const hist = (gs: number[]) => Array.from({ length: k }, (_, g) => gs.filter((x) => x === g).length);
					const W = ga.length;
					const ours = Math.sign(compareMajorityValues(cumulative(hist(ga), W), cumulative(hist(gb), W), W));
					const literal = Math.sign(lexCompare(majorityValue(ga), majorityValue(gb)));
					expect(ours).toBe(literal);
				}
			),
			{ numRuns: 1500 }
		);
	});

	it('scaling every weight by the same factor changes nothing', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 9 }),
				fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 9 }),
				(ga, gb) => {
					const n = Math.max(ga.length, gb.length);
					const pad = (g: number[]) => [...g, ...Array<number>(n - g.length).fill(4)];
					const hist = (gs: number[], f: number) => Array.from({ length: 5 }, (_, g) => gs.filter((x) => x === g).length * f);
					const base = Math.sign(compareMajorityValues(cumulative(hist(pad(ga), 1), n), cumulative(hist(pad(gb), 1), n), n));
					for (const f of [0.25, 1 / 3, 7]) {
						const W = n * f;
						expect(Math.sign(compareMajorityValues(cumulative(hist(pad(ga), f), W), cumulative(hist(pad(gb), f), W), W))).toBe(base);
					}
				}
			),
			{ numRuns: 500 }
		);
	});
});

/**
 * IRV recounted the plain way, as a person would on paper: every round, every valid ballot goes to
 * its first group with a continuing option, split equally over that group's continuing options, and
 * colleges are scaled by collegeWeight / (the college's weight of valid ballots). The lowest goes out
 * (ties: the lowest in the latest earlier round where they differed, else the last in the file).
 */
function irvOnPaper(e: Election): { rounds: { tallies: Record<string, number>; exhausted: number; eliminated: string | null }[]; winners: string[] } {
	const p = prepare(e);
	const valid = e.ballots.flatMap((b) => {
		const c = checkBallot(p, b);
		return c.ok && c.weight > 0 ? [{ ranking: b.ranking ?? [], weight: c.weight, college: c.college }] : [];
	});
	const sums = new Map<number, number>();
	for (const b of valid) sums.set(b.college, (sums.get(b.college) ?? 0) + b.weight);
	const factor = (college: number) => (college < 0 ? 1 : (p.collegeWeights[college] ?? 0) / (sums.get(college) ?? 1));
	let alive = [...p.ids];
	const history: Record<string, number>[] = [];
	const rounds: { tallies: Record<string, number>; exhausted: number; eliminated: string | null }[] = [];
	for (;;) {
		const tallies: Record<string, number> = Object.fromEntries(alive.map((id) => [id, 0]));
		let exhausted = 0;
		for (const b of valid) {
			const w = b.weight * factor(b.college);
			const group = b.ranking.map((g) => g.filter((id) => alive.includes(id))).find((g) => g.length > 0);
			if (!group) exhausted += w;
			else for (const id of group) tallies[id] = (tallies[id] ?? 0) + w / group.length;
		}
		history.push(tallies);
		const round = { tallies, exhausted, eliminated: null as string | null };
		rounds.push(round);
		const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
		const min = Math.min(...alive.map((id) => tallies[id] ?? 0));
		let lowest = alive.filter((id) => close(tallies[id] ?? 0, min));
		if (alive.length === 1 || lowest.length === alive.length) return { rounds, winners: alive };
		for (let r = history.length - 2; r >= 0 && lowest.length > 1; r--) {
			const past = history[r] ?? {};
			const m = Math.min(...lowest.map((id) => past[id] ?? 0));
			lowest = lowest.filter((id) => close(past[id] ?? 0, m));
		}
		const out = lowest[lowest.length - 1] ?? '';
		round.eliminated = out;
		alive = alive.filter((id) => id !== out);
	}
}

describe('IRV agrees with a recount on paper', () => {
	it('same rounds, same eliminations, same winners', () => {
		fc.assert(
			fc.property(electionArb('irv', 40), (e) => {
				const engine = count(e) as IrvResult;
				const paper = irvOnPaper(e);
				expect(engine.winners.length > 0 ? engine.winners : paper.winners).toEqual(paper.winners);
				expect(engine.rounds.map((r) => r.eliminated)).toEqual(paper.rounds.map((r) => r.eliminated));
				engine.rounds.forEach((r, i) => {
					const q = paper.rounds[i];
					expect(Object.keys(r.tallies)).toEqual(Object.keys(q?.tallies ?? {}));
					for (const [id, v] of Object.entries(r.tallies)) expect(v).toBeCloseTo(q?.tallies[id] ?? NaN, 9);
					expect(r.exhausted).toBeCloseTo(q?.exhausted ?? NaN, 9);
				});
			}),
			{ numRuns: 300 }
		);
	});
});
