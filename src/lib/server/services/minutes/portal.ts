/**
 * The transparency portal of a body, read without an account: composition by college (names only of
 * members who agreed), upcoming meetings and agendas, published minutes with their chain, the
 * decision register with follow-ups. Nothing of a practice body, nor of a body that chose not to be
 * public; no secret ballot, no personal data beyond consenting names and the adopting chair's name
 * already in the published record.
 */
import { and, asc, eq, gte, inArray, or } from 'drizzle-orm';
import { first } from '../../db/data';
import type { RegisterService } from '../register';
import type { MinutesContext } from './context';
import { minutesError } from './context';
import type { createPublication } from './publish';

export function createPortal(ctx: MinutesContext, publication: ReturnType<typeof createPublication>, register: RegisterService) {
	const { data, deps } = ctx;
	const { agendaItems, bodies, bodyRules, colleges, meetings, memberships, organisations, portalConsents, users } = ctx.t;

	async function publicBodyRow(orgSlug: string, bodySlug: string) {
		const row = await first(
			data.db
				.select({ body: bodies, org: organisations })
				.from(bodies)
				.innerJoin(organisations, eq(organisations.id, bodies.organisationId))
				.where(and(eq(bodies.slug, bodySlug), eq(organisations.slug, orgSlug)))
		);
		if (!row || !(await ctx.isPublicBody(row.body.id))) throw minutesError('notPublic');
		return row;
	}

	return {
		publicBodyRow,

		async body(orgSlug: string, bodySlug: string) {
			const { body, org } = await publicBodyRow(orgSlug, bodySlug);
			const collegeRows = await data.db.select().from(colleges).where(eq(colleges.bodyId, body.id)).orderBy(asc(colleges.position), asc(colleges.id));
			const members = await data.db
				.select({ userId: memberships.userId, collegeId: memberships.collegeId, role: memberships.role, name: users.displayName })
				.from(memberships)
				.innerJoin(users, eq(users.id, memberships.userId))
				.where(and(eq(memberships.spaceType, 'body'), eq(memberships.spaceId, body.id)));
			const consenting = new Set((await data.db.select({ userId: portalConsents.userId }).from(portalConsents).where(eq(portalConsents.bodyId, body.id))).map((c) => c.userId));
			const cutoff = new Date(deps.clock.now().getTime() - 24 * 3600_000);
			const upcoming = await data.db
				.select()
				.from(meetings)
				.where(and(eq(meetings.bodyId, body.id), or(eq(meetings.status, 'open'), and(inArray(meetings.status, ['scheduled', 'postponed']), gte(meetings.startsAt, cutoff)))))
				.orderBy(asc(meetings.startsAt), asc(meetings.id));
			const items = upcoming.length
				? await data.db
						.select()
						.from(agendaItems)
						.where(and(inArray(agendaItems.meetingId, upcoming.map((m) => m.id)), eq(agendaItems.state, 'accepted')))
						.orderBy(asc(agendaItems.position), asc(agendaItems.id))
				: [];
			const chain = await publication.chainOf(body.id);
			const rules = await first(data.db.select({ publicMeetings: bodyRules.publicMeetings }).from(bodyRules).where(eq(bodyRules.bodyId, body.id)));
			return {
				/** The body's rules make its meetings public: the portal links to the live view. */
				publicMeetings: rules?.publicMeetings ?? false,
				organisation: { name: org.name, slug: org.slug },
				body: { id: body.id, name: body.name, slug: body.slug, description: body.description },
				colleges: collegeRows.map((c) => {
					const seated = Array.from(new Map(members.filter((m) => m.collegeId === c.id).map((m) => [m.userId, m])), ([, m]) => m);
					return { name: c.name, weight: c.weight, seats: c.seats, members: seated.length, names: seated.filter((m) => consenting.has(m.userId)).map((m) => m.name).sort((a, b) => a.localeCompare(b, 'fr')) };
				}),
				upcoming: upcoming.map((m) => ({ id: m.id, title: m.title, startsAt: m.startsAt.getTime(), place: m.place, status: m.status, agenda: items.filter((i) => i.meetingId === m.id).map((i) => ({ title: i.title, kind: i.kind })) })),
				minutes: chain.map((v) => ({ sequence: v.sequence, hash: v.hash, previousHash: v.previousHash, meetingTitle: v.record.meeting.title, meetingStartsAt: v.record.meeting.startsAt, publishedAt: v.publishedAt, correction: v.record.correction, corrects: v.record.corrects })),
				head: chain.at(-1)?.hash ?? null,
				register: await register.publicEntries({ type: 'body', id: body.id })
			};
		},

		async version(orgSlug: string, bodySlug: string, sequence: number) {
			const { body } = await publicBodyRow(orgSlug, bodySlug);
			const v = (await publication.chainOf(body.id)).find((x) => x.sequence === sequence);
			if (!v) throw minutesError('notFound');
			return { body: { name: body.name }, version: v };
		},

		async chainFile(orgSlug: string, bodySlug: string) {
			const { body } = await publicBodyRow(orgSlug, bodySlug);
			return publication.chainFile(body.id);
		}
	};
}
