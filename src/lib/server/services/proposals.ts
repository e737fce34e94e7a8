import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { join } from 'node:path';
import { checkMove, openSequence, statuses, targetsFor, type ProposalStatus } from '$lib/domain/lifecycle';
import { authorize, can, ForbiddenError, type Actor, type SpaceRef } from '$lib/domain/policy';
import { commentSchema, editSchema, hideSchema, moveSchema, proposeSchema, toggleSchema, undoSchema } from '$lib/domain/schemas/proposals';
import type { BoardCard, BoardChange } from '$lib/realtime/board-events';
import { roomForSpace } from '$lib/realtime/events';
import { config } from '../config';
import { transaction, type Db } from '../db';
import {
	proposalComments,
	proposalEvents,
	proposals,
	proposalSupports,
	proposalVolunteers,
	residences,
	users
} from '../db/schema';
import { photoDir, reencodePhoto, storePhoto } from '../uploads/photos';
import { audit } from './audit';
import type { ServiceDeps } from './deps';
import { notFound, UserError } from './errors';
import { createNotificationsService, type NotificationsService, type PendingNotification } from './notifications';
import { parse } from './validate';

type ProposalRow = typeof proposals.$inferSelect;
type EditableFields = Pick<ProposalRow, 'title' | 'category' | 'costEuros' | 'carriedBy'>;

export interface ProposalsOptions {
	/** Where photos are written; read lazily so tests can point it at their temporary folder. */
	uploadDir?: () => string;
	notifications?: NotificationsService;
}

const spaceOf = (p: Pick<ProposalRow, 'spaceType' | 'spaceId'>): SpaceRef => ({ type: p.spaceType, id: p.spaceId });
const keyOf = (s: SpaceRef) => `${s.type}:${s.id}`;

export function createProposalsService(deps: ServiceDeps, options: ProposalsOptions = {}) {
	const { db, clock, ids, bus } = deps;
	const uploadDir = options.uploadDir ?? (() => config().UPLOAD_DIR);
	const notifications = options.notifications ?? createNotificationsService(deps);

	const counts = {
		supports: sql<number>`(select count(*) from proposal_supports s where s.proposal_id = ${proposals.id})`,
		volunteers: sql<number>`(select count(*) from proposal_volunteers v where v.proposal_id = ${proposals.id})`,
		comments: sql<number>`(select count(*) from proposal_comments c where c.proposal_id = ${proposals.id} and c.hidden_at is null)`
	};

	function cardRows(tx: Db, where: ReturnType<typeof and>) {
		return tx
			.select({ p: proposals, authorName: users.displayName, ...counts })
			.from(proposals)
			.innerJoin(users, eq(users.id, proposals.authorId))
			.where(where)
			.orderBy(asc(proposals.position), asc(proposals.createdAt))
			.all();
	}

	function toCard(row: ReturnType<typeof cardRows>[number], reveal: boolean): BoardCard {
		const { p } = row;
		const hidden = p.hiddenAt ? { reason: p.hiddenReason ?? '' } : null;
		return {
			id: p.id,
			spaceKey: keyOf(spaceOf(p)),
			title: hidden && !reveal ? '' : p.title,
			category: p.category,
			status: p.status,
			position: p.position,
			costEuros: p.costEuros,
			carriedBy: hidden && !reveal ? null : p.carriedBy,
			declineReason: hidden && !reveal ? null : p.declineReason,
			hasPhoto: !!p.photo && (!hidden || reveal),
			authorId: p.authorId,
			authorName: row.authorName,
			supports: row.supports,
			volunteers: row.volunteers,
			comments: row.comments,
			hidden,
			createdAt: p.createdAt.toISOString(),
			updatedAt: p.updatedAt.toISOString()
		};
	}

	/** The card as the whole room may see it, for socket events. */
	function publicCard(tx: Db, proposalId: string): BoardCard {
		const row = cardRows(tx, eq(proposals.id, proposalId))[0];
		if (!row) throw notFound();
		return toCard(row, false);
	}

	function publishUpdate(proposalId: string, change: BoardChange, actor: Actor, eventId?: number) {
		const card = publicCard(db, proposalId);
		const [type, id] = card.spaceKey.split(':') as [string, string];
		bus.publish(roomForSpace(type, id), 'proposal.updated', { card, change, actorId: actor.id, ...(eventId ? { eventId } : {}) });
	}

	function loadProposal(tx: Db, id: string): ProposalRow {
		const row = tx.select().from(proposals).where(eq(proposals.id, id)).get();
		if (!row) throw notFound();
		return row;
	}

	/** Reading a proposal needs the space's view right; a stranger learns nothing, not even that it exists. */
	function visible(actor: Actor | null, id: string): ProposalRow {
		const row = db.select().from(proposals).where(eq(proposals.id, id)).get();
		if (!row) throw notFound();
		authorize(actor, 'space.view', spaceOf(row));
		return row;
	}

	function residenceSpace(residenceId: string): SpaceRef {
		if (!db.select({ id: residences.id }).from(residences).where(eq(residences.id, residenceId)).get()) throw notFound();
		return { type: 'residence', id: residenceId };
	}

	function positionIn(tx: Db, space: SpaceRef, status: ProposalStatus, index: number | undefined, excludeId?: string): number {
		const column = tx
			.select({ id: proposals.id, position: proposals.position })
			.from(proposals)
			.where(and(eq(proposals.spaceType, space.type), eq(proposals.spaceId, space.id), eq(proposals.status, status), excludeId ? ne(proposals.id, excludeId) : undefined))
			.orderBy(asc(proposals.position), asc(proposals.createdAt))
			.all();
		if (column.length === 0) return 1;
		const i = index === undefined ? column.length : Math.min(index, column.length);
		if (i === 0) return column[0]!.position - 1;
		if (i === column.length) return column[column.length - 1]!.position + 1;
		return (column[i - 1]!.position + column[i]!.position) / 2;
	}

	function event(tx: Db, proposalId: string, actorId: string, kind: typeof proposalEvents.$inferInsert.kind, data: Record<string, unknown> = {}): number {
		const row = tx.insert(proposalEvents).values({ proposalId, at: clock.now(), actorId, kind, data }).returning({ id: proposalEvents.id }).get();
		return row.id;
	}

	function rightsOn(actor: Actor | null, p: ProposalRow) {
		const space = spaceOf(p);
		return { canMove: can(actor, 'proposal.move', space), isAuthor: !!actor && actor.id === p.authorId && can(actor, 'proposal.editOwn', space) };
	}

	function ensureNotHidden(p: ProposalRow) {
		if (p.hiddenAt) throw new UserError('board.error.hidden', {}, 409);
	}

	function applyMove(tx: Db, actor: Actor, p: ProposalRow, to: ProposalStatus, reason: string | undefined, index: number | undefined) {
		const space = spaceOf(p);
		if (to === p.status) {
			// Reordering inside a column: a board manager's prioritisation, not a lifecycle step.
			authorize(actor, 'proposal.move', space);
		} else {
			const check = checkMove(p.status, to, rightsOn(actor, p), reason);
			if (!check.ok) {
				if (check.code === 'forbidden') throw new ForbiddenError('proposal.move');
				throw new UserError(check.code, {}, 409);
			}
		}
		const position = positionIn(tx, space, to, index, p.id);
		const declineReason = to === 'declined' ? (reason ?? null) : null;
		tx.update(proposals).set({ status: to, position, declineReason, updatedAt: clock.now() }).where(eq(proposals.id, p.id)).run();
		const data = { from: p.status, to, fromPosition: p.position, toPosition: position, prevReason: p.declineReason, reason: declineReason };
		const eventId = event(tx, p.id, actor.id, 'moved', data);
		audit(tx, clock.now(), actor.id, 'proposal.move', { type: 'proposal', id: p.id }, data);
		const pending = to === p.status ? [] : notifications.record(tx, notifications.followersOf(tx, p, actor.id), 'status', p, actor.id, { from: p.status, to, reason: declineReason });
		return { eventId, pending };
	}

	const editable = (p: EditableFields): EditableFields => ({ title: p.title, category: p.category, costEuros: p.costEuros, carriedBy: p.carriedBy });
	const sameFields = (a: EditableFields, b: EditableFields) => JSON.stringify(editable(a)) === JSON.stringify(editable(b));


	/**
	 * Supporting and offering a hand ("Je participe") are the same gesture on two tables: one row per
	 * person, on or off. Offering a hand is granted with supporting (a participant's gesture).
	 */
	function toggle(actor: Actor | null, input: unknown, table: typeof proposalSupports | typeof proposalVolunteers, kind: 'support' | 'volunteer') {
		const data = parse(toggleSchema, input);
		const p = visible(actor, data.proposalId);
		authorize(actor, 'proposal.support', spaceOf(p));
		if (data.on) ensureNotHidden(p);
		const changed = transaction(db, (tx) => {
			const res = data.on
				? tx.insert(table).values({ proposalId: p.id, userId: actor.id, createdAt: clock.now() }).onConflictDoNothing().run()
				: tx.delete(table).where(and(eq(table.proposalId, p.id), eq(table.userId, actor.id))).run();
			if (res.changes > 0) audit(tx, clock.now(), actor.id, `proposal.${data.on ? '' : 'un'}${kind}`, { type: 'proposal', id: p.id });
			return res.changes > 0;
		});
		if (changed) publishUpdate(p.id, kind, actor);
		return { on: data.on, id: p.id };
	}
	return {
		/** The board of a residence: every card, with what this person did and may do. */
		board(actor: Actor | null, residenceId: string) {
			const space = residenceSpace(residenceId);
			authorize(actor, 'space.view', space);
			const reveal = can(actor, 'content.moderate', space);
			const rows = cardRows(db, and(eq(proposals.spaceType, space.type), eq(proposals.spaceId, space.id)));
			const mine = (table: typeof proposalSupports | typeof proposalVolunteers) =>
				new Set(
					rows.length
						? db.select({ id: table.proposalId }).from(table).where(and(eq(table.userId, actor.id), inArray(table.proposalId, rows.map((r) => r.p.id)))).all().map((r) => r.id)
						: []
				);
			const supported = mine(proposalSupports);
			const volunteered = mine(proposalVolunteers);
			const residence = db.select({ id: residences.id, name: residences.name }).from(residences).where(eq(residences.id, residenceId)).get()!;
			return {
				residence,
				cards: rows.map((r) => ({
					...toCard(r, reveal),
					supportedByMe: supported.has(r.p.id),
					volunteeredByMe: volunteered.has(r.p.id),
					targets: targetsFor(r.p.status, rightsOn(actor, r.p))
				})),
				can: {
					propose: can(actor, 'proposal.create', space),
					support: can(actor, 'proposal.support', space),
					comment: can(actor, 'proposal.comment', space),
					move: can(actor, 'proposal.move', space),
					moderate: reveal
				}
			};
		},

		/** One proposal with its comments, supporters, volunteers and history. */
		proposal(actor: Actor | null, id: string) {
			const p = visible(actor, id);
			const space = spaceOf(p);
			authorize(actor, 'space.view', space);
			const moderator = can(actor, 'content.moderate', space);
			// Hiding a proposal hides everything written on it, its comments included, from all but moderators.
			const redacted = !!p.hiddenAt && !moderator;
			const row = cardRows(db, eq(proposals.id, id))[0]!;
			const card = toCard(row, moderator);
			const commentRows = db
				.select({ c: proposalComments, authorName: users.displayName })
				.from(proposalComments)
				.innerJoin(users, eq(users.id, proposalComments.authorId))
				.where(eq(proposalComments.proposalId, id))
				.orderBy(asc(proposalComments.createdAt))
				.all();
			const comment = (r: (typeof commentRows)[number]) => ({
				id: r.c.id,
				authorId: r.c.authorId,
				authorName: r.authorName,
				body: (r.c.hiddenAt && !moderator) || redacted ? '' : r.c.body,
				hidden: r.c.hiddenAt ? { reason: r.c.hiddenReason ?? '' } : null,
				createdAt: r.c.createdAt
			});
			const threads = commentRows
				.filter((r) => !r.c.parentId)
				.map((r) => ({ ...comment(r), replies: commentRows.filter((x) => x.c.parentId === r.c.id).map(comment) }));
			const names = (table: typeof proposalSupports | typeof proposalVolunteers) =>
				db
					.select({ userId: users.id, displayName: users.displayName })
					.from(table)
					.innerJoin(users, eq(users.id, table.userId))
					.where(eq(table.proposalId, id))
					.orderBy(asc(table.createdAt))
					.all();
			const volunteers = names(proposalVolunteers);
			const supporters = names(proposalSupports);
			const history = db
				.select({ e: proposalEvents, actorName: users.displayName })
				.from(proposalEvents)
				.leftJoin(users, eq(users.id, proposalEvents.actorId))
				.where(eq(proposalEvents.proposalId, id))
				.orderBy(desc(proposalEvents.id))
				.all()
				.map((r) => ({ ...r.e, actorName: r.actorName, data: moderator || !p.hiddenAt ? r.e.data : redactHidden(r.e) }));
			const rights = rightsOn(actor, p);
			return {
				card,
				description: redacted ? '' : p.description,
				/** The reader may not see this proposal's text: pages must not fill it in from elsewhere (the live document). */
				redacted,
				residenceId: p.spaceId,
				threads,
				// Names only: neighbours' ids are not needed to show who helps.
				volunteers: volunteers.map(({ displayName }) => ({ displayName })),
				supportedByMe: supporters.some((s) => s.userId === actor.id),
				volunteeredByMe: volunteers.some((v) => v.userId === actor.id),
				history,
				targets: targetsFor(p.status, rights),
				can: {
					support: can(actor, 'proposal.support', space),
					comment: can(actor, 'proposal.comment', space),
					move: rights.canMove,
					undo: rights.canMove,
					edit: rights.canMove || rights.isAuthor,
					moderate: moderator
				}
			};
		},

		async propose(actor: Actor | null, input: unknown, photo?: Uint8Array | null) {
			const data = parse(proposeSchema, input);
			const space = residenceSpace(data.residenceId);
			authorize(actor, 'proposal.create', space);
			const id = ids.id();
			let photoName: string | null = null;
			if (photo && photo.byteLength > 0) {
				const encoded = await reencodePhoto(photo);
				photoName = `${id}-${ids.id()}.webp`;
				storePhoto(uploadDir(), photoName, encoded);
			}
			const now = clock.now();
			transaction(db, (tx) => {
				tx.insert(proposals)
					.values({
						id,
						spaceType: space.type,
						spaceId: space.id,
						title: data.title,
						description: data.description ?? '',
						category: data.category ?? 'other',
						costEuros: data.costEuros ?? null,
						carriedBy: data.carriedBy ?? null,
						status: 'idea',
						// New ideas go on top of their column, where people look first.
						position: positionIn(tx, space, 'idea', 0),
						photo: photoName,
						authorId: actor.id,
						createdAt: now,
						updatedAt: now
					})
					.run();
				event(tx, id, actor.id, 'created');
				audit(tx, now, actor.id, 'proposal.create', { type: 'proposal', id }, { space: keyOf(space), title: data.title, photo: !!photoName });
			});
			publishUpdate(id, 'created', actor);
			return { id };
		},

		comment(actor: Actor | null, input: unknown) {
			const data = parse(commentSchema, input);
			const p = visible(actor, data.proposalId);
			authorize(actor, 'proposal.comment', spaceOf(p));
			ensureNotHidden(p);
			let parentId: string | null = null;
			if (data.parentId) {
				const parent = db.select().from(proposalComments).where(eq(proposalComments.id, data.parentId)).get();
				if (!parent || parent.proposalId !== p.id) throw new UserError('board.error.noParent', {}, 404);
				// One level of replies: answering a reply joins the conversation under its top comment.
				parentId = parent.parentId ?? parent.id;
			}
			const id = ids.id();
			const pending = transaction(db, (tx) => {
				tx.insert(proposalComments).values({ id, proposalId: p.id, parentId, authorId: actor.id, body: data.body, createdAt: clock.now() }).run();
				audit(tx, clock.now(), actor.id, 'proposal.comment', { type: 'proposal', id: p.id }, { commentId: id, parentId });
				return notifications.record(tx, notifications.followersOf(tx, p, actor.id), 'comment', p, actor.id, { commentId: id, excerpt: data.body.slice(0, 140) });
			});
			publishUpdate(p.id, 'comment', actor);
			notifications.publish(pending);
			return { id, parentId };
		},

		/** Idempotent: supporting twice is still one support (the unique index guarantees it). */
		setSupport(actor: Actor | null, input: unknown) {
			const on = toggle(actor, input, proposalSupports, 'support');
			return { supported: on.on, supports: publicCard(db, on.id).supports };
		},

		setVolunteer(actor: Actor | null, input: unknown) {
			const on = toggle(actor, input, proposalVolunteers, 'volunteer');
			return { volunteered: on.on, volunteers: publicCard(db, on.id).volunteers };
		},

		move(actor: Actor | null, input: unknown) {
			const data = parse(moveSchema, input);
			const p = visible(actor, data.proposalId);
			authorize(actor, 'space.view', spaceOf(p));
			const { eventId, pending } = transaction(db, (tx) => applyMove(tx, actor, loadProposal(tx, p.id), data.status, data.reason, data.index));
			publishUpdate(p.id, 'moved', actor, eventId);
			notifications.publish(pending);
			return { eventId };
		},

		edit(actor: Actor | null, input: unknown) {
			const data = parse(editSchema, input);
			const p = visible(actor, data.proposalId);
			authorize(actor, 'space.view', spaceOf(p));
			const rights = rightsOn(actor, p);
			if (!rights.canMove && !rights.isAuthor) throw new ForbiddenError('proposal.editOwn');
			ensureNotHidden(p);
			const after: EditableFields = { title: data.title, category: data.category ?? 'other', costEuros: data.costEuros ?? null, carriedBy: data.carriedBy ?? null };
			if (sameFields(p, after)) return { eventId: null };
			const eventId = transaction(db, (tx) => {
				tx.update(proposals).set({ ...after, updatedAt: clock.now() }).where(eq(proposals.id, p.id)).run();
				const payload = { before: editable(p), after };
				audit(tx, clock.now(), actor.id, 'proposal.edit', { type: 'proposal', id: p.id }, payload);
				return event(tx, p.id, actor.id, 'edited', payload);
			});
			publishUpdate(p.id, 'edited', actor, eventId);
			return { eventId };
		},

		/**
		 * Undoes a move or an edit, as long as nothing changed the same thing since: undoing must never
		 * silently throw away someone else's later change.
		 */
		undo(actor: Actor | null, input: unknown) {
			const data = parse(undoSchema, input);
			const e = db.select().from(proposalEvents).where(eq(proposalEvents.id, data.eventId)).get();
			if (!e) throw notFound();
			const p = visible(actor, e.proposalId);
			authorize(actor, 'proposal.move', spaceOf(p));
			if (e.undoneAt) throw new UserError('board.error.alreadyUndone', {}, 409);
			if (e.kind !== 'moved' && e.kind !== 'edited') throw new UserError('board.error.cannotUndo', {}, 409);
			const now = clock.now();
			const pending = transaction(db, (tx) => {
				const cur = loadProposal(tx, p.id);
				let out: PendingNotification[] = [];
				if (e.kind === 'moved') {
					const d = e.data as { from: ProposalStatus; to: ProposalStatus; fromPosition: number; prevReason: string | null };
					if (cur.status !== d.to || !statuses.includes(d.from)) throw new UserError('board.error.staleUndo', {}, 409);
					tx.update(proposals).set({ status: d.from, position: d.fromPosition, declineReason: d.prevReason, updatedAt: now }).where(eq(proposals.id, p.id)).run();
					if (d.from !== d.to) out = notifications.record(tx, notifications.followersOf(tx, cur, actor.id), 'status', cur, actor.id, { from: d.to, to: d.from, reason: d.prevReason });
				} else {
					const d = e.data as { before: EditableFields; after: EditableFields };
					if (!sameFields(cur, d.after)) throw new UserError('board.error.staleUndo', {}, 409);
					tx.update(proposals).set({ ...editable(d.before), updatedAt: now }).where(eq(proposals.id, p.id)).run();
				}
				tx.update(proposalEvents).set({ undoneAt: now, undoneBy: actor.id }).where(eq(proposalEvents.id, e.id)).run();
				event(tx, p.id, actor.id, 'undone', { eventId: e.id, kind: e.kind, ...e.data });
				audit(tx, now, actor.id, 'proposal.undo', { type: 'proposal', id: p.id }, { eventId: e.id, kind: e.kind });
				return out;
			});
			publishUpdate(p.id, 'undone', actor);
			notifications.publish(pending);
			return { proposalId: p.id };
		},

		/** Hides a proposal with a public reason; its text stays in the audit log. */
		hideProposal(actor: Actor | null, input: unknown) {
			const data = parse(hideSchema, input);
			const p = visible(actor, data.id);
			authorize(actor, 'content.moderate', spaceOf(p));
			if (p.hiddenAt) throw new UserError('board.error.alreadyHidden', {}, 409);
			const now = clock.now();
			const pending = transaction(db, (tx) => {
				tx.update(proposals).set({ hiddenAt: now, hiddenBy: actor.id, hiddenReason: data.reason, updatedAt: now }).where(eq(proposals.id, p.id)).run();
				event(tx, p.id, actor.id, 'hidden', { reason: data.reason });
				audit(tx, now, actor.id, 'proposal.hide', { type: 'proposal', id: p.id }, { reason: data.reason, title: p.title, description: p.description });
				return p.authorId === actor.id ? [] : notifications.record(tx, [p.authorId], 'hidden', p, actor.id, { target: 'proposal', reason: data.reason });
			});
			publishUpdate(p.id, 'hidden', actor);
			notifications.publish(pending);
		},

		unhideProposal(actor: Actor | null, input: unknown) {
			const id = parse(hideSchema.pick({ id: true }), input).id;
			const p = visible(actor, id);
			authorize(actor, 'content.moderate', spaceOf(p));
			if (!p.hiddenAt) return;
			const now = clock.now();
			transaction(db, (tx) => {
				tx.update(proposals).set({ hiddenAt: null, hiddenBy: null, hiddenReason: null, updatedAt: now }).where(eq(proposals.id, p.id)).run();
				event(tx, p.id, actor.id, 'unhidden', { reason: p.hiddenReason });
				audit(tx, now, actor.id, 'proposal.unhide', { type: 'proposal', id: p.id }, { reason: p.hiddenReason });
			});
			publishUpdate(p.id, 'hidden', actor);
		},

		hideComment(actor: Actor | null, input: unknown) {
			const data = parse(hideSchema, input);
			const c = db.select().from(proposalComments).where(eq(proposalComments.id, data.id)).get();
			if (!c) throw notFound();
			const p = visible(actor, c.proposalId);
			authorize(actor, 'content.moderate', spaceOf(p));
			if (c.hiddenAt) throw new UserError('board.error.alreadyHidden', {}, 409);
			const now = clock.now();
			const pending = transaction(db, (tx) => {
				tx.update(proposalComments).set({ hiddenAt: now, hiddenBy: actor.id, hiddenReason: data.reason }).where(eq(proposalComments.id, c.id)).run();
				event(tx, p.id, actor.id, 'commentHidden', { commentId: c.id, reason: data.reason });
				audit(tx, now, actor.id, 'comment.hide', { type: 'proposal', id: p.id }, { commentId: c.id, reason: data.reason, body: c.body, authorId: c.authorId });
				return c.authorId === actor.id ? [] : notifications.record(tx, [c.authorId], 'hidden', p, actor.id, { target: 'comment', reason: data.reason, commentId: c.id });
			});
			publishUpdate(p.id, 'comment', actor);
			notifications.publish(pending);
		},

		unhideComment(actor: Actor | null, input: unknown) {
			const id = parse(hideSchema.pick({ id: true }), input).id;
			const c = db.select().from(proposalComments).where(eq(proposalComments.id, id)).get();
			if (!c) throw notFound();
			const p = visible(actor, c.proposalId);
			authorize(actor, 'content.moderate', spaceOf(p));
			if (!c.hiddenAt) return;
			const now = clock.now();
			transaction(db, (tx) => {
				tx.update(proposalComments).set({ hiddenAt: null, hiddenBy: null, hiddenReason: null }).where(eq(proposalComments.id, c.id)).run();
				event(tx, p.id, actor.id, 'commentUnhidden', { commentId: c.id });
				audit(tx, now, actor.id, 'comment.unhide', { type: 'proposal', id: p.id }, { commentId: c.id });
			});
			publishUpdate(p.id, 'comment', actor);
		},

		/** The stored photo's absolute path, for the authorised route that serves it. */
		photoPath(actor: Actor | null, proposalId: string): string {
			const p = visible(actor, proposalId);
			if (!p.photo || (p.hiddenAt && !can(actor, 'content.moderate', spaceOf(p)))) throw notFound();
			return join(photoDir(uploadDir()), p.photo);
		},

		/** The columns in display order, for pages that list them. */
		columns: [...openSequence, 'declined'] as ProposalStatus[]
	};
}

/** Once a proposal is hidden, readers who are not moderators see in its history the facts and reasons, not the hidden text (old titles of edits). */
function redactHidden(e: typeof proposalEvents.$inferSelect): Record<string, unknown> {
	const { reason, from, to, kind } = e.data as Record<string, unknown>;
	return Object.fromEntries(Object.entries({ reason, from, to, kind }).filter(([, v]) => v !== undefined));
}

export type ProposalsService = ReturnType<typeof createProposalsService>;
export type BoardView = ReturnType<ProposalsService['board']>;
export type ProposalView = ReturnType<ProposalsService['proposal']>;
