/** The list of speakers of the current item: hands raised, the chair's additions, who speaks now. */
import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import { canRaiseHand, queueOrder, type SpeechType } from '$lib/domain/meetings';
import { authorize, meetingResource, type Actor } from '$lib/domain/policy';
import { transaction, type Db } from '../../db';
import { meetingSpeeches } from '../../db/schema';
import { audit } from '../audit';
import { parse } from '../validate';
import { meetingError, speechView, type MeetingContext, type MeetingRow } from './context';
import type { createRoomState } from './room-state';
import { addSpeakerSchema, meetingRefSchema, raiseHandSchema, speechRefSchema } from './schemas';

export function createSpeakers(ctx: MeetingContext, room: ReturnType<typeof createRoomState>) {
	const { db, deps } = ctx;

	function current(meeting: MeetingRow): string {
		if (meeting.status !== 'open') throw meetingError(meeting.status === 'cancelled' ? 'cancelled' : 'notOpen');
		if (!meeting.currentItemId) throw meetingError('noCurrentItem');
		return meeting.currentItemId;
	}

	function speechesOf(tx: Db, meeting: MeetingRow, itemId: string) {
		return tx
			.select()
			.from(meetingSpeeches)
			.where(and(eq(meetingSpeeches.meetingId, meeting.id), eq(meetingSpeeches.itemId, itemId)))
			.all()
			.map(speechView);
	}

	function add(tx: Db, meeting: MeetingRow, actor: Actor, userId: string, type: SpeechType) {
		const itemId = current(meeting);
		if (!ctx.participantIds(tx, meeting.bodyId, ctx.seatsOf(tx, meeting.bodyId)).has(userId)) throw meetingError('notMember');
		if (!canRaiseHand(speechesOf(tx, meeting, itemId), userId, type)) throw meetingError('handAlreadyRaised');
		const id = deps.ids.id();
		const at = deps.clock.now();
		tx.insert(meetingSpeeches).values({ id, meetingId: meeting.id, itemId, userId, type, requestedAt: at, addedBy: actor.id }).run();
		ctx.bump(tx, meeting);
		audit(tx, at, actor.id, 'meeting.hand', { type: 'meeting', id: meeting.id }, { speechId: id, userId, speech: type });
		return id;
	}

	return {
		async raiseHand(actor: Actor | null, input: unknown) {
			const data = parse(raiseHandSchema, input);
			const { meeting } = ctx.guard(actor, 'meeting.proposeItem', data.meetingId);
			const id = transaction(db, (tx) => add(tx, meeting, actor!, actor!.id, data.type));
			room.publish(meeting.id);
			return { id };
		},

		async addSpeaker(actor: Actor | null, input: unknown) {
			const data = parse(addSpeakerSchema, input);
			const { meeting } = ctx.guard(actor, 'meeting.speakers', data.meetingId);
			const id = transaction(db, (tx) => add(tx, meeting, actor!, data.userId, data.type));
			room.publish(meeting.id);
			return { id };
		},

		/** A member lowers their own hand; the chair or secretary may remove anyone from the list. */
		async withdraw(actor: Actor | null, input: unknown) {
			const data = parse(speechRefSchema, input);
			const { meeting } = ctx.guard(actor, 'meeting.view', data.meetingId);
			transaction(db, (tx) => {
				const speech = tx.select().from(meetingSpeeches).where(and(eq(meetingSpeeches.id, data.speechId), eq(meetingSpeeches.meetingId, meeting.id))).get();
				if (!speech) throw meetingError('speakerGone');
				if (speech.userId !== actor!.id) authorize(actor, 'meeting.speakers', meetingResource(meeting));
				const done = tx
					.update(meetingSpeeches)
					.set({ cancelledAt: deps.clock.now() })
					.where(and(eq(meetingSpeeches.id, speech.id), isNull(meetingSpeeches.startedAt), isNull(meetingSpeeches.cancelledAt)))
					.run();
				if (done.changes !== 1) throw meetingError('speakerGone');
				ctx.bump(tx, meeting);
				audit(tx, deps.clock.now(), actor!.id, 'meeting.handLowered', { type: 'meeting', id: meeting.id }, { speechId: speech.id });
			});
			room.publish(meeting.id);
		},

		/** Ends whoever is speaking and gives the floor to the first of the list (if any). */
		async next(actor: Actor | null, input: unknown) {
			const data = parse(meetingRefSchema, input);
			const { meeting } = ctx.guard(actor, 'meeting.speakers', data.meetingId);
			const started = transaction(db, (tx) => {
				const itemId = current(meeting);
				const at = deps.clock.now();
				const list = speechesOf(tx, meeting, itemId);
				for (const s of list.filter((x) => x.startedAt !== null && x.endedAt === null && x.cancelledAt === null))
					tx.update(meetingSpeeches).set({ endedAt: at }).where(eq(meetingSpeeches.id, s.id)).run();
				const first = queueOrder(list, ctx.rulesOf(tx, meeting.bodyId).firstTimeFirst)[0];
				if (first) tx.update(meetingSpeeches).set({ startedAt: at }).where(eq(meetingSpeeches.id, first.id)).run();
				ctx.bump(tx, meeting);
				audit(tx, at, actor!.id, 'meeting.nextSpeaker', { type: 'meeting', id: meeting.id }, { speechId: first?.id ?? null });
				return first?.id ?? null;
			});
			room.publish(meeting.id);
			return { speechId: started };
		},

		async endSpeech(actor: Actor | null, input: unknown) {
			const data = parse(speechRefSchema, input);
			const { meeting } = ctx.guard(actor, 'meeting.speakers', data.meetingId);
			transaction(db, (tx) => {
				const done = tx
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
					.run();
				if (done.changes !== 1) throw meetingError('speakerGone');
				ctx.bump(tx, meeting);
				audit(tx, deps.clock.now(), actor!.id, 'meeting.speechEnded', { type: 'meeting', id: meeting.id }, { speechId: data.speechId });
			});
			room.publish(meeting.id);
		}
	};
}
