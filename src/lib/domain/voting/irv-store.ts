/**
 * IRV's storage of ranked ballots (irv.ts counts them): each college's rankings column-wise as they
 * arrive, their removal, the log of changes since the last recount, and the memo that recount leaves
 * for the next live result to replay.
 */
import type { Prepared } from './validate';

/** Marks the end of a group of tied options in an `IrvStore`'s codes. */
export const END_GROUP = -1;

function grow<T extends Int32Array | Float64Array>(array: T, needed: number): T {
	if (needed <= array.length) return array;
	const next = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2));
	next.set(array);
	return next;
}

/**
 * One college's ballots, stored column-wise as they arrive: no object and no string per ballot.
 * `codes` holds the rankings one after the other (option indices, END_GROUP after each group); ballot
 * k runs from `starts[k]` to `starts[k + 1]`. Identical rankings are not merged: the rounds treat each
 * stored ballot as one weighted ballot, which counts the same.
 *
 * Removal (live tally only) finds a stored ballot with the same ranking through an index of canonical
 * keys (indices sorted within each group) built on first use, and takes the weight back from it.
 */
export class IrvStore {
	codes: Int32Array;
	starts: Int32Array;
	weights: Float64Array;
	size = 0;
	/** Sum of |weight| over the stored ballots (the scale of rounding noise). */
	absSum = 0;
	/**
	 * The most options of one group (tied at one rank) in any ballot stored: no ballot is ever split
	 * more ways, so a round sums its raw weights only up to this (1 when nobody ranked two options level).
	 */
	widest = 1;
	/**
	 * Once a recount left a memo (live results): the ballots added (+w) or taken back (-w) since, as
	 * [start, end, w] of their codes, for the next result to replay instead of recounting.
	 */
	log: number[] | null = null;
	/** The last recount's rounds (kept on the first college's store; see `IrvMemo`). */
	memo: IrvMemo | null = null;
	#index: Map<string, number[]> | null = null;

	/** Sized for `expected` ballots of up to `n` options (a complete ranking is 2n codes at most). */
	constructor(n = 4, expected = 256) {
		this.codes = new Int32Array(Math.max(1024, expected * 2 * n));
		this.starts = new Int32Array(expected + 1);
		this.weights = new Float64Array(expected);
	}

	add(p: Prepared, ranking: readonly (readonly string[])[], weight: number) {
		let length = 0;
		for (const group of ranking) {
			length += group.length + 1;
			if (group.length > this.widest) this.widest = group.length;
		}
		const at = this.starts[this.size] ?? 0;
		// Length checks inline: `grow` (generic over both array types) is called only to grow.
		if (at + length > this.codes.length) this.codes = grow(this.codes, at + length);
		const codes = this.codes;
		// The option indices as checkBallot read them (`p.order`), not looked up again by id.
		const { order } = p;
		let c = at;
		for (let g = 0, o = 0; g < ranking.length; g++) {
			const size = ranking[g]?.length ?? 0;
			for (let x = 0; x < size; x++) codes[c++] = order[o++]!;
			codes[c++] = END_GROUP;
		}
		if (this.size + 1 > this.weights.length) this.weights = grow(this.weights, this.size + 1);
		this.weights[this.size] = weight;
		this.size++;
		if (this.size + 1 > this.starts.length) this.starts = grow(this.starts, this.size + 1);
		this.starts[this.size] = c;
		this.absSum += Math.abs(weight);
		this.#logChange(at, c, weight);
		if (this.#index) this.#indexSlot(this.#index, this.size - 1);
	}

	remove(ranking: readonly (readonly string[])[], p: Prepared, weight: number) {
		const index = this.#buildIndex();
		const key = canonicalRanking(ranking.map((group) => group.map((id) => p.index.get(id) ?? 0)));
		const slots = index.get(key);
		if (!slots?.length) return;
		// Prefer a stored ballot of exactly this weight (then it is gone); else take the weight from the last.
		const exact = slots.findLastIndex((k) => this.weights[k] === weight);
		const k = slots[exact >= 0 ? exact : slots.length - 1] ?? 0;
		const before = this.weights[k] ?? 0;
		this.weights[k] = before - weight;
		this.absSum += Math.abs(before - weight) - Math.abs(before);
		this.#logChange(this.starts[k] ?? 0, this.starts[k + 1] ?? 0, -weight);
		if (exact >= 0) slots.splice(exact, 1);
	}

	/** Logs a change for the next replay; past a quarter of the ballots, stops (the next result recounts). */
	#logChange(start: number, end: number, w: number) {
		if (!this.log) return;
		if (this.log.length >= 3 * Math.max(64, this.size * REPLAY_SHARE)) this.log = null;
		else this.log.push(start, end, w);
	}

	#keyOf(k: number): string {
		const groups: number[][] = [[]];
		for (let c = this.starts[k] ?? 0; c < (this.starts[k + 1] ?? 0); c++) {
			const code = this.codes[c] ?? 0;
			if (code === END_GROUP) groups.push([]);
			else groups[groups.length - 1]?.push(code);
		}
		groups.pop();
		return canonicalRanking(groups);
	}

	#buildIndex(): Map<string, number[]> {
		if (this.#index) return this.#index;
		const index = new Map<string, number[]>();
		for (let k = 0; k < this.size; k++) this.#indexSlot(index, k);
		this.#index = index;
		return index;
	}

	#indexSlot(index: Map<string, number[]>, k: number) {
		const key = this.#keyOf(k);
		const slots = index.get(key);
		if (slots) slots.push(k);
		else index.set(key, [k]);
	}
}

/** A ranking of option indices as a key: indices sorted within each group, groups joined by "|". */
function canonicalRanking(groups: readonly (readonly number[])[]): string {
	return groups.map((g) => [...g].sort((a, b) => a - b).join(',')).join('|');
}

/** Logged ballots beyond this share of the stored ones: a recount is cheaper than the replay. */
export const REPLAY_SHARE = 0.25;

/**
 * What a recount leaves for the next live result: each round's raw weights (per group, split and
 * option) and exhausted weight per group, and who went out in each round (-1 in the last). Each
 * ballot added or taken back since only adds to (or takes from) what it gives in each round, as long
 * as the same options go out in the same order: the next result replays those ballots round by round,
 * decides every round again from the new tallies, and recounts from scratch only when a decision
 * changed (or the colleges' stores did).
 */
export interface IrvMemo {
	stores: readonly IrvStore[];
	acc: Float64Array[];
	exhausted: Float64Array[];
	out: number[];
	/** Ballots replayed into it so far: past a quarter of the stored ones, a recount (rounding drift stays that of one count). */
	replayed: number;
	/** For the replays (`replayIrv`): the round each option goes out in, and a buffer of continuing options. */
	outIn?: Int32Array;
	continuing?: Uint8Array;
}
