/**
 * Motions: on a decision item the chair puts a motion to the vote with the consultation engine. Its
 * electorate is frozen at opening from attendance (present, substitutes, proxies held by someone
 * present); proxies become the consultation's own proxies so the holder casts them as usual.
 */
import { and, eq } from 'drizzle-orm';
import { electorate, isIn, quorum } from '$lib/domain/meetings';
import type { Actor } from '$lib/domain/policy';
import { transaction } from '../../db';
import { agendaItems, consultations, meetingMotions, voteProxies } from '../../db/schema';
import { audit } from '../audit';
import type { ConsultationsService } from '../consultations';
import { UserError } from '../errors';
import { parse } from '../validate';
import { meetingError, type MeetingContext } from './context';
import type { createRoomState } from './room-state';
import { motionSchema, speechRefSchema } from './schemas';

export function createMotions(ctx: MeetingContext, room: ReturnType<typeof createRoomState>, votes: ConsultationsService) {
	const { db, deps } = ctx;

	// A vote in the room (cast on the consultation's own page) reaches every screen of the room.
	deps.bus.subscribe(({ event, payload }) => {
		if (event !== 'vote.tally') return;
		const consultationId = (payload as { consultationId?: string }).consultationId;
		if (!consultationId) return;
		const motion = db.select({ meetingId: meetingMotions.meetingId }).from(meetingMotions).where(eq(meetingMotions.consultationId, consultationId)).get();
		if (motion) room.publish(motion.meetingId);
	});

	return {
		async openMotion(actor: Actor | null, input: unknown) {
			const data = parse(motionSchema, input);
			const { meeting } = ctx.guard(actor, 'meeting.chair', data.meetingId);
			if (meeting.status !== 'open') throw meetingError(meeting.status === 'cancelled' ? 'cancelled' : 'notOpen');
			const item = db.select().from(agendaItems).where(and(eq(agendaItems.id, data.itemId), eq(agendaItems.meetingId, meeting.id))).get();
			if (!item || item.state !== 'accepted') throw meetingError('noSuchItem');
			if (item.kind !== 'decision') throw meetingError('notDecision');
			const running = db
				.select({ id: meetingMotions.id })
				.from(meetingMotions)
				.innerJoin(consultations, eq(consultations.id, meetingMotions.consultationId))
				.where(and(eq(meetingMotions.itemId, item.id), eq(consultations.status, 'open')))
				.get();
			if (running) throw new UserError('meetings.error.motionOpen', {}, 409);
			const rules = ctx.rulesOf(db, meeting.bodyId);
			const now = deps.clock.now().getTime();
			const attendance = ctx.attendanceOf(db, meeting.id);
			const q = quorum(ctx.seatsOf(db, meeting.bodyId), attendance, rules, now);
			const electors = electorate(q.standings);
			const { id: consultationId } = votes.create(actor, {
				space: { type: 'body', id: meeting.bodyId },
				question: data.question,
				method: 'yes-no-abstain',
				electorate: 'body',
				weighting: rules.weightedVotes ? 'colleges' : 'none',
				secrecy: data.secrecy,
				resultsVisibility: 'live'
			});
			const id = deps.ids.id();
			transaction(db, (tx) => {
				tx.insert(meetingMotions)
					.values({ id, meetingId: meeting.id, itemId: item.id, consultationId, amendsId: data.amendsId ?? null, electors, quorumMet: q.met, openedBy: actor!.id, openedAt: new Date(now) })
					.run();
				for (const e of electors.filter((x) => x.via === 'proxy'))
					tx.insert(voteProxies).values({ id: deps.ids.id(), consultationId, giverId: e.seatUserId, holderId: e.voterId, createdAt: new Date(now) }).run();
				ctx.bump(tx, meeting);
				audit(tx, new Date(now), actor!.id, 'meeting.motion', { type: 'meeting', id: meeting.id }, { consultationId, electors: electors.length, quorumMet: q.met });
			});
			// The tallies cache may have seen the draft with the whole body as electorate.
			votes.forgetLiveState();
			votes.open(actor, { consultationId });
			room.publish(meeting.id);
			return { id, consultationId, present: attendance.filter((a) => isIn(a, now)).length };
		},

		async closeMotion(actor: Actor | null, input: unknown) {
			const data = parse(speechRefSchema.pick({ meetingId: true }).extend({ motionId: speechRefSchema.shape.speechId }), input);
			const { meeting } = ctx.guard(actor, 'meeting.chair', data.meetingId);
			const motion = db.select().from(meetingMotions).where(and(eq(meetingMotions.id, data.motionId), eq(meetingMotions.meetingId, meeting.id))).get();
			if (!motion) throw meetingError('noSuchItem');
			votes.close(actor, { consultationId: motion.consultationId });
			room.publish(meeting.id);
		}
	};
}
