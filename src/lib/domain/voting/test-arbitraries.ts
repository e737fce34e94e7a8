/**
 * fast-check generators of elections for the property tests (test-only module: not imported by the
 * library). Generated files are always structurally valid `ballots/v1` data, but a share of the
 * ballots are semantically invalid (unknown option, wrong choice field, too many dots, over budget,
 * unknown college, negative weight...), so invalid-ballot handling is exercised too.
 *
 * Weights are dyadic (0, 0.25, 0.5, 1, 2, 3) so sums are exact in any order; college weights include
 * 1/3 to exercise non-dyadic scaling.
 */
import fc from 'fast-check';
import { METHODS, type Ballot, type Election, type Method } from './types';

const IDS = ['a', 'b', 'c', 'd', 'e'];

export interface Shape {
	method: Method;
	n: number;
	ids: string[];
	grades: number;
	dots: number;
	costs: number[];
	budget: number;
	colleges: { id: string; weight: number }[] | undefined;
}

const shapeArb = (method: Method): fc.Arbitrary<Shape> =>
	fc
		.record({
			n: method === 'yes-no-abstain' ? fc.constant(1) : fc.integer({ min: 2, max: 5 }),
			grades: fc.integer({ min: 2, max: 5 }),
			dots: fc.integer({ min: 1, max: 4 }),
			costs: fc.array(fc.integer({ min: 0, max: 6 }).map((c) => c * 100), { minLength: 5, maxLength: 5 }),
			budget: fc.integer({ min: 0, max: 12 }).map((b) => b * 100),
			colleges: fc.option(
				fc
					.array(fc.constantFrom(0.25, 0.5, 1, 1 / 3), { minLength: 1, maxLength: 3 })
					.map((ws) => ws.map((weight, i) => ({ id: `c${i + 1}`, weight }))),
				{ nil: undefined, freq: 2 }
			)
		})
		.map((s) => ({ ...s, method, ids: IDS.slice(0, s.n) }));

const weightArb = fc.option(fc.constantFrom(0, 0.25, 0.5, 1, 1, 2, 3), { nil: undefined, freq: 2 });

function rankingArb(ids: string[]): fc.Arbitrary<string[][]> {
	return fc
		.tuple(fc.shuffledSubarray(ids), fc.array(fc.boolean(), { minLength: ids.length, maxLength: ids.length }))
		.map(([order, cuts]) => {
			const groups: string[][] = [];
			order.forEach((id, i) => {
				const last = groups[groups.length - 1];
				if (last && !cuts[i]) last.push(id);
				else groups.push([id]);
			});
			return groups;
		});
}

function choiceArb(s: Shape): fc.Arbitrary<Partial<Ballot>> {
	const id = fc.constantFrom(...s.ids);
	const sub = fc.shuffledSubarray(s.ids);
	switch (s.method) {
		case 'plurality':
			return id.map((choice) => ({ choice }));
		case 'approval':
			return sub.map((approve) => ({ approve }));
		case 'yes-no-abstain':
			return fc
				.tuple(
					fc.constantFrom('for', 'for', 'against', 'against', 'abstain', 'object'),
					fc.option(fc.constantFrom('trop cher', 'bruit', 'pas concerté'), { nil: undefined })
				)
				.map(([position, reason]) => (reason === undefined ? { position } : { position, reason }));
		case 'schulze':
		case 'irv':
		case 'borda':
			return rankingArb(s.ids).map((ranking) => ({ ranking }));
		case 'majority-judgment':
			return fc
				.tuple(sub, fc.array(fc.integer({ min: 0, max: s.grades - 1 }), { minLength: 5, maxLength: 5 }))
				.map(([graded, gs]) => ({ grades: Object.fromEntries(graded.map((g, i) => [g, gs[i] ?? 0])) }));
		case 'dot':
			return fc
				.array(fc.tuple(id, fc.integer({ min: 0, max: s.dots })), { maxLength: 3 })
				.map((pairs) => {
					const dots: Record<string, number> = {};
					let left = s.dots;
					for (const [k, d] of pairs) {
						const take = Math.min(d, left);
						dots[k] = (dots[k] ?? 0) + take;
						left -= take;
					}
					return { dots };
				});
		case 'budget':
			return sub.map((ids) => {
				const select: string[] = [];
				let spent = 0;
				for (const x of ids) {
					const c = s.costs[s.ids.indexOf(x)] ?? 0;
					if (spent + c <= s.budget) {
						select.push(x);
						spent += c;
					}
				}
				return { select };
			});
	}
}

/** Structurally valid but semantically broken choices. */
function brokenArb(s: Shape): fc.Arbitrary<Partial<Ballot>> {
	const common: fc.Arbitrary<Partial<Ballot>>[] = [
		fc.constant({}), // no choice at all
		fc.constant({ choice: 'zz', approve: ['a'] }), // several choice fields
		fc.constant(s.method === 'plurality' ? { approve: ['a'] } : { choice: 'a' }) // wrong field for the method
	];
	const specific: Record<Method, Partial<Ballot>[]> = {
		plurality: [{ choice: 'zz' }],
		approval: [{ approve: ['a', 'a'] }, { approve: ['zz'] }],
		'yes-no-abstain': [{ position: 'maybe' }],
		schulze: [{ ranking: [['a'], ['a']] }, { ranking: [[]] }, { ranking: [['zz']] }],
		irv: [{ ranking: [['a', 'b'], ['b']] }, { ranking: [['zz']] }],
		borda: [{ ranking: [['a'], ['zz']] }, { ranking: [['b'], []] }],
		'majority-judgment': [{ grades: { a: s.grades } }, { grades: { a: -1 } }, { grades: { a: 0.5 } }, { grades: { zz: 0 } }],
		dot: [{ dots: { a: s.dots + 1 } }, { dots: { a: -1 } }, { dots: { a: 0.5 } }, { dots: { zz: 1 } }],
		budget: [{ select: ['a', 'a'] }, { select: ['zz'] }, { select: s.ids }]
	};
	return fc.oneof(...common, fc.constantFrom(...specific[s.method]));
}

function ballotArb(s: Shape): fc.Arbitrary<Ballot> {
	const collegeArb: fc.Arbitrary<string | undefined> = s.colleges
		? fc.oneof(
				{ arbitrary: fc.constantFrom(...s.colleges.map((c) => c.id)), weight: 12 },
				{ arbitrary: fc.constantFrom(undefined, 'zz'), weight: 1 }
			)
		: fc.oneof({ arbitrary: fc.constant(undefined), weight: 20 }, { arbitrary: fc.constant('c1'), weight: 1 });
	return fc
		.record({
			choice: fc.oneof({ arbitrary: choiceArb(s), weight: 8 }, { arbitrary: brokenArb(s), weight: 1 }),
			weight: fc.oneof({ arbitrary: weightArb, weight: 20 }, { arbitrary: fc.constant(-1), weight: 1 }),
			college: collegeArb
		})
		.map(({ choice, weight, college }) => {
			const b: Ballot = {};
			if (weight !== undefined) b.weight = weight;
			if (college !== undefined) b.college = college;
			return { ...b, ...choice };
		});
}

export function electionArb(method: Method, maxBallots = 25): fc.Arbitrary<Election> {
	return shapeArb(method).chain((s) =>
		fc.array(ballotArb(s), { maxLength: maxBallots }).map((ballots) => {
			const e: Election = {
				method,
				options: s.ids.map((id, i) =>
					method === 'budget' ? { id, label: `Projet ${id}`, cost: s.costs[i] ?? 0 } : { id, label: `Option ${id}` }
				),
				ballots
			};
			if (method === 'budget') e.budget = s.budget;
			if (method === 'dot') e.dots = s.dots;
			if (method === 'majority-judgment') e.grades = Array.from({ length: s.grades }, (_, i) => `g${i}`);
			if (s.colleges) e.colleges = s.colleges;
			return e;
		})
	);
}

export const anyElectionArb = (maxBallots = 25) =>
	fc.constantFrom(...METHODS).chain((m) => electionArb(m, maxBallots));

/** Deterministic Fisher–Yates shuffle driven by a seed (mulberry32). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
	let a = seed >>> 0;
	const rnd = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(rnd() * (i + 1));
		[out[i], out[j]] = [out[j] as T, out[i] as T];
	}
	return out;
}
