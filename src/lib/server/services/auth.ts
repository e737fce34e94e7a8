import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { authorize, authorizeGlobal, can, canResetAccess, ForbiddenError, spaceFromKey, type Actor } from '$lib/domain/policy';
import {
	changePasswordSchema,
	inviteSchema,
	joinSchema,
	redeemInviteSchema,
	redeemResetSchema,
	signInSchema
} from '$lib/domain/schemas/accounts';
import { first } from '../db/data';
import { hashPassword, needsRehash, verifyPassword } from '../auth/password';
import { generateCode, normalizeCode } from '../auth/passphrase';
import { MemoryAttemptLimiter, type AttemptLimiter, type Backoff } from '../auth/rate-limit';
import {
	createSession,
	generateSessionToken,
	invalidateSession,
	invalidateUserSessions,
	loadActor,
	type Session
} from '../auth/session';
import { slugify } from '../ids';
import { sha256Hex } from '../crypto';
import { logAudit } from './audit';
import type { ServiceDeps } from './deps';
import type { NotificationsService } from './notifications';
import { UserError } from './errors';
import { parse, ValidationError } from './validate';
import { reservedNameKeys } from './reserved-names';
import { nameKey } from '$lib/domain/names';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
export const INVITE_LIFETIME = 14 * DAY;
export const RESET_LIFETIME = 7 * DAY;

const HOUR = 60 * MINUTE;

/**
 * Sign-in throttling, keyed three ways. The pair (account, address) slows a guesser fast without
 * touching the owner elsewhere; the address alone stops one machine trying many accounts (30, since
 * a residence may share one community-centre connection); the account alone slows a guesser who
 * spreads over many addresses, gently enough (1 minute at most) that it cannot lock the owner out.
 */
export const SIGNIN_ACCOUNT_AT_ADDRESS: Backoff = { free: 5, baseMs: 10_000, maxMs: 15 * MINUTE, forgetMs: HOUR };
export const SIGNIN_ADDRESS: Backoff = { free: 30, baseMs: 10_000, maxMs: 15 * MINUTE, forgetMs: HOUR };
export const SIGNIN_ACCOUNT: Backoff = { free: 50, baseMs: 5_000, maxMs: MINUTE, forgetMs: HOUR };
/** Joining creates an account (and costs a hash): a workshop of 20 may join from one room's Wi-Fi. */
export const JOIN_ADDRESS: Backoff = { free: 20, baseMs: 30_000, maxMs: 10 * MINUTE, forgetMs: HOUR };
export const RESET_ADDRESS: Backoff = { free: 10, baseMs: 30_000, maxMs: 15 * MINUTE, forgetMs: HOUR };

function tooManyAttempts(waitMs: number): UserError {
	return waitMs < MINUTE
		? new UserError('access.waitSeconds', { seconds: Math.ceil(waitMs / 1000) }, 429)
		: new UserError('signin.rateLimited', { minutes: Math.ceil(waitMs / MINUTE) }, 429);
}

/**
 * Unknown accounts are checked against this hash so a refusal costs the same time either way
 * (wave 2 told accounts apart by timing: 511 ms against 3 ms).
 */
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));

/** Whether the actor may reset access in at least one of these spaces. */
function resetsIn(actor: Actor, keys: Iterable<string>): boolean {
	return [...keys].some((key) => {
		const space = spaceFromKey(key);
		return !!space && can(actor, 'members.resetAccess', space);
	});
}

export interface AuthOptions {
	limiter?: AttemptLimiter;
	/** Tells the person when someone issues an access reset for her (the app passes its notifications service). */
	notifications?: Pick<NotificationsService, 'record' | 'publish'>;
}

const hashToken = sha256Hex;

export interface NewSession {
	token: string;
	session: Session;
}

export function createAuthService(deps: ServiceDeps, options: AuthOptions = {}) {
	const { data, clock, ids } = deps;
	const { accessTokens, households, joinCodes, memberships, residences, sessions, users, buildings } = data.t;
	const limiter = options.limiter ?? deps.limiter ?? new MemoryAttemptLimiter(clock);

	async function throttle(...attempts: Parameters<AttemptLimiter['reserve']>[0]) {
		const wait = await limiter.reserve(attempts);
		if (wait > 0) throw tooManyAttempts(wait);
	}

	async function startSession(userId: string): Promise<NewSession> {
		const token = generateSessionToken(ids);
		return { token, session: await createSession(data, clock, token, userId) };
	}

	async function uniqueUsername(displayName: string): Promise<string> {
		const base = slugify(displayName).split('-')[0] || 'voisin';
		for (;;) {
			const candidate = `${base}.${generateCode(ids, 4).toLowerCase()}`;
			if (!(await first(data.db.select({ id: users.id }).from(users).where(eq(users.username, candidate))))) return candidate;
		}
	}

	async function validJoinCode(input: string) {
		const code = normalizeCode(input);
		const row = await first(data.db.select().from(joinCodes).where(eq(joinCodes.code, code)));
		if (!row || row.revokedAt) throw new UserError('join.invalidCode', {}, 404);
		if (row.expiresAt && row.expiresAt.getTime() <= clock.now().getTime()) throw new UserError('join.expiredCode', {}, 410);
		return row;
	}

	async function validToken(kind: 'invite' | 'reset', token: string) {
		const row = await first(data.db.select().from(accessTokens).where(eq(accessTokens.tokenHash, hashToken(kind === 'reset' ? normalizeCode(token) : token))));
		const invalid = kind === 'invite' ? 'invite.invalid' : 'reset.invalidCode';
		if (!row || row.kind !== kind || row.usedAt) throw new UserError(invalid, {}, 404);
		if (row.expiresAt.getTime() <= clock.now().getTime()) throw new UserError(kind === 'invite' ? 'invite.expired' : 'reset.expiredCode', {}, 404);
		return row;
	}

	return {
		async signIn(input: unknown, ip: string): Promise<NewSession> {
			const { username, password } = parse(signInSchema, input);
			const pair = `signin:${username}@${ip}`;
			const address = `signin-ip:${ip}`;
			const account = `signin-account:${username}`;
			// Counted before hashing: a correct password gives its attempt back afterwards.
			await throttle({ key: pair, backoff: SIGNIN_ACCOUNT_AT_ADDRESS }, { key: address, backoff: SIGNIN_ADDRESS }, { key: account, backoff: SIGNIN_ACCOUNT });
			const user = await first(data.db.select().from(users).where(eq(users.username, username)));
			const ok = await verifyPassword(user?.passwordHash ?? (await dummy()), password);
			if (!user || !ok) throw new UserError('signin.invalid', {}, 400);
			await Promise.all([limiter.clear(pair), limiter.refund(address), limiter.refund(account)]);
			// The deployment's cost has risen since this password was stored: store it again at today's cost
			// (only the hash changes; sessions, and the date of the last password change, stay as they are).
			if (needsRehash(user.passwordHash)) {
				const passwordHash = await hashPassword(password);
				await data.write(async (tx) => {
					await tx.update(users).set({ passwordHash }).where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash)));
				});
			}
			return startSession(user.id);
		},

		async signOut(sessionId: string): Promise<void> {
			const row = await first(data.db.select({ userId: sessions.userId }).from(sessions).where(eq(sessions.id, sessionId)));
			await invalidateSession(data, sessionId);
			// Live connections of this session are closed at once (realtime/live-auth.ts).
			if (row) deps.bus.signal('session.ended', { userId: row.userId, sessionId });
		},

		/** Returns a fresh session: changing the password signs out every other device. */
		async changePassword(actor: Actor | null, input: unknown): Promise<NewSession> {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			const { current, next } = parse(changePasswordSchema, input);
			const user = await first(data.db.select().from(users).where(eq(users.id, actor.id)));
			if (!user || !(await verifyPassword(user.passwordHash, current))) throw new UserError('account.wrongPassword');
			const passwordHash = await hashPassword(next);
			const now = clock.now();
			await data.write(async (tx) => {
				await tx.update(users).set({ passwordHash, passwordChangedAt: now }).where(eq(users.id, actor.id));
				await invalidateUserSessions(data, actor.id);
				await logAudit(data, now, actor.id, 'account.passwordChanged', { type: 'user', id: actor.id });
			});
			deps.bus.signal('account.changed', { userId: actor.id });
			return startSession(actor.id);
		},

		/** What the join page shows for a poster code: the residence and its dwellings. */
		async joinInfo(code: string) {
			const row = await validJoinCode(code);
			const residence = await first(data.db.select().from(residences).where(eq(residences.id, row.residenceId)));
			if (!residence) throw new UserError('join.invalidCode', {}, 404);
			const blds = await data.db.select().from(buildings).where(eq(buildings.residenceId, residence.id)).orderBy(buildings.position, buildings.id);
			const homes = await data.db.select().from(households).where(eq(households.residenceId, residence.id)).orderBy(households.label, households.id);
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

		async join(input: unknown, ip: string): Promise<NewSession & { username: string; residenceId: string }> {
			const form = parse(joinSchema, input);
			await throttle({ key: `join:${ip}`, backoff: JOIN_ADDRESS });
			const code = await validJoinCode(form.code);
			if ((await reservedNameKeys(data, code.residenceId)).has(nameKey(form.displayName))) throw new ValidationError({ displayName: 'access.nameReserved' });
			const home = await first(
				data.db
					.select()
					.from(households)
					.where(and(eq(households.id, form.householdId), eq(households.residenceId, code.residenceId)))
			);
			if (!home) throw new UserError('join.chooseDwelling');
			const passwordHash = await hashPassword(form.password);
			const now = clock.now();
			const userId = ids.id();
			const username = await uniqueUsername(form.displayName);
			await data.write(async (tx) => {
				await tx.insert(users).values({
					id: userId,
					username,
					displayName: form.displayName,
					passwordHash,
					householdId: home.id,
					discreet: form.discreet,
					createdAt: now,
					passwordChangedAt: now
				});
				await tx.insert(memberships).values({ id: ids.id(), userId, spaceType: 'residence', spaceId: code.residenceId, role: 'tenant', createdAt: now });
				await logAudit(data, now, userId, 'residence.joined', { type: 'residence', id: code.residenceId }, { code: code.code, householdId: home.id });
			});
			return { ...(await startSession(userId)), username, residenceId: code.residenceId };
		},

		/**
		 * A one-time code a facilitator reads out or prints for a tenant who lost her password. The
		 * code opens the whole account, so the policy allows it only for accounts whose every space
		 * the facilitator runs; anyone else is sent to an administrator with a message saying so.
		 */
		async createAccessReset(actor: Actor | null, userId: string): Promise<{ code: string; expiresAt: Date }> {
			if (!actor) throw new ForbiddenError('members.resetAccess');
			const target = await loadActor(data, userId);
			if (!target) {
				if (!actor.isAdmin && !resetsIn(actor, actor.roles.keys())) throw new ForbiddenError('members.resetAccess');
				throw new UserError('error.notFound', {}, 404);
			}
			if (!canResetAccess(actor, target)) {
				// Someone she may reset in one space but not all: say who can help instead of a bare "forbidden".
				if (resetsIn(actor, target.roles.keys())) throw new UserError('access.resetNeedsAdmin', {}, 403);
				throw new ForbiddenError('members.resetAccess');
			}
			const code = generateCode(ids, 8);
			const now = clock.now();
			const expiresAt = new Date(now.getTime() + RESET_LIFETIME);
			const told = await data.write(async (tx) => {
				// A new code replaces any earlier unused one.
				await tx
					.update(accessTokens)
					.set({ usedAt: now })
					.where(and(eq(accessTokens.userId, userId), eq(accessTokens.kind, 'reset'), isNull(accessTokens.usedAt)));
				await tx.insert(accessTokens).values({ id: ids.id(), tokenHash: hashToken(code), kind: 'reset', userId, expiresAt, createdBy: actor?.id ?? null, createdAt: now });
				await logAudit(data, now, actor?.id ?? null, 'account.resetIssued', { type: 'user', id: userId });
				// The person hears of it (in the app, and by e-mail if she has an address): a reset she
				// did not ask for is someone else opening her account.
				return (await options.notifications?.record([userId], 'accessReset', {}, actor.id, { expiresAt: expiresAt.toISOString() })) ?? [];
			});
			await options.notifications?.publish(told);
			return { code, expiresAt };
		},

		async redeemReset(input: unknown, ip: string): Promise<NewSession & { username: string }> {
			const form = parse(redeemResetSchema, input);
			await throttle({ key: `reset:${ip}`, backoff: RESET_ADDRESS });
			const row = await validToken('reset', form.code);
			const user = row.userId ? await first(data.db.select().from(users).where(eq(users.id, row.userId))) : undefined;
			if (!user) throw new UserError('reset.invalidCode', {}, 404);
			const passwordHash = await hashPassword(form.password);
			const now = clock.now();
			await data.write(async (tx) => {
				// Used once: a second redemption racing this one finds it used and changes nothing.
				const used = await tx
					.update(accessTokens)
					.set({ usedAt: now })
					.where(and(eq(accessTokens.id, row.id), isNull(accessTokens.usedAt)))
					.returning({ id: accessTokens.id });
				if (used.length === 0) throw new UserError('reset.invalidCode', {}, 404);
				await tx.update(users).set({ passwordHash, passwordChangedAt: now }).where(eq(users.id, user.id));
				await invalidateUserSessions(data, user.id);
				await logAudit(data, now, user.id, 'account.resetRedeemed', { type: 'user', id: user.id });
			});
			deps.bus.signal('account.changed', { userId: user.id });
			// A redeemed code was a real one: only failed guesses slow an address down.
			await limiter.refund(`reset:${ip}`);
			return { ...(await startSession(user.id)), username: user.username };
		},

		/** A one-time link for staff: the link carries the token, the table only its hash. */
		async createInvite(actor: Actor | null, input: unknown): Promise<{ token: string; expiresAt: Date }> {
			const form = parse(inviteSchema, input);
			if (form.makeAdmin || !form.space) authorizeGlobal(actor, 'platform.manage');
			else authorize(actor, 'members.invite', form.space);
			if (form.space && !form.role) throw new UserError('validation.role');
			const token = encodeBase32LowerCaseNoPadding(ids.bytes(20));
			const now = clock.now();
			const expiresAt = new Date(now.getTime() + INVITE_LIFETIME);
			await data.write(async (tx) => {
				await tx.insert(accessTokens).values({
					id: ids.id(),
					tokenHash: hashToken(token),
					kind: 'invite',
					email: form.email,
					spaceType: form.space?.type ?? null,
					spaceId: form.space?.id ?? null,
					role: form.role ?? null,
					collegeId: form.collegeId ?? null,
					makeAdmin: form.makeAdmin,
					expiresAt,
					createdBy: actor.id,
					createdAt: now
				});
				await logAudit(data, now, actor.id, 'account.invited', { type: 'invite', id: form.email }, { space: form.space, role: form.role });
			});
			return { token, expiresAt };
		},

		async inviteInfo(token: string) {
			const row = await validToken('invite', token);
			const existing = row.email ? await first(data.db.select({ id: users.id }).from(users).where(eq(users.email, row.email))) : undefined;
			return { email: row.email ?? '', role: row.role, spaceType: row.spaceType, spaceId: row.spaceId, hasAccount: !!existing };
		},

		async redeemInvite(input: unknown): Promise<NewSession> {
			const form = parse(redeemInviteSchema, input);
			const row = await validToken('invite', form.token);
			if (!row.email) throw new UserError('invite.invalid', {}, 404);
			if (await first(data.db.select({ id: users.id }).from(users).where(eq(users.email, row.email)))) throw new UserError('invite.accountExists', {}, 409);
			const passwordHash = await hashPassword(form.password);
			const now = clock.now();
			const userId = ids.id();
			const email = row.email;
			await data.write(async (tx) => {
				// Used once: a second redemption racing this one finds it used and creates nothing.
				const used = await tx
					.update(accessTokens)
					.set({ usedAt: now })
					.where(and(eq(accessTokens.id, row.id), isNull(accessTokens.usedAt)))
					.returning({ id: accessTokens.id });
				if (used.length === 0) throw new UserError('invite.invalid', {}, 404);
				await tx.insert(users).values({ id: userId, username: email, email, displayName: form.displayName, passwordHash, isAdmin: row.makeAdmin, createdAt: now, passwordChangedAt: now });
				if (row.spaceType && row.spaceId && row.role)
					await tx.insert(memberships).values({ id: ids.id(), userId, spaceType: row.spaceType, spaceId: row.spaceId, role: row.role, collegeId: row.collegeId, createdAt: now });
				await logAudit(data, now, userId, 'account.inviteRedeemed', { type: 'user', id: userId });
			});
			return startSession(userId);
		}
	};
}

export type AuthService = ReturnType<typeof createAuthService>;
