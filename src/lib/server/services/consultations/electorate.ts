/** Who may vote in a consultation, under which key (person or household), and how many may. */
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { votingRoles, type Electorate } from '$lib/domain/electorate';
import { can, type Actor } from '$lib/domain/policy';
import { first } from '../../db/data';
import { names, prepared, valuesOf } from '../../db/prepared';
import { UserError } from '../errors';
import { coalesced } from './coalesce';
import { spaceOf, type ConsultationRow, type Context } from './context';

export interface Eligible {
	electorKey: string;
	householdId: string | null;
	buildingId: string | null;
	collegeId: string | null;
}

export function createElectorate({ data }: Context) {
	const { buildings, colleges, households, meetingMotions, memberships, users } = data.t;
	const db = () => data.db;

	/** Voters' households by user id (built once per handle: see db/prepared.ts). */
	const householdsOf = prepared(data, (db, n) =>
		db
			.select({ userId: users.id, household: households })
			.from(users)
			.leftJoin(households, eq(households.id, users.householdId))
			.where(n === 1 ? eq(users.id, sql.placeholder('k0')) : inArray(users.id, names('k', n).map((k) => sql.placeholder(k))))
			.prepare()
	);

	/** A voter's household (null: none), for voters read in the same turn in one query (see coalesce.ts). */
	const householdOf = coalesced<{ household: typeof households.$inferSelect | null }>(data, async (keys) => {
		const rows = await householdsOf(keys.length).execute(valuesOf('k', keys));
		return new Map(rows.map((r) => [r.userId, { household: r.household }]));
	});

	/** A motion voted in a meeting: who was present or represented when it opened (issue 10). */
	async function frozen(c: ConsultationRow) {
		if (c.spaceType !== 'body') return null;
		return (await first(db().select({ electors: meetingMotions.electors }).from(meetingMotions).where(eq(meetingMotions.consultationId, c.id))))?.electors ?? null;
	}

	const collegesOfBody = (bodyId: string) => db().select().from(colleges).where(eq(colleges.bodyId, bodyId)).orderBy(asc(colleges.position), asc(colleges.id));

	async function electorate(c: ConsultationRow): Promise<Electorate> {
		const inRoom = await frozen(c);
		if (inRoom) {
			const cols = await collegesOfBody(c.spaceId);
			return {
				unit: 'member',
				electorate: inRoom.length,
				buildings: [],
				colleges: cols.map((k) => ({ id: k.id, name: k.name, electorate: inRoom.filter((e) => e.collegeId === k.id).length })),
				householdsTotal: null
			};
		}
		if (c.spaceType === 'body' || c.spaceType === 'training') {
			const roles = votingRoles(c.spaceType);
			const rows = await db()
				.select({ userId: memberships.userId, collegeId: memberships.collegeId })
				.from(memberships)
				.where(and(eq(memberships.spaceType, c.spaceType), eq(memberships.spaceId, c.spaceId), inArray(memberships.role, roles)))
				.orderBy(asc(memberships.createdAt), asc(memberships.id));
			const college = new Map<string, string | null>();
			for (const r of rows) college.set(r.userId, college.get(r.userId) ?? r.collegeId);
			const cols = c.spaceType === 'body' ? await collegesOfBody(c.spaceId) : [];
			const members = Array.from(college, ([, k]) => k);
			const weighted = c.weighting === 'colleges';
			return {
				unit: 'member',
				electorate: weighted ? members.filter((k) => k !== null).length : members.length,
				buildings: [],
				colleges: cols.map((k) => ({ id: k.id, name: k.name, electorate: members.filter((m) => m === k.id).length })),
				householdsTotal: null
			};
		}
		const blds = await db()
			.select({ id: buildings.id, name: buildings.name })
			.from(buildings)
			.where(and(eq(buildings.residenceId, c.spaceId), c.electorate === 'building' && c.buildingId ? eq(buildings.id, c.buildingId) : undefined))
			.orderBy(asc(buildings.position), asc(buildings.id));
		const hh = await db().select({ id: households.id, buildingId: households.buildingId }).from(households).where(eq(households.residenceId, c.spaceId));
		const inScope = hh.filter((h) => blds.some((b) => b.id === h.buildingId));
		const householdsTotal = inScope.length;
		if (c.countBy === 'household') {
			return {
				unit: 'household',
				electorate: householdsTotal,
				buildings: blds.map((b) => ({ ...b, electorate: inScope.filter((h) => h.buildingId === b.id).length })),
				colleges: [],
				householdsTotal
			};
		}
		const voters = await db()
			.selectDistinct({ userId: memberships.userId, buildingId: households.buildingId })
			.from(memberships)
			.innerJoin(users, eq(users.id, memberships.userId))
			.leftJoin(households, eq(households.id, users.householdId))
			.where(and(eq(memberships.spaceType, 'residence'), eq(memberships.spaceId, c.spaceId), inArray(memberships.role, votingRoles('residence'))))
			.orderBy(asc(memberships.userId), asc(households.buildingId));
		const people = new Map<string, string | null>();
		for (const v of voters) people.set(v.userId, people.get(v.userId) ?? v.buildingId);
		const scoped = Array.from(people, ([, b]) => b).filter((b) => c.electorate !== 'building' || b === c.buildingId);
		return {
			unit: 'person',
			electorate: scoped.length,
			buildings: blds.map((b) => ({ ...b, electorate: scoped.filter((x) => x === b.id).length })),
			colleges: [],
			householdsTotal
		};
	}

	async function eligibility(voterId: string, voter: Actor, c: ConsultationRow): Promise<Eligible> {
		const space = spaceOf(c);
		if (!can(voter, 'vote.cast', space)) throw new UserError('votes.error.notElector', {}, 403);
		if (c.spaceType === 'residence') {
			const found = (await householdOf(voterId))?.household;
			// Her household counts only in this residence.
			const household = found && found.residenceId === c.spaceId ? found : undefined;
			if (c.electorate === 'building' && household?.buildingId !== c.buildingId) throw new UserError('votes.error.notInBuilding', {}, 403);
			if (c.countBy === 'household' && !household) throw new UserError('votes.error.noHousehold', {}, 403);
			return {
				electorKey: c.countBy === 'household' ? `h:${household!.id}` : `u:${voterId}`,
				householdId: household?.id ?? null,
				buildingId: household?.buildingId ?? null,
				collegeId: null
			};
		}
		const inRoom = await frozen(c);
		if (inRoom) {
			// A seat votes once: by its holder (or their proxy), or by the substitute standing in for them.
			const seat = inRoom.find((e) => e.seatUserId === voterId) ?? inRoom.find((e) => e.voterId === voterId && e.via === 'substitute');
			if (!seat) throw new UserError('meetings.error.notInRoom', {}, 403);
			return { electorKey: `u:${seat.seatUserId}`, householdId: null, buildingId: null, collegeId: seat.collegeId };
		}
		const collegeId =
			(
				await first(
					db()
						.select({ collegeId: memberships.collegeId })
						.from(memberships)
						.where(and(eq(memberships.userId, voterId), eq(memberships.spaceType, c.spaceType), eq(memberships.spaceId, c.spaceId), isNotNull(memberships.collegeId)))
						.orderBy(asc(memberships.createdAt), asc(memberships.id))
				)
			)?.collegeId ?? null;
		if (c.weighting === 'colleges' && !collegeId) throw new UserError('votes.error.noCollege', {}, 403);
		return { electorKey: `u:${voterId}`, householdId: null, buildingId: null, collegeId };
	}

	return { electorate, eligibility };
}

export type ElectorateReads = ReturnType<typeof createElectorate>;
