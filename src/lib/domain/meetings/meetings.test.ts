import { describe, expect, it } from 'vitest';
import { checkProxy } from './proxies';
import { canRaiseHand, collegeBalance, queueOrder, speakerStats, type Speech } from './speakers';
import { allowedActions, acceptsAttendance, checkTransition, moveAgenda } from './state';
import { elapsedSec, formatClock, remainingSec } from './timers';

describe('meeting state machine', () => {
	it('runs scheduled → open → closed, and refuses to reopen or skip', () => {
		expect(checkTransition('scheduled', 'open')).toEqual({ ok: true, value: 'open' });
		expect(checkTransition('open', 'close')).toEqual({ ok: true, value: 'closed' });
		expect(checkTransition('closed', 'open')).toEqual({ ok: false, code: 'transition' });
		expect(checkTransition('scheduled', 'close')).toEqual({ ok: false, code: 'transition' });
	});
	it('postpones then reschedules; a cancelled meeting stays cancelled', () => {
		expect(checkTransition('scheduled', 'postpone')).toEqual({ ok: true, value: 'postponed' });
		expect(checkTransition('postponed', 'reschedule')).toEqual({ ok: true, value: 'scheduled' });
		expect(checkTransition('scheduled', 'cancel')).toEqual({ ok: true, value: 'cancelled' });
		expect(checkTransition('cancelled', 'open')).toEqual({ ok: false, code: 'cancelled' });
		expect(checkTransition('open', 'cancel')).toEqual({ ok: false, code: 'transition' });
		expect(allowedActions('cancelled')).toEqual([]);
		expect(allowedActions('open')).toEqual(['close']);
	});
	it('attendance is refused once cancelled or closed', () => {
		expect(acceptsAttendance('cancelled')).toEqual({ ok: false, code: 'cancelled' });
		expect(acceptsAttendance('closed').ok).toBe(false);
		expect(acceptsAttendance('open').ok).toBe(true);
		expect(acceptsAttendance('scheduled').ok).toBe(true);
	});
	it('moves item by item, and the second of two simultaneous moves is refused', () => {
		const items = ['i1', 'i2', 'i3'];
		expect(moveAgenda('open', items, null, null, 'next')).toEqual({ ok: true, value: 'i1' });
		expect(moveAgenda('open', items, 'i1', 'i1', 'next')).toEqual({ ok: true, value: 'i2' });
		// The other chair still thinks i1 is current, but it is i2 now.
		expect(moveAgenda('open', items, 'i2', 'i1', 'next')).toEqual({ ok: false, code: 'agendaMoved' });
		expect(moveAgenda('open', items, 'i3', 'i3', 'next')).toEqual({ ok: false, code: 'endOfAgenda' });
		expect(moveAgenda('open', items, 'i2', 'i2', 'previous')).toEqual({ ok: true, value: 'i1' });
		expect(moveAgenda('open', items, 'i2', 'i2', 'elsewhere')).toEqual({ ok: false, code: 'noSuchItem' });
		expect(moveAgenda('scheduled', items, null, null, 'next')).toEqual({ ok: false, code: 'notOpen' });
	});
});

describe('proxies', () => {
	const members = new Set(['a', 'b', 'c', 'd']);
	it('refuses a proxy to oneself and to a non-member', () => {
		expect(checkProxy('a', 'a', [], members, 1)).toEqual({ ok: false, code: 'proxySelf' });
		expect(checkProxy('a', 'z', [], members, 1)).toEqual({ ok: false, code: 'proxyNotMember' });
	});
	it('refuses chains both ways', () => {
		// b already gave to c: a cannot give to b (b would pass it on).
		expect(checkProxy('a', 'b', [{ giverId: 'b', holderId: 'c' }], members, 2)).toEqual({ ok: false, code: 'proxyChain' });
		// a already holds b's proxy: a cannot give theirs away.
		expect(checkProxy('a', 'c', [{ giverId: 'b', holderId: 'a' }], members, 2)).toEqual({ ok: false, code: 'proxyChain' });
	});
	it('refuses a proxy over the limit, but replacing one\'s own proxy is fine', () => {
		const held = [{ giverId: 'b', holderId: 'c' }];
		expect(checkProxy('a', 'c', held, members, 1)).toEqual({ ok: false, code: 'proxyLimit' });
		expect(checkProxy('a', 'c', held, members, 2).ok).toBe(true);
		expect(checkProxy('b', 'd', held, members, 1).ok).toBe(true);
		expect(checkProxy('b', 'c', held, members, 1).ok).toBe(true);
	});
});

const speech = (id: string, userId: string, requestedAt: number, more: Partial<Speech> = {}): Speech => ({
	id,
	userId,
	type: 'contribution',
	requestedAt,
	startedAt: null,
	endedAt: null,
	cancelledAt: null,
	...more
});

describe('speakers queue', () => {
	const spoken = speech('s0', 'ana', 0, { startedAt: 10, endedAt: 70_010 });
	const list = [spoken, speech('s1', 'ana', 100), speech('s2', 'ben', 200), speech('s3', 'cam', 300, { type: 'pointOfOrder' }), speech('s4', 'dan', 400, { cancelledAt: 500 })];
	it('a point of order jumps the queue; first come first served otherwise', () => {
		expect(queueOrder(list, false).map((s) => s.id)).toEqual(['s3', 's1', 's2']);
	});
	it('first-time speakers go first when the body turns it on', () => {
		expect(queueOrder(list, true).map((s) => s.id)).toEqual(['s3', 's2', 's1']);
	});
	it('one raised hand per person, but a point of order may be added', () => {
		expect(canRaiseHand(list, 'ana', 'contribution')).toBe(false);
		expect(canRaiseHand(list, 'ana', 'pointOfOrder')).toBe(true);
		expect(canRaiseHand(list, 'cam', 'pointOfOrder')).toBe(false);
		expect(canRaiseHand(list, 'dan', 'for')).toBe(true);
	});
	it('counts times and seconds per person, the current speech up to now', () => {
		const live = [...list, speech('s5', 'ben', 0, { startedAt: 100_000 })];
		expect(speakerStats(live, 130_000)).toEqual([
			{ userId: 'ana', count: 1, seconds: 70 },
			{ userId: 'ben', count: 1, seconds: 30 }
		]);
	});
});

describe('college balance', () => {
	// Seats: directors 4, volunteers 3, city 2 (9). Shares 44 %, 33 %, 22 %.
	const seats = new Map([
		['dir', 4],
		['vol', 3],
		['city', 2]
	]);
	const collegeOf = new Map([
		['d', 'dir'],
		['v', 'vol'],
		['c', 'city']
	]);
	it('warns when a college takes far more than its share of seats', () => {
		// city 180 s of 300 = 60 % against 22 % of seats: 60 > 22 × 1.5; directors 100 s = 33 % < 44 %.
		const b = collegeBalance(
			[
				{ userId: 'c', count: 2, seconds: 180 },
				{ userId: 'd', count: 1, seconds: 100 },
				{ userId: 'v', count: 1, seconds: 20 }
			],
			collegeOf,
			seats,
			1.5
		);
		expect(b.map((x) => [x.collegeId, Math.round(x.timeShare * 100), Math.round(x.seatShare * 100), x.over])).toEqual([
			['dir', 33, 44, false],
			['vol', 7, 33, false],
			['city', 60, 22, true]
		]);
	});
	it('stays quiet before enough has been said, and at a share within the ratio', () => {
		expect(collegeBalance([{ userId: 'c', count: 1, seconds: 60 }], collegeOf, seats, 1.5).some((x) => x.over)).toBe(false);
		const fair = collegeBalance(
			[
				{ userId: 'd', count: 1, seconds: 120 },
				{ userId: 'v', count: 1, seconds: 100 },
				{ userId: 'c', count: 1, seconds: 80 }
			],
			collegeOf,
			seats,
			1.5
		);
		expect(fair.some((x) => x.over)).toBe(false);
	});
});

describe('timers from stored start times', () => {
	it('counts down from the limit and goes negative when overrun', () => {
		expect(elapsedSec(1_000, 91_500)).toBe(90);
		expect(remainingSec(120, 1_000, 91_500)).toBe(30);
		expect(remainingSec(60, 1_000, 91_500)).toBe(-30);
		expect(remainingSec(null, 1_000, 91_500)).toBeNull();
		expect(elapsedSec(1_000, 999_999, 31_000)).toBe(30);
		expect(formatClock(-30)).toBe('-0:30');
		expect(formatClock(125)).toBe('2:05');
		expect(formatClock(3599)).toBe('59:59');
		expect(formatClock(3600 + 5 * 60 + 7)).toBe('1:05:07');
		expect(formatClock(-(2 * 3600 + 30))).toBe('-2:00:30');
	});
});
