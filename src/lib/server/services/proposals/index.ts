import { and, eq } from 'drizzle-orm';
import { join } from 'node:path';
import { checkMove, openSequence, statuses, type ProposalStatus } from '$lib/domain/lifecycle';
import { authorize, can, ForbiddenError, proposalResource, type Actor } from '$lib/domain/policy';
import { commentSchema, editSchema, moveSchema, proposeSchema, toggleSchema, undoSchema } from '$lib/domain/schemas/proposals';
import { transaction, type Db } from '../../db';
import { proposalComments, proposalEvents, proposals, proposalSupports, proposalVolunteers } from '../../db/schema';
import { photoDir, reencodePhoto, storePhoto } from '../../uploads/photos';
import { audit } from '../audit';
import type { ServiceDeps } from '../deps';
import { notFound, UserError } from '../errors';
import type { PendingNotification } from '../notifications';
import { parse } from '../validate';
import { createProposalsContext, keyOf, spaceOf, type EditableFields, type ProposalRow, type ProposalsOptions } from './context';
import { createProposalViews } from './views';
import { createProposalModeration } from './moderation';
import { createProposalAuthoring } from './authoring';

export type { ProposalsOptions } from './context';

export function createProposalsService(deps: ServiceDeps, options: ProposalsOptions = {}) {
	const ctx = createProposalsContext(deps, options);
	const { ids } = deps;
	const { db, clock, uploadDir, notifications, publicCard, publishUpdate, loadProposal, visible, residenceSpace, positionIn, event, rightsOn, allow } = ctx;

	function applyMove(tx: Db, actor: Actor, p: ProposalRow, to: ProposalStatus, reason: string | undefined, index: number | undefined) {
		const space = spaceOf(p);
		if (to === p.status) {
			// Reordering inside a column: a board manager's prioritisation, not a lifecycle step.
			authorize(actor, 'proposal.move', proposalResource(p));
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
		actor = allow(actor, 'proposal.support', p);
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
		...createProposalViews(ctx),

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
			actor = allow(actor, 'proposal.comment', p);
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
			actor = allow(actor, 'proposal.view', p);
			const { eventId, pending } = transaction(db, (tx) => applyMove(tx, actor, loadProposal(tx, p.id), data.status, data.reason, data.index));
			publishUpdate(p.id, 'moved', actor, eventId);
			notifications.publish(pending);
			return { eventId };
		},

		edit(actor: Actor | null, input: unknown) {
			const data = parse(editSchema, input);
			const p = visible(actor, data.proposalId);
			actor = allow(actor, 'proposal.edit', p);
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
			authorize(actor, 'proposal.undo', proposalResource(p));
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

		...createProposalModeration(ctx),

		...createProposalAuthoring(ctx),

		/** The stored photo's absolute path, for the authorised route that serves it. */
		photoPath(actor: Actor | null, proposalId: string): string {
			const p = visible(actor, proposalId);
			if (!p.photo || !can(actor, 'proposal.read', proposalResource(p))) throw notFound();
			return join(photoDir(uploadDir()), p.photo);
		},

		/** The columns in display order, for pages that list them. */
		columns: [...openSequence, 'declined'] as ProposalStatus[]
	};
}

export type ProposalsService = ReturnType<typeof createProposalsService>;
export type BoardView = ReturnType<ProposalsService['board']>;
export type ProposalView = ReturnType<ProposalsService['proposal']>;
