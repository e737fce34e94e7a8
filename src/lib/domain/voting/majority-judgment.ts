/**
 * Majority judgment (Balinski & Laraki).
 *
 * Every ballot grades options with an index into `grades` (0 = best). An option the ballot does not
 * grade receives the WORST grade (as Balinski–Laraki's "À rejeter" default). Each option's majority
 * grade is its weighted LOWER median: the best grade g such that strictly more than half of the
 * weight grades it g or better (for an even number of equal ballots, the worse of the two middle
 * grades, as Balinski–Laraki do).
 *
 * Ties (equal majority grades) are broken by the majority value: repeatedly remove one median grade
 * from each tied option and compare the new medians. With weighted ballots, "remove one median grade"
 * is generalised to peeling weight symmetrically away from the centre of each option's sorted grades:
 * at each distance t from the middle, compare first the grades just below the middle (worse side,
 * which is where the lower median sits), then just above it; the first difference decides. For
 * ballots of weight 1 this is exactly Balinski–Laraki's sequence of medians (property-tested against a
 * literal implementation). Options whose weighted grade distributions are identical stay tied.
 *
 * The majority gauge (p, α, q) is given for display: p = share of weight grading strictly better than
 * α, q = share grading strictly worse; sign '+' when p > q.
 *
 * The live tally keeps one grade histogram per option: O(options) per ballot.
 */
import { countWith, type Kernel } from './engine';
import { FILE_ORDER_RULE, idsOf, idsOfGroups, rankBy, recordOf, scratch, tidy, tiesOf } from './numeric';
import type { Election, MajorityGauge, MajorityJudgmentResult } from './types';

export const MJ_TIE_RULE = `Options are ranked by majority grade (lower median); equal majority grades are separated by Balinski–Laraki's majority value (repeatedly removing one median grade from each tied option and comparing the new medians; with weighted ballots, removing the median weight symmetrically from the middle, worse side first). Only options with identical weighted grade distributions remain tied. ${FILE_ORDER_RULE}`;

/** Index of the grade found at position y (0..W) of the grades sorted best first. */
function gradeAt(cum: readonly number[], y: number): number {
	for (let g = 0; g < cum.length; g++) if ((cum[g] ?? 0) > y) return g;
	return cum.length - 1;
}

/** Cumulative weights, best grade first (tidied so equal real values compare equal). */
export function cumulative(hist: readonly number[], scale: number): number[] {
	const cum: number[] = [];
	let s = 0;
	for (const h of hist) {
		s += h;
		cum.push(tidy(s, scale));
	}
	return cum;
}

/** Majority grade: lower weighted median (index, 0 = best). */
export function majorityGrade(cum: readonly number[], total: number): number {
	return gradeAt(cum, total / 2);
}

/**
 * Compares two options' majority values (negative: a is better). `cumA`, `cumB` are cumulative grade
 * weights (best first) over the same total weight.
 */
export function compareMajorityValues(cumA: readonly number[], cumB: readonly number[], total: number): number {
	return compareProfiles(profileOf(cumA, total), profileOf(cumB, total), total);
}

/**
 * An option's cumulative weights, the distances of its cumulative weights from the middle (sorted),
 * its majority grade, and whether that grade alone answers the walk's first step: no cumulative weight
 * sits just above the middle, within the walk's tolerance.
 */
interface Profile {
	cum: readonly number[];
	dist: number[];
	grade: number;
	plain: boolean;
}

function profileOf(cum: readonly number[], total: number): Profile {
	const c = total / 2;
	const near = c + 1e-9 * total;
	let inside = 0;
	let plain = true;
	for (let g = 0; g < cum.length; g++) {
		const x = cum[g]!;
		if (x > 0 && x < total) inside++;
		if (x > c && x <= near) plain = false;
	}
	// A plain array of at most grades − 1 numbers, sorted by insertion as it is filled: a live result
	// makes one per option, and a typed array each time (its own buffer) cost more than the sort.
	const dist = new Array<number>(inside);
	for (let g = 0, at = 0; g < cum.length; g++) {
		const x = cum[g]!;
		if (!(x > 0 && x < total)) continue;
		const d = Math.min(c, Math.abs(x - c));
		let k = at++;
		for (; k > 0 && dist[k - 1]! > d; k--) dist[k] = dist[k - 1]!;
		dist[k] = d;
	}
	return { cum, dist, grade: majorityGrade(cum, total), plain };
}

/**
 * The comparison itself: the points where either option's grades change, walked outwards from the
 * middle (0, both options' distances merged in order, then the half). Each option's distances are
 * sorted once per result (`profileOf`), not once per comparison.
 */
function compareProfiles(a: Profile, b: Profile, total: number): number {
	if (!(total > 0)) return 0;
	// Different majority grades: the walk's first step compares exactly them (see Profile).
	if (a.grade !== b.grade && a.plain && b.plain) return a.grade - b.grade;
	const c = total / 2;
	const eps = 1e-9 * total;
	const { dist: da, cum: cumA } = a;
	const { dist: db, cum: cumB } = b;
	let i = 0;
	let j = 0;
	let prev = 0;
	// 0 itself is never more than eps past 0: the walk starts at the first distance, and ends at c.
	for (let step = 0, steps = da.length + db.length + 1; step < steps; step++) {
		let t: number;
		if (i < da.length && (j >= db.length || (da[i] ?? 0) <= (db[j] ?? 0))) t = da[i++] ?? 0;
		else if (j < db.length) t = db[j++] ?? 0;
		else t = c;
		if (t - prev <= eps) continue;
		const mid = (prev + t) / 2;
		const worse = gradeAt(cumA, c + mid) - gradeAt(cumB, c + mid);
		if (worse !== 0) return worse;
		const better = gradeAt(cumA, c - mid) - gradeAt(cumB, c - mid);
		if (better !== 0) return better;
		prev = t;
	}
	return 0;
}

export function majorityGauge(cum: readonly number[], total: number): MajorityGauge {
	const grade = majorityGrade(cum, total);
	if (!(total > 0)) return { p: 0, grade, q: 0, sign: '-' };
	const p = tidy((grade > 0 ? (cum[grade - 1] ?? 0) : 0) / total);
	const q = tidy((total - (cum[grade] ?? total)) / total);
	return { p, grade, q, sign: p > q ? '+' : '-' };
}

/** The grade histograms' raw sums of a result (numeric.ts `scratch`). */
const takeSums = scratch();

export const majorityJudgmentKernel: Kernel<Float64Array, MajorityJudgmentResult> = {
	create: (p) => new Float64Array(p.n * p.grades.length),
	add(p, agg, _ballot, weight, sign) {
		// The grades as checkBallot read them (ungraded: the worst), not looked up again by id.
		const k = p.grades.length;
		const { choice } = p;
		const w = sign * weight;
		for (let i = 0; i < p.n; i++) {
			const x = i * k + choice[i]!;
			agg[x] = agg[x]! + w;
		}
	},
	finish(p, parts, base) {
		const k = p.grades.length;
		const size = p.n * k;
		const raw = takeSums(size);
		for (const { agg, factor } of parts) {
			if (factor === 0) continue;
			for (let x = 0; x < size; x++) raw[x] = raw[x]! + agg[x]! * factor;
		}
		const W = base.totalWeight;
		const histograms = new Array<number[]>(p.n);
		const gauges = new Array<MajorityGauge>(p.n);
		const profiles = new Array<Profile>(p.n);
		const medians = new Array<number>(p.n);
		const labels = new Array<string>(p.n);
		for (let i = 0; i < p.n; i++) {
			// The histogram and its cumulative weights in one pass over the option's row of the sums (what
			// `tidyArray` of a subarray and `cumulative` give, without the view and the growing array).
			const h = new Array<number>(k);
			const cum = new Array<number>(k);
			let s = 0;
			for (let g = 0, x = i * k; g < k; g++, x++) {
				const v = tidy(raw[x]!, W);
				h[g] = v;
				s += v;
				cum[g] = tidy(s, W);
			}
			histograms[i] = h;
			const gauge = majorityGauge(cum, W);
			gauges[i] = gauge;
			medians[i] = gauge.grade;
			labels[i] = p.grades[gauge.grade] ?? '';
			profiles[i] = profileOf(cum, W);
		}
		const groups = rankBy(p.n, (a, b) => compareProfiles(profiles[a] as Profile, profiles[b] as Profile, W));
		return {
			method: 'majority-judgment',
			winners: W > 0 ? idsOf(p.ids, groups[0] ?? []) : [],
			ranking: idsOfGroups(p.ids, groups),
			tallies: recordOf(p.ids, histograms),
			...base,
			tieBreak: MJ_TIE_RULE,
			ties: tiesOf(p.ids, groups),
			grades: [...p.grades],
			medians: recordOf(p.ids, medians),
			medianLabels: recordOf(p.ids, labels),
			gauges: recordOf(p.ids, gauges)
		};
	}
};

/** Counts the election with majority judgment (whatever `election.method` says). */
export function majorityJudgment(election: Election): MajorityJudgmentResult {
	return countWith({ ...election, method: 'majority-judgment' }, election.ballots, majorityJudgmentKernel);
}
