import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { eq, inArray } from 'drizzle-orm';
import type { Actor, Role, SpaceRules, SpaceType } from '$lib/domain/policy';
import type { Locale } from '$lib/i18n';
import type { Db } from '../db';
import type { Data } from '../db/data';
import { memberships, practiceRuns, residences, sessions, users } from '../db/schema';
import type { Clock, Ids } from '../ids';
import { sha256Hex } from '../crypto';

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

export function sessionIdFromToken(token: string): string {
	return sha256Hex(token);
}

export function createSession(db: Db, clock: Clock, token: string, userId: string): Session {
	const session: Session = {
		id: sessionIdFromToken(token),
		userId,
		expiresAt: new Date(clock.now().getTime() + SESSION_LIFETIME)
	};
	db.insert(sessions).values(session).run();
	return session;
}

export function loadActor(db: Db, userId: string): SessionUser | null {
	const user = db.select().from(users).where(eq(users.id, userId)).get();
	if (!user) return null;
	const rows = db
		.select({ spaceType: memberships.spaceType, spaceId: memberships.spaceId, role: memberships.role })
		.from(memberships)
		.where(eq(memberships.userId, userId))
		.all();
	const roles = new Map<string, Role[]>();
	for (const row of rows) {
		const key = `${row.spaceType satisfies SpaceType}:${row.spaceId}`;
		roles.set(key, [...(roles.get(key) ?? []), row.role]);
	}
	return {
		id: user.id,
		isAdmin: user.isAdmin,
		roles,
		...practiceSpaces(db, rows.map((r) => r.spaceId)),
		spaceRules: spaceRules(db, rows),
		username: user.username,
		displayName: user.displayName,
		email: user.email,
		locale: user.locale,
		easyRead: user.easyRead,
		householdId: user.householdId,
		discreet: user.discreet
	};
}

/**
 * `loadActor` on the async data handle (db/data.ts), for converted code and for test fixtures on
 * either engine. The synchronous twin above goes once its callers are converted (issue 12).
 */
export async function actorOf(data: Data, userId: string): Promise<SessionUser | null> {
	const { users, memberships, practiceRuns, residences } = data.t;
	const [user] = await data.db.select().from(users).where(eq(users.id, userId)).limit(1);
	if (!user) return null;
	const rows = await data.db
		.select({ spaceType: memberships.spaceType, spaceId: memberships.spaceId, role: memberships.role })
		.from(memberships)
		.where(eq(memberships.userId, userId));
	const roles = new Map<string, Role[]>();
	for (const row of rows) {
		const key = `${row.spaceType satisfies SpaceType}:${row.spaceId}`;
		roles.set(key, [...(roles.get(key) ?? []), row.role]);
	}
	const spaceIds = [...new Set(rows.map((r) => r.spaceId))];
	const readOnly = new Set<string>();
	const practice = new Set<string>();
	if (spaceIds.length > 0)
		for (const run of await data.db
			.select({ spaceType: practiceRuns.spaceType, spaceId: practiceRuns.spaceId, status: practiceRuns.status })
			.from(practiceRuns)
			.where(inArray(practiceRuns.spaceId, spaceIds))) {
			const key = `${run.spaceType}:${run.spaceId}`;
			practice.add(key);
			if (run.status !== 'active') readOnly.add(key);
		}
	const spaceRules = new Map<string, SpaceRules>();
	const residenceIds = [...new Set(rows.filter((r) => r.spaceType === 'residence').map((r) => r.spaceId))];
	if (residenceIds.length > 0)
		for (const r of await data.db.select({ id: residences.id, association: residences.associationRights }).from(residences).where(inArray(residences.id, residenceIds)))
			spaceRules.set(`residence:${r.id}`, { association: r.association });
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

/** Many people as actors (id, admin flag, roles) in two queries, for lists that ask the policy per person. */
export function loadActors(db: Db, userIds: readonly string[]): Map<string, Actor> {
	const out = new Map<string, Actor>();
	if (userIds.length === 0) return out;
	const ids = [...new Set(userIds)];
	for (const u of db.select({ id: users.id, isAdmin: users.isAdmin }).from(users).where(inArray(users.id, ids)).all())
		out.set(u.id, { id: u.id, isAdmin: u.isAdmin, roles: new Map() });
	const rows = db
		.select({ userId: memberships.userId, spaceType: memberships.spaceType, spaceId: memberships.spaceId, role: memberships.role })
		.from(memberships)
		.where(inArray(memberships.userId, ids))
		.all();
	for (const row of rows) {
		const roles = out.get(row.userId)?.roles as Map<string, Role[]> | undefined;
		if (!roles) continue;
		const key = `${row.spaceType}:${row.spaceId}`;
		roles.set(key, [...(roles.get(key) ?? []), row.role]);
	}
	const { readOnly, practice } = practiceSpaces(db, rows.map((r) => r.spaceId));
	const rules = spaceRules(db, rows);
	for (const actor of out.values()) {
		actor.spaceRules = rules;
		if (practice.size > 0) {
			actor.readOnly = readOnly;
			actor.practice = practice;
		}
	}
	return out;
}

/**
 * Practice spaces among `spaceIds`, and those whose run is paused or over: there, the policy allows
 * reading only (issue 13). One indexed query; empty for anyone outside practice sessions.
 */
function practiceSpaces(db: Db, spaceIds: string[]): { readOnly: Set<string>; practice: Set<string> } {
	const readOnly = new Set<string>();
	const practice = new Set<string>();
	if (spaceIds.length === 0) return { readOnly, practice };
	const runs = db
		.select({ spaceType: practiceRuns.spaceType, spaceId: practiceRuns.spaceId, status: practiceRuns.status })
		.from(practiceRuns)
		.where(inArray(practiceRuns.spaceId, [...new Set(spaceIds)]))
		.all();
	for (const row of runs) {
		const key = `${row.spaceType}:${row.spaceId}`;
		practice.add(key);
		if (row.status !== 'active') readOnly.add(key);
	}
	return { readOnly, practice };
}

/**
 * The rules of the residences where these memberships sit (what their tenant association may do),
 * keyed like roles: the policy reads a space's rule with the actor's roles. One indexed query.
 */
function spaceRules(db: Db, rows: readonly { spaceType: SpaceType; spaceId: string }[]): Map<string, SpaceRules> {
	const out = new Map<string, SpaceRules>();
	const ids = [...new Set(rows.filter((r) => r.spaceType === 'residence').map((r) => r.spaceId))];
	if (ids.length === 0) return out;
	for (const r of db.select({ id: residences.id, association: residences.associationRights }).from(residences).where(inArray(residences.id, ids)).all())
		out.set(`residence:${r.id}`, { association: r.association });
	return out;
}

export interface SessionValidation {
	session: Session | null;
	user: SessionUser | null;
	/** True when the expiry moved and the cookie should be written again. */
	renewed: boolean;
}

export function validateSessionToken(db: Db, clock: Clock, token: string): SessionValidation {
	const id = sessionIdFromToken(token);
	const row = db.select().from(sessions).where(eq(sessions.id, id)).get();
	if (!row) return { session: null, user: null, renewed: false };
	const now = clock.now().getTime();
	if (now >= row.expiresAt.getTime()) {
		db.delete(sessions).where(eq(sessions.id, id)).run();
		return { session: null, user: null, renewed: false };
	}
	let renewed = false;
	if (row.expiresAt.getTime() - now < RENEW_WHEN_LEFT) {
		row.expiresAt = new Date(now + SESSION_LIFETIME);
		db.update(sessions).set({ expiresAt: row.expiresAt }).where(eq(sessions.id, id)).run();
		renewed = true;
	}
	const user = loadActor(db, row.userId);
	if (!user) return { session: null, user: null, renewed: false };
	return { session: row, user, renewed };
}

/**
 * A session by its id, as it is now, without renewing it: live connections re-check with this on
 * every event (they cannot rewrite the cookie, and must not extend a session nobody is using).
 */
export function currentSession(db: Db, clock: Clock, sessionId: string): { session: Session; user: SessionUser } | null {
	const row = db.select().from(sessions).where(eq(sessions.id, sessionId)).get();
	if (!row || clock.now().getTime() >= row.expiresAt.getTime()) return null;
	const user = loadActor(db, row.userId);
	return user ? { session: row, user } : null;
}

export function invalidateSession(db: Db, sessionId: string) {
	db.delete(sessions).where(eq(sessions.id, sessionId)).run();
}

export function invalidateUserSessions(db: Db, userId: string) {
	db.delete(sessions).where(eq(sessions.userId, userId)).run();
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
