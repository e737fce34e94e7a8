/**
 * Activities and their sessions (issue 14): a facilitator, an association or a body's officers
 * record a recurring activity (a gardening workshop, a tool library opening), then each session
 * with its headcount and, when people agree to be named, who came and as what. The attendance
 * indicators read these rows; every write asks the policy (`activity.manage`) and is audited.
 */
import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import { authorize, can, type Actor, type SpaceRef } from '$lib/domain/policy';
import { activitySchema, attendeeSchema, sessionSchema } from '$lib/domain/indicators/activities';
import { parisDay } from '$lib/domain/indicators/period';
import { logAudit } from '../audit';
import { indicatorsOpen } from '../practice/marker';
import type { ServiceDeps } from '../deps';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';

const spaceOf = (a: { spaceType: SpaceRef['type']; spaceId: string }): SpaceRef => ({ type: a.spaceType, id: a.spaceId });

export function createActivitiesService(deps: ServiceDeps) {
	const { data: dataHandle, clock, ids } = deps;
	const { activities, activityAttendance, activitySessions, bodies, memberships, residences, trainingSessions, users } = dataHandle.t;
	// Reads: the unit's transaction inside a write, else the reading connection (db/data.ts).
	const reader = () => dataHandle.db;

	async function activityOr404(activityId: unknown) {
		const row = (await reader().select().from(activities).where(eq(activities.id, String(activityId).slice(0, 64))).limit(1))[0];
		if (!row) throw notFound();
		return row;
	}

	async function sessionOr404(sessionId: unknown) {
		const session = (await reader().select().from(activitySessions).where(eq(activitySessions.id, String(sessionId).slice(0, 64))).limit(1))[0];
		if (!session) throw notFound();
		return { session, activity: await activityOr404(session.activityId) };
	}

	async function spaceName(space: SpaceRef): Promise<string> {
		const table = space.type === 'residence' ? residences : space.type === 'body' ? bodies : trainingSessions;
		const row = (await reader().select({ name: table.name }).from(table).where(eq(table.id, space.id)).limit(1))[0];
		if (!row) throw notFound();
		return row.name;
	}

	/** Who may be named: the people of the space (each once, whatever their roles). */
	async function peopleOf(space: SpaceRef) {
		const rows = await reader()
			.selectDistinct({ id: users.id, displayName: users.displayName })
			.from(memberships)
			.innerJoin(users, eq(users.id, memberships.userId))
			.where(and(eq(memberships.spaceType, space.type), eq(memberships.spaceId, space.id)))
			.orderBy(asc(users.displayName), asc(users.id));
		return rows;
	}

	return {
		/** The activities of a space, newest first, with how many sessions each has had. */
		async list(actor: Actor | null, space: SpaceRef) {
			authorize(actor, 'activity.manage', space);
			const name = await spaceName(space);
			const list = await reader()
				.select({ id: activities.id, name: activities.name, kind: activities.kind, description: activities.description, createdAt: activities.createdAt, sessions: count(activitySessions.id) })
				.from(activities)
				.leftJoin(activitySessions, eq(activitySessions.activityId, activities.id))
				.where(and(eq(activities.spaceType, space.type), eq(activities.spaceId, space.id)))
				.groupBy(activities.id)
				.orderBy(desc(activities.createdAt), desc(activities.id));
			const indicators = await indicatorsOpen(dataHandle, actor, space);
			return { space: { ...space, name }, list, indicators };
		},

		async create(actor: Actor | null, input: unknown) {
			const data = parse(activitySchema, input);
			const space = { type: data.spaceType, id: data.spaceId } as SpaceRef;
			authorize(actor, 'activity.manage', space);
			await spaceName(space);
			const id = ids.id();
			const now = clock.now();
			await dataHandle.write(async (tx) => {
				await tx.insert(activities).values({ id, spaceType: space.type, spaceId: space.id, name: data.name, kind: data.kind, description: data.description, createdBy: actor.id, createdAt: now });
				await logAudit(dataHandle, now, actor.id, 'activity.created', { type: 'activity', id }, { name: data.name, kind: data.kind, space: `${space.type}:${space.id}` });
			});
			return { id };
		},

		/** An activity with its sessions (newest first), who was named at each, and who may be named. */
		async get(actor: Actor | null, activityId: string) {
			const activity = await activityOr404(activityId);
			const space = spaceOf(activity);
			authorize(actor, 'activity.manage', space);
			const sessions = await reader().select().from(activitySessions).where(eq(activitySessions.activityId, activity.id)).orderBy(desc(activitySessions.heldAt), desc(activitySessions.id));
			const named = sessions.length
				? await reader()
						.select({ sessionId: activityAttendance.sessionId, userId: activityAttendance.userId, status: activityAttendance.status, displayName: users.displayName })
						.from(activityAttendance)
						.innerJoin(users, eq(users.id, activityAttendance.userId))
						.where(inArray(activityAttendance.sessionId, sessions.map((s) => s.id)))
						.orderBy(asc(users.displayName), asc(users.id))
				: [];
			return {
				activity,
				space: { ...space, name: await spaceName(space) },
				sessions: sessions.map((s) => ({ id: s.id, heldAt: s.heldAt, headcount: s.headcount, note: s.note, named: named.filter((n) => n.sessionId === s.id) })),
				people: await peopleOf(space),
				/** The last day a session may be recorded for (Paris time). */
				today: parisDay(clock.now()),
				can: { surveys: can(actor, 'survey.manage', space) }
			};
		},

		/** A session held today or earlier (Paris time), with the number of people present. */
		async addSession(actor: Actor | null, activityId: string, input: unknown) {
			const activity = await activityOr404(activityId);
			authorize(actor, 'activity.manage', spaceOf(activity));
			const data = parse(sessionSchema, input);
			const now = clock.now();
			if (parisDay(data.heldAt) > parisDay(now)) throw new UserError('indicators.activity.error.future');
			const id = ids.id();
			await dataHandle.write(async (tx) => {
				await tx.insert(activitySessions).values({ id, activityId: activity.id, heldAt: new Date(data.heldAt), headcount: data.headcount, note: data.note, recordedBy: actor.id, createdAt: now });
				await logAudit(dataHandle, now, actor.id, 'activity.session.recorded', { type: 'activity', id: activity.id }, { sessionId: id, heldAt: data.heldAt, headcount: data.headcount });
			});
			return { id };
		},

		/**
		 * Names a person of the space at a session, with their status, once they have agreed. The
		 * headcount is raised if it was lower than the number of people named.
		 */
		async addAttendee(actor: Actor | null, sessionId: string, input: unknown) {
			const { session, activity } = await sessionOr404(sessionId);
			const space = spaceOf(activity);
			authorize(actor, 'activity.manage', space);
			const data = parse(attendeeSchema, input);
			const person = (await peopleOf(space)).find((p) => p.id === data.userId);
			if (!person) throw new UserError('indicators.activity.error.person');
			const now = clock.now();
			await dataHandle.write(async (tx) => {
				const already = await tx.select({ id: activityAttendance.id }).from(activityAttendance).where(and(eq(activityAttendance.sessionId, session.id), eq(activityAttendance.userId, person.id)));
				if (already.length) throw new UserError('indicators.activity.error.already', {}, 409);
				await tx.insert(activityAttendance).values({ id: ids.id(), sessionId: session.id, userId: person.id, status: data.status, recordedAt: now });
				const n = (await tx.select({ n: count() }).from(activityAttendance).where(eq(activityAttendance.sessionId, session.id)))[0]!.n;
				if (n > session.headcount) await tx.update(activitySessions).set({ headcount: n }).where(eq(activitySessions.id, session.id));
				await logAudit(dataHandle, now, actor.id, 'activity.attendee.added', { type: 'activity', id: activity.id }, { sessionId: session.id, userId: person.id, status: data.status, consent: true });
			});
			return { ok: true as const };
		},

		/** Takes a name off a session (the person withdrew their agreement); the headcount stays. */
		async removeAttendee(actor: Actor | null, sessionId: string, userId: unknown) {
			const { session, activity } = await sessionOr404(sessionId);
			authorize(actor, 'activity.manage', spaceOf(activity));
			const who = String(userId ?? '').slice(0, 64);
			const now = clock.now();
			await dataHandle.write(async (tx) => {
				const gone = await tx.delete(activityAttendance).where(and(eq(activityAttendance.sessionId, session.id), eq(activityAttendance.userId, who))).returning({ id: activityAttendance.id });
				if (!gone.length) throw notFound();
				await logAudit(dataHandle, now, actor.id, 'activity.attendee.removed', { type: 'activity', id: activity.id }, { sessionId: session.id, userId: who });
			});
			return { ok: true as const };
		}
	};
}

export type ActivitiesService = ReturnType<typeof createActivitiesService>;
