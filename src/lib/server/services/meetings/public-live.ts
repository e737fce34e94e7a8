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
import { first, type AsyncDb } from '../../db/data';
import { UserError } from '../errors';
import type { MeetingContext } from './context';
import type { createRoomState } from './room-state';

const notPublic = () => new UserError('minutes.error.notPublic', {}, 404);

export function createPublicLive(ctx: MeetingContext, room: ReturnType<typeof createRoomState>) {
	const { data: store, deps } = ctx;
	const { bodies, meetings, minutesSettings, organisations, portalConsents } = ctx.t;

	async function isPublic(tx: AsyncDb, bodyId: string): Promise<boolean> {
		const body = await first(tx.select({ practice: bodies.practice }).from(bodies).where(eq(bodies.id, bodyId)));
		if (!body) return false;
		const portal = await first(tx.select({ portalPublic: minutesSettings.portalPublic }).from(minutesSettings).where(eq(minutesSettings.bodyId, bodyId)));
		return canReadPortal({ practice: body.practice, published: (portal?.portalPublic ?? true) && (await ctx.rulesOf(tx, bodyId)).publicMeetings });
	}

	async function project(tx: AsyncDb, state: MeetingRoomState): Promise<PublicLiveState> {
		const named = new Set((await tx.select({ userId: portalConsents.userId }).from(portalConsents).where(eq(portalConsents.bodyId, state.meeting.bodyId))).map((c) => c.userId));
		return publicLive(state, named);
	}

	// Every change of the room reaches the public room too, as the projection only.
	room.onPublish(async (state) => {
		if (!state.rules.publicMeetings || !(await isPublic(store.db, state.meeting.bodyId))) return;
		deps.bus.publish(roomForPublicMeeting(state.meeting.id), 'portal.live', await project(store.db, state));
	});

	return {
		/** The portal page: the body's open meeting as the public sees it (null when none is open). */
		async publicLiveOf(orgSlug: string, bodySlug: string) {
			const row = await first(
				store.db
					.select({ body: bodies, org: organisations })
					.from(bodies)
					.innerJoin(organisations, eq(organisations.id, bodies.organisationId))
					.where(and(eq(bodies.slug, bodySlug), eq(organisations.slug, orgSlug)))
			);
			if (!row || !(await isPublic(store.db, row.body.id))) throw notPublic();
			const open = await first(
				store.db
					.select({ id: meetings.id })
					.from(meetings)
					.where(and(eq(meetings.bodyId, row.body.id), eq(meetings.status, 'open')))
					.orderBy(desc(meetings.startsAt), desc(meetings.id))
			);
			return {
				organisation: { name: row.org.name, slug: row.org.slug },
				body: { name: row.body.name, slug: row.body.slug },
				meetingId: open?.id ?? null,
				live: open ? await project(store.db, await room.build(store.db, open.id)) : null
			};
		},

		/** Whether anyone (no account needed) may be in the meeting's public room. */
		async mayWatchPublic(meetingId: string) {
			const m = await first(store.db.select({ bodyId: meetings.bodyId }).from(meetings).where(eq(meetings.id, meetingId)));
			return !!m && (await isPublic(store.db, m.bodyId));
		},

		/** The projection, for a socket that just joined the public room. */
		async publicState(meetingId: string) {
			return project(store.db, await room.build(store.db, meetingId));
		}
	};
}
