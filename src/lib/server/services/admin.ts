import { and, asc, eq, like, or } from 'drizzle-orm';
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
import { transaction, type Db } from '../db';
import {
	agencies,
	bodies,
	buildings,
	colleges,
	households,
	joinCodes,
	memberships,
	organisations,
	residences,
	trainingSessions,
	users
} from '../db/schema';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateCode } from '../auth/passphrase';
import { loadActor } from '../auth/session';
import { config } from '../config';
import { reencodePhoto } from '../uploads/photos';
import { slugify } from '../ids';
import { audit } from './audit';
import type { ServiceDeps } from './deps';
import { UserError } from './errors';
import { parse } from './validate';

const DAY = 24 * 60 * 60 * 1000;

/** Short dwelling labels from a building name: "Bâtiment A" → "A-01", "Les Tilleuls" → "LT-01". */
export function dwellingPrefix(buildingName: string, index: number): string {
	const words = slugify(buildingName).split('-').filter((w) => w && !['batiment', 'bat', 'immeuble', 'escalier', 'tour', 'le', 'la', 'les', 'l', 'du', 'de'].includes(w));
	if (words.length === 0) return String(index + 1);
	if (words.length === 1) return words[0]!.slice(0, 3).toUpperCase();
	return words.map((w) => w[0]).join('').toUpperCase().slice(0, 3);
}

function uniqueSlug(db: Db, table: typeof residences | typeof bodies | typeof organisations | typeof trainingSessions, name: string) {
	const base = slugify(name) || 'espace';
	for (let n = 1; ; n++) {
		const slug = n === 1 ? base : `${base}-${n}`;
		if (!db.select({ id: table.id }).from(table).where(eq(table.slug, slug)).get()) return slug;
	}
}

export function createAdminService(deps: ServiceDeps) {
	const { db, clock, ids } = deps;

	function spaceExists(space: SpaceRef): boolean {
		const table = space.type === 'residence' ? residences : space.type === 'body' ? bodies : trainingSessions;
		return !!db.select({ id: table.id }).from(table).where(eq(table.id, space.id)).get();
	}

	/**
	 * The person a role change is about, as they are now. Someone with no say in the space learns
	 * nothing (forbidden before not-found), so ids cannot be probed through this door.
	 */
	function roleTarget(actor: Actor | null, data: { userId: string; space: SpaceRef; role: Role }): Actor {
		if (!actor) throw new ForbiddenError('role.grant');
		if (!rolesBySpace[data.space.type].includes(data.role)) throw new UserError('validation.role');
		const target = loadActor(db, data.userId);
		if (!target || !spaceExists(data.space)) {
			if (!actor.isAdmin && !can(actor, 'space.manage', data.space)) throw new ForbiddenError('role.grant');
			throw new UserError('error.notFound', {}, 404);
		}
		return target;
	}

	return {
		organisationDetail(actor: Actor | null, id: string) {
			authorizeGlobal(actor, 'platform.manage');
			const organisation = db.select().from(organisations).where(eq(organisations.id, id)).get();
			if (!organisation) return null;
			return {
				organisation,
				agencies: db.select().from(agencies).where(eq(agencies.organisationId, id)).orderBy(asc(agencies.name)).all(),
				residences: db.select().from(residences).where(eq(residences.organisationId, id)).orderBy(asc(residences.name)).all(),
				bodies: db.select().from(bodies).where(eq(bodies.organisationId, id)).orderBy(asc(bodies.name)).all(),
				trainings: db.select().from(trainingSessions).where(eq(trainingSessions.organisationId, id)).orderBy(asc(trainingSessions.name)).all()
			};
		},

		/** Every space with its colleges, for the role and invitation pickers. */
		allSpaces(actor: Actor | null) {
			authorizeGlobal(actor, 'platform.manage');
			return {
				residences: db.select({ id: residences.id, name: residences.name }).from(residences).orderBy(asc(residences.name)).all(),
				bodies: db.select({ id: bodies.id, name: bodies.name }).from(bodies).orderBy(asc(bodies.name)).all(),
				trainings: db.select({ id: trainingSessions.id, name: trainingSessions.name }).from(trainingSessions).orderBy(asc(trainingSessions.name)).all(),
				colleges: db.select({ id: colleges.id, name: colleges.name, bodyId: colleges.bodyId }).from(colleges).orderBy(asc(colleges.position)).all()
			};
		},

		listOrganisations(actor: Actor | null) {
			authorizeGlobal(actor, 'platform.manage');
			return db.select().from(organisations).orderBy(asc(organisations.name)).all();
		},

		createOrganisation(actor: Actor | null, input: unknown) {
			authorizeGlobal(actor, 'platform.manage');
			const data = parse(organisationSchema, input);
			const now = clock.now();
			const row = { id: ids.id(), slug: uniqueSlug(db, organisations, data.name), ...data, createdAt: now };
			transaction(db, (tx) => {
				tx.insert(organisations).values(row).run();
				audit(tx, now, actor.id, 'organisation.created', { type: 'organisation', id: row.id }, { name: row.name });
			});
			return row;
		},

		createAgency(actor: Actor | null, input: unknown) {
			authorizeGlobal(actor, 'platform.manage');
			const data = parse(agencySchema, input);
			const now = clock.now();
			const row = { id: ids.id(), ...data, createdAt: now };
			transaction(db, (tx) => {
				tx.insert(agencies).values(row).run();
				audit(tx, now, actor.id, 'agency.created', { type: 'agency', id: row.id }, { name: row.name });
			});
			return row;
		},

		/** Creates a residence with its buildings and one household per dwelling. */
		createResidence(actor: Actor | null, input: unknown) {
			authorizeGlobal(actor, 'platform.manage');
			const data = parse(residenceSchema, input);
			if (!db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, data.organisationId)).get())
				throw new UserError('error.notFound', {}, 404);
			const now = clock.now();
			const residence = {
				id: ids.id(),
				organisationId: data.organisationId,
				agencyId: data.agencyId || null,
				slug: uniqueSlug(db, residences, data.name),
				name: data.name,
				city: data.city,
				address: data.address,
				createdAt: now
			};
			transaction(db, (tx) => {
				tx.insert(residences).values(residence).run();
				const used = new Set<string>();
				data.buildings.forEach((b, position) => {
					const buildingId = ids.id();
					tx.insert(buildings).values({ id: buildingId, residenceId: residence.id, name: b.name, position }).run();
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
					for (let i = 0; i < homes.length; i += 250) tx.insert(households).values(homes.slice(i, i + 250)).run();
				});
				audit(tx, now, actor.id, 'residence.created', { type: 'residence', id: residence.id }, { name: residence.name, buildings: data.buildings });
			});
			return residence;
		},

		createBody(actor: Actor | null, input: unknown) {
			authorizeGlobal(actor, 'platform.manage');
			const data = parse(bodySchema, input);
			const now = clock.now();
			const body = {
				id: ids.id(),
				organisationId: data.organisationId,
				slug: uniqueSlug(db, bodies, data.name),
				name: data.name,
				description: data.description,
				proxyLimit: data.proxyLimit,
				createdAt: now
			};
			transaction(db, (tx) => {
				tx.insert(bodies).values(body).run();
				data.colleges.forEach((c, position) => tx.insert(colleges).values({ id: ids.id(), bodyId: body.id, ...c, position }).run());
				audit(tx, now, actor.id, 'body.created', { type: 'body', id: body.id }, { name: body.name, colleges: data.colleges });
			});
			return body;
		},

		createTrainingSession(actor: Actor | null, input: unknown) {
			authorizeGlobal(actor, 'platform.manage');
			const data = parse(trainingSessionSchema, input);
			const now = clock.now();
			const row = { id: ids.id(), slug: uniqueSlug(db, trainingSessions, data.name), ...data, createdAt: now };
			transaction(db, (tx) => {
				tx.insert(trainingSessions).values(row).run();
				audit(tx, now, actor.id, 'training.created', { type: 'training', id: row.id }, { name: row.name });
			});
			return row;
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
			transaction(db, (tx) => {
				tx.update(residences).set({ sitePlanPath: name }).where(eq(residences.id, residenceId)).run();
				audit(tx, now, actor.id, 'residence.sitePlanSet', { type: 'residence', id: residenceId }, { file: name, bytes: encoded.byteLength });
			});
			return name;
		},

		/** Absolute path of a residence's site plan for members, or null when there is none. */
		sitePlanFile(actor: Actor | null, residenceId: string): string | null {
			authorize(actor, 'space.view', { type: 'residence', id: residenceId });
			const row = db.select({ path: residences.sitePlanPath }).from(residences).where(eq(residences.id, residenceId)).get();
			if (!row?.path) return null;
			const file = join(resolve(config().UPLOAD_DIR, 'site-plans'), row.path);
			return existsSync(file) ? file : null;
		},

		/** A code for the stairwell poster. Several can live at once; each can be revoked. */
		createJoinCode(actor: Actor | null, input: unknown) {
			const data = parse(joinCodeSchema, input);
			authorize(actor, 'members.invite', { type: 'residence', id: data.residenceId });
			const now = clock.now();
			const row = {
				code: generateCode(ids, 8),
				residenceId: data.residenceId,
				expiresAt: new Date(now.getTime() + data.validDays * DAY),
				createdBy: actor.id,
				createdAt: now
			};
			transaction(db, (tx) => {
				tx.insert(joinCodes).values(row).run();
				audit(tx, now, actor.id, 'joinCode.created', { type: 'residence', id: data.residenceId }, { code: row.code });
			});
			return row;
		},

		revokeJoinCode(actor: Actor | null, code: string) {
			const row = db.select().from(joinCodes).where(eq(joinCodes.code, code)).get();
			if (!row) throw new UserError('error.notFound', {}, 404);
			authorize(actor, 'members.invite', { type: 'residence', id: row.residenceId });
			const now = clock.now();
			transaction(db, (tx) => {
				tx.update(joinCodes).set({ revokedAt: now }).where(eq(joinCodes.code, code)).run();
				audit(tx, now, actor.id, 'joinCode.revoked', { type: 'residence', id: row.residenceId }, { code });
			});
		},

		listJoinCodes(actor: Actor | null, residenceId: string) {
			authorize(actor, 'members.invite', { type: 'residence', id: residenceId });
			return db.select().from(joinCodes).where(eq(joinCodes.residenceId, residenceId)).orderBy(asc(joinCodes.createdAt)).all();
		},

		assignRole(actor: Actor | null, input: unknown) {
			const data = parse(assignRoleSchema, input);
			const target = roleTarget(actor, data);
			authorizeRoleGrant(actor, { target, role: data.role, space: data.space });
			if (data.collegeId) {
				const college = db.select().from(colleges).where(eq(colleges.id, data.collegeId)).get();
				if (!college || data.space.type !== 'body' || college.bodyId !== data.space.id) throw new UserError('validation.college');
			}
			const now = clock.now();
			transaction(db, (tx) => {
				tx.insert(memberships)
					.values({ id: ids.id(), userId: data.userId, spaceType: data.space.type, spaceId: data.space.id, role: data.role, collegeId: data.collegeId ?? null, createdAt: now })
					.onConflictDoUpdate({
						target: [memberships.userId, memberships.spaceType, memberships.spaceId, memberships.role],
						set: { collegeId: data.collegeId ?? null }
					})
					.run();
				audit(tx, now, actor.id, 'role.assigned', { type: data.space.type, id: data.space.id }, { userId: data.userId, role: data.role });
			});
			deps.bus.signal('account.changed', { userId: data.userId });
		},

		/** Taking a role back follows the same policy as granting it. */
		removeRole(actor: Actor | null, input: unknown) {
			const data = parse(assignRoleSchema, input);
			const target = roleTarget(actor, data);
			authorizeRoleGrant(actor, { target, role: data.role, space: data.space });
			const now = clock.now();
			transaction(db, (tx) => {
				tx.delete(memberships)
					.where(
						and(
							eq(memberships.userId, data.userId),
							eq(memberships.spaceType, data.space.type),
							eq(memberships.spaceId, data.space.id),
							eq(memberships.role, data.role)
						)
					)
					.run();
				audit(tx, now, actor.id, 'role.removed', { type: data.space.type, id: data.space.id }, { userId: data.userId, role: data.role });
			});
			// Open sockets of this user leave the space's rooms and documents now, not at next sign-in.
			deps.bus.signal('account.changed', { userId: data.userId });
		},

		findUsers(actor: Actor | null, query: string) {
			authorizeGlobal(actor, 'platform.manage');
			const q = `%${query.trim().slice(0, 60)}%`;
			return db
				.select({ id: users.id, displayName: users.displayName, username: users.username, email: users.email, isAdmin: users.isAdmin })
				.from(users)
				.where(query.trim() ? or(like(users.displayName, q), like(users.username, q)) : undefined)
				.orderBy(asc(users.displayName))
				.limit(100)
				.all();
		}
	};
}

export type AdminService = ReturnType<typeof createAdminService>;
