/**
 * Motions in the room, as pure functions: amendments are voted before the motion they amend, and
 * the live tally is weighted by college when the body says so (the same factors as the counting
 * library: each college carries its weight whatever the number of its voters).
 */
import { collegeFactors } from '../voting/weights';
import type { MeetingCheck } from './state';

export type MotionStatus = 'draft' | 'open' | 'closed';

export interface MotionLink {
	id: string;
	itemId: string;
	amendsId: string | null;
	status: MotionStatus;
}

/**
 * An amendment must amend a motion of the same item that is not yet put to the vote (once the
 * motion is open or closed there is nothing left to amend), and amendments are not amended in turn.
 */
export function checkAmendment(motions: readonly MotionLink[], amendsId: string, itemId: string): MeetingCheck<true> {
	const target = motions.find((m) => m.id === amendsId);
	if (!target || target.itemId !== itemId) return { ok: false, code: 'amendsMissing' };
	if (target.amendsId !== null) return { ok: false, code: 'amendsAmendment' };
	if (target.status !== 'draft') return { ok: false, code: 'amendsTooLate' };
	return { ok: true, value: true };
}

/**
 * Putting a motion to the vote: it must still be a draft, no other vote may run on its item, and
 * every amendment to it must be closed first.
 */
export function checkOpenMotion(motions: readonly MotionLink[], motionId: string): MeetingCheck<true> {
	const motion = motions.find((m) => m.id === motionId);
	if (!motion) return { ok: false, code: 'noSuchItem' };
	if (motion.status !== 'draft') return { ok: false, code: 'transition' };
	if (motions.some((m) => m.itemId === motion.itemId && m.status === 'open')) return { ok: false, code: 'motionOpen' };
	if (motions.some((m) => m.amendsId === motion.id && m.status !== 'closed')) return { ok: false, code: 'amendmentsFirst' };
	return { ok: true, value: true };
}

/** The order motions are shown and voted in: each motion after its own amendments, otherwise as tabled. */
export function motionOrder<T extends MotionLink>(motions: readonly T[]): T[] {
	const out: T[] = [];
	for (const m of motions) {
		if (m.amendsId !== null && motions.some((x) => x.id === m.amendsId)) continue;
		out.push(...motions.filter((a) => a.amendsId === m.id), m);
	}
	return out;
}

export interface TallyBallot {
	position: string | undefined;
	college: string | null;
}

export type Positions = { for: number; against: number; abstain: number };

export interface CollegeTally extends Positions {
	collegeId: string;
	weight: number;
}

export interface LiveTally {
	/** Ballots cast, one per represented seat. */
	counts: Positions;
	/** Shares of the weighted total (0–1) when the vote is weighted by college; null otherwise. */
	weighted: Positions | null;
	/** Per college: its ballots and its configured weight (weighted votes only). */
	byCollege: CollegeTally[];
}

const isPosition = (p: string | undefined): p is keyof Positions => p === 'for' || p === 'against' || p === 'abstain';

/**
 * The tally the room shows while a motion is open. Weighted: each college's ballots share its
 * weight (weight / ballots of that college), a college that has not voted adds nothing; shares are
 * of the weight that has voted, so they always add up to 100 %.
 */
export function liveTally(ballots: readonly TallyBallot[], colleges: readonly { id: string; weight: number }[] | null): LiveTally {
	const counts: Positions = { for: 0, against: 0, abstain: 0 };
	for (const b of ballots) if (isPosition(b.position)) counts[b.position] += 1;
	if (!colleges) return { counts, weighted: null, byCollege: [] };
	const byCollege: CollegeTally[] = colleges.map((c) => ({ collegeId: c.id, weight: c.weight, for: 0, against: 0, abstain: 0 }));
	const sums = new Map<string, number>();
	for (const b of ballots) {
		const row = byCollege.find((c) => c.collegeId === b.college);
		if (!row || !isPosition(b.position)) continue;
		row[b.position] += 1;
		sums.set(row.collegeId, (sums.get(row.collegeId) ?? 0) + 1);
	}
	const factors = collegeFactors(colleges, sums);
	const raw: Positions = { for: 0, against: 0, abstain: 0 };
	for (const row of byCollege) {
		const f = factors.get(row.collegeId) ?? 0;
		for (const p of ['for', 'against', 'abstain'] as const) raw[p] += row[p] * f;
	}
	const total = raw.for + raw.against + raw.abstain;
	const weighted = total > 0 ? { for: raw.for / total, against: raw.against / total, abstain: raw.abstain / total } : { for: 0, against: 0, abstain: 0 };
	return { counts, weighted, byCollege };
}
