/**
 * Households that took part, deduplicated: every trace of participation is brought back to the
 * household of the person who left it (two people of one flat voting count as one household).
 * Staff have no household and never count. Portable SQL only (selectDistinct, joins, ranges).
 */
import { and, count, eq, exists, gte, inArray, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Data, Schema } from '../../db/data';
import type { Scope } from './scope';

export const SOURCES = ['voted', 'proposed', 'supported', 'volunteered', 'commented', 'attended'] as const;
export type Source = (typeof SOURCES)[number];

export interface Range {
	/** Inclusive; omitted = since the beginning. */
	start?: number;
	/** Exclusive. */
	end: number;
}

/** householdId → buildingId */
export type HouseholdSet = Map<string, string>;

function inRange(column: SQLiteColumn, range: Range): SQL[] {
	const out: SQL[] = [lt(column, new Date(range.end))];
	if (range.start !== undefined) out.push(gte(column, new Date(range.start)));
	return out;
}

function scopeHouseholds({ households }: Schema, scope: Scope): SQL[] {
	const out: SQL[] = [inArray(households.residenceId, scope.residenceIds)];
	if (scope.buildingId) out.push(eq(households.buildingId, scope.buildingId));
	return out;
}

function householdWhere(t: Schema, scope: Scope): SQL[] {
	return [...scopeHouseholds(t, scope), isNotNull(t.users.householdId)];
}

/**
 * One report asks the same question several times (any participation, by building, new or repeat…):
 * answers are kept per scope object, which lives as long as the report that resolved it.
 */
const asked = new WeakMap<Scope, Map<string, Promise<HouseholdSet>>>();

/** The households behind one source of participation within a range. */
export function householdsFrom(data: Data, scope: Scope, source: Source, range: Range): Promise<HouseholdSet> {
	const memo = asked.get(scope) ?? new Map<string, Promise<HouseholdSet>>();
	asked.set(scope, memo);
	const key = `${source}:${range.start ?? ''}:${range.end}`;
	let answer = memo.get(key);
	if (!answer) memo.set(key, (answer = queryHouseholds(data, scope, source, range)));
	return answer;
}

async function queryHouseholds(data: Data, scope: Scope, source: Source, range: Range): Promise<HouseholdSet> {
	if (!scope.residenceIds.length) return new Map();
	const { t, db } = data;
	const { activities, activityAttendance, activitySessions, consultations, households, participations, proposalComments, proposals, proposalSupports, proposalVolunteers, users } = t;
	const pick = { householdId: households.id, buildingId: households.buildingId };
	const hw = householdWhere(t, scope);
	const inResidences = (spaceType: SQLiteColumn, spaceId: SQLiteColumn) => [eq(spaceType, 'residence'), inArray(spaceId, scope.residenceIds)];
	let rows: { householdId: string; buildingId: string }[];
	switch (source) {
		case 'voted': {
			// Driven from the households in scope: "does a member of this household have a vote in the
			// period, in one of these spaces?" is one seek in `participations_user_at` per member, where
			// joining from the ballots' side read every participation row of the period (200,000 in the
			// benchmark) and deduplicated them afterwards. The scope's consultations are listed once (a
			// subquery, not a join per household). Participation rows only: never the ballots.
			const inScope = db
				.select({ id: consultations.id })
				.from(consultations)
				.where(and(...inResidences(consultations.spaceType, consultations.spaceId)));
			rows = await db
				.select(pick)
				.from(households)
				.where(
					and(
						...scopeHouseholds(t, scope),
						exists(
							db
								.select({ one: sql`1` })
								.from(users)
								.innerJoin(participations, eq(participations.userId, users.id))
								.where(and(eq(users.householdId, households.id), inArray(participations.consultationId, inScope), ...inRange(participations.at, range)))
						)
					)
				);
			break;
		}
		case 'proposed':
			rows = await db
				.selectDistinct(pick)
				.from(proposals)
				.innerJoin(users, eq(users.id, proposals.authorId))
				.innerJoin(households, eq(households.id, users.householdId))
				.where(and(...inResidences(proposals.spaceType, proposals.spaceId), ...inRange(proposals.createdAt, range), ...hw));
			break;
		case 'supported':
		case 'volunteered': {
			const table = source === 'supported' ? proposalSupports : proposalVolunteers;
			rows = await db
				.selectDistinct(pick)
				.from(table)
				.innerJoin(proposals, eq(proposals.id, table.proposalId))
				.innerJoin(users, eq(users.id, table.userId))
				.innerJoin(households, eq(households.id, users.householdId))
				.where(and(...inResidences(proposals.spaceType, proposals.spaceId), ...inRange(table.createdAt, range), ...hw));
			break;
		}
		case 'commented':
			rows = await db
				.selectDistinct(pick)
				.from(proposalComments)
				.innerJoin(proposals, eq(proposals.id, proposalComments.proposalId))
				.innerJoin(users, eq(users.id, proposalComments.authorId))
				.innerJoin(households, eq(households.id, users.householdId))
				.where(and(...inResidences(proposals.spaceType, proposals.spaceId), ...inRange(proposalComments.createdAt, range), ...hw));
			break;
		case 'attended':
			rows = await db
				.selectDistinct(pick)
				.from(activityAttendance)
				.innerJoin(activitySessions, eq(activitySessions.id, activityAttendance.sessionId))
				.innerJoin(activities, eq(activities.id, activitySessions.activityId))
				.innerJoin(users, eq(users.id, activityAttendance.userId))
				.innerJoin(households, eq(households.id, users.householdId))
				.where(and(...inResidences(activities.spaceType, activities.spaceId), ...inRange(activitySessions.heldAt, range), ...hw));
			break;
	}
	return new Map(rows.map((r) => [r.householdId, r.buildingId]));
}

export function union(...sets: HouseholdSet[]): HouseholdSet {
	const out: HouseholdSet = new Map();
	for (const s of sets) for (const [k, v] of s) out.set(k, v);
	return out;
}

/** Households with any trace of participation; the union is built once per report and range (three indicators ask). */
const unions = new WeakMap<Scope, Map<string, Promise<HouseholdSet>>>();

export function anyParticipation(data: Data, scope: Scope, range: Range): Promise<HouseholdSet> {
	const memo = unions.get(scope) ?? new Map<string, Promise<HouseholdSet>>();
	unions.set(scope, memo);
	const key = `${range.start ?? ''}:${range.end}`;
	let answer = memo.get(key);
	if (!answer) memo.set(key, (answer = Promise.all(SOURCES.map((s) => householdsFrom(data, scope, s, range))).then((sets) => union(...sets))));
	return answer;
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
