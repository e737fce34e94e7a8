import { describe, expect, it } from 'vitest';
import { borda, count, irv, plurality, schulze } from './index';
import { tiersOf } from './schulze';
import type { Ballot, Election } from './types';

const opts = (ids: string) => ids.split('').map((id) => ({ id, label: id }));
/** "ACBED" → [["A"],["C"],["B"],["E"],["D"]] */
const strict = (order: string) => order.split('').map((c) => [c]);
const rep = (n: number, b: Ballot): Ballot[] => Array.from({ length: n }, () => ({ ...b }));
/** Plurality view of a ranked election: each ballot's first choice. */
const firstChoices = (e: Election): Election => ({
	...e,
	method: 'plurality',
	ballots: e.ballots.map((b) => ({ weight: b.weight, choice: b.ranking?.[0]?.[0] }))
});

describe('Wikipedia Schulze example (45 voters, A–E)', () => {
	const profile: [number, string][] = [
		[5, 'ACBED'],
		[5, 'ADECB'],
		[8, 'BEDAC'],
		[3, 'CABED'],
		[7, 'CAEBD'],
		[2, 'CBADE'],
		[7, 'DCEBA'],
		[8, 'EBADC']
	];
	const election: Election = {
		method: 'schulze',
		options: opts('ABCDE'),
		ballots: profile.flatMap(([n, order]) => rep(n, { ranking: strict(order) }))
	};

	it('has the published pairwise matrix d[X,Y]', () => {
		const r = schulze(election);
		expect(r.tallies).toEqual({
			A: { B: 20, C: 26, D: 30, E: 22 },
			B: { A: 25, C: 16, D: 33, E: 18 },
			C: { A: 19, B: 29, D: 17, E: 24 },
			D: { A: 15, B: 12, C: 28, E: 14 },
			E: { A: 23, B: 27, C: 21, D: 31 }
		});
	});

	it('has the published strongest paths and ranking E > A > C > B > D', () => {
		const r = count(election);
		expect(r.method).toBe('schulze');
		if (r.method !== 'schulze') return;
		expect(r.strongestPaths).toEqual({
			A: { B: 28, C: 28, D: 30, E: 24 },
			B: { A: 25, C: 28, D: 33, E: 24 },
			C: { A: 25, B: 29, D: 29, E: 24 },
			D: { A: 25, B: 28, C: 28, E: 24 },
			E: { A: 25, B: 28, C: 28, D: 31 }
		});
		expect(r.winners).toEqual(['E']);
		expect(r.ranking).toEqual(['E', 'A', 'C', 'B', 'D']);
		expect(r.ties).toEqual([]);
		expect(r.valid).toBe(45);
		expect(r.totalWeight).toBe(45);
	});

	it('gives the same result with 8 weighted ballots instead of 45', () => {
		const weighted: Election = {
			...election,
			ballots: profile.map(([n, order]) => ({ weight: n, ranking: strict(order) }))
		};
		const a = schulze(election);
		const b = schulze(weighted);
		expect(b.ranking).toEqual(a.ranking);
		expect(b.strongestPaths).toEqual(a.strongestPaths);
		expect(b.valid).toBe(8);
	});
});

describe('Tennessee capital (Memphis 42 %, Nashville 26 %, Chattanooga 15 %, Knoxville 17 %)', () => {
	const tennessee: Election = {
		method: 'schulze',
		options: [
			{ id: 'memphis', label: 'Memphis' },
			{ id: 'nashville', label: 'Nashville' },
			{ id: 'chattanooga', label: 'Chattanooga' },
			{ id: 'knoxville', label: 'Knoxville' }
		],
		ballots: [
			...rep(42, { ranking: [['memphis'], ['nashville'], ['chattanooga'], ['knoxville']] }),
			...rep(26, { ranking: [['nashville'], ['chattanooga'], ['knoxville'], ['memphis']] }),
			...rep(15, { ranking: [['chattanooga'], ['knoxville'], ['nashville'], ['memphis']] }),
			...rep(17, { ranking: [['knoxville'], ['chattanooga'], ['nashville'], ['memphis']] })
		]
	};

	it('plurality elects Memphis (42 first choices)', () => {
		const r = plurality(firstChoices(tennessee));
		expect(r.winners).toEqual(['memphis']);
		expect(r.tallies).toEqual({ memphis: 42, nashville: 26, chattanooga: 15, knoxville: 17 });
	});

	it('IRV elects Knoxville: Chattanooga out (15 → Knoxville), then Nashville (26 → Chattanooga gone → Knoxville)', () => {
		const r = irv(tennessee);
		expect(r.winners).toEqual(['knoxville']);
		expect(r.rounds.map((x) => x.tallies)).toEqual([
			{ memphis: 42, nashville: 26, chattanooga: 15, knoxville: 17 },
			{ memphis: 42, nashville: 26, knoxville: 32 },
			{ memphis: 42, knoxville: 58 },
			{ knoxville: 100 }
		]);
		expect(r.rounds.map((x) => x.eliminated)).toEqual(['chattanooga', 'nashville', 'memphis', null]);
		expect(r.ranking).toEqual(['knoxville', 'memphis', 'nashville', 'chattanooga']);
	});

	it('Borda elects Nashville: M 42×3=126, N 26×3+42×2+32=194, C 15×3+43×2+42=173, K 17×3+15×2+26=107', () => {
		const r = borda(tennessee);
		expect(r.tallies).toEqual({ memphis: 126, nashville: 194, chattanooga: 173, knoxville: 107 });
		expect(r.winners).toEqual(['nashville']);
		expect(r.ranking).toEqual(['nashville', 'chattanooga', 'memphis', 'knoxville']);
	});

	it('Schulze elects Nashville (the Condorcet winner), ranking N > C > K > M', () => {
		const r = schulze(tennessee);
		expect(r.winners).toEqual(['nashville']);
		expect(r.ranking).toEqual(['nashville', 'chattanooga', 'knoxville', 'memphis']);
		expect(r.tallies.nashville).toEqual({ memphis: 58, chattanooga: 68, knoxville: 68 });
	});
});

/**
 * A profile where plurality, IRV, Borda and Schulze elect FOUR different options (38 voters):
 *
 *   8  C > D > A > B > E
 *   8  B > D > E > A > C
 *   4  D > E > A > B > C
 *   7  A > B > C > E > D
 *   9  E > A > D > B > C
 *   2  C > B > A > D > E
 *
 * Plurality (first choices): C 8+2=10, E 9, B 8, A 7, D 4 → C.
 * IRV: D (4) out → its 4 go to E (13). A (7) out → its 7 go to B (15). Now B 15, C 10, E 13: C out →
 *   C>D>A>B>E: D, A gone → B (+8); C>B>… → B (+2). B 25 vs E 13 → B.
 * Borda (4,3,2,1,0 points):
 *   A = 8·2 + 8·1 + 4·2 + 7·4 + 9·3 + 2·2 = 91
 *   B = 8·1 + 8·4 + 4·1 + 7·3 + 9·1 + 2·3 = 80
 *   C = 8·4 + 0   + 0   + 7·2 + 0   + 2·4 = 54
 *   D = 8·3 + 8·3 + 4·4 + 0   + 9·2 + 2·1 = 84
 *   E = 0   + 8·2 + 4·3 + 7·1 + 9·4 + 0   = 71  → A.
 * Condorcet: D beats A 20–18 (8+8+4 vs 7+9+2), B 21–17 (8+4+9 vs 8+7+2), C 21–17 (8+4+9 vs 8+7+2),
 *   E 22–16 (8+8+4+2 vs 7+9) → D is the Condorcet winner, hence the Schulze winner.
 */
describe('plurality ≠ IRV ≠ Borda ≠ Schulze', () => {
	const election: Election = {
		method: 'schulze',
		options: opts('ABCDE'),
		ballots: [
			...rep(8, { ranking: strict('CDABE') }),
			...rep(8, { ranking: strict('BDEAC') }),
			...rep(4, { ranking: strict('DEABC') }),
			...rep(7, { ranking: strict('ABCED') }),
			...rep(9, { ranking: strict('EADBC') }),
			...rep(2, { ranking: strict('CBADE') })
		]
	};

	it('plurality: C', () => {
		const r = plurality(firstChoices(election));
		expect(r.tallies).toEqual({ A: 7, B: 8, C: 10, D: 4, E: 9 });
		expect(r.winners).toEqual(['C']);
	});
	it('IRV: B', () => {
		const r = irv(election);
		expect(r.rounds.map((x) => x.eliminated)).toEqual(['D', 'A', 'C', 'E', null]);
		expect(r.rounds[2]?.tallies).toEqual({ B: 15, C: 10, E: 13 });
		expect(r.rounds[3]?.tallies).toEqual({ B: 25, E: 13 });
		expect(r.winners).toEqual(['B']);
	});
	it('Borda: A', () => {
		const r = borda(election);
		expect(r.tallies).toEqual({ A: 91, B: 80, C: 54, D: 84, E: 71 });
		expect(r.winners).toEqual(['A']);
	});
	it('Schulze: D (Condorcet winner)', () => {
		const r = schulze(election);
		expect(r.tallies.D).toEqual({ A: 20, B: 21, C: 21, E: 22 });
		expect(r.winners).toEqual(['D']);
		expect(r.ranking[0]).toBe('D');
	});
});

describe('Borda with ties and unranked options (average rank points)', () => {
	it('4 options, [[a],[b,c]]: a 3, b and c (2+1)/2 = 1.5, unranked d 0', () => {
		const r = borda({ method: 'borda', options: opts('abcd'), ballots: [{ ranking: [['a'], ['b', 'c']] }] });
		expect(r.tallies).toEqual({ a: 3, b: 1.5, c: 1.5, d: 0 });
		expect(r.ties).toEqual([['b', 'c']]);
		expect(r.ranking).toEqual(['a', 'b', 'c', 'd']);
	});
	it('unranked options share the last places: [[b]] with 4 options gives b 3, others (2+1+0)/3 = 1', () => {
		const r = borda({ method: 'borda', options: opts('abcd'), ballots: [{ ranking: [['b']] }] });
		expect(r.tallies).toEqual({ a: 1, b: 3, c: 1, d: 1 });
		expect(r.winners).toEqual(['b']);
		expect(r.ranking).toEqual(['b', 'a', 'c', 'd']);
	});
	it('an empty ranking is valid and neutral; a tie for first lists every tied winner', () => {
		const r = borda({
			method: 'borda',
			options: opts('abc'),
			ballots: [{ ranking: [] }, { ranking: [['c'], ['a']] }, { ranking: [['a'], ['c']] }]
		});
		expect(r.valid).toBe(3);
		expect(r.tallies).toEqual({ a: 4, b: 1, c: 4 });
		expect(r.winners).toEqual(['a', 'c']);
		expect(r.ranking).toEqual(['a', 'c', 'b']);
	});
	it('fractional weights', () => {
		const r = borda({
			method: 'borda',
			options: opts('ab'),
			ballots: [
				{ weight: 0.3, ranking: [['a']] },
				{ weight: 0.5, ranking: [['b'], ['a']] },
				{ weight: 0.2, ranking: [['a']] }
			]
		});
		expect(r.tallies).toEqual({ a: 0.5, b: 0.5 });
		expect(r.winners).toEqual(['a', 'b']);
		expect(r.totalWeight).toBe(1);
	});
});

describe('IRV details', () => {
	it('splits a ballot equally between continuing options tied at its top', () => {
		const r = irv({
			method: 'irv',
			options: opts('abc'),
			ballots: [
				{ ranking: [['a', 'b'], ['c']] },
				{ ranking: [['c']] },
				{ weight: 0.25, ranking: [['b']] }
			]
		});
		expect(r.rounds[0]?.tallies).toEqual({ a: 0.5, b: 0.75, c: 1 });
		// a out → the split ballot goes entirely to b (its only continuing option in the top group)
		expect(r.rounds[1]?.tallies).toEqual({ b: 1.25, c: 1 });
		expect(r.winners).toEqual(['b']);
	});

	it('a tied group loses its options one by one: the ballot is split over those left, then moves on', () => {
		// X ranks a, b and c level, then d. a goes first (X: a half each to b and c), then b (X: all to c,
		// b's own half-weight ballot is exhausted), then c, tied with d but lower in the round before (X
		// moves on to d, c's own ballot is exhausted), then d (X exhausted too).
		const r = irv({
			method: 'irv',
			options: opts('abcde'),
			ballots: [{ ranking: [['a', 'b', 'c'], ['d']] }, { weight: 0.5, ranking: [['b']] }, { ranking: [['c']] }, ...rep(2, { ranking: [['d']] }), ...rep(4, { ranking: [['e']] })]
		});
		expect(r.rounds.map((x) => x.eliminated)).toEqual(['a', 'b', 'c', 'd', null]);
		const first = r.rounds[0]?.tallies ?? {};
		expect(first['a']).toBeCloseTo(1 / 3, 10);
		expect(first['b']).toBeCloseTo(0.5 + 1 / 3, 10);
		expect(first['c']).toBeCloseTo(1 + 1 / 3, 10);
		expect(r.rounds.slice(1).map((x) => [x.tallies, x.exhausted])).toEqual([
			[{ b: 1, c: 1.5, d: 2, e: 4 }, 0],
			[{ c: 2, d: 2, e: 4 }, 0.5],
			[{ d: 3, e: 4 }, 1.5],
			[{ e: 4 }, 4.5]
		]);
		expect(r.rounds[2]?.tieBreak).toBe('previous-rounds');
		expect(r.winners).toEqual(['e']);
	});

	it('exhausted ballots: unranked options never receive the vote', () => {
		const r = irv({
			method: 'irv',
			options: opts('abc'),
			ballots: [...rep(2, { ranking: [['a']] }), ...rep(3, { ranking: [['b']] }), ...rep(4, { ranking: [['c']] })]
		});
		expect(r.rounds.map((x) => x.exhausted)).toEqual([0, 2, 5]); // a's 2, then b's 3 too
		expect(r.winners).toEqual(['c']);
		expect(r.ranking).toEqual(['c', 'b', 'a']);
	});

	it('tie for last broken by the previous round ("backwards")', () => {
		// Round 1: a 4, b 3, c 2, d 2 → c/d tie, no earlier round to look at → the one listed last (d)
		// is out; d's voters go to b. Round 2: a 4, b 5, c 2 → c out (→ a). Round 3: a 6, b 5 → a wins.
		const r = irv({
			method: 'irv',
			options: opts('abcd'),
			ballots: [
				...rep(4, { ranking: strict('a') }),
				...rep(3, { ranking: strict('b') }),
				...rep(2, { ranking: strict('ca') }),
				...rep(2, { ranking: strict('db') })
			]
		});
		expect(r.rounds[0]?.eliminated).toBe('d');
		expect(r.rounds[0]?.tieBreak).toBe('file-order');
		expect(r.rounds[1]?.tallies).toEqual({ a: 4, b: 5, c: 2 });
		expect(r.winners).toEqual(['a']);

		// Round 1: a 6, b 5, c 4, d 1 → d out, its voter goes to c. Round 2: a 6, b 5, c 5 → b/c tie,
		// but in round 1 c had fewer (4 < 5) → c out: its 4 voters go to b, the d>c voter is exhausted.
		// Round 3: a 6, b 9 → b wins.
		const backwards = irv({
			method: 'irv',
			options: opts('abcd'),
			ballots: [
				...rep(6, { ranking: strict('a') }),
				...rep(5, { ranking: strict('b') }),
				...rep(4, { ranking: strict('cb') }),
				...rep(1, { ranking: strict('dc') })
			]
		});
		expect(backwards.rounds[1]?.tallies).toEqual({ a: 6, b: 5, c: 5 });
		expect(backwards.rounds[1]?.eliminated).toBe('c');
		expect(backwards.rounds[1]?.tieBreak).toBe('previous-rounds');
		expect(backwards.rounds[2]?.tallies).toEqual({ a: 6, b: 9 });
		expect(backwards.rounds[2]?.exhausted).toBe(1);
		expect(backwards.winners).toEqual(['b']);
	});

	it('all continuing options tied: joint winners, ranked in file order', () => {
		const r = irv({
			method: 'irv',
			options: opts('abc'),
			ballots: [{ ranking: strict('ca') }, { ranking: strict('ba') }, { ranking: strict('c') }, { ranking: strict('b') }]
		});
		expect(r.rounds[0]?.tallies).toEqual({ a: 0, b: 2, c: 2 });
		expect(r.rounds[0]?.eliminated).toBe('a');
		expect(r.winners).toEqual(['b', 'c']);
		expect(r.ties).toEqual([['b', 'c']]);
		expect(r.ranking).toEqual(['b', 'c', 'a']);
	});
});

describe('Schulze details', () => {
	it('a perfect 2-way tie is reported as a tie, ranked in file order', () => {
		const r = schulze({
			method: 'schulze',
			options: opts('xyz'),
			ballots: [{ ranking: strict('zyx') }, { ranking: strict('yzx') }]
		});
		expect(r.winners).toEqual(['y', 'z']);
		expect(r.ranking).toEqual(['y', 'z', 'x']);
		expect(r.tiers).toEqual([['y', 'z'], ['x']]);
	});

	it('a Condorcet cycle is resolved by path strengths', () => {
		// 4 a>b>c, 3 b>c>a, 2 c>a>b: a>b 6–3, b>c 7–2, c>a 5–4.
		// Paths: a→c via b = min(6,7) = 6 > c→a = 5; b→a via c = min(7,5) = 5 < a→b = 6. a wins; a > b > c.
		const r = schulze({
			method: 'schulze',
			options: opts('abc'),
			ballots: [...rep(4, { ranking: strict('abc') }), ...rep(3, { ranking: strict('bca') }), ...rep(2, { ranking: strict('cab') })]
		});
		expect(r.strongestPaths).toEqual({ a: { b: 6, c: 6 }, b: { a: 5, c: 7 }, c: { a: 5, b: 5 } });
		expect(r.ranking).toEqual(['a', 'b', 'c']);
	});

	it('tied and unranked options count as no preference either way', () => {
		const r = schulze({ method: 'schulze', options: opts('abcd'), ballots: [{ ranking: [['a', 'b'], ['c']] }] });
		expect(r.tallies).toEqual({
			a: { b: 0, c: 1, d: 1 },
			b: { a: 0, c: 1, d: 1 },
			c: { a: 0, b: 0, d: 1 },
			d: { a: 0, b: 0, c: 0 }
		});
		expect(r.winners).toEqual(['a', 'b']);
	});

	it('invalid rankings are counted as invalid, not repaired', () => {
		const r = schulze({
			method: 'schulze',
			options: opts('ab'),
			ballots: [
				{ ranking: [['a'], ['b']] },
				{ ranking: [['a'], ['a']] },
				{ ranking: [['b'], ['zz']] },
				{ ranking: [[]] },
				{ choice: 'b' }
			]
		});
		expect(r.valid).toBe(1);
		expect(r.invalid).toBe(4);
		expect(r.invalidReasons).toEqual({
			'"ranking" contains an empty group': 1,
			'option "a" ranked twice': 1,
			'unexpected "choice" for method schulze': 1,
			'unknown option "zz"': 1
		});
		expect(r.winners).toEqual(['a']);
	});

	it('no ballots: no winner, ranking in file order', () => {
		const r = schulze({ method: 'schulze', options: opts('abc'), ballots: [] });
		expect(r.winners).toEqual([]);
		expect(r.ranking).toEqual(['a', 'b', 'c']);
	});
});

describe('result records and tiers', () => {
	it('an option id such as "__proto__" is an own key of every record, in file order, and the records stay plain objects', () => {
		const options = ['__proto__', 'constructor', 'b'].map((id) => ({ id, label: id }));
		const ballots = [...rep(3, { ranking: [['__proto__'], ['b'], ['constructor']] }), ...rep(2, { ranking: [['b'], ['constructor']] })];
		const r = schulze({ method: 'schulze', options, ballots });
		expect(Object.getPrototypeOf(r.tallies)).toBe(Object.prototype);
		expect(Object.keys(r.tallies)).toEqual(['__proto__', 'constructor', 'b']);
		expect(Object.keys(r.tallies['__proto__'] ?? {})).toEqual(['constructor', 'b']);
		expect(Object.getPrototypeOf(r.tallies['__proto__'])).toBe(Object.prototype);
		expect(r.tallies['__proto__']?.['b']).toBe(3);
		expect(r.tallies['b']?.['__proto__']).toBe(2);
		expect(JSON.stringify(r.strongestPaths)).toBe('{"__proto__":{"constructor":3,"b":3},"constructor":{"__proto__":0,"b":0},"b":{"__proto__":0,"constructor":5}}');
		expect(r.ranking).toEqual(['__proto__', 'b', 'constructor']);
		const p = plurality({ method: 'plurality', options, ballots: [{ choice: '__proto__' }, { choice: '__proto__' }, { choice: 'b' }] });
		expect(Object.entries(p.tallies)).toEqual([
			['__proto__', 2],
			['constructor', 0],
			['b', 1]
		]);
	});

	it('tiers are the same as asking, for every tier, which of the options left nobody left beats (any relation, cycles too)', () => {
		const reference = (n: number, beats: (a: number, b: number) => boolean) => {
			const tiers: number[][] = [];
			let remaining = Array.from({ length: n }, (_, i) => i);
			while (remaining.length > 0) {
				let tier = remaining.filter((a) => !remaining.some((b) => b !== a && beats(b, a)));
				if (tier.length === 0) tier = remaining;
				tiers.push(tier);
				remaining = remaining.filter((a) => !tier.includes(a));
			}
			return tiers;
		};
		let seed = 7;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
		for (let run = 0; run < 2000; run++) {
			const n = 1 + Math.floor(random() * 8);
			// Strength of each option, ties included; a few runs get a random, non-transitive relation.
			const strength = Array.from({ length: n }, () => Math.floor(random() * 4));
			const wild = run % 5 === 0 ? Array.from({ length: n * n }, () => random() < 0.4) : null;
			const beats = (a: number, b: number) => (wild ? (wild[a * n + b] ?? false) : (strength[a] ?? 0) > (strength[b] ?? 0));
			expect(tiersOf(n, beats)).toEqual(reference(n, beats));
		}
	});
});
