/**
 * Who may read or write a collaborative document. The hub asks at join and again for every update,
 * so a role removed or a proposal hidden takes effect on the next keystroke.
 */
import { eq } from 'drizzle-orm';
import { can, type Actor, type SpaceRef } from '$lib/domain/policy';
import type { Db } from '../db';
import { proposals } from '../db/schema';
import { minutesDocLevel } from '../services/minutes/doc-access';

export type DocLevel = 'write' | 'read' | 'none';
export type DocAccess = (actor: Actor, docName: string) => Promise<DocLevel>;

export type DocRef = { kind: 'description'; proposalId: string } | { kind: 'pins'; residenceId: string } | { kind: 'minutes'; meetingId: string; section: string };

export function parseDocName(docName: string): DocRef | null {
	const description = /^proposal:([A-Za-z0-9_-]{1,64}):description$/.exec(docName);
	if (description) return { kind: 'description', proposalId: description[1]! };
	const pins = /^residence:([A-Za-z0-9_-]{1,64}):pins$/.exec(docName);
	if (pins) return { kind: 'pins', residenceId: pins[1]! };
	const minutes = /^minutes:([A-Za-z0-9_-]{1,64}):([A-Za-z0-9_-]{1,64})$/.exec(docName);
	if (minutes) return { kind: 'minutes', meetingId: minutes[1]!, section: minutes[2]! };
	return null;
}

export interface ProposalFacts {
	space: SpaceRef;
	authorId: string;
	coAuthorIds: readonly string[];
	hidden: boolean;
}

/**
 * A proposal's description: members who can view the space read it; its author and co-authors
 * write it while they hold `proposal.editOwn`; facilitators (`proposal.move` or `content.moderate`)
 * write any. A hidden proposal is only readable by moderators.
 */
export function descriptionAccess(actor: Actor, proposal: ProposalFacts): DocLevel {
	const moderator = can(actor, 'content.moderate', proposal.space);
	if (proposal.hidden) return moderator ? 'write' : 'none';
	if (!can(actor, 'space.view', proposal.space)) return 'none';
	if (moderator || can(actor, 'proposal.move', proposal.space)) return 'write';
	const ownsIt = proposal.authorId === actor.id || proposal.coAuthorIds.includes(actor.id);
	return ownsIt && can(actor, 'proposal.editOwn', proposal.space) ? 'write' : 'read';
}

/** Pins on a residence's site plan: everyone who views the residence sees them; facilitators place them. */
export function pinsAccess(actor: Actor, residence: SpaceRef): DocLevel {
	if (!can(actor, 'space.view', residence)) return 'none';
	return can(actor, 'proposal.move', residence) || can(actor, 'content.moderate', residence) ? 'write' : 'read';
}

/**
 * The resolver used in production: facts come from the `proposals` table. Co-authors are not
 * recorded yet (no `proposal_coauthors` table), so only the author and facilitators write.
 */
export function createDocAccess(db: Db): DocAccess {
	return async (actor, docName) => {
		const ref = parseDocName(docName);
		if (!ref) return 'none';
		if (ref.kind === 'pins') return pinsAccess(actor, { type: 'residence', id: ref.residenceId });
		// Minutes: written while a draft by the secretary, the chair and named co-editors; read by members.
		if (ref.kind === 'minutes') return minutesDocLevel(db, actor, ref.meetingId, ref.section);
		const row = db
			.select({ spaceType: proposals.spaceType, spaceId: proposals.spaceId, authorId: proposals.authorId, hiddenAt: proposals.hiddenAt })
			.from(proposals)
			.where(eq(proposals.id, ref.proposalId))
			.get();
		if (!row) return 'none';
		return descriptionAccess(actor, {
			space: { type: row.spaceType, id: row.spaceId },
			authorId: row.authorId,
			coAuthorIds: [],
			hidden: row.hiddenAt !== null
		});
	};
}

/** The description a proposal was created with: the starting text of its collaborative document. */
export function proposalDescription(db: Db, docName: string): string | null {
	const ref = parseDocName(docName);
	if (ref?.kind !== 'description') return null;
	return db.select({ description: proposals.description }).from(proposals).where(eq(proposals.id, ref.proposalId)).get()?.description ?? null;
}
