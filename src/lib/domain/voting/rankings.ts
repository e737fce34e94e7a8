/** Helpers for ranked ballots (`ranking`: groups of option ids, best first, unranked = last). */
import type { Prepared } from './validate';

/**
 * Fills `out[i]` with the group position of option i (0 = best); unranked options get the number of
 * groups (they share the last place). Returns the number of groups. The ranking must be valid.
 */
export function rankPositions(p: Prepared, ranking: readonly (readonly string[])[], out: Int32Array): number {
	out.fill(ranking.length);
	ranking.forEach((group, g) => {
		for (const id of group) {
			const i = p.index.get(id);
			if (i !== undefined) out[i] = g;
		}
	});
	return ranking.length;
}
