/**
 * Numeric helpers shared by the counting methods.
 *
 * Weights may be fractional (colleges, proxy weights), so tallies are floating-point sums whose last
 * bits depend on the order of additions. To make results independent of ballot order (and identical
 * between the incremental tally and a batch count), every tally is "tidied" — rounded to 12
 * significant digits, with values within 1e-10 × scale of zero snapped to 0 — BEFORE any comparison.
 * Consequently two options are tied exactly when their printed tallies are equal.
 */

/** Rounds to 12 significant digits and snaps values within `1e-10 × scale` of zero to 0. */
export function tidy(x: number, scale = 1): number {
	if (Math.abs(x) <= 1e-10 * Math.max(1, Math.abs(scale))) return 0;
	// A whole number of at most 12 digits is what rounding gives back (most tallies: one vote, one unit):
	// no string to build, which was a quarter of a live Schulze result.
	if (Number.isInteger(x) && x < 1e12 && x > -1e12) return x;
	// So is a number of quarters below 1e10 (at most 10 + 2 digits): a ballot split between two options.
	if (Number.isInteger(x * 4) && x < 1e10 && x > -1e10) return x;
	return roundTo12(x);
}

/** Exact powers of ten as doubles (10^0 … 10^22): dividing or multiplying by one rounds once. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * `Number(x.toPrecision(12))` without building a string (a live majority-judgment result tidies 20
 * shares at each ballot: the strings were a tenth of its time, and garbage). The 12 digits are
 * `round(|x| × 10^k)` for the k that puts them in [10^11, 10^12); the product is rounded once, so
 * when it lies within 10^-3 of a half the rounding could go the other way than on x's exact value, and
 * the string answers instead. The value of those digits is then one correctly rounded division (or
 * multiplication) by an exact power of ten, as parsing the string gives. NaN, infinities and
 * magnitudes whose power of ten is not exact also go by the string.
 */
function roundTo12(x: number): number {
	const a = Math.abs(x);
	if (!(a > 0 && a < Infinity)) return Number(x.toPrecision(12));
	let k = 11 - Math.floor(Math.log10(a));
	// log10 can be one off near a power of ten: the scaled value must have exactly 12 digits.
	for (let tries = 0; tries < 2; tries++) {
		if (k < -22 || k > 22) return Number(x.toPrecision(12));
		const scaled = k >= 0 ? a * POW10[k]! : a / POW10[-k]!;
		if (scaled >= 1e12) k--;
		else if (scaled < 1e11) k++;
		else {
			if (Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-3) return Number(x.toPrecision(12));
			const n = Math.round(scaled);
			const r = k >= 0 ? n / POW10[k]! : n * POW10[-k]!;
			return x < 0 ? -r : r;
		}
	}
	return Number(x.toPrecision(12));
}

export function tidyArray(values: ArrayLike<number>, scale = 1): number[] {
	const out = new Array<number>(values.length);
	for (let i = 0; i < values.length; i++) out[i] = tidy(values[i] ?? 0, scale);
	return out;
}

/**
 * A reusable buffer for a count's intermediate sums: `take(n)` gives its first n values, zeroed (the
 * buffer grows when needed). A live result computes these sums at every vote; taking them from here
 * allocates no matrix. Safe because a result is finished before another starts and keeps none of it.
 */
export function scratch(): (n: number) => Float64Array {
	let buffer = new Float64Array(0);
	// The view of the last length asked for, given again while the length stays (it always does within
	// one election): a `subarray` is a new typed array object at every call, which in a live IRV result
	// (one per round) was about 4 % of its profile, and garbage.
	let view = buffer;
	return (n) => {
		if (view.length !== n) {
			if (buffer.length < n) buffer = new Float64Array(n);
			view = buffer.length === n ? buffer : buffer.subarray(0, n);
		}
		return view.fill(0);
	};
}

export function maxAbs(values: ArrayLike<number>): number {
	let m = 0;
	for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i] ?? 0));
	return m;
}

/**
 * Orders option indices by a comparator (negative = a before b) and groups those the comparator
 * cannot separate. Within a group, options keep the order of the file (index order).
 */
export function rankBy(n: number, compare: (a: number, b: number) => number): number[][] {
	// Filled by a loop: `Array.from({ length: n }, …)` walks a generic array-like, which was an eighth of
	// a live majority-judgment result.
	const order = new Array<number>(n);
	for (let i = 0; i < n; i++) order[i] = i;
	order.sort((a, b) => compare(a, b) || a - b);
	const groups: number[][] = [];
	for (const i of order) {
		const last = groups[groups.length - 1];
		const head = last?.[0];
		if (last && head !== undefined && compare(head, i) === 0) last.push(i);
		else groups.push([i]);
	}
	return groups;
}

/** Groups option indices by (already tidied) score, highest first. */
export function rankByScore(scores: readonly number[]): number[][] {
	return rankBy(scores.length, (a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));
}

/** `{ [ids[i]]: values[offset + i] }`, leaving out `ids[skip]` (offset: a row of a matrix stored flat). */
export function recordOf<T>(ids: readonly string[], values: ArrayLike<T>, skip = -1, offset = 0): Record<string, T> {
	// Assigned one by one (the same keys in the same order at every live result: V8 reuses the object's
	// shape, where Object.fromEntries built each one anew); "__proto__" is defined as an own key.
	const out: Record<string, T> = {};
	for (let i = 0; i < ids.length; i++) {
		if (i === skip) continue;
		const id = ids[i] ?? '';
		setOwn(out, id, values[offset + i] as T);
	}
	return out;
}

/** `out[id] = value`, as an own property even for "__proto__" (which would set the prototype). */
export function setOwn<T>(out: Record<string, T>, id: string, value: T): void {
	if (id === '__proto__') Object.defineProperty(out, id, { value, enumerable: true, writable: true, configurable: true });
	else out[id] = value;
}

export function idsOf(ids: readonly string[], indices: readonly number[]): string[] {
	return indices.map((i) => ids[i] ?? '');
}

/**
 * `idsOf(ids, groups.flat())` without `flat()`, whose generic path (depth, holes, spreadable objects)
 * was a tenth of a live Schulze or majority-judgment result.
 */
export function idsOfGroups(ids: readonly string[], groups: readonly (readonly number[])[]): string[] {
	const out: string[] = [];
	for (const group of groups) for (const i of group) out.push(ids[i] ?? '');
	return out;
}

/** Groups of size ≥ 2, as ids. */
export function tiesOf(ids: readonly string[], groups: readonly number[][]): string[][] {
	return groups.filter((g) => g.length > 1).map((g) => idsOf(ids, g));
}

/** Sentence shared by every method's `tieBreak`. */
export const FILE_ORDER_RULE =
	'Options the method cannot separate are tied: all of them are listed in `winners` when tied for first place and in `ties`; within `ranking`, tied options keep the order in which they are listed in the file\'s `options`.';
