import { describe, expect, it } from 'vitest';
import { approval, budget, count, dot, plurality, validateBallot, yesNoAbstain } from './index';
import type { Ballot, Election, ElectionConfig } from './types';

const rep = (n: number, b: Ballot): Ballot[] => Array.from({ length: n }, () => ({ ...b }));
const opts = (...ids: string[]) => ids.map((id) => ({ id, label: id }));

describe('plurality', () => {
	it('counts weighted choices; invalid ballots are counted apart', () => {
		const r = plurality({
			method: 'plurality',
			options: opts('jardin', 'local', 'velos'),
			ballots: [
				...rep(3, { choice: 'jardin' }),
				{ choice: 'local', weight: 2.5 },
				{ choice: 'velos' },
				{ choice: 'piscine' },
				{ approve: ['jardin'] },
				{ choice: 'jardin', weight: -1 }
			]
		});
		expect(r.tallies).toEqual({ jardin: 3, local: 2.5, velos: 1 });
		expect(r.winners).toEqual(['jardin']);
		expect(r.ranking).toEqual(['jardin', 'local', 'velos']);
		expect(r.valid).toBe(5);
		expect(r.invalid).toBe(3);
		expect(r.invalidReasons).toEqual({
			'unexpected "approve" for method plurality': 1,
			'unknown option "piscine"': 1,
			'weight must be a finite number ≥ 0': 1
		});
	});

	it('a tie for first keeps all tied winners, ranked in file order (deterministic)', () => {
		const e: Election = {
			method: 'plurality',
			options: opts('a', 'b', 'c'),
			ballots: [{ choice: 'c' }, { choice: 'b' }, { choice: 'a', weight: 0.5 }]
		};
		const r = count(e);
		expect(r.winners).toEqual(['b', 'c']);
		expect(r.ranking).toEqual(['b', 'c', 'a']);
		expect(r.ties).toEqual([['b', 'c']]);
		expect(r.tieBreak).toMatch(/order in which they are listed/);
		// same ballots, other order: same result
		expect(count({ ...e, ballots: [...e.ballots].reverse() })).toEqual(r);
	});

	it('0.1 + 0.2 ties with 0.3 (float noise does not break ties)', () => {
		const r = plurality({
			method: 'plurality',
			options: opts('a', 'b'),
			ballots: [{ choice: 'a', weight: 0.1 }, { choice: 'a', weight: 0.2 }, { choice: 'b', weight: 0.3 }]
		});
		expect(r.tallies).toEqual({ a: 0.3, b: 0.3 });
		expect(r.winners).toEqual(['a', 'b']);
	});

	it('no valid ballot (or only zero weights): no winner', () => {
		expect(plurality({ method: 'plurality', options: opts('a', 'b'), ballots: [] }).winners).toEqual([]);
		expect(
			plurality({ method: 'plurality', options: opts('a', 'b'), ballots: [{ choice: 'a', weight: 0 }] }).winners
		).toEqual([]);
	});
});

describe('approval', () => {
	it('counts each approved option once per ballot; duplicates make the ballot invalid', () => {
		const r = approval({
			method: 'approval',
			options: opts('a', 'b', 'c'),
			ballots: [
				{ approve: ['a', 'b'] },
				{ approve: ['b'] },
				{ approve: [] },
				{ approve: ['c', 'c'] },
				{ approve: ['b', 'c'], weight: 2 }
			]
		});
		expect(r.tallies).toEqual({ a: 1, b: 4, c: 2 });
		expect(r.winners).toEqual(['b']);
		expect(r.valid).toBe(4);
		expect(r.invalidReasons).toEqual({ 'option "c" listed twice': 1 });
	});

	it('nobody approving anything elects nobody', () => {
		const r = approval({ method: 'approval', options: opts('a', 'b'), ballots: [{ approve: [] }] });
		expect(r.valid).toBe(1);
		expect(r.winners).toEqual([]);
		expect(r.ranking).toEqual(['a', 'b']);
	});
});

describe('yes / no / abstain with consent', () => {
	const motion = [{ id: 'motion', label: 'Installer des composteurs dans la cour' }];

	it('adopted when for > against, abstentions ignored', () => {
		const r = yesNoAbstain({
			method: 'yes-no-abstain',
			options: motion,
			ballots: [...rep(5, { position: 'for' }), ...rep(4, { position: 'against' }), ...rep(10, { position: 'abstain' })]
		});
		expect(r.tallies).toEqual({ for: 5, against: 4, abstain: 10, object: 0 });
		expect(r.adopted).toBe(true);
		expect(r.blocked).toBe(false);
		expect(r.winners).toEqual(['motion']);
	});

	it('a for/against tie rejects the motion', () => {
		const r = yesNoAbstain({
			method: 'yes-no-abstain',
			options: motion,
			ballots: [{ position: 'for', weight: 1.5 }, { position: 'against' }, { position: 'against', weight: 0.5 }]
		});
		expect(r.adopted).toBe(false);
		expect(r.winners).toEqual([]);
	});

	it('one objection blocks a large majority; reasons are listed (sorted), empty ones skipped', () => {
		const r = count({
			method: 'yes-no-abstain',
			options: motion,
			ballots: [
				...rep(30, { position: 'for' }),
				{ position: 'object', reason: 'Les composteurs attirent les rats près du local poubelles' },
				{ position: 'object', reason: '   ' },
				{ position: 'object', reason: 'Accessibilité : le passage des fauteuils serait gêné' },
				{ position: 'maybe' }
			]
		});
		expect(r.method).toBe('yes-no-abstain');
		if (r.method !== 'yes-no-abstain') return;
		expect(r.blocked).toBe(true);
		expect(r.adopted).toBe(false);
		expect(r.winners).toEqual([]);
		expect(r.objectionCount).toBe(3);
		expect(r.tallies.object).toBe(3);
		expect(r.objections).toEqual([
			'Accessibilité : le passage des fauteuils serait gêné',
			'Les composteurs attirent les rats près du local poubelles'
		]);
		expect(r.invalid).toBe(1);
		expect(r.invalidReasons).toEqual({ '"position" must be one of for, against, abstain, object': 1 });
	});

	it('an invalid objection does not block', () => {
		const r = yesNoAbstain({
			method: 'yes-no-abstain',
			options: motion,
			ballots: [{ position: 'for' }, { position: 'object', choice: 'motion', reason: 'non' }]
		});
		expect(r.blocked).toBe(false);
		expect(r.adopted).toBe(true);
		expect(r.invalid).toBe(1);
	});
});

describe('dot voting', () => {
	const base = { method: 'dot' as const, options: opts('a', 'b', 'c'), dots: 3 };

	it('several dots on one option; an over-spent ballot is invalid (not trimmed)', () => {
		const r = dot({
			...base,
			ballots: [
				{ dots: { a: 3 } },
				{ dots: { b: 2, c: 1 } },
				{ dots: { b: 1 } },
				{ dots: { a: 2, b: 2 } }, // 4 dots > 3
				{ dots: { a: 4 } } // 4 dots > 3
			]
		});
		expect(r.tallies).toEqual({ a: 3, b: 3, c: 1 });
		expect(r.winners).toEqual(['a', 'b']);
		expect(r.invalid).toBe(2);
		expect(r.invalidReasons).toEqual({ '4 dots spent, more than the 3 allowed': 2 });
		expect(r.dots).toBe(3);
	});

	it('negative, fractional and unknown dots are invalid; weights multiply dots', () => {
		const r = dot({
			...base,
			ballots: [
				{ dots: { a: -1, b: 2 } },
				{ dots: { a: 0.5 } },
				{ dots: { zz: 1 } },
				{ dots: { c: 2, a: 0 }, weight: 0.5 },
				{ dots: {} }
			]
		});
		expect(r.invalid).toBe(3);
		expect(r.valid).toBe(2);
		expect(r.tallies).toEqual({ a: 0, b: 0, c: 1 });
		expect(r.winners).toEqual(['c']);
	});
});

describe('participatory budget', () => {
	/**
	 * Budget 5000. Votes: A 10 (3000), B 8 (2500), C 6 (1500), D 2 (500), E 0 (400).
	 * A funded (2000 left) → B does not fit, SKIPPED → C funded (500 left) → D funded (0 left)
	 * → E has no vote: never funded.
	 */
	const election: Election = {
		method: 'budget',
		budget: 5000,
		options: [
			{ id: 'A', label: 'Jardin partagé', cost: 3000 },
			{ id: 'B', label: 'Local vélos', cost: 2500 },
			{ id: 'C', label: 'Bancs', cost: 1500 },
			{ id: 'D', label: 'Boîte à livres', cost: 500 },
			{ id: 'E', label: 'Fresque', cost: 400 }
		],
		ballots: [
			// A + B = 5500 > 5000: nobody can select both.
			...rep(5, { select: ['A', 'C'] }), // 4500
			...rep(2, { select: ['A', 'D'] }), // 3500
			...rep(3, { select: ['A'] }),
			...rep(7, { select: ['B'] }),
			{ select: ['B', 'C'] }, // 4000
			{ select: ['A', 'B', 'C'] }, // 7000 > 5000: invalid, never trimmed
			{ select: ['A', 'A'] }
		]
	};

	it('ranks by votes and funds in order, skipping projects that no longer fit', () => {
		const r = budget(election);
		expect(r.tallies).toEqual({ A: 10, B: 8, C: 6, D: 2, E: 0 });
		expect(r.ranking).toEqual(['A', 'B', 'C', 'D', 'E']);
		expect(r.funded).toEqual(['A', 'C', 'D']);
		expect(r.winners).toEqual(['A', 'C', 'D']);
		expect(r.spent).toBe(5000);
		expect(r.remaining).toBe(0);
		expect(r.invalid).toBe(2);
		expect(r.invalidReasons).toEqual({
			'option "A" listed twice': 1,
			'selected projects cost 7000, more than the budget of 5000': 1
		});
	});

	it('equal votes are funded in file order', () => {
		const r = budget({
			method: 'budget',
			budget: 1000,
			options: [
				{ id: 'x', label: 'x', cost: 600 },
				{ id: 'y', label: 'y', cost: 600 },
				{ id: 'z', label: 'z', cost: 300 }
			],
			ballots: [{ select: ['y', 'z'] }, { select: ['x', 'z'] }]
		});
		expect(r.tallies).toEqual({ x: 1, y: 1, z: 2 });
		expect(r.funded).toEqual(['z', 'x']);
		expect(r.ties).toEqual([['x', 'y']]);
		expect(r.spent).toBe(900);
		expect(r.remaining).toBe(100);
	});

	it('a ballot costing exactly the budget is valid', () => {
		const r = budget({ ...election, ballots: [{ select: ['A', 'C', 'D'] }] });
		expect(r.valid).toBe(1);
		expect(r.funded).toEqual(['A', 'C', 'D']);
	});
});

describe('validateBallot and frozen configs', () => {
	it('sees a config changed between two calls, unless it is frozen (then it cannot change)', () => {
		const config = { method: 'approval' as const, options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] };
		expect(validateBallot(config, { approve: ['c'] }).ok).toBe(false);
		config.options.push({ id: 'c', label: 'C' });
		expect(validateBallot(config, { approve: ['c'] }).ok).toBe(true);

		const frozen = Object.freeze({ ...config, options: Object.freeze(config.options.map((o) => Object.freeze({ ...o }))) }) as ElectionConfig;
		// The same answers at every call, the duplicate check included (its marks are reused between calls).
		for (let i = 0; i < 3; i++) {
			expect(validateBallot(frozen, { approve: ['a', 'c'] })).toEqual({ ok: true });
			expect(validateBallot(frozen, { approve: ['a', 'a'] }).ok).toBe(false);
			expect(validateBallot(frozen, { approve: ['d'] }).ok).toBe(false);
		}
	});
});
