/**
 * The backstop re-read of live connections (hub.ts) goes round them a slice at a time, so that a
 * thousand members connected do not read a thousand sessions in one burst.
 */

/** The backstop's round is spread over this many ticks: a slice of the connections at each. */
export const SWEEP_SLICES = 15;

/**
 * Each call gives the next slice of a round over the connections (ids), so that every one comes up
 * once a round: at most ceil(size / slices) a call. A connection that opened during a round waits for
 * the next; one that closed is skipped.
 */
export function sweepRounds<T>(slices: number): (current: ReadonlyMap<string, T>) => T[] {
	let round: string[] = [];
	return (current) => {
		if (round.length === 0) round = [...current.keys()];
		const slice = round.splice(0, Math.ceil(current.size / slices));
		return slice.flatMap((id) => current.get(id) ?? []);
	};
}
