/**
 * Election configuration checks and the per-ballot validity check.
 *
 * A bad configuration (unknown method, duplicate option ids, budget method without budget...) is an
 * error of the whole election: `checkElection` reports it and counting refuses to run. A bad ballot
 * (unknown option, too many dots, over budget, wrong choice field...) is only that ballot's problem:
 * `validateBallot` says why, and the ballot is counted as invalid — never repaired.
 */
import {
	CHOICE_FIELD,
	CHOICE_FIELDS,
	METHODS,
	POSITIONS,
	type BallotValidation,
	type ConfigProblem,
	type ElectionConfig,
	type Method
} from './types';

const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Tolerance for money comparisons (costs are data, sums of them may carry rounding noise). */
export const moneyTolerance = (budget: number) => 1e-9 * Math.max(1, Math.abs(budget));

/** Problems with an election's configuration; empty when it can be counted. */
export function checkElection(election: ElectionConfig): ConfigProblem[] {
	const problems: ConfigProblem[] = [];
	const add = (path: (string | number)[], message: string) => problems.push({ path, message });
	const e = election as unknown as Record<string, unknown>;
	if (!isRecord(e)) return [{ path: [], message: 'expected an object' }];
	const method = e.method;
	if (typeof method !== 'string' || !(METHODS as readonly string[]).includes(method)) {
		add(['method'], `unknown method, expected one of ${METHODS.join(', ')}`);
	}
	const options = e.options;
	if (!Array.isArray(options) || options.length === 0) {
		add(['options'], 'at least one option is required');
	} else {
		const seen = new Set<string>();
		options.forEach((o: unknown, i) => {
			if (!isRecord(o)) return add(['options', i], 'expected an object');
			if (typeof o.id !== 'string' || o.id === '') add(['options', i, 'id'], 'expected a non-empty string');
			else if (seen.has(o.id)) add(['options', i, 'id'], `duplicate option id "${o.id}"`);
			else seen.add(o.id);
			if (typeof o.label !== 'string') add(['options', i, 'label'], 'expected a string');
			if (o.cost !== undefined && !(isFiniteNumber(o.cost) && o.cost >= 0)) {
				add(['options', i, 'cost'], 'expected a number ≥ 0');
			} else if (method === 'budget' && o.cost === undefined) {
				add(['options', i, 'cost'], 'every project needs a cost for the budget method');
			}
		});
		if (method === 'yes-no-abstain' && options.length !== 1) {
			add(['options'], 'yes-no-abstain needs exactly one option: the motion voted on');
		}
	}
	if (method === 'budget') {
		if (e.budget === undefined) add(['budget'], 'the budget method needs a "budget"');
		else if (!(isFiniteNumber(e.budget) && e.budget >= 0)) add(['budget'], 'expected a number ≥ 0');
	}
	if (method === 'dot') {
		if (e.dots === undefined) add(['dots'], 'the dot method needs "dots" (dots per voter)');
		else if (!(Number.isInteger(e.dots) && (e.dots as number) >= 1)) add(['dots'], 'expected an integer ≥ 1');
	}
	if (method === 'majority-judgment') {
		if (e.grades === undefined) add(['grades'], 'majority-judgment needs "grades" (labels, best first)');
		else if (!Array.isArray(e.grades) || e.grades.length < 2 || !e.grades.every((g) => typeof g === 'string')) {
			add(['grades'], 'expected at least 2 grade labels');
		}
	}
	if (e.colleges !== undefined) {
		if (!Array.isArray(e.colleges) || e.colleges.length === 0) {
			add(['colleges'], 'expected a non-empty list of colleges (or no "colleges" at all)');
		} else {
			const seen = new Set<string>();
			e.colleges.forEach((c: unknown, i) => {
				if (!isRecord(c)) return add(['colleges', i], 'expected an object');
				if (typeof c.id !== 'string' || c.id === '') add(['colleges', i, 'id'], 'expected a non-empty string');
				else if (seen.has(c.id)) add(['colleges', i, 'id'], `duplicate college id "${c.id}"`);
				else seen.add(c.id);
				if (!(isFiniteNumber(c.weight) && c.weight > 0)) add(['colleges', i, 'weight'], 'expected a number > 0');
			});
		}
	}
	return problems;
}

export class ElectionConfigError extends Error {
	constructor(readonly problems: ConfigProblem[]) {
		super(
			'Invalid election configuration:\n' +
				problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join('\n')
		);
		this.name = 'ElectionConfigError';
	}
}

/** `['ballots', 3, 'ranking']` → `ballots[3].ranking` */
export function formatPath(path: readonly PropertyKey[]): string {
	let out = '';
	for (const part of path) {
		if (typeof part === 'number') out += `[${part}]`;
		else out += out === '' ? String(part) : `.${String(part)}`;
	}
	return out === '' ? '(file)' : out;
}

/** Election data pre-digested for fast ballot checks. */
export interface Prepared {
	method: Method;
	ids: string[];
	index: Map<string, number>;
	n: number;
	costs: number[];
	budget: number;
	dots: number;
	grades: string[];
	/** college id → position in `colleges`; null when the election has no colleges. */
	colleges: Map<string, number> | null;
	collegeWeights: number[];
	/** Scratch space for duplicate detection without allocating a Set per ballot. */
	seen: Int32Array;
	stamp: number;
	/**
	 * What `checkBallot` read from the last ballot it found valid, for the kernel's `add`, which the
	 * engine calls right after it on that ballot: per option, its group's position in a ranking
	 * (unranked: the number of groups) or its grade (ungraded: the worst). Looking every id up again in
	 * `add` doubled a count's lookups (a third of a batch majority-judgment count, with its grades
	 * objects of as many shapes as orders of keys).
	 */
	choice: Int32Array;
	/** A valid ranking's option indices in ballot order (`checkBallot`, as `choice`); its groups' sizes say where each ends. */
	order: Int32Array;
}

export function prepare(election: ElectionConfig): Prepared {
	const problems = checkElection(election);
	if (problems.length > 0) throw new ElectionConfigError(problems);
	const ids = election.options.map((o) => o.id);
	return {
		method: election.method,
		ids,
		index: new Map(ids.map((id, i) => [id, i])),
		n: ids.length,
		costs: election.options.map((o) => o.cost ?? 0),
		budget: election.budget ?? 0,
		dots: election.dots ?? 0,
		grades: election.grades ?? [],
		colleges: election.colleges ? new Map(election.colleges.map((c, i) => [c.id, i])) : null,
		collegeWeights: election.colleges?.map((c) => c.weight) ?? [],
		seen: new Int32Array(ids.length),
		stamp: 0,
		choice: new Int32Array(ids.length),
		order: new Int32Array(ids.length)
	};
}

/** Result of the internal check: on success, the ballot's raw weight and college position (-1: none). */
export type Checked = { ok: true; weight: number; college: number } | { ok: false; reason: string };

const bad = (reason: string): Checked => ({ ok: false, reason });

/** Starts a new duplicate-detection pass over `p.seen`. */
function nextStamp(p: Prepared): number {
	if (p.stamp >= 0x7fffffff) {
		p.seen.fill(0);
		p.stamp = 0;
	}
	return ++p.stamp;
}

function checkIds(p: Prepared, list: unknown, field: string): string | null {
	if (!Array.isArray(list)) return `"${field}" must be a list of option ids`;
	const stamp = nextStamp(p);
	for (const id of list) {
		if (typeof id !== 'string') return `"${field}" must contain option ids (strings)`;
		const i = p.index.get(id);
		if (i === undefined) return `unknown option "${id}"`;
		if (p.seen[i] === stamp) return `option "${id}" listed twice`;
		p.seen[i] = stamp;
	}
	return null;
}

/** Checks a ranking, and leaves its positions in `p.choice` and its indices in `p.order`. */
function checkRanking(p: Prepared, ranking: unknown): string | null {
	if (!Array.isArray(ranking)) return '"ranking" must be a list of groups of option ids';
	const stamp = nextStamp(p);
	const { choice, order } = p;
	choice.fill(ranking.length);
	let at = 0;
	for (let g = 0; g < ranking.length; g++) {
		const group: unknown = ranking[g];
		if (!Array.isArray(group)) return '"ranking" must be a list of groups (arrays) of option ids';
		if (group.length === 0) return '"ranking" contains an empty group';
		for (const id of group) {
			if (typeof id !== 'string') return '"ranking" must contain option ids (strings)';
			const i = p.index.get(id);
			if (i === undefined) return `unknown option "${id}"`;
			if (p.seen[i] === stamp) return `option "${id}" ranked twice`;
			p.seen[i] = stamp;
			choice[i] = g;
			order[at++] = i;
		}
	}
	return null;
}

export function checkBallot(p: Prepared, ballot: unknown): Checked {
	if (!isRecord(ballot)) return bad('ballot is not an object');
	const weight = ballot.weight === undefined ? 1 : ballot.weight;
	if (!isFiniteNumber(weight) || weight < 0) return bad('weight must be a finite number ≥ 0');
	let college = -1;
	if (p.colleges) {
		if (ballot.college === undefined) return bad('missing college');
		const c = typeof ballot.college === 'string' ? p.colleges.get(ballot.college) : undefined;
		if (c === undefined) return bad(`unknown college "${String(ballot.college)}"`);
		college = c;
	} else if (ballot.college !== undefined) {
		return bad(`unknown college "${String(ballot.college)}" (the election has no colleges)`);
	}
	if (ballot.reason !== undefined && typeof ballot.reason !== 'string') return bad('"reason" must be a string');
	const expected = CHOICE_FIELD[p.method];
	for (const f of CHOICE_FIELDS) {
		if (f !== expected && ballot[f] !== undefined) return bad(`unexpected "${f}" for method ${p.method}`);
	}
	const value = ballot[expected];
	if (value === undefined) return bad(`missing "${expected}" for method ${p.method}`);
	let problem: string | null = null;
	switch (p.method) {
		case 'plurality':
			if (typeof value !== 'string') problem = '"choice" must be an option id';
			else if (!p.index.has(value)) problem = `unknown option "${value}"`;
			break;
		case 'approval':
			problem = checkIds(p, value, 'approve');
			break;
		case 'budget': {
			problem = checkIds(p, value, 'select');
			if (problem === null) {
				let total = 0;
				for (const id of value as string[]) total += p.costs[p.index.get(id) ?? 0] ?? 0;
				if (total > p.budget + moneyTolerance(p.budget)) {
					problem = `selected projects cost ${total}, more than the budget of ${p.budget}`;
				}
			}
			break;
		}
		case 'yes-no-abstain':
			if (typeof value !== 'string' || !(POSITIONS as readonly string[]).includes(value)) {
				problem = `"position" must be one of ${POSITIONS.join(', ')}`;
			}
			break;
		case 'schulze':
		case 'irv':
		case 'borda':
			problem = checkRanking(p, value);
			break;
		case 'majority-judgment': {
			if (!isRecord(value)) {
				problem = '"grades" must map option ids to grade indices';
				break;
			}
			// Keys and values side by side (the same own enumerable properties, in the same order, as
			// Object.entries gives, without an array per property), each grade left in `p.choice`.
			const ids = Object.keys(value);
			const grades = Object.values(value);
			p.choice.fill(p.grades.length - 1);
			for (let x = 0; x < ids.length; x++) {
				const id = ids[x]!;
				const g = grades[x];
				const i = p.index.get(id);
				if (i === undefined) {
					problem = `unknown option "${id}"`;
					break;
				}
				if (!Number.isInteger(g) || (g as number) < 0 || (g as number) >= p.grades.length) {
					problem = `grade of "${id}" must be an integer from 0 to ${p.grades.length - 1}`;
					break;
				}
				p.choice[i] = g as number;
			}
			break;
		}
		case 'dot': {
			if (!isRecord(value)) {
				problem = '"dots" must map option ids to numbers of dots';
				break;
			}
			let total = 0;
			for (const [id, d] of Object.entries(value)) {
				if (!p.index.has(id)) {
					problem = `unknown option "${id}"`;
					break;
				}
				if (!Number.isInteger(d) || (d as number) < 0) {
					problem = `dots on "${id}" must be an integer ≥ 0`;
					break;
				}
				total += d as number;
			}
			if (problem === null && total > p.dots) problem = `${total} dots spent, more than the ${p.dots} allowed`;
			break;
		}
	}
	if (problem !== null) return bad(problem);
	return { ok: true, weight, college };
}

/**
 * Prepared forms of frozen configs (a config nobody can change prepares to the same thing every
 * time): the server hands every voter of a turn the same frozen config (issue 15).
 */
const preparedFrozen = new WeakMap<ElectionConfig, Prepared>();

/** Frozen all the way down: the config, its lists and its options. */
function unchangeable(e: ElectionConfig): boolean {
	const frozen = Object.isFrozen;
	return frozen(e) && frozen(e.options) && e.options.every(frozen) && (!e.grades || frozen(e.grades)) && (!e.colleges || (frozen(e.colleges) && e.colleges.every(frozen)));
}

function preparedFor(election: ElectionConfig): Prepared {
	if (!unchangeable(election)) return prepare(election);
	let p = preparedFrozen.get(election);
	if (!p) preparedFrozen.set(election, (p = prepare(election)));
	return p;
}

/**
 * Is this ballot valid for this election? Pure; the reason is a short English sentence.
 * Throws `ElectionConfigError` if the election itself is misconfigured.
 */
export function validateBallot(election: ElectionConfig, ballot: unknown): BallotValidation {
	const r = checkBallot(preparedFor(election), ballot);
	return r.ok ? { ok: true } : { ok: false, reason: r.reason };
}
