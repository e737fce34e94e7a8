/** Proxies across colleges, a rule of each body: hand-checked cases, no database. */
import { describe, expect, it } from 'vitest';
import { checkProxy, proxyCollegeAllowed } from './proxies';
import { electorate, quorum } from './quorum';
import { defaultRules, type AttendanceRecord, type BodyRules, type Seat } from './types';

const T0 = 5_000_000;
const seat = (userId: string, collegeId: string): Seat => ({ userId, collegeId, substituteId: null, termStart: 0, termEnd: null });
const here = (userId: string): AttendanceRecord => ({ userId, status: 'present', proxyHolderId: null, arrivedAt: T0, leftAt: null });
const proxy = (userId: string, holder: string): AttendanceRecord => ({ userId, status: 'proxy', proxyHolderId: holder, arrivedAt: null, leftAt: null });
const away = (userId: string): AttendanceRecord => ({ userId, status: 'absent', proxyHolderId: null, arrivedAt: null, leftAt: null });
const rules = (r: Partial<BodyRules>): BodyRules => ({ ...defaultRules, ...r });

describe('proxyCollegeAllowed', () => {
	it.each([
		// across, giver's college, holder's college, allowed
		[true, 'A', 'B', true],
		[true, 'A', undefined, true],
		[false, 'A', 'A', true],
		[false, 'A', 'B', false],
		// Within colleges, a holder with no seat (a substitute) is nobody's colleague, nor is a giver without one.
		[false, 'A', undefined, false],
		[false, null, null, false],
		[false, undefined, undefined, false]
	])('across=%s, %s → %s: %s', (across, giver, holder, allowed) => {
		expect(proxyCollegeAllowed(across, giver, holder)).toBe(allowed);
	});
});

describe('checkProxy with the college rule', () => {
	const members = new Set(['a1', 'a2', 'b1', 's']);
	const collegeOf = new Map([
		['a1', 'A'],
		['a2', 'A'],
		['b1', 'B']
	]);
	const within = { across: false, collegeOf };
	const across = { across: true, collegeOf };

	it('within colleges: a colleague may hold it, a member of another college may not', () => {
		expect(checkProxy('a1', 'a2', [], members, 1, within)).toEqual({ ok: true, value: { giverId: 'a1', holderId: 'a2' } });
		expect(checkProxy('a1', 'b1', [], members, 1, within)).toEqual({ ok: false, code: 'proxyCollege' });
		expect(checkProxy('b1', 'a1', [], members, 1, within)).toEqual({ ok: false, code: 'proxyCollege' });
		expect(checkProxy('a1', 's', [], members, 1, within)).toEqual({ ok: false, code: 'proxyCollege' });
	});
	it('across colleges (the behaviour before the rule, and the default): any member', () => {
		expect(checkProxy('a1', 'b1', [], members, 1, across).ok).toBe(true);
		expect(checkProxy('a1', 'b1', [], members, 1).ok).toBe(true);
		expect(checkProxy('a1', 's', [], members, 1, across).ok).toBe(true);
	});
	it('the other checks still come first: oneself, non-members', () => {
		expect(checkProxy('a1', 'a1', [], members, 1, within)).toEqual({ ok: false, code: 'proxySelf' });
		expect(checkProxy('a1', 'zz', [], members, 1, within)).toEqual({ ok: false, code: 'proxyNotMember' });
	});
	it('the limit still applies within a college', () => {
		expect(checkProxy('a1', 'a2', [{ giverId: 's', holderId: 'a2' }], members, 1, within)).toEqual({ ok: false, code: 'proxyLimit' });
	});
});

describe('quorum with a proxy across colleges', () => {
	// Four seats: a1, a2 in A; b1, b2 in B. a1 is away; a2 gave her proxy to b1; b1 and b2 are in.
	const seats = [seat('a1', 'A'), seat('a2', 'A'), seat('b1', 'B'), seat('b2', 'B')];
	const attendance = [away('a1'), proxy('a2', 'b1'), here('b1'), here('b2')];

	it('allowed: the proxy counts once, in the giver\'s college (A), not the holder\'s', () => {
		const q = quorum(seats, attendance, rules({ quorum: 0.5, collegeQuorum: 0.5, proxiesAcrossColleges: true }), T0);
		expect(q.overall).toEqual({ seats: 4, present: 2, substitutes: 0, proxies: 1, counted: 3, required: 2, met: true });
		expect(q.colleges).toEqual([
			{ collegeId: 'A', seats: 2, present: 0, substitutes: 0, proxies: 1, counted: 1, required: 1, met: true },
			{ collegeId: 'B', seats: 2, present: 2, substitutes: 0, proxies: 0, counted: 2, required: 1, met: true }
		]);
		expect(q.met).toBe(true);
		expect(electorate(q.standings)).toEqual([
			{ seatUserId: 'a2', voterId: 'b1', collegeId: 'A', via: 'proxy' },
			{ seatUserId: 'b1', voterId: 'b1', collegeId: 'B', via: 'present' },
			{ seatUserId: 'b2', voterId: 'b2', collegeId: 'B', via: 'present' }
		]);
	});

	it('forbidden: a proxy given across colleges before the rule changed represents no one', () => {
		const q = quorum(seats, attendance, rules({ quorum: 0.5, collegeQuorum: 0.5, proxiesAcrossColleges: false }), T0);
		expect(q.overall).toEqual({ seats: 4, present: 2, substitutes: 0, proxies: 0, counted: 2, required: 2, met: true });
		expect(q.colleges[0]).toEqual({ collegeId: 'A', seats: 2, present: 0, substitutes: 0, proxies: 0, counted: 0, required: 1, met: false });
		expect(q.met).toBe(false);
		expect(electorate(q.standings).map((e) => e.seatUserId)).toEqual(['b1', 'b2']);
	});

	it('forbidden: a proxy within the college still counts', () => {
		const q = quorum(seats, [here('a1'), proxy('a2', 'a1'), away('b1'), away('b2')], rules({ quorum: 0.5, proxiesAcrossColleges: false }), T0);
		expect(q.overall).toMatchObject({ present: 1, proxies: 1, counted: 2, required: 2, met: true });
	});
});
