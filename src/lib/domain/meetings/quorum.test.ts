import { describe, expect, it } from 'vitest';
import { electorate, quorum } from './quorum';
import { defaultRules, type AttendanceRecord, type BodyRules, type Seat } from './types';

const T0 = 1_000_000;
const seat = (userId: string, collegeId: string, substituteId: string | null = null, termEnd: number | null = null): Seat => ({
	userId,
	collegeId,
	substituteId,
	termStart: 0,
	termEnd
});
const here = (userId: string, arrivedAt = T0, leftAt: number | null = null): AttendanceRecord => ({ userId, status: 'present', proxyHolderId: null, arrivedAt, leftAt });
const proxy = (userId: string, holder: string): AttendanceRecord => ({ userId, status: 'proxy', proxyHolderId: holder, arrivedAt: null, leftAt: null });
const away = (userId: string, status: 'absent' | 'excused' = 'absent'): AttendanceRecord => ({ userId, status, proxyHolderId: null, arrivedAt: null, leftAt: null });

// 9 seats: A (4 directors), B (3 volunteers), C (2 city); d4 has a substitute s4 (not a seat).
const seats = [seat('a1', 'A'), seat('a2', 'A'), seat('a3', 'A'), seat('a4', 'A', 's4'), seat('b1', 'B'), seat('b2', 'B'), seat('b3', 'B'), seat('c1', 'C'), seat('c2', 'C')];
const attendance = [
	here('a1'),
	here('a2'),
	proxy('a3', 'a1'),
	away('a4'),
	here('s4'),
	here('b1'),
	away('b2', 'excused'),
	proxy('b3', 'b1'),
	away('c1'),
	here('c2', T0, T0 + 60_000)
];
const rules = (r: Partial<BodyRules>): BodyRules => ({ ...defaultRules, ...r });

describe('quorum (hand-checked tables)', () => {
	// Each row was counted by hand from the attendance above.
	it.each([
		// at, rules, present, substitutes, proxies, counted, required, met
		['all rules on, c2 in', T0, rules({ quorum: 0.5 }), 4, 1, 2, 7, 5, true],
		['substitutes do not vote', T0, rules({ quorum: 0.5, substitutesVote: false }), 4, 0, 2, 6, 5, true],
		['proxies not counted for quorum', T0, rules({ quorum: 0.5, proxiesCountForQuorum: false }), 4, 1, 2, 5, 5, true],
		['both off, two-thirds', T0, rules({ quorum: 2 / 3, substitutesVote: false, proxiesCountForQuorum: false }), 4, 0, 2, 4, 6, false],
		['after c2 left', T0 + 60_000, rules({ quorum: 0.5, proxiesCountForQuorum: false }), 3, 1, 2, 4, 5, false],
		['before anyone arrived', T0 - 1, rules({ quorum: 0.5 }), 0, 0, 0, 0, 5, false]
	])('%s', (_name, at, r, present, substitutes, proxies, counted, required, met) => {
		const q = quorum(seats, attendance, r, at);
		expect(q.overall).toEqual({ seats: 9, present, substitutes, proxies, counted, required, met });
	});

	it('per college: C falls below half when c2 leaves, so the meeting loses quorum', () => {
		const r = rules({ quorum: 0.5, collegeQuorum: 0.5 });
		const before = quorum(seats, attendance, r, T0);
		// A: a1, a2 present, a3 proxy, a4 substitute = 4 of 4 (need 2); B: b1 + b3 proxy = 2 of 3 (need 2); C: c2 = 1 of 2 (need 1).
		expect(before.colleges.map((c) => [c.collegeId, c.counted, c.required, c.met])).toEqual([
			['A', 4, 2, true],
			['B', 2, 2, true],
			['C', 1, 1, true]
		]);
		expect(before.met).toBe(true);
		const after = quorum(seats, attendance, r, T0 + 60_000);
		expect(after.colleges.find((c) => c.collegeId === 'C')).toMatchObject({ counted: 0, required: 1, met: false });
		expect(after.overall.met).toBe(true);
		expect(after.met).toBe(false);
	});

	it('a proxy whose holder is not in the room represents no one', () => {
		const q = quorum([seat('x', 'A'), seat('y', 'A')], [proxy('x', 'y'), away('y')], defaultRules, T0);
		expect(q.overall.counted).toBe(0);
	});

	it('former members (term ended) hold no seat', () => {
		const q = quorum([seat('x', 'A', null, T0 - 1), seat('y', 'A')], [here('y')], rules({ quorum: 1 }), T0);
		expect(q.overall).toMatchObject({ seats: 1, counted: 1, required: 1, met: true });
	});

	it('50 % of 6 seats is 3, not 4 (no floating-point rounding up)', () => {
		const six = ['1', '2', '3', '4', '5', '6'].map((id) => seat(id, 'A'));
		expect(quorum(six, [here('1'), here('2'), here('3')], rules({ quorum: 0.5 }), T0).overall).toMatchObject({ required: 3, met: true });
	});

	it('the electorate names who casts each represented seat', () => {
		const list = electorate(quorum(seats, attendance, defaultRules, T0).standings);
		expect(list.map((e) => `${e.seatUserId}>${e.voterId}:${e.via}`)).toEqual([
			'a1>a1:present',
			'a2>a2:present',
			'a3>a1:proxy',
			'a4>s4:substitute',
			'b1>b1:present',
			'b3>b1:proxy',
			'c2>c2:present'
		]);
	});
});
