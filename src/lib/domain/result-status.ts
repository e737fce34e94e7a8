/**
 * What a result may claim. "Adopté" or "Choix retenu" is said only of a vote that is closed and valid;
 * while open it is a provisional lead, and a closed vote below its quorum decided nothing.
 * Pure: the results page, the projector and tests share it.
 */

export type ResultStatus = 'provisional' | 'final' | 'invalid';

export function resultStatus(status: 'draft' | 'open' | 'closed', quorumMet: boolean | null): ResultStatus {
	if (status !== 'closed') return 'provisional';
	return quorumMet === false ? 'invalid' : 'final';
}

/**
 * Shares of the total, in whole percents that add up to exactly 100 (largest remainders), so a table
 * of weighted votes never reads "For 50 %, others 0 %". All zero when nothing was cast.
 */
export function percentShares<K extends string>(tallies: Readonly<Record<K, number>>): Record<K, number> {
	const keys = Object.keys(tallies) as K[];
	const values = keys.map((k) => Math.max(0, Number.isFinite(tallies[k]) ? tallies[k] : 0));
	const total = values.reduce((a, b) => a + b, 0);
	const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
	if (total <= 0) return out;
	const exact = values.map((v) => (v / total) * 100);
	const floors = exact.map(Math.floor);
	let left = 100 - floors.reduce((a, b) => a + b, 0);
	const byRemainder = exact.map((e, i) => ({ i, r: e - floors[i]! })).sort((a, b) => b.r - a.r || a.i - b.i);
	for (const { i } of byRemainder) {
		if (left <= 0) break;
		floors[i]!++;
		left--;
	}
	keys.forEach((k, i) => (out[k] = floors[i]!));
	return out;
}
