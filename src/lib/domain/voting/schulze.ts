/**
 * Schulze method (winning votes), complete ranking.
 *
 * d[a][b] = weighted number of voters ranking a strictly above b (tied or both unranked: neither).
 * A link a→b has strength d[a][b] if d[a][b] > d[b][a], else 0 (winning votes). p[a][b] is the
 * strength of the widest (strongest) path from a to b (Floyd–Warshall variant). a beats b iff
 * p[a][b] > p[b][a]; this relation is transitive (Schulze 2011), so the ranking is built in tiers:
 * tier 0 = options beaten by nobody (the Schulze winners), tier 1 = options beaten only by tier 0,
 * etc. Options within a tier are tied (p[a][b] = p[b][a]) and listed in file order.
 *
 * The live tally keeps the pairwise matrix d (O(options²) per ballot); paths are computed in
 * `result()` in O(options³).
 */
import { countWith, type Kernel } from './engine';
import { FILE_ORDER_RULE, idsOf, idsOfGroups, maxAbs, recordOf, scratch, tidy, tiesOf } from './numeric';
import type { Election, Matrix, SchulzeResult } from './types';

export const SCHULZE_TIE_RULE = `Options are ranked in tiers by strongest-path (winning votes) comparisons: first those beaten by no other option, then those beaten only by earlier tiers, and so on; options in the same tier are tied. ${FILE_ORDER_RULE}`;

interface SchulzeAggregate {
	d: Float64Array;
}

function matrixRecord(ids: readonly string[], m: ArrayLike<number>): Matrix {
	const n = ids.length;
	// A live result builds two of these at every vote: rows of the same keys, assigned in order.
	const rows = new Array<Record<string, number>>(n);
	for (let i = 0; i < n; i++) rows[i] = recordOf(ids, m, i, i * n);
	return recordOf(ids, rows);
}

/**
 * Tiers of the "beats" relation: first the options nobody beats, then those beaten only by earlier
 * tiers, and so on, each in file order. Each option's beaters are counted once and the counts go down
 * as tiers are taken (O(n²), where asking every pair again for every tier was O(n³) calls). Should no
 * option be left unbeaten (impossible for a transitive relation), the rest is one tier.
 */
export function tiersOf(n: number, beats: (a: number, b: number) => boolean): number[][] {
	const beat = new Uint8Array(n * n);
	const beaters = takeBeaters(n);
	for (let a = 0; a < n; a++) {
		for (let b = 0; b < n; b++) {
			if (a !== b && beats(a, b)) {
				beat[a * n + b] = 1;
				beaters[b]!++;
			}
		}
	}
	return tiersOfMatrix(n, beat, beaters);
}

/**
 * `tiersOf` from the relation as a matrix (`beat[a * n + b]` = 1: a beats b) and each option's count
 * of beaters (`takeBeaters`, filled with it): a live result takes its tiers at every vote, and the
 * per-option lists of beaten options and a callback per pair were an eighth of it.
 */
function tiersOfMatrix(n: number, beat: ArrayLike<number>, beaters: Float64Array): number[][] {
	// `beaters`: each option's beaters, counted as the matrix was filled. Counts and marks in reused
	// buffers (numeric.ts `scratch`): typed arrays of their own were a third of it.
	const tiers: number[][] = [];
	const taken = takeTaken(n);
	let left = n;
	while (left > 0) {
		const tier: number[] = [];
		for (let a = 0; a < n; a++) if (!taken[a] && beaters[a] === 0) tier.push(a);
		if (tier.length === 0) for (let a = 0; a < n; a++) if (!taken[a]) tier.push(a);
		for (const a of tier) taken[a] = 1;
		for (const a of tier) for (let b = 0; b < n; b++) beaters[b]! -= beat[a * n + b]!;
		left -= tier.length;
		tiers.push(tier);
	}
	return tiers;
}

const takeBeaters = scratch();
const takeTaken = scratch();

/** Widest paths (winning votes) from a tidied pairwise matrix d (n×n, row-major). */
export function strongestPaths(d: ArrayLike<number>, n: number, out?: Float64Array): Float64Array {
	// A typed array: a live result computes this at every vote, n³ steps on numbers that are never holes.
	const p = out ?? new Float64Array(n * n);
	// A reused `out` may hold anything on its diagonal, which the loops below never write.
	for (let i = 0; i < n; i++) p[i * n + i] = 0;
	for (let i = 0; i < n; i++) {
		for (let j = 0; j < n; j++) {
			if (i === j) continue;
			const dij = d[i * n + j]!;
			const dji = d[j * n + i]!;
			p[i * n + j] = dij > dji ? dij : 0;
		}
	}
	for (let i = 0; i < n; i++) {
		const rowI = i * n;
		for (let j = 0; j < n; j++) {
			if (i === j) continue;
			const pji = p[j * n + i]!;
			if (pji === 0) continue;
			const rowJ = j * n;
			for (let k = 0; k < n; k++) {
				if (k === i || k === j) continue;
				const pik = p[rowI + k]!;
				const via = pji < pik ? pji : pik;
				if (via > p[rowJ + k]!) p[rowJ + k] = via;
			}
		}
	}
	return p;
}

/** The pairwise sums and the widest paths of a result (numeric.ts `scratch`). */
const takeSums = scratch();
const takePaths = scratch();
const takeBeats = scratch();

export const schulzeKernel: Kernel<SchulzeAggregate, SchulzeResult> = {
	create: (p) => ({ d: new Float64Array(p.n * p.n) }),
	add(p, agg, _ballot, weight, sign) {
		const { n } = p;
		const { d } = agg;
		// The ranking's group positions as checkBallot read them (unranked: last), not looked up again.
		const pos = p.choice;
		const w = sign * weight;
		for (let i = 0; i < n; i++) {
			const pi = pos[i] ?? 0;
			const row = i * n;
			for (let j = 0; j < n; j++) {
				if (pi < (pos[j] ?? 0)) d[row + j] = (d[row + j] ?? 0) + w;
			}
		}
	},
	finish(p, parts, base) {
		const { n, ids } = p;
		const nn = n * n;
		// Their values are copied into the result's records: the matrices themselves are reused.
		const d = takeSums(nn);
		for (const { agg, factor } of parts) {
			if (factor === 0) continue;
			const a = agg.d;
			for (let k = 0; k < nn; k++) d[k] = d[k]! + a[k]! * factor;
		}
		const scale = maxAbs(d);
		// Tidied in place (tidyArray would allocate the array this avoids).
		for (let k = 0; k < nn; k++) d[k] = tidy(d[k]!, scale);
		const paths = strongestPaths(d, n, takePaths(nn));
		// The relation and each option's beaters in one pass (the second pass over the matrix that counted
		// them was about 2 % of a live result's profile).
		const beat = takeBeats(nn);
		const beaters = takeBeaters(n);
		for (let a = 0; a < n; a++) {
			for (let b = 0; b < n; b++) {
				if (paths[a * n + b]! > paths[b * n + a]!) {
					beat[a * n + b] = 1;
					beaters[b]!++;
				}
			}
		}
		const tiers = tiersOfMatrix(n, beat, beaters);
		return {
			method: 'schulze',
			winners: base.totalWeight > 0 ? idsOf(ids, tiers[0] ?? []) : [],
			ranking: idsOfGroups(ids, tiers),
			tallies: matrixRecord(ids, d),
			...base,
			tieBreak: SCHULZE_TIE_RULE,
			ties: tiesOf(ids, tiers),
			strongestPaths: matrixRecord(ids, paths),
			tiers: tiers.map((t) => idsOf(ids, t))
		};
	}
};

/** Counts the election with the Schulze method (whatever `election.method` says). */
export function schulze(election: Election): SchulzeResult {
	return countWith({ ...election, method: 'schulze' }, election.ballots, schulzeKernel);
}
