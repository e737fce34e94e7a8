import { describe, expect, it } from 'vitest';
import { countParticipation, turnoutOf, type TurnoutCounters } from './electorate';

function counters(): TurnoutCounters {
	return {
		unit: 'person',
		electorate: 10,
		buildings: [{ id: 'b1', name: 'A', electorate: 10 }],
		colleges: [],
		householdsTotal: 4,
		participants: 0,
		byBuilding: new Map(),
		byCollege: new Map(),
		households: new Map(),
		batches: [],
		batchBallots: 0
	};
}

const turnout = (state: TurnoutCounters) => turnoutOf({ quorum: null, quorumPerCollege: false }, state);

describe('turnout counters', () => {
	it('counts a household once, however many of its people take part', () => {
		const state = counters();
		countParticipation(state, { buildingId: 'b1', collegeId: null, householdId: 'h1' }, 1);
		countParticipation(state, { buildingId: 'b1', collegeId: null, householdId: 'h1' }, 1);
		countParticipation(state, { buildingId: 'b1', collegeId: null, householdId: 'h2' }, 1);
		countParticipation(state, { buildingId: 'b1', collegeId: null, householdId: null }, 1);
		const t = turnout(state);
		expect(t.participants).toBe(4);
		expect(t.households).toEqual({ total: 4, represented: 2, share: 0.5 });
		expect(t.byBuilding[0]?.participants).toBe(4);
	});

	it('no longer counts a household whose last participant is taken back', () => {
		const state = counters();
		countParticipation(state, { buildingId: 'b1', collegeId: null, householdId: 'h1' }, 1);
		countParticipation(state, { buildingId: 'b1', collegeId: null, householdId: 'h1' }, 1);
		countParticipation(state, { buildingId: 'b1', collegeId: null, householdId: 'h2' }, 1);
		countParticipation(state, { buildingId: 'b1', collegeId: null, householdId: 'h1' }, -1);
		expect(turnout(state).households?.represented).toBe(2);
		countParticipation(state, { buildingId: 'b1', collegeId: null, householdId: 'h1' }, -1);
		expect(turnout(state).households?.represented).toBe(1);
		expect(state.households.has('h1')).toBe(false);
		countParticipation(state, { buildingId: 'b1', collegeId: null, householdId: 'h1' }, 1);
		expect(turnout(state).households?.represented).toBe(2);
	});
});
