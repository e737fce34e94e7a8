import { and, eq, exists, inArray, ne, sql } from 'drizzle-orm';
import { can, roles, type Role, type SpaceType } from '$lib/domain/policy';
import type { Data } from '../../db/data';
import { perData, prepared } from '../../db/prepared';
import type { consultations, proposals } from '../../db/schema';

type ProposalRow = typeof proposals.$inferSelect;

/**
 * The followers query, built once per handle (db/prepared.ts). It starts from the proposal's own
 * rows (its author, supporters, volunteers, commenters: UNION drops the repeats) and keeps those
 * still members of its space with one index lookup each, rather than going through every member
 * of the space.
 */
export const followersQuery = perData((data: Data) => {
	const { memberships, proposalComments, proposalSupports, proposalVolunteers, users } = data.t;
	const proposalId = sql.placeholder('proposalId');
	return prepared(data, (db) => {
		const people = db
			.select({ id: users.id })
			.from(users)
			.where(eq(users.id, sql.placeholder('authorId')))
			.union(db.select({ id: proposalSupports.userId }).from(proposalSupports).where(eq(proposalSupports.proposalId, proposalId)))
			.union(db.select({ id: proposalVolunteers.userId }).from(proposalVolunteers).where(eq(proposalVolunteers.proposalId, proposalId)))
			.union(db.select({ id: proposalComments.authorId }).from(proposalComments).where(eq(proposalComments.proposalId, proposalId)))
			.as('followers');
		const member = db
			.select({ one: sql`1` })
			.from(memberships)
			.where(and(eq(memberships.userId, people.id), eq(memberships.spaceType, sql.placeholder('spaceType')), eq(memberships.spaceId, sql.placeholder('spaceId'))));
		return db
			.select({ id: people.id })
			.from(people)
			.where(and(ne(people.id, sql.placeholder('exceptId')), exists(member)))
			.prepare();
	});
});

/** People who follow a proposal: its author, supporters, volunteers and commenters, still members of its space (in the current unit if any). */
export async function proposalFollowers(data: Data, p: ProposalRow, exceptId: string): Promise<string[]> {
	const rows = await followersQuery(data)().execute({ proposalId: p.id, authorId: p.authorId, spaceType: p.spaceType, spaceId: p.spaceId, exceptId });
	return rows.map((r) => r.id);
}

/** Roles that may vote in a space of that type, asked of the policy rather than listed again here. */
function votingRoles(type: SpaceType): Role[] {
	return roles.filter((role) => can({ id: '-', isAdmin: false, roles: new Map([[`${type}:-`, [role]]]) }, 'vote.cast', { type, id: '-' }));
}

type ConsultationRow = typeof consultations.$inferSelect;

/** Everyone who may vote in a consultation, as people (a household vote still concerns each of its members). */
export async function electors(data: Data, c: ConsultationRow): Promise<string[]> {
	const { households, memberships, users } = data.t;
	const rows = await data.db
		.select({ id: memberships.userId, buildingId: households.buildingId })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.leftJoin(households, eq(households.id, users.householdId))
		.where(and(eq(memberships.spaceType, c.spaceType), eq(memberships.spaceId, c.spaceId), inArray(memberships.role, votingRoles(c.spaceType))));
	const scoped = c.spaceType === 'residence' && c.electorate === 'building' ? rows.filter((r) => r.buildingId === c.buildingId) : rows;
	return [...new Set(scoped.map((r) => r.id))];
}

/**
 * Electors with no vote yet. Read from participations only: a secret ballot is never looked at, and
 * a household that voted counts for each of its members (they could not vote again).
 */
export async function electorsWhoHaveNotVoted(data: Data, c: ConsultationRow): Promise<string[]> {
	const { participations, users } = data.t;
	const people = await electors(data, c);
	if (people.length === 0) return [];
	const voted = await data.db.select({ key: participations.electorKey, userId: participations.userId }).from(participations).where(eq(participations.consultationId, c.id));
	const votedUsers = new Set(voted.map((v) => v.userId));
	const votedHouseholds = new Set(voted.filter((v) => v.key.startsWith('h:')).map((v) => v.key.slice(2)));
	const homes = new Map((await data.db.select({ id: users.id, householdId: users.householdId }).from(users).where(inArray(users.id, people))).map((u) => [u.id, u.householdId]));
	return people.filter((id) => !votedUsers.has(id) && !votedHouseholds.has(homes.get(id) ?? ''));
}
