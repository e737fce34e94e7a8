/** The list of speakers of the current item: hands raised, the chair's additions, who speaks now. */
import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import { canRaiseHand, queueOrder, type SpeechType } from '$lib/domain/meetings';
import { authorize, meetingResource, type Actor } from '$lib/domain/policy';
import type { AsyncDb } from '../../db/data';
import { first } from '../../db/data';
import { logAudit } from '../audit';
import { parse } from '../validate';
import { meetingError, speechView, type MeetingContext, type MeetingRow } from './context';
import type { createRoomState } from './room-state';
import { addSpeakerSchema, meetingRefSchema, raiseHandSchema, speechRefSchema } from './schemas';

export function createSpeakers(ctx: MeetingContext, room: ReturnType<typeof createRoomState>) {
	const { data: store, deps } = ctx;
	const { meetingSpeeches } = ctx.t;

	function current(meeting: MeetingRow): string {
		if (meeting.status !== 'open') throw meetingError(meeting.status === 'cancelled' ? 'cancelled' : 'notOpen');
		if (!meeting.currentItemId) throw meetingError('noCurrentItem');
		return meeting.currentItemId;
	}

	async function speechesOf(tx: AsyncDb, meeting: MeetingRow, itemId: string) {
		// In the order they were asked for (as SQLite's insertion order gave them before issue 12).
		return (
			await tx
				.select()
				.from(meetingSpeeches)
				.where(and(eq(meetingSpeeches.meetingId, meeting.id), eq(meetingSpeeches.itemId, itemId)))
				.orderBy(asc(meetingSpeeches.requestedAt), asc(meetingSpeeches.id))
		).map(speechView);
	}

	async function add(tx: AsyncDb, meeting: MeetingRow, actor: Actor, userId: string, type: SpeechType) {
		const itemId = current(meeting);
		if (!(await ctx.participantIds(tx, meeting.bodyId, await ctx.seatsOf(tx, meeting.bodyId))).has(userId)) throw meetingError('notMember');
		if (!canRaiseHand(await speechesOf(tx, meeting, itemId), userId, type)) throw meetingError('handAlreadyRaised');
		const id = deps.ids.id();
		const at = deps.clock.now();
		await tx.insert(meetingSpeeches).values({ id, meetingId: meeting.id, itemId, userId, type, requestedAt: at, addedBy: actor.id });
		await ctx.bump(tx, meeting);
		await logAudit(store, at, actor.id, 'meeting.hand', { type: 'meeting', id: meeting.id }, { speechId: id, userId, speech: type });
		return id;
	}

	return {
		async raiseHand(actor: Actor | null, input: unknown) {
			const data = parse(raiseHandSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.proposeItem', data.meetingId);
			const id = await store.write((tx) => add(tx, meeting, actor!, actor!.id, data.type));
			await room.publish(meeting.id);
			return { id };
		},

		async addSpeaker(actor: Actor | null, input: unknown) {
			const data = parse(addSpeakerSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.speakers', data.meetingId);
			const id = await store.write((tx) => add(tx, meeting, actor!, data.userId, data.type));
			await room.publish(meeting.id);
			return { id };
		},

		/** A member lowers their own hand; the chair or secretary may remove anyone from the list. */
		async withdraw(actor: Actor | null, input: unknown) {
			const data = parse(speechRefSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.view', data.meetingId);
			await store.write(async (tx) => {
				const speech = await first(tx.select().from(meetingSpeeches).where(and(eq(meetingSpeeches.id, data.speechId), eq(meetingSpeeches.meetingId, meeting.id))));
				if (!speech) throw meetingError('speakerGone');
				if (speech.userId !== actor!.id) authorize(actor, 'meeting.speakers', meetingResource(meeting));
				const done = await tx
					.update(meetingSpeeches)
					.set({ cancelledAt: deps.clock.now() })
					.where(and(eq(meetingSpeeches.id, speech.id), isNull(meetingSpeeches.startedAt), isNull(meetingSpeeches.cancelledAt)))
					.returning({ id: meetingSpeeches.id });
				if (done.length !== 1) throw meetingError('speakerGone');
				await ctx.bump(tx, meeting);
				await logAudit(store, deps.clock.now(), actor!.id, 'meeting.handLowered', { type: 'meeting', id: meeting.id }, { speechId: speech.id });
			});
			await room.publish(meeting.id);
		},

		/** Ends whoever is speaking and gives the floor to the first of the list (if any). */
		async next(actor: Actor | null, input: unknown) {
			const data = parse(meetingRefSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.speakers', data.meetingId);
			const started = await store.write(async (tx) => {
				const itemId = current(meeting);
				const at = deps.clock.now();
				const list = await speechesOf(tx, meeting, itemId);
				for (const s of list.filter((x) => x.startedAt !== null && x.endedAt === null && x.cancelledAt === null))
					await tx.update(meetingSpeeches).set({ endedAt: at }).where(eq(meetingSpeeches.id, s.id));
				const next = queueOrder(list, (await ctx.rulesOf(tx, meeting.bodyId)).firstTimeFirst)[0];
				if (next) await tx.update(meetingSpeeches).set({ startedAt: at }).where(eq(meetingSpeeches.id, next.id));
				await ctx.bump(tx, meeting);
				await logAudit(store, at, actor!.id, 'meeting.nextSpeaker', { type: 'meeting', id: meeting.id }, { speechId: next?.id ?? null });
				return next?.id ?? null;
			});
			await room.publish(meeting.id);
			return { speechId: started };
		},

		async endSpeech(actor: Actor | null, input: unknown) {
			const data = parse(speechRefSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.speakers', data.meetingId);
			await store.write(async (tx) => {
				const done = await tx
					.update(meetingSpeeches)
					.set({ endedAt: deps.clock.now() })
					.where(
						and(
							eq(meetingSpeeches.id, data.speechId),
							eq(meetingSpeeches.meetingId, meeting.id),
							isNotNull(meetingSpeeches.startedAt),
							isNull(meetingSpeeches.endedAt),
							isNull(meetingSpeeches.cancelledAt)
						)
					)
					.returning({ id: meetingSpeeches.id });
				if (done.length !== 1) throw meetingError('speakerGone');
				await ctx.bump(tx, meeting);
				await logAudit(store, deps.clock.now(), actor!.id, 'meeting.speechEnded', { type: 'meeting', id: meeting.id }, { speechId: data.speechId });
			});
			await room.publish(meeting.id);
		}
	};
}
