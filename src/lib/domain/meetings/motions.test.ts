import { describe, expect, it } from 'vitest';
import { checkAmendment, checkOpenMotion, liveTally, motionOrder, type MotionLink } from './motions';

const m = (id: string, status: MotionLink['status'], amendsId: string | null = null, itemId = 'i1'): MotionLink => ({ id, itemId, amendsId, status });

describe('amendments are voted before the motion they amend', () => {
	it('an amendment amends a tabled motion of the same item, never an amendment, never a motion already voted', () => {
		const list = [m('main', 'draft'), m('a1', 'draft', 'main'), m('other', 'closed'), m('far', 'draft', null, 'i2')];
		expect(checkAmendment(list, 'main', 'i1')).toEqual({ ok: true, value: true });
		expect(checkAmendment(list, 'a1', 'i1')).toEqual({ ok: false, code: 'amendsAmendment' });
		expect(checkAmendment(list, 'other', 'i1')).toEqual({ ok: false, code: 'amendsTooLate' });
		expect(checkAmendment(list, 'far', 'i1')).toEqual({ ok: false, code: 'amendsMissing' });
		expect(checkAmendment(list, 'nope', 'i1')).toEqual({ ok: false, code: 'amendsMissing' });
	});

	it('the motion opens only once every amendment to it is closed, and one vote at a time per item', () => {
		let list = [m('main', 'draft'), m('a1', 'draft', 'main'), m('a2', 'draft', 'main')];
		expect(checkOpenMotion(list, 'main')).toEqual({ ok: false, code: 'amendmentsFirst' });
		expect(checkOpenMotion(list, 'a1').ok).toBe(true);
		list = [m('main', 'draft'), m('a1', 'open', 'main'), m('a2', 'draft', 'main')];
		expect(checkOpenMotion(list, 'a2')).toEqual({ ok: false, code: 'motionOpen' });
		expect(checkOpenMotion(list, 'a1')).toEqual({ ok: false, code: 'transition' });
		list = [m('main', 'draft'), m('a1', 'closed', 'main'), m('a2', 'closed', 'main')];
		expect(checkOpenMotion(list, 'main').ok).toBe(true);
		expect(checkOpenMotion(list, 'ghost')).toEqual({ ok: false, code: 'noSuchItem' });
	});

	it('orders each motion after its own amendments', () => {
		const list = [m('x', 'closed'), m('main', 'draft'), m('b', 'draft', null), m('a1', 'closed', 'main'), m('a2', 'draft', 'main')];
		expect(motionOrder(list).map((x) => x.id)).toEqual(['x', 'a1', 'a2', 'main', 'b']);
	});
});

describe('live tally weighted by college', () => {
	const colleges = [
		{ id: 'dir', weight: 0.4 },
		{ id: 'vol', weight: 0.4 },
		{ id: 'city', weight: 0.2 }
	];

	it('each college carries its weight whatever its number of voters (hand-checked)', () => {
		// Directions: 2 for → 0.4 for. Volunteers: 1 for, 3 against → 0.1 for, 0.3 against. City: 1 abstain → 0.2.
		const ballots = [
			{ position: 'for', college: 'dir' },
			{ position: 'for', college: 'dir' },
			{ position: 'for', college: 'vol' },
			{ position: 'against', college: 'vol' },
			{ position: 'against', college: 'vol' },
			{ position: 'against', college: 'vol' },
			{ position: 'abstain', college: 'city' }
		];
		const t = liveTally(ballots, colleges);
		expect(t.counts).toEqual({ for: 3, against: 3, abstain: 1 });
		expect(t.weighted!.for).toBeCloseTo(0.5);
		expect(t.weighted!.against).toBeCloseTo(0.3);
		expect(t.weighted!.abstain).toBeCloseTo(0.2);
		expect(t.byCollege.find((c) => c.collegeId === 'vol')).toEqual({ collegeId: 'vol', weight: 0.4, for: 1, against: 3, abstain: 0 });
	});

	it('a college that has not voted adds nothing: shares are of the weight that voted', () => {
		const t = liveTally([{ position: 'for', college: 'dir' }, { position: 'against', college: 'city' }], colleges);
		expect(t.weighted!.for).toBeCloseTo(0.4 / 0.6);
		expect(t.weighted!.against).toBeCloseTo(0.2 / 0.6);
	});

	it('without weighting: plain counts; objections and unknown positions are not counted; no ballot is all zeros', () => {
		const t = liveTally([{ position: 'for', college: null }, { position: 'object', college: null }, { position: undefined, college: null }], null);
		expect(t).toEqual({ counts: { for: 1, against: 0, abstain: 0 }, weighted: null, byCollege: [] });
		expect(liveTally([], colleges).weighted).toEqual({ for: 0, against: 0, abstain: 0 });
	});
});
