import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () => integer('created_at', { mode: 'timestamp_ms' }).notNull();

export const organisations = sqliteTable('organisations', {
	id: text('id').primaryKey(),
	slug: text('slug').notNull().unique(),
	name: text('name').notNull(),
	kind: text('kind', { enum: ['landlord', 'network', 'city', 'training'] }).notNull(),
	description: text('description').notNull().default(''),
	createdAt: createdAt()
});

export const agencies = sqliteTable('agencies', {
	id: text('id').primaryKey(),
	organisationId: text('organisation_id').notNull().references(() => organisations.id),
	name: text('name').notNull(),
	createdAt: createdAt()
});

export const residences = sqliteTable('residences', {
	id: text('id').primaryKey(),
	organisationId: text('organisation_id').notNull().references(() => organisations.id),
	agencyId: text('agency_id').references(() => agencies.id),
	slug: text('slug').notNull().unique(),
	name: text('name').notNull(),
	city: text('city').notNull().default(''),
	address: text('address').notNull().default(''),
	sitePlanPath: text('site_plan_path'),
	/** A simulated residence inside a practice session: kept out of indicators, register, portal, notifications. */
	practice: integer('practice', { mode: 'boolean' }).notNull().default(false),
	/**
	 * What the tenant association may do here beyond what tenants do (`AssociationRights` in the policy):
	 * `participate` (nothing more), `votes` (also runs votes and their follow-up), `full` (also runs the board).
	 * `full` was the only behaviour before the choice existed, so existing residences keep it.
	 */
	associationRights: text('association_rights', { enum: ['participate', 'votes', 'full'] }).notNull().default('full'),
	createdAt: createdAt()
});

/** A building or a stairwell: the unit tenants recognise and representativeness is measured by. */
export const buildings = sqliteTable('buildings', {
	id: text('id').primaryKey(),
	residenceId: text('residence_id').notNull().references(() => residences.id),
	name: text('name').notNull(),
	position: integer('position').notNull().default(0)
});

export const households = sqliteTable(
	'households',
	{
		id: text('id').primaryKey(),
		residenceId: text('residence_id').notNull().references(() => residences.id),
		buildingId: text('building_id').notNull().references(() => buildings.id),
		label: text('label').notNull()
	},
	(t) => [
		uniqueIndex('households_residence_label').on(t.residenceId, t.label),
		// Indicators: the households of a residence (or of one of its buildings) read from the index alone.
		index('households_scope').on(t.residenceId, t.buildingId, t.id)
	]
);

export const bodies = sqliteTable('bodies', {
	id: text('id').primaryKey(),
	organisationId: text('organisation_id').notNull().references(() => organisations.id),
	slug: text('slug').notNull().unique(),
	name: text('name').notNull(),
	description: text('description').notNull().default(''),
	/** How many proxies one member may hold. */
	proxyLimit: integer('proxy_limit').notNull().default(1),
	/** Whether a member may give her proxy to a member of another college (the only behaviour before the choice existed). */
	proxiesAcrossColleges: integer('proxies_across_colleges', { mode: 'boolean' }).notNull().default(true),
	/** A simulated body inside a practice session: kept out of indicators, register, portal, notifications. */
	practice: integer('practice', { mode: 'boolean' }).notNull().default(false),
	createdAt: createdAt()
});

export const colleges = sqliteTable('colleges', {
	id: text('id').primaryKey(),
	bodyId: text('body_id').notNull().references(() => bodies.id),
	name: text('name').notNull(),
	weight: real('weight').notNull(),
	seats: integer('seats').notNull().default(0),
	position: integer('position').notNull().default(0)
});

export const trainingSessions = sqliteTable('training_sessions', {
	id: text('id').primaryKey(),
	organisationId: text('organisation_id').notNull().references(() => organisations.id),
	slug: text('slug').notNull().unique(),
	name: text('name').notNull(),
	createdAt: createdAt()
});

export const users = sqliteTable(
	'users',
	{
		id: text('id').primaryKey(),
		/** Staff sign in with their e-mail; tenants with a generated identifier such as "amina.k7p2". */
		username: text('username').notNull().unique(),
		email: text('email').unique(),
		displayName: text('display_name').notNull(),
		passwordHash: text('password_hash').notNull(),
		/** The language new devices start in (each device then keeps its own, in a cookie). */
		locale: text('locale', { enum: ['fr', 'en', 'ar'] }),
		/** Easy-read French (FALC) as the default for new devices; null: never chosen. */
		easyRead: integer('easy_read', { mode: 'boolean' }),
		isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
		householdId: text('household_id').references(() => households.id),
		/** Shown as "a neighbour" rather than by name in presence lists. */
		discreet: integer('discreet', { mode: 'boolean' }).notNull().default(false),
		createdAt: createdAt(),
		passwordChangedAt: integer('password_changed_at', { mode: 'timestamp_ms' }).notNull()
	},
	// Households that took part (indicators): from a household to its members' ids, without reading their rows.
	(t) => [index('users_household').on(t.householdId, t.id)]
);

export const memberships = sqliteTable(
	'memberships',
	{
		id: text('id').primaryKey(),
		userId: text('user_id').notNull().references(() => users.id),
		spaceType: text('space_type', { enum: ['residence', 'body', 'training'] }).notNull(),
		spaceId: text('space_id').notNull(),
		role: text('role', {
			enum: ['tenant', 'association', 'facilitator', 'member', 'chair', 'secretary', 'observer', 'trainee', 'trainer']
		}).notNull(),
		collegeId: text('college_id').references(() => colleges.id),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('memberships_unique').on(t.userId, t.spaceType, t.spaceId, t.role),
		index('memberships_space').on(t.spaceType, t.spaceId)
	]
);

export const sessions = sqliteTable(
	'sessions',
	{
		/** SHA-256 of the cookie token, hex: the token itself is never stored. */
		id: text('id').primaryKey(),
		userId: text('user_id').notNull().references(() => users.id),
		expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull()
	},
	(t) => [index('sessions_user').on(t.userId)]
);

/** Printed on posters in the stairwell: shared by many tenants, so the code is stored as printed. */
export const joinCodes = sqliteTable('join_codes', {
	code: text('code').primaryKey(),
	residenceId: text('residence_id').notNull().references(() => residences.id),
	expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
	revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
	createdBy: text('created_by').references(() => users.id),
	createdAt: createdAt()
});

/** One-time links and codes (staff invitations, access resets): only their hash is stored. */
export const accessTokens = sqliteTable('access_tokens', {
	id: text('id').primaryKey(),
	tokenHash: text('token_hash').notNull().unique(),
	kind: text('kind', { enum: ['invite', 'reset'] }).notNull(),
	userId: text('user_id').references(() => users.id),
	email: text('email'),
	spaceType: text('space_type', { enum: ['residence', 'body', 'training'] }),
	spaceId: text('space_id'),
	role: text('role', {
		enum: ['tenant', 'association', 'facilitator', 'member', 'chair', 'secretary', 'observer', 'trainee', 'trainer']
	}),
	collegeId: text('college_id'),
	makeAdmin: integer('make_admin', { mode: 'boolean' }).notNull().default(false),
	expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
	usedAt: integer('used_at', { mode: 'timestamp_ms' }),
	createdBy: text('created_by').references(() => users.id),
	createdAt: createdAt()
});

export const auditLog = sqliteTable(
	'audit_log',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		at: integer('at', { mode: 'timestamp_ms' }).notNull(),
		actorId: text('actor_id'),
		action: text('action').notNull(),
		subjectType: text('subject_type').notNull(),
		subjectId: text('subject_id').notNull(),
		data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`)
	},
	(t) => [index('audit_subject').on(t.subjectType, t.subjectId)]
);
