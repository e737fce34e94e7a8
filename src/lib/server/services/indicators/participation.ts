/**
 * Households that took part, deduplicated: every trace of participation is brought back to the
 * household of the person who left it (two people of one flat voting count as one household).
 * Staff have no household and never count.
 *
 * Read from `participation_households` (schema-indicators.ts): database triggers keep, per household
 * and residence space, the first and last trace of any kind and of each kind named here, from
 * `participation_traces`, itself kept in step with its sources (votes, proposals, supports,
 * volunteering, comments, named attendance) and with people's households; votes' traces are written
 * a few hundred at a time after the votes, and before this reads them (vote-traces.ts). A span meets the period
 * when it starts or ends inside it; one that encloses the period counts when a trace falls inside
 * (one index seek). So one query, over a row per household, answers every participation figure of a
 * report, where joining each trace to its person and household cost a seek per trace (200,000 in
 * the benchmark). Portable SQL only (CASE, EXISTS, aggregates), valid on SQLite and PostgreSQL.
 */
import { and, count, eq, exists, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Data, Schema } from '../../db/data';
import type { Scope } from './scope';
import { foldVoteTraces } from './vote-traces';

export interface Range {
	/** Inclusive. */
	start: number;
	/** Exclusive. */
	end: number;
}

/** Per building: households that took part in the period, in votes, as proposers, as volunteers, and those of them who had taken part before it. */
export interface BuildingParticipation {
	took: number;
	voted: number;
	proposed: number;
	volunteered: number;
	repeat: number;
}

function scopeHouseholds({ households }: Schema, scope: Scope): SQL[] {
	const out: SQL[] = [inArray(households.residenceId, scope.residenceIds)];
	if (scope.buildingId) out.push(eq(households.buildingId, scope.buildingId));
	return out;
}

/** Asked by five indicators of one report: answered once per scope object (it lives as long as the report). */
const asked = new WeakMap<Scope, Map<string, Promise<Map<string, BuildingParticipation>>>>();

export function participationByBuilding(data: Data, scope: Scope, range: Range): Promise<Map<string, BuildingParticipation>> {
	const memo = asked.get(scope) ?? new Map<string, Promise<Map<string, BuildingParticipation>>>();
	asked.set(scope, memo);
	const key = `${range.start}:${range.end}`;
	let answer = memo.get(key);
	// The votes' traces still queued are written first (vote-traces.ts): a read when none is.
	if (!answer) memo.set(key, (answer = foldVoteTraces(data).then(() => queryParticipation(data, scope, range))));
	return answer;
}

/** Sums over the buildings of the scope. */
export function totalOf(by: Map<string, BuildingParticipation>, field: keyof BuildingParticipation): number {
	let n = 0;
	for (const [, b] of by) n += b[field];
	return n;
}

/**
 * A trace counts when it was left in a space of the scope's residences and the household of its
 * author (as she is now) lives in one of them, in the building asked for if any.
 */
async function queryParticipation(data: Data, scope: Scope, range: Range): Promise<Map<string, BuildingParticipation>> {
	const out = new Map<string, BuildingParticipation>();
	if (!scope.residenceIds.length) return out;
	const { db } = data;
	const { participationHouseholds: ph, participationTraces: tr } = data.t;
	const start = new Date(range.start);
	const end = new Date(range.end);
	/** 1 when the household has a trace (of this kind) in the period: its span starts or ends inside, or a trace inside is found. */
	const inPeriod = (first: SQLiteColumn, last: SQLiteColumn, kind: 'voted' | 'proposed' | 'volunteered' | null) => {
		const inside = db
			.select({ one: sql`1` })
			.from(tr)
			.where(and(eq(tr.householdId, ph.householdId), eq(tr.spaceResidenceId, ph.spaceResidenceId), kind ? eq(tr.kind, kind) : undefined, gte(tr.at, start), lt(tr.at, end)));
		return sql<number>`CASE WHEN ${or(isNull(last), lt(last, start), gte(first, end))} THEN 0 WHEN ${or(gte(first, start), lt(last, end))} THEN 1 WHEN ${exists(inside)} THEN 1 ELSE 0 END`;
	};
	const where: SQL[] = [inArray(ph.residenceId, scope.residenceIds), gte(ph.lastAt, start), lt(ph.firstAt, end), inArray(ph.spaceResidenceId, scope.residenceIds)];
	if (scope.buildingId) where.push(eq(ph.buildingId, scope.buildingId));
	const rowsOf = db
		.select({
			householdId: ph.householdId,
			buildingId: ph.buildingId,
			took: inPeriod(ph.firstAt, ph.lastAt, null).as('took'),
			voted: inPeriod(ph.votedFirstAt, ph.votedLastAt, 'voted').as('voted'),
			proposed: inPeriod(ph.proposedFirstAt, ph.proposedLastAt, 'proposed').as('proposed'),
			volunteered: inPeriod(ph.volunteeredFirstAt, ph.volunteeredLastAt, 'volunteered').as('volunteered'),
			before: sql<number>`CASE WHEN ${lt(ph.firstAt, start)} THEN 1 ELSE 0 END`.as('before')
		})
		.from(ph)
		.where(and(...where))
		.as('spaces');
	// One row per household and space: a household that left traces in two residences of the scope
	// (an agency's) has two, brought back to one.
	const perHousehold =
		scope.residenceIds.length === 1
			? rowsOf
			: db
					.select({
						householdId: rowsOf.householdId,
						buildingId: sql<string>`max(${rowsOf.buildingId})`.as('building_id'),
						took: sql<number>`max(${rowsOf.took})`.as('took'),
						voted: sql<number>`max(${rowsOf.voted})`.as('voted'),
						proposed: sql<number>`max(${rowsOf.proposed})`.as('proposed'),
						volunteered: sql<number>`max(${rowsOf.volunteered})`.as('volunteered'),
						before: sql<number>`max(${rowsOf.before})`.as('before')
					})
					.from(rowsOf)
					.groupBy(rowsOf.householdId)
					.as('households');
	// PostgreSQL's count and sum are bigint/numeric (strings): mapped back to numbers.
	const rows = await db
		.select({
			buildingId: perHousehold.buildingId,
			took: count().mapWith(Number),
			voted: sql`sum(${perHousehold.voted})`.mapWith(Number),
			proposed: sql`sum(${perHousehold.proposed})`.mapWith(Number),
			volunteered: sql`sum(${perHousehold.volunteered})`.mapWith(Number),
			repeat: sql`sum(${perHousehold.before})`.mapWith(Number)
		})
		.from(perHousehold)
		.where(eq(perHousehold.took, 1))
		.groupBy(sql`${perHousehold.buildingId}`);
	for (const { buildingId, ...r } of rows) out.set(buildingId!, r);
	return out;
}

/** Households in the scope, per building (the denominator of every share), asked once per report. */
const counted = new WeakMap<Scope, Promise<Map<string, number>>>();

export function householdCounts(data: Data, scope: Scope): Promise<Map<string, number>> {
	let answer = counted.get(scope);
	if (!answer) counted.set(scope, (answer = countHouseholds(data, scope)));
	return answer;
}

async function countHouseholds(data: Data, scope: Scope): Promise<Map<string, number>> {
	if (!scope.residenceIds.length) return new Map();
	const { households } = data.t;
	// drizzle's count() maps PostgreSQL's bigint (a string) back to a number.
	const rows = await data.db.select({ buildingId: households.buildingId, n: count() }).from(households).where(and(...scopeHouseholds(data.t, scope))).groupBy(households.buildingId);
	const out = new Map<string, number>();
	for (const r of rows) out.set(r.buildingId, r.n);
	return out;
}
