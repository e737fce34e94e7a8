import { describe, expect, it } from 'vitest';
import { sweepRounds } from './sweep';

const connections = (ids: string[]) => new Map(ids.map((id) => [id, id]));

describe('the backstop sweep goes round the connections a slice at a time', () => {
	it('visits each connection once a round, at most ceil(size / slices) at each tick', () => {
		const next = sweepRounds<string>(4);
		const current = connections(Array.from({ length: 10 }, (_, i) => `s${i}`));
		const ticks = [next(current), next(current), next(current), next(current)];
		expect(ticks.map((t) => t.length)).toEqual([3, 3, 3, 1]);
		expect(ticks.flat().sort()).toEqual([...current.keys()].sort());
		// The next round starts over with every connection.
		expect(next(current)).toEqual(['s0', 's1', 's2']);
	});

	it('skips a connection that closed, and takes one that opened in the next round', () => {
		const next = sweepRounds<string>(2);
		const current = connections(['a', 'b', 'c', 'd']);
		expect(next(current)).toEqual(['a', 'b']);
		current.delete('c');
		current.set('e', 'e');
		expect(next(current)).toEqual(['d']);
		expect(next(current).sort()).toEqual(['a', 'b']);
		expect(next(current).sort()).toEqual(['d', 'e']);
	});

	it('gives nothing when nobody is connected', () => {
		const next = sweepRounds<string>(15);
		expect(next(new Map())).toEqual([]);
	});
});
