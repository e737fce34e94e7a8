import { describe, expect, it } from 'vitest';
import { PRESENCE_LISTED, type OnlineMember } from './common';
import { othersOnline } from './presence';

const named = (id: string): OnlineMember => ({ userId: id, displayName: id.toUpperCase() });
const discreet: OnlineMember = { userId: null, displayName: null };

describe('othersOnline: the others in a presence list, as its sentence shows them', () => {
	it('names the others listed, never the reader', () => {
		expect(othersOnline({ online: [named('amina'), named('karim')], count: 2 }, 'amina')).toEqual({ named: ['KARIM'], unnamed: 0 });
		expect(othersOnline({ online: [named('amina')], count: 1 }, 'amina')).toEqual({ named: [], unnamed: 0 });
	});

	it('counts discreet members without a name, a discreet reader not among them', () => {
		// Amina is discreet: her own entry is one of the two anonymous ones, and she is counted once.
		expect(othersOnline({ online: [discreet, named('karim'), discreet], count: 3 }, 'amina')).toEqual({ named: ['KARIM'], unnamed: 1 });
	});

	it('counts those past the listed few, the reader not among them wherever she came', () => {
		const listed = Array.from({ length: PRESENCE_LISTED }, (_, i) => named(`u${i}`));
		// She is listed: the others are the rest of the list and the 992 past it.
		expect(othersOnline({ online: listed, count: 1000 }, 'u0')).toEqual({ named: listed.slice(1).map((m) => m.displayName), unnamed: 1000 - PRESENCE_LISTED });
		// She came late and is not listed: still counted once in the 1,000.
		expect(othersOnline({ online: listed, count: 1000 }, 'late')).toEqual({ named: listed.map((m) => m.displayName), unnamed: 1000 - 1 - PRESENCE_LISTED });
	});

	it('says nobody when there is no list yet', () => {
		expect(othersOnline(undefined, 'amina')).toEqual({ named: [], unnamed: 0 });
		expect(othersOnline({ online: [], count: 0 }, 'amina')).toEqual({ named: [], unnamed: 0 });
	});
});
