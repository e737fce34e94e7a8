import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { searchKey } from '$lib/domain/names';
import { statuses, targetsFor, type ProposalStatus } from '$lib/domain/lifecycle';
import { authorize, can, commentResource, proposalResource, type Actor, type SpaceRef } from '$lib/domain/policy';
import type { proposalEvents } from '../../db/schema';
import { notFound } from '../errors';
import { searchQuerySchema } from '../validate';
import type { ShownCard } from '$lib/realtime/board-events';
import { prepared } from '../../db/prepared';
import { keyOf, shownText, staffSql, type ProposalsContext } from './context';

export interface BoardRights {
	propose: boolean;
	support: boolean;
	comment: boolean;
	move: boolean;
	moderate: boolean;
}

/** What pages read: a residence's board and one proposal, each carrying what the reader may do. */
export function createProposalViews(ctx: ProposalsContext) {
	const { data, counts, cardById, toCard, visible, residenceSpace, rightsOn } = ctx;
	const { proposalComments, proposalEvents, proposals, proposalSupports, proposalVolunteers, residences, users } = data.t;

	/**
	 * The board's reads, built once per handle (src/lib/server/db/prepared.ts): the page asks for them
	 * at every view, and building them was much of its CPU. The cards carry only the fields the board
	 * shows (no description, photo or dates): 120 of them are read at every view.
	 */
	const residenceById = prepared(data, (db) => db.select({ id: residences.id, name: residences.name }).from(residences).where(eq(residences.id, sql.placeholder('id'))).limit(1).prepare());
	const inSpace = and(eq(proposals.spaceType, sql.placeholder('spaceType')), eq(proposals.spaceId, sql.placeholder('spaceId')), isNull(proposals.withdrawnAt));
	const boardCards = prepared(data, (db) =>
		db
			.select({
				id: proposals.id,
				title: proposals.title,
				category: proposals.category,
				status: proposals.status,
				position: proposals.position,
				costEuros: proposals.costEuros,
				carriedBy: proposals.carriedBy,
				declineReason: proposals.declineReason,
				hiddenAt: proposals.hiddenAt,
				hiddenReason: proposals.hiddenReason,
				authorId: proposals.authorId,
				authorName: users.displayName,
				...counts
			})
			.from(proposals)
			.innerJoin(users, eq(users.id, proposals.authorId))
			// Ideas their authors withdrew leave the board (their page stays, for links and history).
			.where(inSpace)
			.orderBy(asc(proposals.position), asc(proposals.createdAt), asc(proposals.id))
			.prepare()
	);
	/** The cards of the board this reader supports. */
	const supportedBy = prepared(data, (db) =>
		db
			.select({ id: proposals.id })
			.from(proposals)
			.where(and(inSpace, sql`exists (select 1 from ${proposalSupports} where ${proposalSupports.proposalId} = ${proposals.id} and ${proposalSupports.userId} = ${sql.placeholder('userId')})`))
			.prepare()
	);
	type BoardRow = Awaited<ReturnType<ReturnType<typeof boardCards>['execute']>>[number];

	/**
	 * The rows every reader of a board shares (the same for all: what one may see of them is decided
	 * per reader below), kept between views while the database's contents stay as they were
	 * (`data.readStamp()`): a room of phones and a projector on one board read the 120 cards' counts,
	 * names and staff badges once per change instead of once per view (issue 15: ~0.7 ms of a page's
	 * ~6 ms). Any commit (a support, a comment, a renamed author, another process's write) changes the
	 * stamp (on PostgreSQL: the server's snapshot, so a write on another node too); inside a unit
	 * nothing is kept. Up to 256 boards, the least recently read first out.
	 */
	const shared = new Map<string, { stamp: string; rows: BoardRow[] }>();
	async function sharedRows(space: SpaceRef): Promise<BoardRow[]> {
		const key = keyOf(space);
		const stamp = await data.readStamp();
		if (stamp === null) return boardCards().execute({ spaceType: space.type, spaceId: space.id });
		const kept = shared.get(key);
		shared.delete(key);
		const rows = kept?.stamp === stamp ? kept.rows : await boardCards().execute({ spaceType: space.type, spaceId: space.id });
		shared.set(key, { stamp, rows });
		if (shared.size > 256) shared.delete(shared.keys().next().value!);
		return rows;
	}

	return {
		/**
		 * The board of a residence: its cards as the page shows them, with what this person did and may
		 * do, and how many cards each column holds (`columns`). Every card by default; with `perColumn`,
		 * only the first so many of each column in its order (the top of a column is what its people
		 * work on), except the column named `whole`: a board that lives for years gathers hundreds of
		 * ideas and outcomes, and a page carrying each of them weighed 1.7 MB at 800 ideas.
		 */
		async board(
			actor: Actor | null,
			residenceId: string,
			options: { perColumn?: number; whole?: ProposalStatus | null; q?: unknown } = {}
		): Promise<{ residence: { id: string; name: string }; cards: ShownCard[]; columns: Record<ProposalStatus, number>; q: string; can: BoardRights }> {
			const [residence] = await residenceById().execute({ id: residenceId });
			if (!residence) throw notFound();
			const space: SpaceRef = { type: 'residence', id: residenceId };
			authorize(actor, 'space.view', space);
			const reveal = can(actor, 'content.moderate', space);
			const rows = await sharedRows(space);
			// What the reader may do with a card depends on its status, whether it is hidden and its author
			// only (the space is the board's): asked of the policy once per such kind of card.
			const targets = new Map<string, ProposalStatus[]>();
			const targetsOf = (r: BoardRow) => {
				const key = `${r.status}\n${r.hiddenAt ? 1 : 0}\n${r.authorId}`;
				let found = targets.get(key);
				if (!found) {
					const resource = { spaceType: space.type, spaceId: space.id, authorId: r.authorId, status: r.status, hiddenAt: r.hiddenAt };
					targets.set(key, (found = targetsFor(r.status, rightsOn(actor, resource))));
				}
				return found;
			};
			// A search keeps the cards whose title (as this reader may see it: a hidden title is searched by
			// moderators only) or author's name holds it, accents and case aside.
			const q = searchQuerySchema.parse(options.q);
			const needle = searchKey(q);
			const found = needle ? rows.filter((r) => searchKey(shownText(r, reveal).title).includes(needle) || searchKey(r.authorName).includes(needle)) : rows;
			// The rows come in position order: a column's first cards are the first met.
			const columns = Object.fromEntries(statuses.map((st) => [st, 0])) as Record<ProposalStatus, number>;
			const limit = options.perColumn ?? Infinity;
			const shown = found.filter((r) => columns[r.status]++ < limit || r.status === options.whole);
			const mine = new Set(shown.length === 0 ? [] : (await supportedBy().execute({ spaceType: space.type, spaceId: space.id, userId: actor.id })).map((r) => r.id));
			return {
				residence,
				columns,
				q,
				cards: shown.map((r): ShownCard => {
					const { hidden, title, carriedBy, declineReason } = shownText(r, reveal);
					return {
						id: r.id,
						title,
						category: r.category,
						status: r.status,
						position: r.position,
						costEuros: r.costEuros,
						carriedBy,
						declineReason,
						authorName: r.authorName,
						authorStaff: !!r.authorStaff,
						supports: r.supports,
						volunteers: r.volunteers,
						comments: r.comments,
						hidden,
						supportedByMe: mine.has(r.id),
						targets: targetsOf(r)
					};
				}),
				can: {
					propose: can(actor, 'proposal.create', space),
					support: can(actor, 'proposal.support', space),
					comment: can(actor, 'proposal.comment', space),
					move: can(actor, 'proposal.move', space),
					moderate: reveal
				}
			};
		},

		/** The propose form of a residence, for those the policy lets propose there. */
		async proposeForm(actor: Actor | null, residenceId: string) {
			const space = await residenceSpace(residenceId);
			authorize(actor, 'proposal.create', space);
			const [residence] = await data.db.select({ id: residences.id, name: residences.name }).from(residences).where(eq(residences.id, residenceId)).limit(1);
			return { residence: residence! };
		},

		/** One proposal with its comments, supporters, volunteers and history. */
		async proposal(actor: Actor | null, id: string) {
			const p = await visible(actor, id);
			const resource = proposalResource(p);
			authorize(actor, 'proposal.view', resource);
			const moderator = can(actor, 'proposal.moderate', resource);
			// Hiding a proposal hides everything written on it, its comments included, from all but moderators.
			const redacted = !can(actor, 'proposal.read', resource);
			const [row] = await cardById().execute({ id });
			const card = toCard(row!, moderator);
			const commentRows = await data.db
				.select({ c: proposalComments, authorName: users.displayName, authorStaff: staffSql(proposalComments.authorId) })
				.from(proposalComments)
				.innerJoin(users, eq(users.id, proposalComments.authorId))
				.where(eq(proposalComments.proposalId, id))
				.orderBy(asc(proposalComments.createdAt), asc(proposalComments.id));
			const comment = (r: (typeof commentRows)[number]) => {
				const facts = commentResource(r.c, resource);
				return {
					id: r.c.id,
					authorId: r.c.authorId,
					authorName: r.authorName,
					authorStaff: !!r.authorStaff,
					body: (r.c.hiddenAt && !moderator) || redacted || r.c.deletedAt ? '' : r.c.body,
					hidden: r.c.hiddenAt ? { reason: r.c.hiddenReason ?? '' } : null,
					/** Deleted by its author: kept as a placeholder only when replies hang on it. */
					deleted: !!r.c.deletedAt,
					editedAt: r.c.deletedAt ? null : r.c.editedAt,
					createdAt: r.c.createdAt,
					can: { edit: can(actor, 'comment.editOwn', facts), delete: can(actor, 'comment.deleteOwn', facts) }
				};
			};
			// A hidden proposal's comments are not listed to readers at all: a list of blanks says nothing.
			// A deleted reply leaves no trace; a deleted top comment stays as a placeholder while it has replies.
			const live = commentRows.filter((r) => !(r.c.deletedAt && r.c.parentId));
			const threads = redacted
				? []
				: live
						.filter((r) => !r.c.parentId)
						.map((r) => ({ ...comment(r), replies: live.filter((x) => x.c.parentId === r.c.id).map(comment) }))
						.filter((c) => !c.deleted || c.replies.length > 0);
			const listed = threads.flatMap((c) => [c, ...c.replies]).filter((c) => !c.deleted);
			/** What the comments heading counts: exactly the comments listed, the hidden ones said apart. */
			const commentCount = { shown: listed.filter((c) => !c.hidden).length, hidden: listed.filter((c) => c.hidden).length };
			const names = (table: typeof proposalSupports | typeof proposalVolunteers) =>
				data.db
					.select({ userId: users.id, displayName: users.displayName })
					.from(table)
					.innerJoin(users, eq(users.id, table.userId))
					.where(eq(table.proposalId, id))
					.orderBy(asc(table.createdAt), asc(users.id));
			const volunteers = await names(proposalVolunteers);
			const supporters = await names(proposalSupports);
			const history = (
				await data.db
					.select({ e: proposalEvents, actorName: users.displayName })
					.from(proposalEvents)
					.leftJoin(users, eq(users.id, proposalEvents.actorId))
					.where(eq(proposalEvents.proposalId, id))
					.orderBy(desc(proposalEvents.id))
			).map((r) => ({ ...r.e, actorName: r.actorName, data: moderator || !p.hiddenAt ? r.e.data : redactHidden(r.e) }));
			const rights = rightsOn(actor, p);
			return {
				card,
				/** When its author took it off the board (null while it is on it). */
				withdrawnAt: p.withdrawnAt,
				description: redacted ? '' : p.description,
				/** The reader may not see this proposal's text: pages must not fill it in from elsewhere (the live document). */
				redacted,
				residenceId: p.spaceId,
				threads,
				commentCount,
				// Names only: neighbours' ids are not needed to show who helps.
				volunteers: volunteers.map(({ displayName }) => ({ displayName })),
				supportedByMe: supporters.some((s) => s.userId === actor.id),
				volunteeredByMe: volunteers.some((v) => v.userId === actor.id),
				history,
				targets: targetsFor(p.status, rights),
				// Asked of the policy about this proposal: a button shows exactly when its door would accept.
				can: {
					support: can(actor, 'proposal.support', resource),
					comment: can(actor, 'proposal.comment', resource),
					move: rights.canMove,
					undo: can(actor, 'proposal.undo', resource),
					edit: can(actor, 'proposal.edit', resource),
					pin: can(actor, 'proposal.pin', resource),
					moderate: moderator,
					withdraw: can(actor, 'proposal.withdrawOwn', resource),
					restore: can(actor, 'proposal.restoreOwn', resource)
				}
			};
		}
	};
}

/** Once a proposal is hidden, readers who are not moderators see in its history the facts and reasons, not the hidden text (old titles of edits). */
function redactHidden(e: typeof proposalEvents.$inferSelect): Record<string, unknown> {
	const { reason, from, to, kind } = e.data as Record<string, unknown>;
	return Object.fromEntries(Object.entries({ reason, from, to, kind }).filter(([, v]) => v !== undefined));
}
