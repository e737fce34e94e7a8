import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { authorize, can, canResetAccess, canViewAggregate, isStaff, roles as roleOrder, rolesIn, type Actor, type Role, type SpaceRef, type SpaceType } from '$lib/domain/policy';
import { compareNames, searchKey } from '$lib/domain/names';
import { easyReadSchema, localeSchema } from '$lib/domain/schemas/accounts';
import type { Locale } from '$lib/i18n';
import { first } from '../db/data';
import { loadActors } from '../auth/session';
import type { ServiceDeps } from './deps';
import { UserError } from './errors';
import { listQuerySchema, onePage, parse, type ListPage } from './validate';

export interface SpaceSummary {
	type: SpaceType;
	id: string;
	name: string;
	organisation: string;
	roles: Role[];
}

export interface MemberView {
	/** Stable within one list, for keyed rendering; not an identifier. */
	key: string;
	displayName: string;
	roles: Role[];
	collegeId: string | null;
	staff: boolean;
	/** Only for those who manage the space. */
	userId?: string;
	canResetAccess?: boolean;
}

interface Person {
	userId: string;
	displayName: string;
	collegeId: string | null;
	roles: Role[];
}

/** A residence's members are listed this many at a time. */
export const MEMBERS_PER_PAGE = 50;

export function createSpacesService(deps: ServiceDeps) {
	const { data } = deps;
	const { agencies, bodies, buildings, colleges, households, memberships, organisations, residencePortalSettings, residences, trainingSessions, users } = data.t;
	// Practice residences and bodies are reached from their training session, never listed as real
	// ones (the condition practice/marker.ts's realResidence/realBody write, on this engine's tables).

	/**
	 * One entry per person, with every role they hold in the space. Neighbours see names, roles and
	 * a staff mark, never usernames (a username is half of a sign-in) nor ids or dwellings; those who
	 * manage the space also get the id their forms need and whether they may reset that access.
	 */
	async function membersOf(actor: Actor | null, space: SpaceRef): Promise<MemberView[]> {
		return viewsOf(actor, space, await peopleOf(space), 0);
	}

	/** Everyone holding a role in the space, by name, each with every role they hold there. */
	async function peopleOf(space: SpaceRef): Promise<Person[]> {
		const rows = await data.db
			.select({ userId: users.id, displayName: users.displayName, role: memberships.role, collegeId: memberships.collegeId })
			.from(memberships)
			.innerJoin(users, eq(users.id, memberships.userId))
			.where(and(eq(memberships.spaceType, space.type), eq(memberships.spaceId, space.id)))
			// By name below; the same names in the order they joined.
			.orderBy(asc(memberships.createdAt), asc(memberships.id));
		const people = new Map<string, Person>();
		for (const { role, collegeId, ...person } of rows) {
			const entry = people.get(person.userId) ?? { ...person, collegeId: null, roles: [] };
			entry.roles.push(role);
			entry.collegeId ??= collegeId;
			people.set(person.userId, entry);
		}
		// A person's roles in the policy's order (member before chair…), not in the order they were given:
		// two given in the same millisecond would otherwise come in the order of their random ids.
		for (const [, person] of people) person.roles.sort((a, b) => roleOrder.indexOf(a) - roleOrder.indexOf(b));
		// By name as a reader sorts them ("Élodie" with the E, not after the Z as the engines' byte order
		// has it), the same on both engines; the same names keep the order they came in.
		return [...people].map(([, person]) => person).sort((a, b) => compareNames(a.displayName, b.displayName));
	}

	/** What the viewer may see of these people (their accounts read for these only: a staff mark, a reset right). */
	async function viewsOf(actor: Actor | null, space: SpaceRef, people: Person[], offset: number): Promise<MemberView[]> {
		const manager = can(actor, 'space.manage', space);
		const actors = await loadActors(data, people.map((p) => p.userId));
		return people.map((person, i) => {
			const who = actors.get(person.userId);
			const view: MemberView = {
				key: `m${offset + i}`,
				displayName: person.displayName,
				roles: person.roles,
				collegeId: person.collegeId,
				staff: !!who && isStaff(who)
			};
			if (manager) {
				view.userId = person.userId;
				view.canResetAccess = !!who && canResetAccess(actor, who);
			}
			return view;
		});
	}

	/**
	 * One page of a residence's members (a large estate has thousands: the whole list was most of its
	 * home page, 1.2 MB of HTML for a facilitator at 2,000 members), those whose name holds `q`
	 * (accents and case aside) when a search is given.
	 */
	async function memberPage(actor: Actor | null, space: SpaceRef, query: unknown): Promise<{ list: MemberView[]; page: ListPage }> {
		const { page: asked, q } = listQuerySchema.parse(query ?? {});
		const people = await peopleOf(space);
		const needle = searchKey(q);
		const found = needle ? people.filter((p) => searchKey(p.displayName).includes(needle)) : people;
		const { items, offset, page, pages } = onePage(found, asked, MEMBERS_PER_PAGE);
		const list = await viewsOf(actor, space, items, offset);
		return { list, page: { total: people.length, perPage: MEMBERS_PER_PAGE, matches: found.length, page, pages, q } };
	}

	return {
		/** Every space the person belongs to, for the home page. */
		/** The real spaces a person belongs to; practice residences and bodies are reached from their training session. */
		async mySpaces(actor: Actor | null): Promise<SpaceSummary[]> {
			if (!actor) return [];
			const rows = await data.db.select().from(memberships).where(eq(memberships.userId, actor.id)).orderBy(asc(memberships.createdAt), asc(memberships.id));
			const byType = (type: SpaceType) => [...new Set(rows.filter((r) => r.spaceType === type).map((r) => r.spaceId))];
			const out: SpaceSummary[] = [];
			const push = (type: SpaceType, list: { id: string; name: string; organisation: string }[]) => {
				for (const s of list) out.push({ type, ...s, roles: rolesIn(actor, { type, id: s.id }) });
			};
			const resIds = byType('residence');
			if (resIds.length)
				push(
					'residence',
					await data.db.select({ id: residences.id, name: residences.name, organisation: organisations.name }).from(residences)
						.innerJoin(organisations, eq(organisations.id, residences.organisationId)).where(and(inArray(residences.id, resIds), eq(residences.practice, false)))
				);
			const bodyIds = byType('body');
			if (bodyIds.length)
				push(
					'body',
					await data.db.select({ id: bodies.id, name: bodies.name, organisation: organisations.name }).from(bodies)
						.innerJoin(organisations, eq(organisations.id, bodies.organisationId)).where(and(inArray(bodies.id, bodyIds), eq(bodies.practice, false)))
				);
			const trainingIds = byType('training');
			if (trainingIds.length)
				push(
					'training',
					await data.db.select({ id: trainingSessions.id, name: trainingSessions.name, organisation: organisations.name }).from(trainingSessions)
						.innerJoin(organisations, eq(organisations.id, trainingSessions.organisationId)).where(inArray(trainingSessions.id, trainingIds))
				);
			return out;
		},

		/**
		 * A residence as its pages show it. `members` (the member list's page and search, `listQuerySchema`)
		 * asks for a page of its members too: only the residence's own page shows them, and at 2,000
		 * members reading and sorting them cost every other page that needs the residence's name.
		 */
		async residence(actor: Actor | null, id: string, members?: unknown) {
			const space = { type: 'residence', id } as const;
			const residence = await first(data.db.select().from(residences).where(eq(residences.id, id)));
			if (!residence) throw new UserError('error.notFound', {}, 404);
			authorize(actor, 'space.view', space);
			const organisation = await first(data.db.select().from(organisations).where(eq(organisations.id, residence.organisationId)));
			const agency = residence.agencyId ? await first(data.db.select().from(agencies).where(eq(agencies.id, residence.agencyId))) : undefined;
			const blds = await data.db
				.select({ id: buildings.id, name: buildings.name, households: count(households.id) })
				.from(buildings)
				.leftJoin(households, eq(households.buildingId, buildings.id))
				.where(eq(buildings.residenceId, id))
				.groupBy(buildings.id)
				.orderBy(asc(buildings.position), asc(buildings.id));
			const listed = members !== undefined && can(actor, 'space.members', space) ? await memberPage(actor, space, members) : null;
			return {
				residence,
				organisation: organisation ? { name: organisation.name, slug: organisation.slug } : null,
				agency: agency?.name ?? null,
				buildings: blds,
				householdCount: blds.reduce((n, b) => n + b.households, 0),
				members: listed?.list ?? [],
				memberList: listed?.page ?? null,
				myRoles: rolesIn(actor, space),
				can: {
					manage: can(actor, 'space.manage', space),
					invite: can(actor, 'members.invite', space),
					resetAccess: can(actor, 'members.resetAccess', space),
					// A practice residence has no indicators (its data never counts): no door to a refusal.
					indicators: !residence.practice && can(actor, 'indicators.view', space),
					surveys: can(actor, 'survey.manage', space),
					activities: can(actor, 'activity.manage', space),
					agencyIndicators: !!residence.agencyId && canViewAggregate(actor, 'agency', [id])
				}
			};
		},

		async body(actor: Actor | null, id: string) {
			const space = { type: 'body', id } as const;
			const body = await first(data.db.select().from(bodies).where(eq(bodies.id, id)));
			if (!body) throw new UserError('error.notFound', {}, 404);
			authorize(actor, 'space.view', space);
			const organisation = await first(data.db.select().from(organisations).where(eq(organisations.id, body.organisationId)));
			const collegeRows = await data.db.select().from(colleges).where(eq(colleges.bodyId, id)).orderBy(asc(colleges.position), asc(colleges.id));
			const members = can(actor, 'space.members', space) ? await membersOf(actor, space) : [];
			return {
				body,
				organisation: organisation ? { name: organisation.name, slug: organisation.slug } : null,
				colleges: collegeRows.map((c) => ({ ...c, members: members.filter((m) => m.collegeId === c.id) })),
				members,
				myRoles: rolesIn(actor, space),
				can: { manage: can(actor, 'space.manage', space), openMeeting: can(actor, 'meeting.open', space), indicators: !body.practice && can(actor, 'indicators.view', space), activities: can(actor, 'activity.manage', space) }
			};
		},

		async training(actor: Actor | null, id: string) {
			const space = { type: 'training', id } as const;
			const session = await first(data.db.select().from(trainingSessions).where(eq(trainingSessions.id, id)));
			if (!session) throw new UserError('error.notFound', {}, 404);
			authorize(actor, 'space.view', space);
			return { session, members: can(actor, 'space.members', space) ? await membersOf(actor, space) : [], myRoles: rolesIn(actor, space) };
		},

		/** What anyone may read without an account: names, places, structure. Never people. */
		async publicOrganisation(slug: string) {
			const organisation = await first(data.db.select().from(organisations).where(eq(organisations.slug, slug)));
			if (!organisation) throw new UserError('error.notFound', {}, 404);
			const res = await data.db
				.select({ id: residences.id, slug: residences.slug, name: residences.name, city: residences.city, households: count(households.id), published: residencePortalSettings.resultsPublic })
				.from(residences)
				.leftJoin(households, eq(households.residenceId, residences.id))
				.leftJoin(residencePortalSettings, eq(residencePortalSettings.residenceId, residences.id))
				.where(and(eq(residences.organisationId, organisation.id), eq(residences.practice, false)))
				.groupBy(residences.id, residencePortalSettings.resultsPublic)
				.orderBy(asc(residences.name), asc(residences.id));
			const bodyRows = await data.db.select().from(bodies).where(and(eq(bodies.organisationId, organisation.id), eq(bodies.practice, false))).orderBy(asc(bodies.name), asc(bodies.id));
			const collegeRows = bodyRows.length
				? await data.db.select().from(colleges).where(inArray(colleges.bodyId, bodyRows.map((b) => b.id))).orderBy(asc(colleges.position), asc(colleges.id))
				: [];
			return {
				organisation: { name: organisation.name, slug: organisation.slug, kind: organisation.kind, description: organisation.description },
				// A residence links to its portal page only if it chose to publish (see services/portal).
				residences: res.map(({ published, slug, ...r }) => ({ ...r, portalSlug: published ? slug : null })),
				bodies: bodyRows.map((b) => ({
					name: b.name,
					slug: b.slug,
					description: b.description,
					colleges: collegeRows.filter((c) => c.bodyId === b.id).map((c) => ({ name: c.name, weight: c.weight, seats: c.seats }))
				}))
			};
		},

		async publicOrganisations() {
			return data.db.select({ name: organisations.name, slug: organisations.slug }).from(organisations).orderBy(asc(organisations.name), asc(organisations.slug));
		},

		/** Everyone who shares at least one space with the actor: who may see whom online. */
		async coMemberSpaces(actor: Actor): Promise<SpaceRef[]> {
			const rows = await data.db.select({ type: memberships.spaceType, id: memberships.spaceId }).from(memberships).where(eq(memberships.userId, actor.id));
			return rows.filter((s) => can(actor, 'space.view', s));
		},

		async setLocale(actor: Actor | null, locale: unknown): Promise<Locale> {
			const value = parse(localeSchema, locale);
			if (actor)
				await data.write(async (tx) => {
					await tx.update(users).set({ locale: value }).where(eq(users.id, actor.id));
				});
			return value;
		},

		/** Easy-read French as the account's default for its new devices (each device keeps its own). */
		async setEasyRead(actor: Actor | null, easyRead: unknown): Promise<boolean> {
			const value = parse(easyReadSchema, easyRead);
			if (actor)
				await data.write(async (tx) => {
					await tx.update(users).set({ easyRead: value }).where(eq(users.id, actor.id));
				});
			return value;
		},

		async setDiscreet(actor: Actor | null, discreet: boolean): Promise<void> {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			await data.write(async (tx) => {
				await tx.update(users).set({ discreet }).where(eq(users.id, actor.id));
			});
			deps.bus.signal('account.changed', { userId: actor.id });
		}
	};
}

export type SpacesService = ReturnType<typeof createSpacesService>;
