/**
 * Motions: on a decision item the chair tables a motion (and amendments to it), then puts each to the
 * vote with the consultation engine, amendments first. Its electorate is frozen at opening from
 * attendance (present, substitutes, proxies held by someone present); proxies become the
 * consultation's own proxies so the holder casts them as usual. When a motion's vote closes (from
 * the room, its own page or the scheduler) a `meeting.decision` event follows on the bus, for the
 * decision register.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { checkAmendment, checkOpenMotion, electorate, isIn, quorum, type MotionLink } from '$lib/domain/meetings';
import type { Actor } from '$lib/domain/policy';
import { roomForMeeting } from '$lib/realtime/meeting-events';
import { first, type AsyncDb } from '../../db/data';
import { prepared } from '../../db/prepared';
import type { meetingMotions as motionsTable } from '../../db/schema';
import { logAudit } from '../audit';
import type { ConsultationsService } from '../consultations';
import type { Inflight } from '../inflight';
import { parse } from '../validate';
import { meetingError, type MeetingContext, type MeetingRow } from './context';
import type { MeetingNotices } from './notify';
import type { createRoomState } from './room-state';
import { motionSchema, motionRefSchema } from './schemas';

const announcedOn = new WeakMap<object, Set<string>>();

export function createMotions(ctx: MeetingContext, room: ReturnType<typeof createRoomState>, votes: ConsultationsService, notices: MeetingNotices, inflight: Inflight) {
	const { data: store, deps } = ctx;
	const { agendaItems, consultations, meetingMotions, voteProxies } = ctx.t;
	// Decisions already announced on this bus (a closed vote's event may be seen more than once, and a
	// second meetings service on the same bus, as the demo seed makes, must not announce again).
	const announced = announcedOn.get(deps.bus) ?? new Set<string>();
	announcedOn.set(deps.bus, announced);
	/** Every live tally asks whether its consultation is a motion (built once per handle: see db/prepared.ts). */
	const motionOf = prepared(store, (db) => db.select().from(meetingMotions).where(eq(meetingMotions.consultationId, sql.placeholder('id'))).prepare());

	// A vote in the room (cast on the consultation's own page) reaches every screen of the room.
	// Tracked (`settled()`): the reads are async now, and a script may close the database after a vote.
	deps.bus.subscribe(({ event, payload }) => {
		if (event !== 'vote.tally') return;
		const { consultationId, status, spaceKey } = payload as { consultationId?: string; status?: string; spaceKey?: string };
		// A motion is a consultation of its body's space: a residence's vote needs no query (issue 15).
		if (!consultationId || !spaceKey?.startsWith('body:')) return;
		// Claimed before the first await: two tallies of the same close must not both announce it.
		const announcing = status === 'closed' && !announced.has(consultationId);
		if (announcing) announced.add(consultationId);
		inflight.run('meeting room after a vote', async () => {
			const [motion] = await motionOf().execute({ id: consultationId });
			if (!motion) {
				if (announcing) announced.delete(consultationId);
				return;
			}
			await room.publish(motion.meetingId);
			if (announcing) await announce(motion);
		});
	});

	/** After the close committed: what the decision register (minutes) needs, on the meeting's room. */
	async function announce(motion: typeof motionsTable.$inferSelect) {
		const c = await first(store.db.select().from(consultations).where(eq(consultations.id, motion.consultationId)));
		if (!c) return;
		const result = c.result as { winners?: string[]; tallies?: Record<string, number> } | null;
		const adopted = motion.quorumMet && !!result?.winners?.length;
		const outcome = !motion.quorumMet ? 'invalid' : adopted ? 'adopted' : 'rejected';
		await notices.notify(await ctx.loadMeeting(store.db, motion.meetingId), 'meetingResults', null, { question: c.question, outcome, consultationId: c.id });
		deps.bus.publish(roomForMeeting(motion.meetingId), 'meeting.decision', {
			meetingId: motion.meetingId,
			motionId: motion.id,
			itemId: motion.itemId,
			consultationId: c.id,
			amendsId: motion.amendsId,
			question: c.question,
			quorumMet: motion.quorumMet,
			outcome,
			tallies: result?.tallies ?? {},
			closedAt: (c.closedAt ?? deps.clock.now()).getTime()
		});
	}

	async function linksOf(tx: AsyncDb, itemId: string): Promise<MotionLink[]> {
		return tx
			.select({ id: meetingMotions.id, itemId: meetingMotions.itemId, amendsId: meetingMotions.amendsId, status: consultations.status })
			.from(meetingMotions)
			.innerJoin(consultations, eq(consultations.id, meetingMotions.consultationId))
			.where(eq(meetingMotions.itemId, itemId))
			.orderBy(asc(meetingMotions.openedAt), asc(meetingMotions.id));
	}

	async function decisionItem(tx: AsyncDb, meeting: MeetingRow, itemId: string) {
		if (meeting.status !== 'open') throw meetingError(meeting.status === 'cancelled' ? 'cancelled' : 'notOpen');
		const item = await first(tx.select().from(agendaItems).where(and(eq(agendaItems.id, itemId), eq(agendaItems.meetingId, meeting.id))));
		if (!item || item.state !== 'accepted') throw meetingError('noSuchItem');
		if (item.kind !== 'decision') throw meetingError('notDecision');
		return item;
	}

	/** A draft motion (or amendment) on the item: its consultation waits as a draft until the vote. */
	async function table(actor: Actor, meeting: MeetingRow, input: { itemId?: string | undefined; question?: string | undefined; secrecy: 'public' | 'secret'; amendsId?: string | undefined }) {
		const item = await decisionItem(store.db, meeting, input.itemId ?? '');
		if (input.amendsId) {
			const check = checkAmendment(await linksOf(store.db, item.id), input.amendsId, item.id);
			if (!check.ok) throw meetingError(check.code);
		}
		const rules = await ctx.rulesOf(store.db, meeting.bodyId);
		// issue 12: the consultations service is converted in parallel; awaiting works either way.
		const { id: consultationId } = await votes.create(actor, {
			space: { type: 'body', id: meeting.bodyId },
			question: input.question ?? '',
			method: 'yes-no-abstain',
			electorate: 'body',
			weighting: rules.weightedVotes ? 'colleges' : 'none',
			secrecy: input.secrecy,
			resultsVisibility: 'live'
		});
		const id = deps.ids.id();
		const at = deps.clock.now();
		await store.write(async (tx) => {
			await tx
				.insert(meetingMotions)
				.values({ id, meetingId: meeting.id, itemId: item.id, consultationId, amendsId: input.amendsId ?? null, electors: [], quorumMet: false, openedBy: actor.id, openedAt: at });
			await ctx.bump(tx, meeting);
			await logAudit(store, at, actor.id, input.amendsId ? 'meeting.amendment' : 'meeting.motionTabled', { type: 'meeting', id: meeting.id }, { consultationId, amendsId: input.amendsId ?? null });
		});
		return { id, consultationId };
	}

	/** Puts a tabled motion to the vote: amendments first, one vote at a time on an item. */
	async function putToVote(actor: Actor, meetingId: string, motionId: string) {
		const now = deps.clock.now().getTime();
		const opened = await store.write(async (tx) => {
			const meeting = await ctx.loadMeeting(tx, meetingId);
			const motion = await first(tx.select().from(meetingMotions).where(and(eq(meetingMotions.id, motionId), eq(meetingMotions.meetingId, meeting.id))));
			if (!motion) throw meetingError('noSuchItem');
			await decisionItem(tx, meeting, motion.itemId);
			const check = checkOpenMotion(await linksOf(tx, motion.itemId), motion.id);
			if (!check.ok) throw meetingError(check.code);
			const attendance = await ctx.attendanceOf(tx, meeting.id);
			const q = quorum(await ctx.seatsOf(tx, meeting.bodyId), attendance, await ctx.rulesOf(tx, meeting.bodyId), now);
			const electors = electorate(q.standings);
			await tx.update(meetingMotions).set({ electors, quorumMet: q.met, openedBy: actor.id, openedAt: new Date(now) }).where(eq(meetingMotions.id, motion.id));
			for (const e of electors.filter((x) => x.via === 'proxy'))
				await tx.insert(voteProxies).values({ id: deps.ids.id(), consultationId: motion.consultationId, giverId: e.seatUserId, holderId: e.voterId, createdAt: new Date(now) });
			await ctx.bump(tx, meeting);
			await logAudit(store, new Date(now), actor.id, 'meeting.motion', { type: 'meeting', id: meeting.id }, { consultationId: motion.consultationId, electors: electors.length, quorumMet: q.met });
			return { consultationId: motion.consultationId, present: attendance.filter((a) => isIn(a, now)).length };
		});
		// The tallies cache may have seen the draft with the whole body as electorate.
		await votes.forgetLiveState();
		await votes.open(actor, { consultationId: opened.consultationId });
		await room.publish(meetingId);
		return opened;
	}

	return {
		/** Tables a motion or an amendment without opening the vote (amendments are voted first). */
		async tableMotion(actor: Actor | null, input: unknown) {
			const data = parse(motionSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.chair', data.meetingId);
			const made = await table(actor!, meeting, data);
			await room.publish(meeting.id);
			return made;
		},

		/** Puts a tabled motion to the vote (`motionId`), or tables and opens one in one step. */
		async openMotion(actor: Actor | null, input: unknown) {
			const data = parse(motionSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.chair', data.meetingId);
			if (data.motionId) return { id: data.motionId, ...(await putToVote(actor!, meeting.id, data.motionId)) };
			// Nothing is tabled when the vote could not open at once.
			if ((await linksOf(store.db, data.itemId ?? '')).some((m) => m.status === 'open')) throw meetingError('motionOpen');
			const { id } = await table(actor!, meeting, data);
			return { id, ...(await putToVote(actor!, meeting.id, id)) };
		},

		async closeMotion(actor: Actor | null, input: unknown) {
			const data = parse(motionRefSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.chair', data.meetingId);
			const motion = await first(store.db.select().from(meetingMotions).where(and(eq(meetingMotions.id, data.motionId), eq(meetingMotions.meetingId, meeting.id))));
			if (!motion) throw meetingError('noSuchItem');
			await votes.close(actor, { consultationId: motion.consultationId });
			await room.publish(meeting.id);
		}
	};
}
