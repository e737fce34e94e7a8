import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Actor, Role, SpaceRules, SpaceType } from '$lib/domain/policy';
import type { Locale } from '$lib/i18n';
import type { Data } from '../db/data';
import { names, perData, prepared, slices, valuesOf } from '../db/prepared';
import type { Clock, Ids } from '../ids';

/** Sessions as the Lucia guide describes them: random token in the cookie, its SHA-256 in the table. */

export const SESSION_COOKIE = 'session';
const DAY = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME = 30 * DAY;
/** Past half its life, a used session is extended to a fresh 30 days (sliding expiry). */
const RENEW_WHEN_LEFT = 15 * DAY;

export interface SessionUser extends Actor {
	username: string;
	displayName: string;
	email: string | null;
	locale: Locale | null;
	easyRead: boolean | null;
	householdId: string | null;
	discreet: boolean;
}

export interface Session {
	id: string;
	userId: string;
	expiresAt: Date;
}

export function generateSessionToken(ids: Ids): string {
	return encodeBase32LowerCaseNoPadding(ids.bytes(20));
}

/** The session id: the token's SHA-256 in lower-case hex, with @oslojs as the Lucia guide writes it (the same bytes as `sha256Hex`). */
export function sessionIdFromToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(data: Data, clock: Clock, token: string, userId: string): Promise<Session> {
	const session: Session = {
		id: sessionIdFromToken(token),
		userId,
		expiresAt: new Date(clock.now().getTime() + SESSION_LIFETIME)
	};
	await data.write(async (tx) => {
		await tx.insert(data.t.sessions).values(session);
	});
	return session;
}

/**
 * The reads of every signed-in request (the session, then the person as the policy sees her), built
 * once per data handle (db/prepared.ts): building them was a good part of a page's own work.
 */
const reads = perData((data: Data) => {
	const { sessions, users, memberships, practiceRuns, residences } = data.t;
	const keys = (n: number) => names('k', n).map((k) => sql.placeholder(k));
	/**
	 * A person as the policy sees her, in ONE statement (a round trip each on PostgreSQL: a page read
	 * five before): her profile, each membership with whether its space is a practice space (and one
	 * paused or over: read only) and, for a residence, what its tenant association may do.
	 */
	const actorFields = {
		id: users.id,
		isAdmin: users.isAdmin,
		username: users.username,
		displayName: users.displayName,
		email: users.email,
		locale: users.locale,
		easyRead: users.easyRead,
		householdId: users.householdId,
		discreet: users.discreet,
		spaceType: memberships.spaceType,
		spaceId: memberships.spaceId,
		role: memberships.role,
		practice: sql<unknown>`exists (select 1 from ${practiceRuns} where ${practiceRuns.spaceId} = ${memberships.spaceId} and ${practiceRuns.spaceType} = ${memberships.spaceType})`,
		readOnly: sql<unknown>`exists (select 1 from ${practiceRuns} where ${practiceRuns.spaceId} = ${memberships.spaceId} and ${practiceRuns.spaceType} = ${memberships.spaceType} and ${practiceRuns.status} <> 'active')`,
		association: sql<SpaceRules['association'] | null>`(select ${residences.associationRights} from ${residences} where ${memberships.spaceType} = 'residence' and ${residences.id} = ${memberships.spaceId})`
	};
	return {
		actor: prepared(data, (db) =>
			db.select(actorFields).from(users).leftJoin(memberships, eq(memberships.userId, users.id)).where(eq(users.id, sql.placeholder('id'))).prepare()
		),
		/** The session and its person, in one statement: what every signed-in request reads first. */
		sessionActor: prepared(data, (db) =>
			db
				.select({ sessionId: sessions.id, sessionUserId: sessions.userId, expiresAt: sessions.expiresAt, ...actorFields })
				.from(sessions)
				.innerJoin(users, eq(users.id, sessions.userId))
				.leftJoin(memberships, eq(memberships.userId, users.id))
				.where(eq(sessions.id, sql.placeholder('id')))
				.prepare()
		),
		/** Several people at once (lists that ask the policy per person), `n` ids a statement. */
		actors: prepared(data, (db, n) =>
			db.select(actorFields).from(users).leftJoin(memberships, eq(memberships.userId, users.id)).where(inArray(users.id, keys(n))).prepare()
		)
	};
});

/** What `actor`, `actors` and `sessionActor` give per membership (one row with no membership for a person with none). */
interface ActorRow extends Omit<SessionUser, keyof Actor>, Pick<Actor, 'id' | 'isAdmin'> {
	spaceType: SpaceType | null;
	spaceId: string | null;
	role: Role | null;
	practice: unknown;
	readOnly: unknown;
	association: SpaceRules['association'] | null;
}

/** SQLite answers `exists` with 1 or 0, PostgreSQL with true or false. */
const truthy = (v: unknown) => v === true || v === 1;

/** The person from her rows (at least one: the left join gives her profile even with no membership). */
function actorOf(rows: readonly ActorRow[]): SessionUser | null {
	const user = rows[0];
	if (!user) return null;
	const roles = new Map<string, Role[]>();
	const readOnly = new Set<string>();
	const practice = new Set<string>();
	const spaceRules = new Map<string, SpaceRules>();
	for (const row of rows) {
		if (row.spaceType === null || row.spaceId === null || row.role === null) continue;
		const key = `${row.spaceType satisfies SpaceType}:${row.spaceId}`;
		roles.set(key, [...(roles.get(key) ?? []), row.role]);
		if (truthy(row.practice)) practice.add(key);
		if (truthy(row.readOnly)) readOnly.add(key);
		if (row.spaceType === 'residence' && row.association !== null) spaceRules.set(key, { association: row.association });
	}
	return {
		id: user.id,
		isAdmin: user.isAdmin,
		roles,
		readOnly,
		practice,
		spaceRules,
		username: user.username,
		displayName: user.displayName,
		email: user.email,
		locale: user.locale,
		easyRead: user.easyRead,
		householdId: user.householdId,
		discreet: user.discreet
	};
}

/** A person as the policy sees her now: roles, practice spaces, her residences' rules, and her profile. */
export async function loadActor(data: Data, userId: string): Promise<SessionUser | null> {
	return actorOf(await reads(data).actor().execute({ id: userId }));
}

/** The session by its id and its person as she is now, in one read; null when either is gone. */
async function sessionWithActor(data: Data, sessionId: string): Promise<{ session: Session; user: SessionUser | null } | null> {
	const rows = await reads(data).sessionActor().execute({ id: sessionId });
	const first = rows[0];
	if (!first) return null;
	return { session: { id: first.sessionId, userId: first.sessionUserId, expiresAt: first.expiresAt }, user: actorOf(rows) };
}

/** Many people as actors, read as `loadActor` reads one (a few statements for the whole list), for lists that ask the policy per person. */
export async function loadActors(data: Data, userIds: readonly string[]): Promise<Map<string, Actor>> {
	const byUser = new Map<string, ActorRow[]>();
	for (const some of slices([...new Set(userIds)]))
		for (const row of await reads(data).actors(some.length).execute(valuesOf('k', some))) byUser.set(row.id, [...(byUser.get(row.id) ?? []), row]);
	const out = new Map<string, Actor>();
	for (const [id, rows] of byUser) out.set(id, actorOf(rows)!);
	return out;
}

export interface SessionValidation {
	session: Session | null;
	user: SessionUser | null;
	/** True when the expiry moved and the cookie should be written again. */
	renewed: boolean;
}

export async function validateSessionToken(data: Data, clock: Clock, token: string): Promise<SessionValidation> {
	const { sessions } = data.t;
	const id = sessionIdFromToken(token);
	// A session whose person was deleted is no session (the deletion ends her sessions too).
	const found = await sessionWithActor(data, id);
	if (!found?.user) return { session: null, user: null, renewed: false };
	const { session: row, user } = found;
	const now = clock.now().getTime();
	if (now >= row.expiresAt.getTime()) {
		await data.write(async (tx) => {
			await tx.delete(sessions).where(eq(sessions.id, id));
		});
		return { session: null, user: null, renewed: false };
	}
	let renewed = false;
	if (row.expiresAt.getTime() - now < RENEW_WHEN_LEFT) {
		const expiresAt = new Date(now + SESSION_LIFETIME);
		// Only if the session is still there (signed out meanwhile: nothing to renew).
		const kept = await data.write((tx) => tx.update(sessions).set({ expiresAt }).where(eq(sessions.id, id)).returning({ id: sessions.id }));
		if (kept.length === 0) return { session: null, user: null, renewed: false };
		row.expiresAt = expiresAt;
		renewed = true;
	}
	return { session: row, user, renewed };
}

/**
 * A session by its id, as it is now, without renewing it: live connections re-check with this on
 * every event (they cannot rewrite the cookie, and must not extend a session nobody is using).
 */
export async function currentSession(data: Data, clock: Clock, sessionId: string): Promise<{ session: Session; user: SessionUser } | null> {
	const found = await sessionWithActor(data, sessionId);
	if (!found?.user || clock.now().getTime() >= found.session.expiresAt.getTime()) return null;
	return { session: found.session, user: found.user };
}

export async function invalidateSession(data: Data, sessionId: string): Promise<void> {
	await data.write(async (tx) => {
		await tx.delete(data.t.sessions).where(eq(data.t.sessions.id, sessionId));
	});
}

/** Ends every session of a person (inside the caller's unit when there is one: it joins). */
export async function invalidateUserSessions(data: Data, userId: string): Promise<void> {
	await data.write(async (tx) => {
		await tx.delete(data.t.sessions).where(eq(data.t.sessions.userId, userId));
	});
}

/** Reads the session token out of a raw Cookie header (socket.io handshakes have no SvelteKit cookies API). */
export function tokenFromCookieHeader(header: string | undefined): string | null {
	if (!header) return null;
	for (const part of header.split(';')) {
		const [name, ...rest] = part.trim().split('=');
		if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
	}
	return null;
}
