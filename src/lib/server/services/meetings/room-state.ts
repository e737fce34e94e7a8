/**
 * The whole state of a meeting room, built from the tables in one read: what a screen gets when it
 * joins. After a change every screen gets only the sections that changed (`meeting.patch`).
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { liveTally, motionOrder, quorum, seatActive } from '$lib/domain/meetings';
import type { MeetingRoomPatch, MeetingRoomState, RoomDigests, RoomMotion, RoomPerson } from '$lib/realtime/meeting-events';
import { ROOM_SECTIONS, roomForMeeting } from '$lib/realtime/meeting-events';
import { first, type AsyncDb } from '../../db/data';
import { speechView, type MeetingContext } from './context';

/** The meetings whose last sent state a node keeps (to send the next change as a patch); the oldest goes first. */
const KEPT_MEETINGS = 64;

/** Each section's digest: the first 16 characters (96 bits) of its JSON's SHA-256, in base64url. */
function digestsOf(state: Omit<MeetingRoomState, 'digests'>): RoomDigests {
	const digests = {} as RoomDigests;
	for (const section of ROOM_SECTIONS) digests[section] = createHash('sha256').update(JSON.stringify(state[section]), 'utf8').digest('base64url').slice(0, 16);
	return digests;
}

export function createRoomState(ctx: MeetingContext) {
	const { deps, data } = ctx;
	const { agendaItems, ballots, bodies, consultations, meetingMotions, meetingSpeeches, participations } = ctx.t;

	async function motionsOf(tx: AsyncDb, meetingId: string): Promise<RoomMotion[]> {
		const rows = await tx
			.select({ m: meetingMotions, c: consultations })
			.from(meetingMotions)
			.innerJoin(consultations, eq(consultations.id, meetingMotions.consultationId))
			.where(eq(meetingMotions.meetingId, meetingId))
			.orderBy(asc(meetingMotions.openedAt), asc(meetingMotions.id));
		if (!rows.length) return [];
		const ids = rows.map((r) => r.c.id);
		const taken = await tx.select({ cid: participations.consultationId }).from(participations).where(inArray(participations.consultationId, ids));
		const content = await tx.select({ cid: ballots.consultationId, content: ballots.content, college: ballots.college }).from(ballots).where(inArray(ballots.consultationId, ids));
		const weights = (await ctx.collegesOf(tx, rows[0]!.c.spaceId)).map((c) => ({ id: c.id, weight: c.weight }));
		const motions = rows.map(({ m, c }) => {
			const showTally = c.status === 'closed' || (c.status === 'open' && c.resultsVisibility === 'live');
			const live = showTally
				? liveTally(
						content.filter((x) => x.cid === c.id).map((b) => ({ position: (b.content as { position?: string }).position, college: b.college })),
						c.weighting === 'colleges' ? weights : null
					)
				: null;
			const result = c.result as { winners?: string[] } | null;
			return {
				id: m.id,
				itemId: m.itemId,
				consultationId: c.id,
				question: c.question,
				status: c.status,
				amendsId: m.amendsId,
				electors: m.electors.length,
				participants: taken.filter((p) => p.cid === c.id).length,
				quorumMet: m.quorumMet,
				tally: live?.counts ?? null,
				weighted: live?.weighted ?? null,
				byCollege: live?.byCollege ?? [],
				adopted: c.status === 'closed' ? m.quorumMet && !!result?.winners?.length : null
			};
		});
		return motionOrder(motions);
	}

	async function build(tx: AsyncDb, meetingId: string): Promise<MeetingRoomState> {
		const state = await read(tx, meetingId);
		return { ...state, digests: digestsOf(state) };
	}

	async function read(tx: AsyncDb, meetingId: string): Promise<Omit<MeetingRoomState, 'digests'>> {
		const meeting = await ctx.loadMeeting(tx, meetingId);
		const now = deps.clock.now().getTime();
		const rules = await ctx.rulesOf(tx, meeting.bodyId);
		const seats = await ctx.seatsOf(tx, meeting.bodyId);
		// The term that counts is the one at the meeting's date (or now, once it runs).
		const at = meeting.status === 'open' ? now : meeting.status === 'closed' && meeting.closedAt ? meeting.closedAt.getTime() - 1 : meeting.startsAt.getTime();
		const attendance = await ctx.attendanceOf(tx, meetingId);
		const colleges = await ctx.collegesOf(tx, meeting.bodyId);
		const active = seats.filter((s) => seatActive(s, at));
		const ids = await ctx.participantIds(tx, meeting.bodyId, seats);
		const nameOf = await ctx.names(tx, [...ids]);
		const seatOf = new Map(active.map((s) => [s.userId, s]));
		const substituteFor = new Map(active.flatMap((s) => (s.substituteId ? [[s.substituteId, s.userId] as const] : [])));
		const people: RoomPerson[] = [...ids]
			.map((userId) => ({
				userId,
				displayName: nameOf.get(userId) ?? '',
				collegeId: seatOf.get(userId)?.collegeId ?? null,
				seated: seatOf.has(userId),
				substituteFor: substituteFor.get(userId) ?? null
			}))
			.sort((a, b) => a.displayName.localeCompare(b.displayName, 'fr'));
		const items = await tx
			.select()
			.from(agendaItems)
			.where(and(eq(agendaItems.meetingId, meetingId), eq(agendaItems.state, 'accepted')))
			.orderBy(asc(agendaItems.position), asc(agendaItems.id));
		const speeches = meeting.currentItemId
			? await tx
					.select()
					.from(meetingSpeeches)
					.where(and(eq(meetingSpeeches.meetingId, meetingId), eq(meetingSpeeches.itemId, meeting.currentItemId)))
					.orderBy(asc(meetingSpeeches.requestedAt), asc(meetingSpeeches.id))
			: [];
		const { standings: _s, ...q } = quorum(seats, attendance, rules, at);
		const body = await first(tx.select({ name: bodies.name }).from(bodies).where(eq(bodies.id, meeting.bodyId)));
		return {
			meeting: {
				id: meeting.id,
				bodyId: meeting.bodyId,
				bodyName: body?.name ?? '',
				title: meeting.title,
				status: meeting.status,
				startsAt: meeting.startsAt.getTime(),
				place: meeting.place,
				videoUrl: meeting.videoUrl,
				currentItemId: meeting.currentItemId,
				version: meeting.version
			},
			rules,
			colleges: colleges.map((c) => ({ id: c.id, name: c.name, weight: c.weight, seats: active.filter((s) => s.collegeId === c.id).length })),
			people,
			attendance,
			quorum: q,
			items: items.map((i) => ({
				id: i.id,
				position: i.position,
				title: i.title,
				description: i.description,
				kind: i.kind,
				timeBoxMin: i.timeBoxMin,
				startedAt: i.startedAt?.getTime() ?? null,
				endedAt: i.endedAt?.getTime() ?? null,
				proposalId: i.proposalId,
				consultationId: i.consultationId
			})),
			speeches: speeches.map(speechView),
			motions: await motionsOf(tx, meetingId),
			now
		};
	}

	const listeners: ((state: MeetingRoomState) => Promise<void>)[] = [];
	/** Per meeting, the digests of the state this node last sent to its room. */
	const lastSent = new Map<string, RoomDigests>();

	/**
	 * After commit: the room hears what changed since this node's last state for it (the whole state
	 * the first time), and listeners (the public live view) get the whole new state. Another node may
	 * have sent changes in between: a section it changed differs from this node's last digest too, so
	 * it is in the patch. A screen that still lacks one sees it by the digests and joins again.
	 */
	async function publish(meetingId: string) {
		const state = await build(data.db, meetingId);
		const before = lastSent.get(meetingId);
		lastSent.delete(meetingId);
		lastSent.set(meetingId, state.digests);
		if (lastSent.size > KEPT_MEETINGS) lastSent.delete(lastSent.keys().next().value!);
		if (!before) deps.bus.publish(roomForMeeting(meetingId), 'meeting.state', state);
		else {
			const changed: MeetingRoomPatch['changed'] = {};
			for (const section of ROOM_SECTIONS) if (before[section] !== state.digests[section]) Object.assign(changed, { [section]: state[section] });
			deps.bus.publish(roomForMeeting(meetingId), 'meeting.patch', { meetingId, now: state.now, digests: state.digests, changed });
		}
		for (const listener of listeners) await listener(state);
	}

	return { build, publish, onPublish: (listener: (state: MeetingRoomState) => Promise<void>) => void listeners.push(listener) };
}
