/**
 * The public live view of a meeting (issues 10 and 11): for a body whose rules make its meetings
 * public (and whose portal is public, never a practice body: the policy's `canReadPortal`), anyone
 * without an account reads the open meeting's public projection (`domain/meetings/public-live.ts`)
 * on the portal, and follows it live in a read-only socket room that only ever receives that
 * projection. Names: only of members who agreed to be named on the portal.
 */
import { and, desc, eq } from 'drizzle-orm';
import { publicLive, type PublicLiveState } from '$lib/domain/meetings';
import { canReadPortal } from '$lib/domain/policy';
import { roomForPublicMeeting, type MeetingRoomState } from '$lib/realtime/meeting-events';
import type { Db } from '../../db';
import { bodies, meetings, minutesSettings, organisations, portalConsents } from '../../db/schema';
import { UserError } from '../errors';
import type { MeetingContext } from './context';
import type { createRoomState } from './room-state';

const notPublic = () => new UserError('minutes.error.notPublic', {}, 404);

export function createPublicLive(ctx: MeetingContext, room: ReturnType<typeof createRoomState>) {
	const { db, deps } = ctx;

	function isPublic(tx: Db, bodyId: string): boolean {
		const body = tx.select({ practice: bodies.practice }).from(bodies).where(eq(bodies.id, bodyId)).get();
		if (!body) return false;
		const portal = tx.select({ portalPublic: minutesSettings.portalPublic }).from(minutesSettings).where(eq(minutesSettings.bodyId, bodyId)).get();
		return canReadPortal({ practice: body.practice, published: (portal?.portalPublic ?? true) && ctx.rulesOf(tx, bodyId).publicMeetings });
	}

	function project(tx: Db, state: MeetingRoomState): PublicLiveState {
		const named = new Set(tx.select({ userId: portalConsents.userId }).from(portalConsents).where(eq(portalConsents.bodyId, state.meeting.bodyId)).all().map((c) => c.userId));
		return publicLive(state, named);
	}

	// Every change of the room reaches the public room too, as the projection only.
	room.onPublish((state) => {
		if (!state.rules.publicMeetings || !isPublic(db, state.meeting.bodyId)) return;
		deps.bus.publish(roomForPublicMeeting(state.meeting.id), 'portal.live', project(db, state));
	});

	return {
		/** The portal page: the body's open meeting as the public sees it (null when none is open). */
		async publicLiveOf(orgSlug: string, bodySlug: string) {
			const row = db
				.select({ body: bodies, org: organisations })
				.from(bodies)
				.innerJoin(organisations, eq(organisations.id, bodies.organisationId))
				.where(and(eq(bodies.slug, bodySlug), eq(organisations.slug, orgSlug)))
				.get();
			if (!row || !isPublic(db, row.body.id)) throw notPublic();
			const open = db.select({ id: meetings.id }).from(meetings).where(and(eq(meetings.bodyId, row.body.id), eq(meetings.status, 'open'))).orderBy(desc(meetings.startsAt)).get();
			return {
				organisation: { name: row.org.name, slug: row.org.slug },
				body: { name: row.body.name, slug: row.body.slug },
				meetingId: open?.id ?? null,
				live: open ? project(db, room.build(db, open.id)) : null
			};
		},

		/** Whether anyone (no account needed) may be in the meeting's public room. */
		async mayWatchPublic(meetingId: string) {
			const m = db.select({ bodyId: meetings.bodyId }).from(meetings).where(eq(meetings.id, meetingId)).get();
			return !!m && isPublic(db, m.bodyId);
		},

		/** The projection, for a socket that just joined the public room. */
		async publicState(meetingId: string) {
			return project(db, room.build(db, meetingId));
		}
	};
}
