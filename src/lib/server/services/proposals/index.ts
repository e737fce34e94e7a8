import { and, eq, sql } from 'drizzle-orm';
import { join } from 'node:path';
import { checkMove, openSequence, statuses, type ProposalStatus } from '$lib/domain/lifecycle';
import { authorize, can, ForbiddenError, proposalResource, type Actor } from '$lib/domain/policy';
import { commentSchema, editSchema, moveSchema, proposeSchema, toggleSchema, undoSchema } from '$lib/domain/schemas/proposals';
import type { AsyncDb } from '../../db/data';
import { prepared, preparedInsert } from '../../db/prepared';
import { photoDir, reencodePhoto, storePhoto } from '../../uploads/photos';
import { logAudit } from '../audit';
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
	const { proposalComments, proposalEvents, proposals, proposalSupports, proposalVolunteers } = deps.data.t;
	const { data: dataHandle, clock, uploadDir, notifications, publicCard, publishUpdate, loadProposal, visible, residenceSpace, positionIn, event, rightsOn, allow } = ctx;

	async function applyMove(tx: AsyncDb, actor: Actor, p: ProposalRow, to: ProposalStatus, reason: string | undefined, index: number | undefined) {
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
		const position = await positionIn(tx, space, to, index, p.id);
		const declineReason = to === 'declined' ? (reason ?? null) : null;
		await tx.update(proposals).set({ status: to, position, declineReason, updatedAt: clock.now() }).where(eq(proposals.id, p.id));
		const data = { from: p.status, to, fromPosition: p.position, toPosition: position, prevReason: p.declineReason, reason: declineReason };
		const eventId = await event(tx, p.id, actor.id, 'moved', data);
		await logAudit(dataHandle, clock.now(), actor.id, 'proposal.move', { type: 'proposal', id: p.id }, data);
		const pending = to === p.status ? [] : await notifications.record(await notifications.followersOf(p, actor.id), 'status', p, actor.id, { from: p.status, to, reason: declineReason });
		return { eventId, pending };
	}

	const editable = (p: EditableFields): EditableFields => ({ title: p.title, category: p.category, costEuros: p.costEuros, carriedBy: p.carriedBy });
	const sameFields = (a: EditableFields, b: EditableFields) => JSON.stringify(editable(a)) === JSON.stringify(editable(b));


	/** A support or a hand offered, on or off: statements built once per handle and table (db/prepared.ts). */
	const gestures = (table: typeof proposalSupports | typeof proposalVolunteers) =>
		prepared(dataHandle, (db) => ({
			on: db
				.insert(table)
				.values({ proposalId: sql.placeholder('proposalId'), userId: sql.placeholder('userId'), createdAt: sql.placeholder('at') })
				.onConflictDoNothing()
				.returning({ id: table.proposalId })
				.prepare(),
			off: db
				.delete(table)
				.where(and(eq(table.proposalId, sql.placeholder('proposalId')), eq(table.userId, sql.placeholder('userId'))))
				.returning({ id: table.proposalId })
				.prepare()
		}));
	const gesture = { support: gestures(proposalSupports), volunteer: gestures(proposalVolunteers) };
	const insertComment = preparedInsert(dataHandle, proposalComments, ['id', 'proposalId', 'parentId', 'authorId', 'body', 'createdAt']);

	/**
	 * Supporting and offering a hand ("Je participe") are the same gesture on two tables: one row per
	 * person, on or off. Offering a hand is granted with supporting (a participant's gesture).
	 */
	async function toggle(actor: Actor | null, input: unknown, kind: 'support' | 'volunteer') {
		const data = parse(toggleSchema, input);
		const p = await visible(actor, data.proposalId);
		const who = allow(actor, 'proposal.support', p);
		const changed = await dataHandle.write(async () => {
			const statements = gesture[kind]();
			const res = data.on ? await statements.on.execute({ proposalId: p.id, userId: who.id, at: clock.now() }) : await statements.off.execute({ proposalId: p.id, userId: who.id });
			if (res.length > 0) await logAudit(dataHandle, clock.now(), who.id, `proposal.${data.on ? '' : 'un'}${kind}`, { type: 'proposal', id: p.id });
			return res.length > 0;
		});
		// The card the room hears also gives the actor's answer (its counts), without reading it twice.
		const card = changed ? await publishUpdate(p.id, kind, who) : await publicCard(p.id);
		return { on: data.on, card };
	}
	return {
		...createProposalViews(ctx),

		async propose(actor: Actor | null, input: unknown, photo?: Uint8Array | null) {
			const data = parse(proposeSchema, input);
			const space = await residenceSpace(data.residenceId);
			authorize(actor, 'proposal.create', space);
			const id = ids.id();
			let photoName: string | null = null;
			if (photo && photo.byteLength > 0) {
				const encoded = await reencodePhoto(photo);
				photoName = `${id}-${ids.id()}.webp`;
				storePhoto(uploadDir(), photoName, encoded);
			}
			const now = clock.now();
			await dataHandle.write(async (tx) => {
				await tx.insert(proposals)
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
						position: await positionIn(tx, space, 'idea', 0),
						photo: photoName,
						authorId: actor.id,
						createdAt: now,
						updatedAt: now
					});
				await event(tx, id, actor.id, 'created');
				await logAudit(dataHandle, now, actor.id, 'proposal.create', { type: 'proposal', id }, { space: keyOf(space), title: data.title, photo: !!photoName });
			});
			await publishUpdate(id, 'created', actor);
			return { id };
		},

		async comment(actor: Actor | null, input: unknown) {
			const data = parse(commentSchema, input);
			const p = await visible(actor, data.proposalId);
			const who = allow(actor, 'proposal.comment', p);
			let parentId: string | null = null;
			if (data.parentId) {
				const [parent] = await dataHandle.db.select().from(proposalComments).where(eq(proposalComments.id, data.parentId)).limit(1);
				if (!parent || parent.proposalId !== p.id) throw new UserError('board.error.noParent', {}, 404);
				// One level of replies: answering a reply joins the conversation under its top comment.
				parentId = parent.parentId ?? parent.id;
			}
			const id = ids.id();
			const pending = await dataHandle.write(async () => {
				await insertComment([{ id, proposalId: p.id, parentId, authorId: who.id, body: data.body, createdAt: clock.now() }]);
				await logAudit(dataHandle, clock.now(), who.id, 'proposal.comment', { type: 'proposal', id: p.id }, { commentId: id, parentId });
				return notifications.record(await notifications.followersOf(p, who.id), 'comment', p, who.id, { commentId: id, excerpt: data.body.slice(0, 140) });
			});
			const card = await publishUpdate(p.id, 'comment', who);
			// The followers' payloads from the card just read after the commit (hidden or not, its title), not read back.
			await notifications.publishAbout(pending, { id: p.id, title: card.hidden ? p.title : card.title, spaceId: p.spaceId, authorId: p.authorId, hidden: card.hidden !== null });
			return { id, parentId };
		},

		/** Idempotent: supporting twice is still one support (the unique index guarantees it). */
		async setSupport(actor: Actor | null, input: unknown) {
			const on = await toggle(actor, input, 'support');
			return { supported: on.on, supports: on.card.supports };
		},

		async setVolunteer(actor: Actor | null, input: unknown) {
			const on = await toggle(actor, input, 'volunteer');
			return { volunteered: on.on, volunteers: on.card.volunteers };
		},

		async move(actor: Actor | null, input: unknown) {
			const data = parse(moveSchema, input);
			const p = await visible(actor, data.proposalId);
			const who = allow(actor, 'proposal.view', p);
			const { eventId, pending } = await dataHandle.write(async (tx) => applyMove(tx, who, await loadProposal(tx, p.id), data.status, data.reason, data.index));
			await publishUpdate(p.id, 'moved', who, eventId);
			await notifications.publish(pending);
			return { eventId };
		},

		async edit(actor: Actor | null, input: unknown) {
			const data = parse(editSchema, input);
			const p = await visible(actor, data.proposalId);
			const who = allow(actor, 'proposal.edit', p);
			const after: EditableFields = { title: data.title, category: data.category ?? 'other', costEuros: data.costEuros ?? null, carriedBy: data.carriedBy ?? null };
			if (sameFields(p, after)) return { eventId: null };
			const eventId = await dataHandle.write(async (tx) => {
				await tx.update(proposals).set({ ...after, updatedAt: clock.now() }).where(eq(proposals.id, p.id));
				const payload = { before: editable(p), after };
				await logAudit(dataHandle, clock.now(), who.id, 'proposal.edit', { type: 'proposal', id: p.id }, payload);
				return event(tx, p.id, who.id, 'edited', payload);
			});
			await publishUpdate(p.id, 'edited', who, eventId);
			return { eventId };
		},

		/**
		 * Undoes a move or an edit, as long as nothing changed the same thing since: undoing must never
		 * silently throw away someone else's later change.
		 */
		async undo(actor: Actor | null, input: unknown) {
			const data = parse(undoSchema, input);
			const [e] = await dataHandle.db.select().from(proposalEvents).where(eq(proposalEvents.id, data.eventId)).limit(1);
			if (!e) throw notFound();
			const p = await visible(actor, e.proposalId);
			authorize(actor, 'proposal.undo', proposalResource(p));
			if (e.undoneAt) throw new UserError('board.error.alreadyUndone', {}, 409);
			if (e.kind !== 'moved' && e.kind !== 'edited') throw new UserError('board.error.cannotUndo', {}, 409);
			const now = clock.now();
			const pending = await dataHandle.write(async (tx) => {
				const cur = await loadProposal(tx, p.id);
				let out: PendingNotification[] = [];
				if (e.kind === 'moved') {
					const d = e.data as { from: ProposalStatus; to: ProposalStatus; fromPosition: number; prevReason: string | null };
					if (cur.status !== d.to || !statuses.includes(d.from)) throw new UserError('board.error.staleUndo', {}, 409);
					await tx.update(proposals).set({ status: d.from, position: d.fromPosition, declineReason: d.prevReason, updatedAt: now }).where(eq(proposals.id, p.id));
					if (d.from !== d.to) out = await notifications.record(await notifications.followersOf(cur, actor.id), 'status', cur, actor.id, { from: d.to, to: d.from, reason: d.prevReason });
				} else {
					const d = e.data as { before: EditableFields; after: EditableFields };
					if (!sameFields(cur, d.after)) throw new UserError('board.error.staleUndo', {}, 409);
					await tx.update(proposals).set({ ...editable(d.before), updatedAt: now }).where(eq(proposals.id, p.id));
				}
				await tx.update(proposalEvents).set({ undoneAt: now, undoneBy: actor.id }).where(eq(proposalEvents.id, e.id));
				await event(tx, p.id, actor.id, 'undone', { eventId: e.id, kind: e.kind, ...e.data });
				await logAudit(dataHandle, now, actor.id, 'proposal.undo', { type: 'proposal', id: p.id }, { eventId: e.id, kind: e.kind });
				return out;
			});
			await publishUpdate(p.id, 'undone', actor);
			await notifications.publish(pending);
			return { proposalId: p.id };
		},

		...createProposalModeration(ctx),

		...createProposalAuthoring(ctx),

		/** The stored photo's absolute path, for the authorised route that serves it. */
		async photoPath(actor: Actor | null, proposalId: string): Promise<string> {
			const p = await visible(actor, proposalId);
			if (!p.photo || !can(actor, 'proposal.read', proposalResource(p))) throw notFound();
			return join(photoDir(uploadDir()), p.photo);
		},

		/** The columns in display order, for pages that list them. */
		columns: [...openSequence, 'declined'] as ProposalStatus[]
	};
}

export type ProposalsService = ReturnType<typeof createProposalsService>;
export type BoardView = Awaited<ReturnType<ProposalsService['board']>>;
export type ProposalView = Awaited<ReturnType<ProposalsService['proposal']>>;
