import { and, asc, eq, inArray } from 'drizzle-orm';
import { authorize, authorizeGlobal, authorizeRoleGrant, can, ForbiddenError, rolesBySpace, type Actor, type Role, type SpaceRef } from '$lib/domain/policy';
import { assignRoleSchema } from '$lib/domain/schemas/accounts';
import {
	agencySchema,
	bodySchema,
	joinCodeSchema,
	organisationSchema,
	residenceSchema,
	trainingSessionSchema
} from '$lib/domain/schemas/spaces';
import { compareNames, searchKey } from '$lib/domain/names';
import { first, type Data } from '../db/data';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateCode } from '../auth/passphrase';
import { loadActor } from '../auth/session';
import { config } from '../config';
import { reencodePhoto } from '../uploads/photos';
import { slugify } from '../ids';
import { logAudit } from './audit';
import type { ServiceDeps } from './deps';
import { UserError } from './errors';
import { listQuerySchema, onePage, parse, type ListPage } from './validate';

const DAY = 24 * 60 * 60 * 1000;

/** The accounts page lists this many people at a time. */
export const ACCOUNTS_PER_PAGE = 50;

/** An account as the administrators' page lists it, with every role it holds. */
export interface AccountView {
	id: string;
	displayName: string;
	username: string;
	email: string | null;
	isAdmin: boolean;
	roles: { space: SpaceRef; role: Role; collegeId: string | null }[];
}

/** Short dwelling labels from a building name: "Bâtiment A" → "A-01", "Les Tilleuls" → "LT-01". */
export function dwellingPrefix(buildingName: string, index: number): string {
	const words = slugify(buildingName).split('-').filter((w) => w && !['batiment', 'bat', 'immeuble', 'escalier', 'tour', 'le', 'la', 'les', 'l', 'du', 'de'].includes(w));
	if (words.length === 0) return String(index + 1);
	if (words.length === 1) return words[0]!.slice(0, 3).toUpperCase();
	return words.map((w) => w[0]).join('').toUpperCase().slice(0, 3);
}

type Sluggable = Data['t']['residences'] | Data['t']['bodies'] | Data['t']['organisations'] | Data['t']['trainingSessions'];

/** The first free slug for a name (read in the unit that inserts it, so two creations cannot take the same). */
async function uniqueSlug(data: Data, table: Sluggable, name: string): Promise<string> {
	const base = slugify(name) || 'espace';
	for (let n = 1; ; n++) {
		const slug = n === 1 ? base : `${base}-${n}`;
		if (!(await first(data.db.select({ id: table.id }).from(table).where(eq(table.slug, slug))))) return slug;
	}
}

export function createAdminService(deps: ServiceDeps) {
	const { data, clock, ids } = deps;
	const { agencies, bodies, buildings, colleges, households, joinCodes, memberships, organisations, residences, trainingSessions, users } = data.t;

	async function spaceExists(space: SpaceRef): Promise<boolean> {
		const table = space.type === 'residence' ? residences : space.type === 'body' ? bodies : trainingSessions;
		return !!(await first(data.db.select({ id: table.id }).from(table).where(eq(table.id, space.id))));
	}

	/**
	 * The person a role change is about, as they are now. Someone with no say in the space learns
	 * nothing (forbidden before not-found), so ids cannot be probed through this door.
	 */
	async function roleTarget(actor: Actor | null, wanted: { userId: string; space: SpaceRef; role: Role }): Promise<Actor> {
		if (!actor) throw new ForbiddenError('role.grant');
		if (!rolesBySpace[wanted.space.type].includes(wanted.role)) throw new UserError('validation.role');
		const target = await loadActor(data, wanted.userId);
		if (!target || !(await spaceExists(wanted.space))) {
			if (!actor.isAdmin && !can(actor, 'space.manage', wanted.space)) throw new ForbiddenError('role.grant');
			throw new UserError('error.notFound', {}, 404);
		}
		return target;
	}

	return {
		async organisationDetail(actor: Actor | null, id: string) {
			authorizeGlobal(actor, 'platform.manage');
			const organisation = await first(data.db.select().from(organisations).where(eq(organisations.id, id)));
			if (!organisation) return null;
			return {
				organisation,
				agencies: await data.db.select().from(agencies).where(eq(agencies.organisationId, id)).orderBy(asc(agencies.name), asc(agencies.id)),
				residences: await data.db.select().from(residences).where(eq(residences.organisationId, id)).orderBy(asc(residences.name), asc(residences.id)),
				bodies: await data.db.select().from(bodies).where(eq(bodies.organisationId, id)).orderBy(asc(bodies.name), asc(bodies.id)),
				trainings: await data.db.select().from(trainingSessions).where(eq(trainingSessions.organisationId, id)).orderBy(asc(trainingSessions.name), asc(trainingSessions.id))
			};
		},

		/** Every space with its colleges, for the role and invitation pickers. */
		async allSpaces(actor: Actor | null) {
			authorizeGlobal(actor, 'platform.manage');
			return {
				residences: await data.db.select({ id: residences.id, name: residences.name }).from(residences).orderBy(asc(residences.name), asc(residences.id)),
				bodies: await data.db.select({ id: bodies.id, name: bodies.name }).from(bodies).orderBy(asc(bodies.name), asc(bodies.id)),
				trainings: await data.db.select({ id: trainingSessions.id, name: trainingSessions.name }).from(trainingSessions).orderBy(asc(trainingSessions.name), asc(trainingSessions.id)),
				colleges: await data.db.select({ id: colleges.id, name: colleges.name, bodyId: colleges.bodyId }).from(colleges).orderBy(asc(colleges.position), asc(colleges.id))
			};
		},

		async listOrganisations(actor: Actor | null) {
			authorizeGlobal(actor, 'platform.manage');
			return data.db.select().from(organisations).orderBy(asc(organisations.name), asc(organisations.id));
		},

		async createOrganisation(actor: Actor | null, input: unknown) {
			authorizeGlobal(actor, 'platform.manage');
			const form = parse(organisationSchema, input);
			const now = clock.now();
			return data.write(async (tx) => {
				const row = { id: ids.id(), slug: await uniqueSlug(data, organisations, form.name), ...form, createdAt: now };
				await tx.insert(organisations).values(row);
				await logAudit(data, now, actor.id, 'organisation.created', { type: 'organisation', id: row.id }, { name: row.name });
				return row;
			});
		},

		async createAgency(actor: Actor | null, input: unknown) {
			authorizeGlobal(actor, 'platform.manage');
			const form = parse(agencySchema, input);
			const now = clock.now();
			const row = { id: ids.id(), ...form, createdAt: now };
			await data.write(async (tx) => {
				await tx.insert(agencies).values(row);
				await logAudit(data, now, actor.id, 'agency.created', { type: 'agency', id: row.id }, { name: row.name });
			});
			return row;
		},

		/** Creates a residence with its buildings and one household per dwelling. */
		async createResidence(actor: Actor | null, input: unknown) {
			authorizeGlobal(actor, 'platform.manage');
			const form = parse(residenceSchema, input);
			const now = clock.now();
			return data.write(async (tx) => {
				if (!(await first(tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, form.organisationId)))))
					throw new UserError('error.notFound', {}, 404);
				const residence = {
					id: ids.id(),
					organisationId: form.organisationId,
					agencyId: form.agencyId || null,
					slug: await uniqueSlug(data, residences, form.name),
					name: form.name,
					city: form.city,
					address: form.address,
					createdAt: now
				};
				await tx.insert(residences).values(residence);
				const used = new Set<string>();
				for (const [position, b] of form.buildings.entries()) {
					const buildingId = ids.id();
					await tx.insert(buildings).values({ id: buildingId, residenceId: residence.id, name: b.name, position });
					let prefix = dwellingPrefix(b.name, position);
					while (used.has(prefix)) prefix = `${prefix}${position + 1}`;
					used.add(prefix);
					const width = String(b.dwellings).length < 2 ? 2 : String(b.dwellings).length;
					const homes = Array.from({ length: b.dwellings }, (_, i) => ({
						id: ids.id(),
						residenceId: residence.id,
						buildingId,
						label: `${prefix}-${String(i + 1).padStart(width, '0')}`
					}));
					// Multi-row inserts: one statement per 250 homes rather than one per home.
					for (let i = 0; i < homes.length; i += 250) await tx.insert(households).values(homes.slice(i, i + 250));
				}
				await logAudit(data, now, actor.id, 'residence.created', { type: 'residence', id: residence.id }, { name: residence.name, buildings: form.buildings });
				return residence;
			});
		},

		async createBody(actor: Actor | null, input: unknown) {
			authorizeGlobal(actor, 'platform.manage');
			const form = parse(bodySchema, input);
			const now = clock.now();
			return data.write(async (tx) => {
				const body = {
					id: ids.id(),
					organisationId: form.organisationId,
					slug: await uniqueSlug(data, bodies, form.name),
					name: form.name,
					description: form.description,
					proxyLimit: form.proxyLimit,
					createdAt: now
				};
				await tx.insert(bodies).values(body);
				for (const [position, c] of form.colleges.entries()) await tx.insert(colleges).values({ id: ids.id(), bodyId: body.id, ...c, position });
				await logAudit(data, now, actor.id, 'body.created', { type: 'body', id: body.id }, { name: body.name, colleges: form.colleges });
				return body;
			});
		},

		async createTrainingSession(actor: Actor | null, input: unknown) {
			authorizeGlobal(actor, 'platform.manage');
			const form = parse(trainingSessionSchema, input);
			const now = clock.now();
			return data.write(async (tx) => {
				const row = { id: ids.id(), slug: await uniqueSlug(data, trainingSessions, form.name), ...form, createdAt: now };
				await tx.insert(trainingSessions).values(row);
				await logAudit(data, now, actor.id, 'training.created', { type: 'training', id: row.id }, { name: row.name });
				return row;
			});
		},

		/**
		 * The residence's site plan, on which proposals get pins. Re-encoded like every upload so no
		 * metadata survives; the old file stays on disk (pins refer to relative coordinates).
		 */
		async setSitePlan(actor: Actor | null, residenceId: string, bytes: Uint8Array) {
			authorize(actor, 'space.manage', { type: 'residence', id: residenceId });
			if (bytes.byteLength === 0) throw new UserError('residence.sitePlanMissing');
			const encoded = await reencodePhoto(bytes);
			const name = `${residenceId}-${ids.id()}.webp`;
			const dir = resolve(join(config().UPLOAD_DIR, 'site-plans'));
			mkdirSync(dir, { recursive: true });
			writeFileSync(join(dir, name), encoded);
			const now = clock.now();
			await data.write(async (tx) => {
				await tx.update(residences).set({ sitePlanPath: name }).where(eq(residences.id, residenceId));
				await logAudit(data, now, actor.id, 'residence.sitePlanSet', { type: 'residence', id: residenceId }, { file: name, bytes: encoded.byteLength });
			});
			return name;
		},

		/** Absolute path of a residence's site plan for members, or null when there is none. */
		async sitePlanFile(actor: Actor | null, residenceId: string): Promise<string | null> {
			authorize(actor, 'space.view', { type: 'residence', id: residenceId });
			const row = await first(data.db.select({ path: residences.sitePlanPath }).from(residences).where(eq(residences.id, residenceId)));
			if (!row?.path) return null;
			const file = join(resolve(config().UPLOAD_DIR, 'site-plans'), row.path);
			return existsSync(file) ? file : null;
		},

		/** A code for the stairwell poster. Several can live at once; each can be revoked. */
		async createJoinCode(actor: Actor | null, input: unknown) {
			const form = parse(joinCodeSchema, input);
			authorize(actor, 'members.invite', { type: 'residence', id: form.residenceId });
			const now = clock.now();
			const row = {
				code: generateCode(ids, 8),
				residenceId: form.residenceId,
				expiresAt: new Date(now.getTime() + form.validDays * DAY),
				createdBy: actor.id,
				createdAt: now
			};
			await data.write(async (tx) => {
				await tx.insert(joinCodes).values(row);
				await logAudit(data, now, actor.id, 'joinCode.created', { type: 'residence', id: form.residenceId }, { code: row.code });
			});
			return row;
		},

		async revokeJoinCode(actor: Actor | null, code: string): Promise<void> {
			const row = await first(data.db.select().from(joinCodes).where(eq(joinCodes.code, code)));
			if (!row) throw new UserError('error.notFound', {}, 404);
			authorize(actor, 'members.invite', { type: 'residence', id: row.residenceId });
			const now = clock.now();
			await data.write(async (tx) => {
				await tx.update(joinCodes).set({ revokedAt: now }).where(eq(joinCodes.code, code));
				await logAudit(data, now, actor.id, 'joinCode.revoked', { type: 'residence', id: row.residenceId }, { code });
			});
		},

		async listJoinCodes(actor: Actor | null, residenceId: string) {
			authorize(actor, 'members.invite', { type: 'residence', id: residenceId });
			return data.db.select().from(joinCodes).where(eq(joinCodes.residenceId, residenceId)).orderBy(asc(joinCodes.createdAt), asc(joinCodes.code));
		},

		async assignRole(actor: Actor | null, input: unknown): Promise<void> {
			const form = parse(assignRoleSchema, input);
			const target = await roleTarget(actor, form);
			authorizeRoleGrant(actor, { target, role: form.role, space: form.space });
			if (form.collegeId) {
				const college = await first(data.db.select().from(colleges).where(eq(colleges.id, form.collegeId)));
				if (!college || form.space.type !== 'body' || college.bodyId !== form.space.id) throw new UserError('validation.college');
			}
			const now = clock.now();
			await data.write(async (tx) => {
				await tx
					.insert(memberships)
					.values({ id: ids.id(), userId: form.userId, spaceType: form.space.type, spaceId: form.space.id, role: form.role, collegeId: form.collegeId ?? null, createdAt: now })
					.onConflictDoUpdate({
						target: [memberships.userId, memberships.spaceType, memberships.spaceId, memberships.role],
						set: { collegeId: form.collegeId ?? null }
					});
				await logAudit(data, now, actor.id, 'role.assigned', { type: form.space.type, id: form.space.id }, { userId: form.userId, role: form.role });
			});
			deps.bus.signal('account.changed', { userId: form.userId });
		},

		/** Taking a role back follows the same policy as granting it. */
		async removeRole(actor: Actor | null, input: unknown): Promise<void> {
			const form = parse(assignRoleSchema, input);
			const target = await roleTarget(actor, form);
			authorizeRoleGrant(actor, { target, role: form.role, space: form.space });
			const now = clock.now();
			await data.write(async (tx) => {
				await tx
					.delete(memberships)
					.where(
						and(
							eq(memberships.userId, form.userId),
							eq(memberships.spaceType, form.space.type),
							eq(memberships.spaceId, form.space.id),
							eq(memberships.role, form.role)
						)
					);
				await logAudit(data, now, actor.id, 'role.removed', { type: form.space.type, id: form.space.id }, { userId: form.userId, role: form.role });
			});
			// Open sockets of this user leave the space's rooms and documents now, not at next sign-in.
			deps.bus.signal('account.changed', { userId: form.userId });
		},

		/**
		 * One page of every account, by name as a French reader sorts them, with each person's roles (so
		 * that one given by mistake, or no longer held, can be taken back here). `query` is the page's
		 * address (`listQuerySchema`): a search finds a name, an identifier or an e-mail, accents and
		 * case aside, the same on both engines (SQLite's `lower()` only knows ASCII). An estate of
		 * thousands of tenants listed its first 100 in the engines' byte order, with no way to the others
		 * but a search that missed "Élodie" for "elodie".
		 */
		async findUsers(actor: Actor | null, query: unknown): Promise<{ users: AccountView[]; list: ListPage }> {
			authorizeGlobal(actor, 'platform.manage');
			const { page: asked, q } = listQuerySchema.parse(query ?? {});
			const everyone = await data.db.select({ id: users.id, displayName: users.displayName, username: users.username, email: users.email, isAdmin: users.isAdmin }).from(users);
			// Identifiers are unique: the same names come in the order of their identifiers, on both engines.
			everyone.sort((a, b) => compareNames(a.displayName, b.displayName) || (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
			const needle = searchKey(q);
			const found = needle ? everyone.filter((u) => [u.displayName, u.username, u.email ?? ''].some((text) => searchKey(text).includes(needle))) : everyone;
			const { items, page, pages } = onePage(found, asked, ACCOUNTS_PER_PAGE);
			const held = items.length
				? await data.db
						.select({ userId: memberships.userId, spaceType: memberships.spaceType, spaceId: memberships.spaceId, role: memberships.role, collegeId: memberships.collegeId })
						.from(memberships)
						.where(inArray(memberships.userId, items.map((u) => u.id)))
						.orderBy(asc(memberships.spaceType), asc(memberships.spaceId), asc(memberships.role))
				: [];
			return {
				users: items.map((u) => ({
					...u,
					roles: held.filter((m) => m.userId === u.id).map((m) => ({ space: { type: m.spaceType, id: m.spaceId } as SpaceRef, role: m.role, collegeId: m.collegeId }))
				})),
				list: { total: everyone.length, perPage: ACCOUNTS_PER_PAGE, matches: found.length, page, pages, q }
			};
		}
	};
}

export type AdminService = ReturnType<typeof createAdminService>;
