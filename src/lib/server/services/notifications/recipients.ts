import { and, eq, inArray, ne, or } from 'drizzle-orm';
import { can, roles, type Role, type SpaceType } from '$lib/domain/policy';
import type { Data } from '../../db/data';
import type { consultations, proposals } from '../../db/schema';

type ProposalRow = typeof proposals.$inferSelect;

/** People who follow a proposal: its author, supporters, volunteers and commenters, still members of its space (in the current unit if any). */
export async function proposalFollowers(data: Data, p: ProposalRow, exceptId: string): Promise<string[]> {
	const { memberships, proposalComments, proposalSupports, proposalVolunteers } = data.t;
	// One query (it runs with every comment and every move): the followers' ids as a subquery.
	const followers = data.db
		.select({ id: proposalSupports.userId })
		.from(proposalSupports)
		.where(eq(proposalSupports.proposalId, p.id))
		.union(data.db.select({ id: proposalVolunteers.userId }).from(proposalVolunteers).where(eq(proposalVolunteers.proposalId, p.id)))
		.union(data.db.select({ id: proposalComments.authorId }).from(proposalComments).where(eq(proposalComments.proposalId, p.id)));
	const members = await data.db
		.selectDistinct({ id: memberships.userId })
		.from(memberships)
		.where(
			and(
				eq(memberships.spaceType, p.spaceType),
				eq(memberships.spaceId, p.spaceId),
				ne(memberships.userId, exceptId),
				or(eq(memberships.userId, p.authorId), inArray(memberships.userId, followers))
			)
		);
	return members.map((m) => m.id);
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
