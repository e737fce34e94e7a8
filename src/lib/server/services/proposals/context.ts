import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { type ProposalStatus } from '$lib/domain/lifecycle';
import { authorize, can, ForbiddenError, proposalResource, staffRoles, type Actor, type ProposalAction, type SpaceRef } from '$lib/domain/policy';
import type { BoardCard, BoardChange } from '$lib/realtime/board-events';
import { roomForSpace } from '$lib/realtime/events';
import { config } from '../../config';
import type { AsyncDb } from '../../db/data';
import { prepared } from '../../db/prepared';
import type { proposals } from '../../db/schema';
import type { ServiceDeps } from '../deps';
import { notFound, UserError } from '../errors';
import { createNotificationsService, type NotificationsService } from '../notifications';

export type ProposalRow = typeof proposals.$inferSelect;
export type EditableFields = Pick<ProposalRow, 'title' | 'category' | 'costEuros' | 'carriedBy'>;

export interface ProposalsOptions {
	/** Where photos are written; read lazily so tests can point it at their temporary folder. */
	uploadDir?: () => string;
	notifications?: NotificationsService;
}

export const spaceOf = (p: Pick<ProposalRow, 'spaceType' | 'spaceId'>): SpaceRef => ({ type: p.spaceType, id: p.spaceId });
export const keyOf = (s: SpaceRef) => `${s.type}:${s.id}`;

/**
 * Whether a user is staff (an administrator, or holds a staff role somewhere), as a column of a
 * query: the staff badge next to names on cards and comments, without a query per name.
 */
export function staffSql(userId: AnySQLiteColumn) {
	const roles = sql.join(
		staffRoles.map((r) => sql`${r}`),
		sql`, `
	);
	// `u2.is_admin` alone as a condition: an integer on SQLite, a boolean on PostgreSQL; both read it as truth.
	return sql<boolean>`(exists (select 1 from users u2 where u2.id = ${userId} and u2.is_admin) or exists (select 1 from memberships m2 where m2.user_id = ${userId} and m2.role in (${roles})))`;
}

/**
 * What a card says of a proposal's own text: a proposal hidden by moderation shows none of it (its
 * title, carrier and decline reason) to anyone but those who may `reveal` it; everyone sees that it
 * is hidden, and why.
 */
export function shownText(p: Pick<ProposalRow, 'title' | 'carriedBy' | 'declineReason' | 'hiddenAt' | 'hiddenReason'>, reveal: boolean) {
	const hidden = p.hiddenAt ? { reason: p.hiddenReason ?? '' } : null;
	const redact = hidden !== null && !reveal;
	return { hidden, title: redact ? '' : p.title, carriedBy: redact ? null : p.carriedBy, declineReason: redact ? null : p.declineReason };
}

/** What every part of the proposals service shares: card queries, the visibility check, events and publishing. */
export function createProposalsContext(deps: ServiceDeps, options: ProposalsOptions = {}) {
	const { data, clock, bus } = deps;
	const { proposalEvents, proposals, residences, users } = data.t;
	const uploadDir = options.uploadDir ?? (() => config().UPLOAD_DIR);
	const notifications = options.notifications ?? createNotificationsService(deps);

	const counts = {
		// count(*) is a bigint (a string) on PostgreSQL: mapped to a number on both engines.
		supports: sql<number>`(select count(*) from proposal_supports s where s.proposal_id = ${proposals.id})`.mapWith(Number),
		volunteers: sql<number>`(select count(*) from proposal_volunteers v where v.proposal_id = ${proposals.id})`.mapWith(Number),
		// What the proposal page lists as readable: neither hidden by moderation nor deleted by its author.
		comments: sql<number>`(select count(*) from proposal_comments c where c.proposal_id = ${proposals.id} and c.hidden_at is null and c.deleted_at is null)`.mapWith(Number),
		authorStaff: staffSql(proposals.authorId)
	};

	function cardRows(tx: AsyncDb, where: ReturnType<typeof and>) {
		return tx
			.select({ p: proposals, authorName: users.displayName, ...counts })
			.from(proposals)
			.innerJoin(users, eq(users.id, proposals.authorId))
			.where(where)
			.orderBy(asc(proposals.position), asc(proposals.createdAt), asc(proposals.id));
	}

	function toCard(row: Awaited<ReturnType<typeof cardRows>>[number], reveal: boolean): BoardCard {
		const { p } = row;
		const { hidden, title, carriedBy, declineReason } = shownText(p, reveal);
		return {
			id: p.id,
			spaceKey: keyOf(spaceOf(p)),
			title,
			category: p.category,
			status: p.status,
			position: p.position,
			costEuros: p.costEuros,
			carriedBy,
			declineReason,
			hasPhoto: !!p.photo && (!hidden || reveal),
			authorId: p.authorId,
			authorName: row.authorName,
			supports: row.supports,
			volunteers: row.volunteers,
			comments: row.comments,
			authorStaff: !!row.authorStaff,
			withdrawn: !!p.withdrawnAt,
			hidden,
			createdAt: p.createdAt.toISOString(),
			updatedAt: p.updatedAt.toISOString()
		};
	}

	/**
	 * The card of one proposal, built once per handle (drizzle's query building was most of a board
	 * action's CPU): on the reading connection or pool outside a unit, on the unit's own transaction
	 * inside one, whose own writes the card must see (db/prepared.ts).
	 */
	const cardById = prepared(data, (db) => cardRows(db, eq(proposals.id, sql.placeholder('id'))).prepare());

	/** The card as the whole room may see it, for socket events (read in the current unit if any). */
	async function publicCard(proposalId: string): Promise<BoardCard> {
		const [row] = await cardById().execute({ id: proposalId });
		if (!row) throw notFound();
		return toCard(row, false);
	}

	/** After the commit (a PostgreSQL unit may run twice): the room hears the card as it now is (returned, for the caller's answer). */
	async function publishUpdate(proposalId: string, change: BoardChange, actor: Actor, eventId?: number): Promise<BoardCard> {
		const card = await publicCard(proposalId);
		const [type, id] = card.spaceKey.split(':') as [string, string];
		bus.publish(roomForSpace(type, id), 'proposal.updated', { card, change, actorId: actor.id, ...(eventId ? { eventId } : {}) });
		return card;
	}

	async function loadProposal(tx: AsyncDb, id: string): Promise<ProposalRow> {
		const [row] = await tx.select().from(proposals).where(eq(proposals.id, id)).limit(1);
		if (!row) throw notFound();
		return row;
	}

	/** One proposal by id, built once per handle as the card query is. */
	const proposalById = prepared(data, (db) => db.select().from(proposals).where(eq(proposals.id, sql.placeholder('id'))).limit(1).prepare());

	/** Reading a proposal needs the space's view right; a stranger learns nothing, not even that it exists. */
	async function visible(actor: Actor | null, id: string): Promise<ProposalRow> {
		const [row] = await proposalById().execute({ id });
		if (!row) throw notFound();
		authorize(actor, 'proposal.view', proposalResource(row));
		return row;
	}

	async function residenceSpace(residenceId: string): Promise<SpaceRef> {
		const [row] = await data.db.select({ id: residences.id }).from(residences).where(eq(residences.id, residenceId)).limit(1);
		if (!row) throw notFound();
		return { type: 'residence', id: residenceId };
	}

	async function positionIn(tx: AsyncDb, space: SpaceRef, status: ProposalStatus, index: number | undefined, excludeId?: string): Promise<number> {
		const column = await tx
			.select({ id: proposals.id, position: proposals.position })
			.from(proposals)
			.where(and(eq(proposals.spaceType, space.type), eq(proposals.spaceId, space.id), eq(proposals.status, status), excludeId ? ne(proposals.id, excludeId) : undefined))
			.orderBy(asc(proposals.position), asc(proposals.createdAt), asc(proposals.id));
		if (column.length === 0) return 1;
		const i = index === undefined ? column.length : Math.min(index, column.length);
		if (i === 0) return column[0]!.position - 1;
		if (i === column.length) return column[column.length - 1]!.position + 1;
		return (column[i - 1]!.position + column[i]!.position) / 2;
	}

	async function event(tx: AsyncDb, proposalId: string, actorId: string, kind: typeof proposalEvents.$inferInsert.kind, extra: Record<string, unknown> = {}): Promise<number> {
		const [row] = await tx.insert(proposalEvents).values({ proposalId, at: clock.now(), actorId, kind, data: extra }).returning({ id: proposalEvents.id });
		return row!.id;
	}

	/** What the reader may do with this proposal's status, as the policy decides it (see lifecycle.checkMove). */
	function rightsOn(actor: Actor | null, p: Parameters<typeof proposalResource>[0]) {
		const r = proposalResource(p);
		return { canMove: can(actor, 'proposal.move', r), mayDecline: can(actor, 'proposal.decline', r) };
	}

	function ensureNotHidden(p: ProposalRow) {
		if (p.hiddenAt) throw new UserError('board.error.hidden', {}, 409);
	}

	/**
	 * Asks the policy about this proposal and returns the actor it allowed. Refused because the
	 * proposal is hidden, the answer says so (409) to someone who can see it is, not just "forbidden".
	 */
	function allow(actor: Actor | null, action: ProposalAction, p: ProposalRow): Actor {
		const r = proposalResource(p);
		if (can(actor, action, r)) return actor!;
		if (r.hidden && can(actor, 'proposal.view', r)) ensureNotHidden(p);
		throw new ForbiddenError(action);
	}

	return { data, clock, uploadDir, notifications, counts, cardById, toCard, publicCard, publishUpdate, loadProposal, visible, residenceSpace, positionIn, event, rightsOn, ensureNotHidden, allow };
}

export type ProposalsContext = ReturnType<typeof createProposalsContext>;
