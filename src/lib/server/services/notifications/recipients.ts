import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db';
import { memberships, proposalComments, proposals, proposalSupports, proposalVolunteers } from '../../db/schema';

type ProposalRow = typeof proposals.$inferSelect;

/** People who follow a proposal: its author, supporters, volunteers and commenters, still members of its space. */
export function proposalFollowers(tx: Db, p: ProposalRow, exceptId: string): string[] {
	const ids = new Set<string>([p.authorId]);
	for (const r of tx.select({ id: proposalSupports.userId }).from(proposalSupports).where(eq(proposalSupports.proposalId, p.id)).all()) ids.add(r.id);
	for (const r of tx.select({ id: proposalVolunteers.userId }).from(proposalVolunteers).where(eq(proposalVolunteers.proposalId, p.id)).all()) ids.add(r.id);
	for (const r of tx.select({ id: proposalComments.authorId }).from(proposalComments).where(eq(proposalComments.proposalId, p.id)).all()) ids.add(r.id);
	ids.delete(exceptId);
	if (ids.size === 0) return [];
	const members = tx
		.select({ id: memberships.userId })
		.from(memberships)
		.where(and(eq(memberships.spaceType, p.spaceType), eq(memberships.spaceId, p.spaceId), inArray(memberships.userId, [...ids])))
		.all();
	return [...new Set(members.map((m) => m.id))];
}
