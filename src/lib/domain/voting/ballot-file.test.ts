import { describe, expect, it } from 'vitest';
import {
	BallotFileError,
	count,
	parseBallotFile,
	parseBallotFileText,
	safeParseBallotFile,
	toBallotFile,
	validateBallot
} from './index';
import type { Election } from './types';

const good = () => ({
	format: 'ballots/v1',
	method: 'plurality',
	options: [
		{ id: 'a', label: 'Jardin partagé' },
		{ id: 'b', label: 'Local vélos' }
	],
	ballots: [{ choice: 'a' }, { choice: 'b', weight: 2 }]
});

function problems(input: unknown): string[] {
	const r = safeParseBallotFile(input);
	if (r.ok) throw new Error('expected the file to be rejected');
	return r.problems;
}

describe('ballots/v1 file schema', () => {
	it('accepts a well-formed file (unknown keys dropped)', () => {
		const file = parseBallotFile({ ...good(), title: 'AG 2025' });
		expect(file.method).toBe('plurality');
		expect('title' in file).toBe(false);
		expect(count(file).winners).toEqual(['b']);
	});

	it.each<[string, (f: Record<string, unknown>) => unknown, string]>([
		['wrong format', (f) => ({ ...f, format: 'ballots/v2' }), 'format: expected "ballots/v1", got "ballots/v2"'],
		['missing format', ({ format: _, ...f }) => f, 'format: missing'],
		['unknown method', (f) => ({ ...f, method: 'condorcet' }), 'method: expected one of "plurality", "approval"'],
		['missing options', ({ options: _, ...f }) => f, 'options: missing (expected an array)'],
		['empty options', (f) => ({ ...f, options: [] }), 'options: expected at least 1 item'],
		['option without id', (f) => ({ ...f, options: [{ label: 'x' }] }), 'options[0].id: missing (expected a string)'],
		[
			'duplicate option ids',
			(f) => ({ ...f, options: [{ id: 'a', label: 'A' }, { id: 'a', label: 'B' }] }),
			'options[1].id: duplicate option id "a"'
		],
		['budget method without budget', (f) => ({ ...f, method: 'budget', options: [{ id: 'a', label: 'A', cost: 1 }] }), 'budget: the budget method needs a "budget"'],
		['budget project without cost', (f) => ({ ...f, method: 'budget', budget: 10 }), 'options[0].cost: every project needs a cost'],
		['dot without dots', (f) => ({ ...f, method: 'dot' }), 'dots: the dot method needs "dots"'],
		['non-integer dots', (f) => ({ ...f, method: 'dot', dots: 2.5 }), 'dots: expected an integer, got 2.5'],
		['majority-judgment without grades', (f) => ({ ...f, method: 'majority-judgment' }), 'grades: majority-judgment needs "grades"'],
		['a single grade', (f) => ({ ...f, method: 'majority-judgment', grades: ['Bien'] }), 'grades: expected at least 2 items'],
		['yes-no-abstain with two options', (f) => ({ ...f, method: 'yes-no-abstain' }), 'options: yes-no-abstain needs exactly one option'],
		['college weight 0', (f) => ({ ...f, colleges: [{ id: 'c', weight: 0 }] }), 'colleges[0].weight: expected a number > 0, got 0'],
		['duplicate colleges', (f) => ({ ...f, colleges: [{ id: 'c', weight: 1 }, { id: 'c', weight: 1 }] }), 'colleges[1].id: duplicate college id "c"'],
		['missing ballots', ({ ballots: _, ...f }) => f, 'ballots: missing (expected an array)'],
		['ballot that is not an object', (f) => ({ ...f, ballots: [{ choice: 'a' }, 'a'] }), 'ballots[1]: expected an object, got "a"'],
		['ballot null', (f) => ({ ...f, ballots: [null] }), 'ballots[0]: expected an object, got null'],
		['ranking not an array', (f) => ({ ...f, ballots: [{}, {}, {}, { ranking: 'a>b' }] }), 'ballots[3].ranking: expected an array, got "a>b"'],
		['ranking group not an array', (f) => ({ ...f, ballots: [{ ranking: ['a'] }] }), 'ballots[0].ranking[0]: expected an array, got "a"'],
		['weight not a number', (f) => ({ ...f, ballots: [{ choice: 'a', weight: '2' }] }), 'ballots[0].weight: expected a number, got "2"'],
		['grades not a map', (f) => ({ ...f, ballots: [{ grades: [1, 2] }] }), 'ballots[0].grades: expected an object, got an array'],
		['file is an array', () => [], '(file): expected an object, got an array']
	])('rejects: %s', (_name, mutate, message) => {
		const found = problems(mutate(good()));
		expect(found.some((p) => p.startsWith(message)), `${JSON.stringify(found)} should include "${message}"`).toBe(true);
	});

	it('reports every structural problem, one line each', () => {
		const found = problems({ format: 'x', method: 'y', options: 'z', ballots: [1, { choice: 2 }] });
		expect(found).toEqual([
			'format: expected "ballots/v1", got "x"',
			'method: expected one of "plurality", "approval", "yes-no-abstain", "schulze", "irv", "borda", "majority-judgment", "dot", "budget", got "y"',
			'options: expected an array, got "z"',
			'ballots[0]: expected an object, got 1',
			'ballots[1].choice: expected a string, got 2'
		]);
	});

	it('does NOT reject a file because of semantically invalid ballots: they are counted as invalid', () => {
		const file = parseBallotFile({
			format: 'ballots/v1',
			method: 'dot',
			dots: 3,
			options: [
				{ id: 'a', label: 'A' },
				{ id: 'b', label: 'B' }
			],
			colleges: [{ id: 'c1', weight: 1 }],
			ballots: [
				{ college: 'c1', dots: { a: 2, b: 1 } },
				{ college: 'c1', dots: { a: 4 } }, // too many dots
				{ college: 'c1', dots: { zz: 1 } }, // unknown option
				{ college: 'c1', choice: 'a' }, // field of another method
				{ college: 'c9', dots: { a: 1 } }, // unknown college
				{ college: 'c1', dots: { a: -1 } }, // negative
				{ college: 'c1', dots: { a: 1 }, weight: -2 } // negative weight
			]
		});
		const r = count(file);
		expect(r.valid).toBe(1);
		expect(r.invalid).toBe(6);
		expect(r.tallies).toEqual({ a: 2, b: 1 });
	});

	it('parseBallotFile throws a BallotFileError listing the problems', () => {
		expect(() => parseBallotFile({ ...good(), format: 'nope' })).toThrow(BallotFileError);
		try {
			parseBallotFile({ ...good(), method: 'nope' });
		} catch (e) {
			expect(e).toBeInstanceOf(BallotFileError);
			expect((e as BallotFileError).problems).toHaveLength(1);
		}
	});

	it('parseBallotFileText reports invalid JSON as a problem', () => {
		const r = parseBallotFileText('{ "format": ');
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.problems[0]).toMatch(/^invalid JSON: /);
		expect(parseBallotFileText(JSON.stringify(good())).ok).toBe(true);
	});

	it('toBallotFile omits undefined fields and produces a parseable file', () => {
		const e: Election = {
			method: 'budget',
			budget: 100,
			options: [{ id: 'a', label: 'A', cost: 50 }],
			ballots: [{ select: ['a'], weight: undefined, reason: undefined }]
		};
		const text = JSON.stringify(toBallotFile(e));
		expect(JSON.parse(text)).toEqual({
			format: 'ballots/v1',
			method: 'budget',
			options: [{ id: 'a', label: 'A', cost: 50 }],
			budget: 100,
			ballots: [{ select: ['a'] }]
		});
		expect(count(parseBallotFile(JSON.parse(text)))).toEqual(count(e));
	});
});

describe('validateBallot', () => {
	const election: Election = {
		method: 'schulze',
		options: [
			{ id: 'a', label: 'A' },
			{ id: 'b', label: 'B' }
		],
		ballots: []
	};
	it.each<[unknown, string | null]>([
		[{ ranking: [['a'], ['b']] }, null],
		[{ ranking: [['b', 'a']], weight: 0.5 }, null],
		[{ ranking: [] }, null],
		[{ ranking: [['a'], ['a']] }, 'option "a" ranked twice'],
		[{ ranking: [['c']] }, 'unknown option "c"'],
		[{ ranking: 'a' }, '"ranking" must be a list of groups of option ids'],
		[{ choice: 'a' }, 'unexpected "choice" for method schulze'],
		[{}, 'missing "ranking" for method schulze'],
		[{ ranking: [['a']], weight: Number.NaN }, 'weight must be a finite number ≥ 0'],
		[null, 'ballot is not an object'],
		[{ ranking: [['a']], reason: 3 }, '"reason" must be a string']
	])('%j → %s', (ballot, reason) => {
		expect(validateBallot(election, ballot)).toEqual(reason === null ? { ok: true } : { ok: false, reason });
	});
});
