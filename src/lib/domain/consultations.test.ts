import { describe, expect, it } from 'vitest';
import { ballotFromForm, createConsultationSchema, createInputFromForm, electionConfig, parseLocalDateTime, toLocalDateTimeInput } from './consultations';

const form = (entries: [string, string][]) => {
	const f = new FormData();
	for (const [k, v] of entries) f.append(k, v);
	return f;
};

describe('ballotFromForm', () => {
	const ids = ['a', 'b', 'c'];

	it('reads the no-JavaScript ranking selects: equal ranks are a tie, blank ones come last', () => {
		expect(ballotFromForm('schulze', ids, form([['rank.a', '2'], ['rank.b', '1'], ['rank.c', '']]))).toEqual({ ranking: [['b'], ['a']] });
		expect(ballotFromForm('borda', ids, form([['rank.a', '1'], ['rank.b', '1'], ['rank.c', '3']]))).toEqual({ ranking: [['a', 'b'], ['c']] });
		expect(ballotFromForm('irv', ids, form([['rank.a', 'x'], ['rank.b', '-1']]))).toEqual({ ranking: [] });
	});

	it('reads every method’s fields', () => {
		expect(ballotFromForm('plurality', ids, form([['choice', 'b']]))).toEqual({ choice: 'b' });
		expect(ballotFromForm('approval', ids, form([['approve', 'a'], ['approve', 'c']]))).toEqual({ approve: ['a', 'c'] });
		expect(ballotFromForm('yes-no-abstain', ['motion'], form([['position', 'object'], ['reason', ' Trop cher ']]))).toEqual({ position: 'object', reason: 'Trop cher' });
		expect(ballotFromForm('yes-no-abstain', ['motion'], form([['position', 'for'], ['reason', 'ignored']]))).toEqual({ position: 'for' });
		expect(ballotFromForm('majority-judgment', ids, form([['grade.a', '0'], ['grade.b', '6']]))).toEqual({ grades: { a: 0, b: 6 } });
		expect(ballotFromForm('dot', ids, form([['dots.a', '2'], ['dots.b', ''], ['dots.c', '0']]))).toEqual({ dots: { a: 2 } });
		expect(ballotFromForm('budget', ids, form([['select', 'a']]))).toEqual({ select: ['a'] });
	});
});

describe('the creation form', () => {
	it('keeps filled option rows and reads checkboxes', () => {
		const input = createInputFromForm(
			form([
				['question', 'Quel banc ?'],
				['method', 'budget'],
				['option.0.label', 'Bois'],
				['option.0.cost', '900'],
				['option.2.label', 'Métal'],
				['option.2.cost', '700'],
				['budget', '1500'],
				['secrecy', 'secret'],
				['resultsVisibility', 'live'],
				['openNow', 'on']
			]),
			{ type: 'residence', id: 'r1' }
		);
		const parsed = createConsultationSchema.parse(input);
		expect(parsed.options.map((o) => [o.label, o.cost])).toEqual([
			['Bois', 900],
			['Métal', 700]
		]);
		expect(parsed.openNow).toBe(true);
		expect(parsed.electorate).toBe('residence');
	});

	it('refuses a budget project without a cost and a body electorate in a residence', () => {
		const r = createConsultationSchema.safeParse({
			space: { type: 'residence', id: 'r1' },
			question: 'Budget',
			method: 'budget',
			budget: 100,
			options: [{ label: 'A' }, { label: 'B', cost: 10 }],
			electorate: 'body',
			secrecy: 'secret',
			resultsVisibility: 'live'
		});
		expect(r.success).toBe(false);
		expect(r.error?.issues.map((i) => i.message).sort()).toEqual(['votes.error.cost', 'votes.error.electorate']);
	});
});

describe('times', () => {
	it('reads datetime-local values as Paris wall-clock time, summer and winter', () => {
		expect(parseLocalDateTime('2026-11-22T18:30')).toBe('2026-11-22T17:30:00.000Z');
		expect(parseLocalDateTime('2026-07-01T09:00')).toBe('2026-07-01T07:00:00.000Z');
		expect(parseLocalDateTime('')).toBeNull();
		expect(toLocalDateTimeInput(new Date('2026-11-22T17:30:00Z'))).toBe('2026-11-22T18:30');
	});
});

describe('electionConfig', () => {
	it('turns a for/against consultation into one motion and adds method settings', () => {
		expect(electionConfig({ method: 'yes-no-abstain', question: 'On repeint ?', budget: null, dots: null, grades: null, options: [] })).toEqual({
			method: 'yes-no-abstain',
			options: [{ id: 'motion', label: 'On repeint ?' }]
		});
		expect(electionConfig({ method: 'budget', question: 'Q', budget: 10, dots: null, grades: null, options: [{ id: 'a', label: 'A', cost: 5 }] }, [{ id: 'k', weight: 1 }])).toEqual({
			method: 'budget',
			options: [{ id: 'a', label: 'A', cost: 5 }],
			budget: 10,
			colleges: [{ id: 'k', weight: 1 }]
		});
	});
});
