/** Scheduling a meeting and moving it through its life: edit, postpone, cancel, open, close, agenda. */
import { and, asc, eq, max } from 'drizzle-orm';
import { checkTransition, moveAgenda, type MeetingAction } from '$lib/domain/meetings';
import type { Actor } from '$lib/domain/policy';
import { first, type AsyncDb } from '../../db/data';
import { logAudit } from '../audit';
import { parse } from '../validate';
import { bodySpace, meetingError, type MeetingContext, type MeetingRow } from './context';
import { parisToDate } from './paris';
import type { MeetingNotices } from './notify';
import type { createRoomState } from './room-state';
import { agendaMoveSchema, declineSchema, editSchema, itemSchema, meetingRefSchema, postponeSchema, scheduleSchema, statusChangeSchema } from './schemas';
import { authorize, can, meetingResource } from '$lib/domain/policy';
import { UserError } from '../errors';

export function createLifecycle(ctx: MeetingContext, room: ReturnType<typeof createRoomState>, notices: MeetingNotices) {
	const { data: store, deps } = ctx;
	const { agendaItems, consultations, meetings, proposals } = ctx.t;
	const now = () => deps.clock.now();

	async function transition(tx: AsyncDb, actor: Actor, meeting: MeetingRow, action: MeetingAction, extra: Partial<typeof meetings.$inferInsert> = {}, data: Record<string, unknown> = {}) {
		const check = checkTransition(meeting.status, action);
		if (!check.ok) throw meetingError(check.code);
		await tx.update(meetings).set({ ...extra, status: check.value, version: meeting.version + 1 }).where(eq(meetings.id, meeting.id));
		await logAudit(store, now(), actor.id, `meeting.${action}`, { type: 'meeting', id: meeting.id }, data);
	}

	/** The linked proposal or consultation must belong to this body (never another body's). */
	async function checkLinks(tx: AsyncDb, bodyId: string, proposalId?: string, consultationId?: string) {
		if (proposalId) {
			const p = await first(tx.select({ spaceType: proposals.spaceType, spaceId: proposals.spaceId }).from(proposals).where(eq(proposals.id, proposalId)));
			if (!p || p.spaceType !== 'body' || p.spaceId !== bodyId) throw new UserError('meetings.error.link');
		}
		if (consultationId) {
			const c = await first(tx.select({ spaceType: consultations.spaceType, spaceId: consultations.spaceId }).from(consultations).where(eq(consultations.id, consultationId)));
			if (!c || c.spaceType !== 'body' || c.spaceId !== bodyId) throw new UserError('meetings.error.link');
		}
	}

	return {
		async schedule(actor: Actor | null, input: unknown) {
			const data = parse(scheduleSchema, input);
			authorize(actor, 'meeting.schedule', bodySpace(data.bodyId));
			const id = deps.ids.id();
			await store.write(async (tx) => {
				await tx.insert(meetings).values({
						id,
						bodyId: data.bodyId,
						title: data.title,
						description: data.description,
						startsAt: parisToDate(data.startsAt),
						durationMin: data.durationMin,
						place: data.place,
						videoUrl: data.videoUrl,
						status: 'scheduled',
						createdBy: actor.id,
						createdAt: now()
				});
				await logAudit(store, now(), actor.id, 'meeting.schedule', { type: 'meeting', id }, { bodyId: data.bodyId, title: data.title });
			});
			await notices.notify(await ctx.loadMeeting(store.db, id), 'meetingInvited', actor.id);
			return { id };
		},

		async edit(actor: Actor | null, input: unknown) {
			const data = parse(editSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.schedule', data.meetingId);
			await store.write((tx) =>
				transition(tx, actor!, meeting, 'edit', {
					title: data.title,
					description: data.description,
					startsAt: parisToDate(data.startsAt),
					durationMin: data.durationMin,
					place: data.place,
					videoUrl: data.videoUrl
				})
			);
			await room.publish(meeting.id);
			await notices.notify(await ctx.loadMeeting(store.db, meeting.id), 'meetingChanged', actor!.id, { change: 'edited' });
		},

		async postpone(actor: Actor | null, input: unknown) {
			const data = parse(postponeSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.schedule', data.meetingId);
			await store.write(async (tx) => {
				// With a new date it is scheduled again at once; without one it waits, marked postponed.
				if (data.startsAt) {
					const check = checkTransition(meeting.status, 'postpone');
					if (!check.ok) throw meetingError(check.code);
					await tx.update(meetings).set({ status: 'scheduled', startsAt: parisToDate(data.startsAt), statusReason: data.reason, version: meeting.version + 1 }).where(eq(meetings.id, meeting.id));
					await logAudit(store, now(), actor!.id, 'meeting.postpone', { type: 'meeting', id: meeting.id }, { to: data.startsAt, reason: data.reason });
				} else await transition(tx, actor!, meeting, 'postpone', { statusReason: data.reason }, { reason: data.reason });
			});
			await room.publish(meeting.id);
			await notices.notify(await ctx.loadMeeting(store.db, meeting.id), 'meetingChanged', actor!.id, { change: 'postponed', reason: data.reason });
		},

		async cancel(actor: Actor | null, input: unknown) {
			const data = parse(statusChangeSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.schedule', data.meetingId);
			await store.write((tx) => transition(tx, actor!, meeting, 'cancel', { statusReason: data.reason }, { reason: data.reason }));
			await room.publish(meeting.id);
			await notices.notify(meeting, 'meetingChanged', actor!.id, { change: 'cancelled', reason: data.reason });
		},

		async open(actor: Actor | null, input: unknown) {
			const data = parse(meetingRefSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.chair', data.meetingId);
			await store.write((tx) => transition(tx, actor!, meeting, 'open', { openedAt: now() }));
			await room.publish(meeting.id);
			await notices.notify(meeting, 'meetingStarting', actor!.id);
		},

		async close(actor: Actor | null, input: unknown) {
			const data = parse(meetingRefSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.chair', data.meetingId);
			await store.write(async (tx) => {
				if (meeting.currentItemId) await tx.update(agendaItems).set({ endedAt: now() }).where(eq(agendaItems.id, meeting.currentItemId));
				await transition(tx, actor!, meeting, 'close', { closedAt: now() });
			});
			await room.publish(meeting.id);
		},

		/** The chair moves through the agenda; two chairs pressing at once move it only once. */
		async moveTo(actor: Actor | null, input: unknown) {
			const data = parse(agendaMoveSchema, input);
			const meetingId = data.meetingId;
			await store.write(async (tx) => {
				const { meeting } = await ctx.guard(actor, 'meeting.chair', meetingId, tx);
				const ids = (
					await tx
						.select({ id: agendaItems.id })
						.from(agendaItems)
						.where(and(eq(agendaItems.meetingId, meetingId), eq(agendaItems.state, 'accepted')))
						.orderBy(asc(agendaItems.position), asc(agendaItems.id))
				).map((r) => r.id);
				const move = moveAgenda(meeting.status, ids, meeting.currentItemId, data.expected, data.to);
				if (!move.ok) throw meetingError(move.code);
				const at = now();
				if (meeting.currentItemId) await tx.update(agendaItems).set({ endedAt: at }).where(eq(agendaItems.id, meeting.currentItemId));
				await tx.update(agendaItems).set({ startedAt: at, endedAt: null }).where(eq(agendaItems.id, move.value!));
				// The version check makes the second of two simultaneous moves fail even across processes.
				const done = await tx
					.update(meetings)
					.set({ currentItemId: move.value, version: meeting.version + 1 })
					.where(and(eq(meetings.id, meetingId), eq(meetings.version, meeting.version)))
					.returning({ id: meetings.id });
				if (done.length !== 1) throw meetingError('agendaMoved');
				await logAudit(store, at, actor!.id, 'meeting.item', { type: 'meeting', id: meetingId }, { itemId: move.value });
			});
			await room.publish(meetingId);
		},

		/** Chair and secretary add items directly; members propose them for the chair to accept. */
		async addItem(actor: Actor | null, input: unknown) {
			const data = parse(itemSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.proposeItem', data.meetingId);
			if (meeting.status === 'closed' || meeting.status === 'cancelled') throw meetingError(meeting.status === 'cancelled' ? 'cancelled' : 'transition');
			const direct = can(actor, 'meeting.schedule', meetingResource(meeting));
			const id = deps.ids.id();
			await store.write(async (tx) => {
				await checkLinks(tx, meeting.bodyId, data.proposalId, data.consultationId);
				const last = await first(tx.select({ n: max(agendaItems.position) }).from(agendaItems).where(eq(agendaItems.meetingId, meeting.id)));
				await tx.insert(agendaItems).values({
						id,
						meetingId: meeting.id,
						position: (last?.n ?? -1) + 1,
						title: data.title,
						description: data.description,
						kind: data.kind,
						timeBoxMin: data.timeBoxMin,
						state: direct ? 'accepted' : 'proposed',
						proposedBy: actor!.id,
						proposalId: data.proposalId ?? null,
						consultationId: data.consultationId ?? null,
						createdAt: now()
				});
				await ctx.bump(tx, meeting);
				await logAudit(store, now(), actor!.id, direct ? 'meeting.itemAdded' : 'meeting.itemProposed', { type: 'meeting', id: meeting.id }, { itemId: id });
			});
			await room.publish(meeting.id);
			if (direct && (meeting.status === 'scheduled' || meeting.status === 'postponed')) await notices.notify(meeting, 'meetingChanged', actor!.id, { change: 'agenda' });
			return { id, proposed: !direct };
		},

		async decideItem(actor: Actor | null, input: unknown) {
			const data = parse(declineSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.chair', data.meetingId);
			await store.write(async (tx) => {
				const item = await first(tx.select().from(agendaItems).where(and(eq(agendaItems.id, data.itemId), eq(agendaItems.meetingId, meeting.id))));
				if (!item) throw meetingError('noSuchItem');
				if (item.state !== 'proposed') throw new UserError('meetings.error.alreadyDecided', {}, 409);
				await tx
					.update(agendaItems)
					.set({ state: data.accept ? 'accepted' : 'declined', declineReason: data.accept ? '' : data.reason })
					.where(eq(agendaItems.id, item.id));
				await ctx.bump(tx, meeting);
				await logAudit(store, now(), actor!.id, data.accept ? 'meeting.itemAccepted' : 'meeting.itemDeclined', { type: 'meeting', id: meeting.id }, { itemId: item.id, reason: data.reason });
			});
			await room.publish(meeting.id);
			if (data.accept && (meeting.status === 'scheduled' || meeting.status === 'postponed')) await notices.notify(meeting, 'meetingChanged', actor!.id, { change: 'agenda' });
		}
	};
}
