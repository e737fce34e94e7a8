/**
 * Electorate and turnout arithmetic, free of storage: who may vote is read from the policy, and
 * turnout is computed from counters the server keeps per consultation.
 */
import { NARROW_SHARE } from './consultations';
import { can, roles as allRoles, type Role, type SpaceRef } from './policy';
import type { Turnout, TurnoutGroup } from '$lib/realtime/vote-events';

/** Roles that may vote in a space of that type, read from the policy rather than repeated here. */
export function votingRoles(type: SpaceRef['type']): Role[] {
	return allRoles.filter((role) => can({ id: '-', isAdmin: false, roles: new Map([[`${type}:-`, [role]]]) }, 'vote.cast', { type, id: '-' }));
}

export const share = (n: number, d: number) => (d > 0 ? n / d : 0);

export interface ElectorateGroup {
	id: string;
	name: string;
	electorate: number;
}

/** The size of the electorate, as read from memberships and households. */
export interface Electorate {
	unit: Turnout['unit'];
	electorate: number;
	buildings: ElectorateGroup[];
	colleges: ElectorateGroup[];
	householdsTotal: number | null;
}

/** Participation counters, bumped by each vote. */
export interface TurnoutCounters extends Electorate {
	participants: number;
	byBuilding: Map<string, number>;
	byCollege: Map<string, number>;
	/**
	 * Participants per household, for the households that have one or more (an entry that comes down
	 * to 0 is removed): its size is the households represented, read at every published tally
	 * without going over the households (a city-wide consultation has tens of thousands).
	 */
	households: Map<string, number>;
	batches: Turnout['batches'];
	batchBallots: number;
}

export interface ParticipationPlace {
	buildingId: string | null;
	collegeId: string | null;
	householdId: string | null;
}

export function countParticipation(state: TurnoutCounters, p: ParticipationPlace, delta: 1 | -1) {
	const bump = (m: Map<string, number>, k: string | null) => {
		if (k !== null) m.set(k, (m.get(k) ?? 0) + delta);
	};
	state.participants += delta;
	bump(state.byBuilding, p.buildingId);
	bump(state.byCollege, p.collegeId);
	if (p.householdId !== null) {
		const n = (state.households.get(p.householdId) ?? 0) + delta;
		if (n > 0) state.households.set(p.householdId, n);
		else state.households.delete(p.householdId);
	}
}

export function turnoutOf(c: { quorum: number | null; quorumPerCollege: boolean }, state: TurnoutCounters): Turnout {
	const q = c.quorum;
	const groups = (list: ElectorateGroup[], counts: Map<string, number>, withQuorum: boolean): TurnoutGroup[] =>
		list.map((g) => {
			const participants = counts.get(g.id) ?? 0;
			const s = share(participants, g.electorate);
			return { id: g.id, name: g.name, electorate: g.electorate, participants, share: s, quorumMet: withQuorum && q !== null ? s >= q : null };
		});
	const byCollege = groups(state.colleges, state.byCollege, c.quorumPerCollege);
	const s = share(state.participants, state.electorate);
	let met: boolean | null = null;
	if (q !== null) met = c.quorumPerCollege && byCollege.length ? byCollege.every((g) => g.electorate === 0 || g.quorumMet === true) : s >= q;
	const represented = state.households.size;
	const households = state.householdsTotal === null ? null : { total: state.householdsTotal, represented, share: share(represented, state.householdsTotal) };
	return {
		unit: state.unit,
		electorate: state.electorate,
		participants: state.participants,
		share: s,
		byBuilding: groups(state.buildings, state.byBuilding, false),
		byCollege,
		households,
		narrow: households !== null && households.total > 0 && households.share < NARROW_SHARE,
		batches: state.batches,
		batchBallots: state.batchBallots,
		quorum: { share: q, perCollege: c.quorumPerCollege, met }
	};
}
