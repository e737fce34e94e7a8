import { and, eq, isNull } from 'drizzle-orm';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { authorize, authorizeGlobal, can, type Actor } from '$lib/domain/policy';
import {
	changePasswordSchema,
	inviteSchema,
	joinSchema,
	redeemInviteSchema,
	redeemResetSchema,
	signInSchema
} from '$lib/domain/schemas/accounts';
import { transaction } from '../db';
import { accessTokens, households, joinCodes, memberships, residences, sessions, users, buildings } from '../db/schema';
import { hashPassword, verifyPassword } from '../auth/password';
import { generateCode, normalizeCode } from '../auth/passphrase';
import { FailureLimiter } from '../auth/rate-limit';
import {
	createSession,
	generateSessionToken,
	invalidateSession,
	invalidateUserSessions,
	type Session
} from '../auth/session';
import { slugify } from '../ids';
import { audit } from './audit';
import type { ServiceDeps } from './deps';
import { UserError } from './errors';
import { parse } from './validate';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
export const INVITE_LIFETIME = 14 * DAY;
export const RESET_LIFETIME = 7 * DAY;

const hashToken = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

export interface NewSession {
	token: string;
	session: Session;
}

export function createAuthService(deps: ServiceDeps) {
	const { db, clock, ids } = deps;
	// Per account: 5 wrong passwords then a 15 minute pause. Per address: 30, since a whole
	// residence may share one community-centre connection.
	const perAccount = new FailureLimiter(clock, 5, 15 * MINUTE);
	const perIp = new FailureLimiter(clock, 30, 15 * MINUTE);

	function startSession(userId: string): NewSession {
		const token = generateSessionToken(ids);
		return { token, session: createSession(db, clock, token, userId) };
	}

	function uniqueUsername(displayName: string): string {
		const base = slugify(displayName).split('-')[0] || 'voisin';
		for (;;) {
			const candidate = `${base}.${generateCode(ids, 4).toLowerCase()}`;
			if (!db.select({ id: users.id }).from(users).where(eq(users.username, candidate)).get()) return candidate;
		}
	}

	function validJoinCode(input: string) {
		const code = normalizeCode(input);
		const row = db.select().from(joinCodes).where(eq(joinCodes.code, code)).get();
		if (!row || row.revokedAt) throw new UserError('join.invalidCode', {}, 404);
		if (row.expiresAt && row.expiresAt.getTime() <= clock.now().getTime()) throw new UserError('join.expiredCode', {}, 410);
		return row;
	}

	function validToken(kind: 'invite' | 'reset', token: string) {
		const row = db.select().from(accessTokens).where(eq(accessTokens.tokenHash, hashToken(kind === 'reset' ? normalizeCode(token) : token))).get();
		const invalid = kind === 'invite' ? 'invite.invalid' : 'reset.invalidCode';
		if (!row || row.kind !== kind || row.usedAt) throw new UserError(invalid, {}, 404);
		if (row.expiresAt.getTime() <= clock.now().getTime()) throw new UserError(kind === 'invite' ? 'invite.expired' : 'reset.expiredCode', {}, 404);
		return row;
	}

	return {
		async signIn(input: unknown, ip: string): Promise<NewSession> {
			const { username, password } = parse(signInSchema, input);
			const wait = Math.max(perAccount.retryAfter(username), perIp.retryAfter(ip));
			if (wait > 0) throw new UserError('signin.rateLimited', { minutes: Math.ceil(wait / MINUTE) }, 429);
			const user = db.select().from(users).where(eq(users.username, username)).get();
			const ok = user ? await verifyPassword(user.passwordHash, password) : false;
			if (!user || !ok) {
				perAccount.fail(username);
				perIp.fail(ip);
				throw new UserError('signin.invalid', {}, 400);
			}
			perAccount.reset(username);
			return startSession(user.id);
		},

		signOut(sessionId: string) {
			const row = db.select({ userId: sessions.userId }).from(sessions).where(eq(sessions.id, sessionId)).get();
			invalidateSession(db, sessionId);
			// Live connections of this session are closed at once (realtime/live-auth.ts).
			if (row) deps.bus.signal('session.ended', { userId: row.userId, sessionId });
		},

		/** Returns a fresh session: changing the password signs out every other device. */
		async changePassword(actor: Actor | null, input: unknown): Promise<NewSession> {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			const { current, next } = parse(changePasswordSchema, input);
			const user = db.select().from(users).where(eq(users.id, actor.id)).get();
			if (!user || !(await verifyPassword(user.passwordHash, current))) throw new UserError('account.wrongPassword');
			const passwordHash = await hashPassword(next);
			const now = clock.now();
			transaction(db, (tx) => {
				tx.update(users).set({ passwordHash, passwordChangedAt: now }).where(eq(users.id, actor.id)).run();
				invalidateUserSessions(tx, actor.id);
				audit(tx, now, actor.id, 'account.passwordChanged', { type: 'user', id: actor.id });
			});
			deps.bus.signal('account.changed', { userId: actor.id });
			return startSession(actor.id);
		},

		/** What the join page shows for a poster code: the residence and its dwellings. */
		joinInfo(code: string) {
			const row = validJoinCode(code);
			const residence = db.select().from(residences).where(eq(residences.id, row.residenceId)).get();
			if (!residence) throw new UserError('join.invalidCode', {}, 404);
			const blds = db.select().from(buildings).where(eq(buildings.residenceId, residence.id)).orderBy(buildings.position).all();
			const homes = db.select().from(households).where(eq(households.residenceId, residence.id)).orderBy(households.label).all();
			return {
				code: row.code,
				residence: { id: residence.id, name: residence.name, city: residence.city },
				buildings: blds.map((b) => ({
					id: b.id,
					name: b.name,
					households: homes.filter((h) => h.buildingId === b.id).map((h) => ({ id: h.id, label: h.label }))
				}))
			};
		},

		async join(input: unknown): Promise<NewSession & { username: string; residenceId: string }> {
			const data = parse(joinSchema, input);
			const code = validJoinCode(data.code);
			const home = db
				.select()
				.from(households)
				.where(and(eq(households.id, data.householdId), eq(households.residenceId, code.residenceId)))
				.get();
			if (!home) throw new UserError('join.chooseDwelling');
			const passwordHash = await hashPassword(data.password);
			const now = clock.now();
			const userId = ids.id();
			const username = uniqueUsername(data.displayName);
			transaction(db, (tx) => {
				tx.insert(users)
					.values({
						id: userId,
						username,
						displayName: data.displayName,
						passwordHash,
						householdId: home.id,
						discreet: data.discreet,
						createdAt: now,
						passwordChangedAt: now
					})
					.run();
				tx.insert(memberships)
					.values({ id: ids.id(), userId, spaceType: 'residence', spaceId: code.residenceId, role: 'tenant', createdAt: now })
					.run();
				audit(tx, now, userId, 'residence.joined', { type: 'residence', id: code.residenceId }, { code: code.code, householdId: home.id });
			});
			return { ...startSession(userId), username, residenceId: code.residenceId };
		},

		/**
		 * A one-time code a facilitator reads out or prints for a tenant who lost her password.
		 * Allowed to administrators and to whoever may reset access in one of the tenant's spaces.
		 */
		createAccessReset(actor: Actor | null, userId: string): { code: string; expiresAt: Date } {
			const target = db.select({ id: users.id }).from(users).where(eq(users.id, userId)).get();
			if (!target) throw new UserError('error.notFound', {}, 404);
			const spaces = db.select().from(memberships).where(eq(memberships.userId, userId)).all();
			const allowed = !!actor?.isAdmin || spaces.some((m) => can(actor, 'members.resetAccess', { type: m.spaceType, id: m.spaceId }));
			if (!allowed) authorizeGlobal(actor, 'platform.manage');
			const code = generateCode(ids, 8);
			const now = clock.now();
			const expiresAt = new Date(now.getTime() + RESET_LIFETIME);
			transaction(db, (tx) => {
				// A new code replaces any earlier unused one.
				tx.update(accessTokens)
					.set({ usedAt: now })
					.where(and(eq(accessTokens.userId, userId), eq(accessTokens.kind, 'reset'), isNull(accessTokens.usedAt)))
					.run();
				tx.insert(accessTokens)
					.values({ id: ids.id(), tokenHash: hashToken(code), kind: 'reset', userId, expiresAt, createdBy: actor?.id ?? null, createdAt: now })
					.run();
				audit(tx, now, actor?.id ?? null, 'account.resetIssued', { type: 'user', id: userId });
			});
			return { code, expiresAt };
		},

		async redeemReset(input: unknown): Promise<NewSession & { username: string }> {
			const data = parse(redeemResetSchema, input);
			const row = validToken('reset', data.code);
			const user = row.userId ? db.select().from(users).where(eq(users.id, row.userId)).get() : undefined;
			if (!user) throw new UserError('reset.invalidCode', {}, 404);
			const passwordHash = await hashPassword(data.password);
			const now = clock.now();
			transaction(db, (tx) => {
				tx.update(accessTokens).set({ usedAt: now }).where(eq(accessTokens.id, row.id)).run();
				tx.update(users).set({ passwordHash, passwordChangedAt: now }).where(eq(users.id, user.id)).run();
				invalidateUserSessions(tx, user.id);
				audit(tx, now, user.id, 'account.resetRedeemed', { type: 'user', id: user.id });
			});
			deps.bus.signal('account.changed', { userId: user.id });
			return { ...startSession(user.id), username: user.username };
		},

		/** A one-time link for staff: the link carries the token, the table only its hash. */
		createInvite(actor: Actor | null, input: unknown): { token: string; expiresAt: Date } {
			const data = parse(inviteSchema, input);
			if (data.makeAdmin || !data.space) authorizeGlobal(actor, 'platform.manage');
			else authorize(actor, 'members.invite', data.space);
			if (data.space && !data.role) throw new UserError('validation.role');
			const token = encodeBase32LowerCaseNoPadding(ids.bytes(20));
			const now = clock.now();
			const expiresAt = new Date(now.getTime() + INVITE_LIFETIME);
			transaction(db, (tx) => {
				tx.insert(accessTokens)
					.values({
						id: ids.id(),
						tokenHash: hashToken(token),
						kind: 'invite',
						email: data.email,
						spaceType: data.space?.type ?? null,
						spaceId: data.space?.id ?? null,
						role: data.role ?? null,
						collegeId: data.collegeId ?? null,
						makeAdmin: data.makeAdmin,
						expiresAt,
						createdBy: actor.id,
						createdAt: now
					})
					.run();
				audit(tx, now, actor.id, 'account.invited', { type: 'invite', id: data.email }, { space: data.space, role: data.role });
			});
			return { token, expiresAt };
		},

		inviteInfo(token: string) {
			const row = validToken('invite', token);
			const existing = row.email ? db.select({ id: users.id }).from(users).where(eq(users.email, row.email)).get() : undefined;
			return { email: row.email ?? '', role: row.role, spaceType: row.spaceType, spaceId: row.spaceId, hasAccount: !!existing };
		},

		async redeemInvite(input: unknown): Promise<NewSession> {
			const data = parse(redeemInviteSchema, input);
			const row = validToken('invite', data.token);
			if (!row.email) throw new UserError('invite.invalid', {}, 404);
			if (db.select({ id: users.id }).from(users).where(eq(users.email, row.email)).get()) throw new UserError('invite.accountExists', {}, 409);
			const passwordHash = await hashPassword(data.password);
			const now = clock.now();
			const userId = ids.id();
			const email = row.email;
			transaction(db, (tx) => {
				tx.update(accessTokens).set({ usedAt: now }).where(eq(accessTokens.id, row.id)).run();
				tx.insert(users)
					.values({ id: userId, username: email, email, displayName: data.displayName, passwordHash, isAdmin: row.makeAdmin, createdAt: now, passwordChangedAt: now })
					.run();
				if (row.spaceType && row.spaceId && row.role)
					tx.insert(memberships)
						.values({ id: ids.id(), userId, spaceType: row.spaceType, spaceId: row.spaceId, role: row.role, collegeId: row.collegeId, createdAt: now })
						.run();
				audit(tx, now, userId, 'account.inviteRedeemed', { type: 'user', id: userId });
			});
			return startSession(userId);
		}
	};
}

export type AuthService = ReturnType<typeof createAuthService>;
