/**
 * The order in which a ballot shows its options. The organiser's order favours whatever comes first
 * (primacy effect; with ranked ballots it was even cast as the voter's ranking), so by default each
 * voter sees her own random order, the same every time she comes back (seeded by voter and
 * consultation, not stored). The organiser may keep a fixed order when it means something
 * (e.g. dates in sequence). Pure: runs on the server and in the browser alike.
 */

export const OPTION_ORDERS = ['random', 'fixed'] as const;
export type OptionOrder = (typeof OPTION_ORDERS)[number];

/** 32-bit FNV-1a: a small, well-spread hash of the seed string. */
function hash(seed: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < seed.length; i++) {
		h ^= seed.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

/** mulberry32: a tiny PRNG with a full 2^32 period, enough to shuffle a dozen options fairly. */
function prng(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Fisher–Yates with a seeded generator: same seed, same order; a new array, the input untouched. */
export function seededShuffle<T>(items: readonly T[], seed: string): T[] {
	const out = [...items];
	const next = prng(hash(seed));
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(next() * (i + 1));
		[out[i], out[j]] = [out[j]!, out[i]!];
	}
	return out;
}

/** The options as this voter sees them on this consultation's ballot. */
export function ballotOrder<T extends { id: string }>(options: readonly T[], voterId: string, consultationId: string, order: OptionOrder): T[] {
	return order === 'fixed' ? [...options] : seededShuffle(options, `${consultationId}:${voterId}`);
}
