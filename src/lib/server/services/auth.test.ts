import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateSessionToken } from '../auth/session';
import { hashPassword, passwordHashCost, verifyPassword } from '../auth/password';
import { ForbiddenError } from '$lib/domain/policy';
import { createResidence, createTestAppOn, createUser, TEST_PASSWORD, testEngines, type TestApp, type TestEngine } from '../testing';
import { UserError } from './errors';
import { ValidationError } from './validate';

const DAY = 24 * 60 * 60 * 1000;

async function expectUserError(promise: Promise<unknown> | (() => unknown), code: string) {
	const run = typeof promise === 'function' ? Promise.resolve().then(promise) : promise;
	await expect(run).rejects.toSatisfy((e: unknown) => e instanceof UserError && e.code === code);
}

let app: TestApp;
const db = () => app.services.deps.data.db;
const t = () => app.services.deps.data.t;
const validate = (token: string) => validateSessionToken(app.services.deps.data, app.clock, token);
function onEngine(engine: TestEngine) {
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(() => app.close());
}

describe.each(testEngines)('accounts on %s', (engine) => {
	onEngine(engine);

	describe('sign-in', () => {
		it('signs in with the right password and stores only the hash of the token', async () => {
			const user = await createUser(app, { username: 'claire@agence.test' });
			const { token, session } = await app.services.auth.signIn({ username: 'Claire@Agence.test ', password: TEST_PASSWORD }, '10.0.0.1');
			expect(session.userId).toBe(user.id);
			const rows = await db().select().from(t().sessions);
			expect(rows).toHaveLength(1);
			expect(rows[0]!.id).not.toBe(token);
			expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/);
			expect((await validate(token)).user?.id).toBe(user.id);
		});

		it('stores a password again at the configured cost when it was hashed at a lower one, never lower', async () => {
			const configured = passwordHashCost();
			const weak = await createUser(app, { username: 'weak' });
			const strong = await createUser(app, { username: 'strong' });
			const users = t().users;
			const hashOf = async (id: string) => (await db().select({ h: users.passwordHash }).from(users).where(eq(users.id, id)))[0]!.h;
			const setHash = async (id: string, cost: number) => {
				const h = await hashPassword(TEST_PASSWORD, cost);
				await app.services.deps.data.write(async (tx) => {
					await tx.update(users).set({ passwordHash: h }).where(eq(users.id, id));
				});
				return h;
			};
			const old = await setHash(weak.id, configured - 1);
			const higher = await setHash(strong.id, configured + 1);
			// A wrong password changes nothing.
			await expectUserError(app.services.auth.signIn({ username: 'weak', password: 'wrong-password' }, '10.0.0.1'), 'signin.invalid');
			expect(await hashOf(weak.id)).toBe(old);

			await app.services.auth.signIn({ username: 'weak', password: TEST_PASSWORD }, '10.0.0.1');
			const upgraded = await hashOf(weak.id);
			expect(upgraded).not.toBe(old);
			expect(upgraded.split('$')[1]).toBe(String(2 ** configured));
			expect(await verifyPassword(upgraded, TEST_PASSWORD)).toBe(true);
			await expect(app.services.auth.signIn({ username: 'weak', password: TEST_PASSWORD }, '10.0.0.1')).resolves.toBeTruthy();

			await app.services.auth.signIn({ username: 'strong', password: TEST_PASSWORD }, '10.0.0.1');
			expect(await hashOf(strong.id)).toBe(higher);
		});

		it('refuses a wrong password or an unknown account with the same message', async () => {
			await createUser(app, { username: 'amina' });
			await expectUserError(app.services.auth.signIn({ username: 'amina', password: 'wrong-password' }, '10.0.0.1'), 'signin.invalid');
			await expectUserError(app.services.auth.signIn({ username: 'nobody', password: 'wrong-password' }, '10.0.0.1'), 'signin.invalid');
		});

		it('rejects an empty form with field errors', async () => {
			await expect(app.services.auth.signIn({ username: '', password: '' }, '10.0.0.1')).rejects.toSatisfy(
				(e: unknown) => e instanceof ValidationError && e.fields.username === 'validation.required'
			);
		});

		it('slows down one account at one address after 5 wrong passwords, without locking the owner out elsewhere', async () => {
			await createUser(app, { username: 'karim' });
			for (let i = 0; i < 5; i++) await expectUserError(app.services.auth.signIn({ username: 'karim', password: 'nope-nope' }, '203.0.113.9'), 'signin.invalid');
			const limited = app.services.auth.signIn({ username: 'karim', password: TEST_PASSWORD }, '203.0.113.9');
			await expect(limited).rejects.toSatisfy((e: unknown) => e instanceof UserError && e.code === 'access.waitSeconds' && e.status === 429 && e.values.seconds === 10);
			// Karim at home is not kept out by a guesser elsewhere.
			await expect(app.services.auth.signIn({ username: 'karim', password: TEST_PASSWORD }, '10.0.0.9')).resolves.toBeTruthy();
			// A backoff, not a lock-out: after the wait the guesser gets one more try, then waits twice as long.
			app.clock.advance(10_001);
			await expectUserError(app.services.auth.signIn({ username: 'karim', password: 'nope-nope' }, '203.0.113.9'), 'signin.invalid');
			await expect(app.services.auth.signIn({ username: 'karim', password: 'nope-nope' }, '203.0.113.9')).rejects.toSatisfy(
				(e: unknown) => e instanceof UserError && e.values.seconds === 20
			);
		});

		it('counts an attempt before hashing: 41 parallel guesses get exactly 5 answers (issue 7, finding 6)', async () => {
			await createUser(app, { username: 'josiane' });
			const results = await Promise.allSettled(
				Array.from({ length: 41 }, () => app.services.auth.signIn({ username: 'josiane', password: 'guess-guess' }, '198.51.100.4'))
			);
			const codes = results.map((r) => (r.status === 'rejected' && r.reason instanceof UserError ? r.reason.code : 'other'));
			expect(codes.filter((c) => c === 'signin.invalid')).toHaveLength(5);
			expect(codes.filter((c) => c === 'access.waitSeconds')).toHaveLength(36);
		});

	});

	describe('sessions', () => {
		it('expire after 30 days without use', async () => {
			const user = await createUser(app);
			const { token } = await app.services.auth.signIn({ username: user.username, password: TEST_PASSWORD }, 'ip');
			app.clock.advance(30 * DAY + 1);
			expect((await validate(token)).user).toBeNull();
			expect(await db().select().from(t().sessions)).toHaveLength(0);
		});

		it('slide: a session used after 20 days lives 30 more days', async () => {
			const user = await createUser(app);
			const { token } = await app.services.auth.signIn({ username: user.username, password: TEST_PASSWORD }, 'ip');
			app.clock.advance(20 * DAY);
			const used = await validate(token);
			expect(used.renewed).toBe(true);
			expect(used.session!.expiresAt.getTime()).toBe(app.clock.now().getTime() + 30 * DAY);
			app.clock.advance(25 * DAY);
			expect((await validate(token)).user?.id).toBe(user.id);
		});

		it('are all invalidated by a password change, which opens a fresh one', async () => {
			const user = await createUser(app);
			const a = await app.services.auth.signIn({ username: user.username, password: TEST_PASSWORD }, 'ip');
			const b = await app.services.auth.signIn({ username: user.username, password: TEST_PASSWORD }, 'ip');
			const fresh = await app.services.auth.changePassword(user, { current: TEST_PASSWORD, next: 'a-brand-new-passphrase', confirm: 'a-brand-new-passphrase' });
			expect((await validate(a.token)).user).toBeNull();
			expect((await validate(b.token)).user).toBeNull();
			expect((await validate(fresh.token)).user?.id).toBe(user.id);
			await expectUserError(app.services.auth.signIn({ username: user.username, password: TEST_PASSWORD }, 'ip'), 'signin.invalid');
		});

		it('a password change needs the current password and matching confirmation', async () => {
			const user = await createUser(app);
			await expectUserError(app.services.auth.changePassword(user, { current: 'not-it-at-all', next: 'a-brand-new-passphrase', confirm: 'a-brand-new-passphrase' }), 'account.wrongPassword');
			await expect(app.services.auth.changePassword(user, { current: TEST_PASSWORD, next: 'a-brand-new-passphrase', confirm: 'different-one-here' })).rejects.toSatisfy(
				(e: unknown) => e instanceof ValidationError && e.fields.confirm === 'validation.passwordMismatch'
			);
		});
	});

	describe('joining a residence with a poster code', () => {
		async function setup() {
			const { admin, residence } = await createResidence(app, [
				{ name: 'Bâtiment A', dwellings: 3 },
				{ name: 'Bâtiment B', dwellings: 2 }
			]);
			const facilitator = await createUser(app, { roles: [{ type: 'residence', id: residence.id, role: 'facilitator' }] });
			const code = await app.services.admin.createJoinCode(facilitator, { residenceId: residence.id, validDays: 30 });
			return { admin, residence, facilitator, code };
		}

		it('shows the residence and its dwellings, then creates a tenant in the chosen household', async () => {
			const { residence, code } = await setup();
			const info = await app.services.auth.joinInfo(code.code.toLowerCase().replace('-', ' '));
			expect(info.residence.name).toBe('Résidence test');
			expect(info.buildings.map((b) => b.households.map((h) => h.label))).toEqual([
				['A-01', 'A-02', 'A-03'],
				['B-01', 'B-02']
			]);
			const householdId = info.buildings[1]!.households[0]!.id;
			const joined = await app.services.auth.join({ code: code.code, displayName: 'Amina B.', householdId, password: 'jardin soleil velo pomme lune tapis', discreet: true }, 'ip');
			expect(joined.username).toMatch(/^amina\.[a-z0-9]{4}$/);
			const { users, memberships, auditLog } = t();
			const [user] = await db().select().from(users).where(eq(users.username, joined.username));
			if (!user) throw new Error('no user');
			expect(user.householdId).toBe(householdId);
			expect(user.discreet).toBe(true);
			expect(user.email).toBeNull();
			expect((await db().select().from(memberships).where(eq(memberships.userId, user.id))).map((m) => [m.spaceId, m.role])).toEqual([[residence.id, 'tenant']]);
			expect(await db().select().from(auditLog).where(eq(auditLog.action, 'residence.joined'))).toHaveLength(1);
			await expect(app.services.auth.signIn({ username: joined.username, password: 'jardin soleil velo pomme lune tapis' }, 'ip')).resolves.toBeTruthy();
		});

		it('refuses an unknown, a revoked and an expired code', async () => {
			const { facilitator, code } = await setup();
			await expectUserError(() => app.services.auth.joinInfo('ZZZZ-ZZZZ'), 'join.invalidCode');
			app.clock.advance(31 * DAY);
			await expectUserError(() => app.services.auth.joinInfo(code.code), 'join.expiredCode');
			const fresh = await app.services.admin.createJoinCode(facilitator, { residenceId: code.residenceId });
			await app.services.admin.revokeJoinCode(facilitator, fresh.code);
			await expectUserError(() => app.services.auth.joinInfo(fresh.code), 'join.invalidCode');
			await expectUserError(app.services.auth.join({ code: fresh.code, displayName: 'Karim', householdId: 'x', password: 'long-enough-passphrase' }, 'ip'), 'join.invalidCode');
		});

		it('refuses a dwelling of another residence and a short password', async () => {
			const { code } = await setup();
			const other = await createResidence(app);
			const [home] = await db().select().from(t().households).where(eq(t().households.residenceId, other.residence.id)).limit(1);
			if (!home) throw new Error('no home');
			await expectUserError(app.services.auth.join({ code: code.code, displayName: 'Karim', householdId: home.id, password: 'long-enough-passphrase' }, 'ip'), 'join.chooseDwelling');
			await expect(app.services.auth.join({ code: code.code, displayName: 'Karim', householdId: home.id, password: 'short' }, 'ip')).rejects.toSatisfy(
				(e: unknown) => e instanceof ValidationError && e.fields.password === 'validation.passwordTooShort'
			);
		});

		it('limits joins from one address (issue 7, finding 6): 20 tries an hour go through, then the address waits', async () => {
			const { code } = await setup();
			const householdId = (await app.services.auth.joinInfo(code.code)).buildings[0]!.households[0]!.id;
			for (let i = 0; i < 20; i++)
				await expectUserError(app.services.auth.join({ code: 'ZZZZ-ZZZZ', displayName: 'Robot', householdId, password: 'long-enough-passphrase' }, '198.51.100.7'), 'join.invalidCode');
			await expect(app.services.auth.join({ code: code.code, displayName: 'Robot', householdId, password: 'long-enough-passphrase' }, '198.51.100.7')).rejects.toSatisfy(
				(e: unknown) => e instanceof UserError && e.status === 429
			);
			await expect(app.services.auth.join({ code: code.code, displayName: 'Nadia', householdId, password: 'long-enough-passphrase' }, '198.51.100.8')).resolves.toBeTruthy();
		});

		it('refuses a staff member’s name however it is dressed up, and stores names normalised (issue 7, finding 10)', async () => {
			const { code } = await setup();
			const { users, memberships } = t();
			const [staff] = await db().select().from(memberships).where(eq(memberships.role, 'facilitator')).limit(1);
			await app.services.deps.data.write(async (tx) => {
				await tx.update(users).set({ displayName: 'Claire Martin' }).where(eq(users.id, staff!.userId));
			});
			const householdId = (await app.services.auth.joinInfo(code.code)).buildings[0]!.households[0]!.id;
			for (const name of ['Claire Martin', 'claire  MARTIN', '\u202EClaire Martin\u202C', 'Clàire-Martin'])
				await expect(app.services.auth.join({ code: code.code, displayName: name, householdId, password: 'long-enough-passphrase' }, 'ip')).rejects.toSatisfy(
					(e: unknown) => e instanceof ValidationError && e.fields.displayName === 'access.nameReserved'
				);
			const joined = await app.services.auth.join({ code: code.code, displayName: ' Claire\u200B M. ', householdId, password: 'long-enough-passphrase' }, 'ip');
			expect((await db().select().from(users).where(eq(users.username, joined.username)))[0]!.displayName).toBe('Claire M.');
		});

		it('only those who may invite create codes', async () => {
			const { residence } = await setup();
			const tenant = await createUser(app, { roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
			await expect(app.services.admin.createJoinCode(tenant, { residenceId: residence.id })).rejects.toThrow(ForbiddenError);
		});
	});

	describe('staff invitations', () => {
		it('an administrator invites a facilitator by a one-time link', async () => {
			const { admin, residence } = await createResidence(app);
			const { token } = await app.services.auth.createInvite(admin, { email: 'Claire@LMH.test', space: { type: 'residence', id: residence.id }, role: 'facilitator' });
			expect(await app.services.auth.inviteInfo(token)).toMatchObject({ email: 'claire@lmh.test', role: 'facilitator', hasAccount: false });
			await app.services.auth.redeemInvite({ token, displayName: 'Claire Martin', password: 'un mot de passe solide' });
			const { users, memberships } = t();
			const [claire] = await db().select().from(users).where(eq(users.email, 'claire@lmh.test'));
			expect(claire!.username).toBe('claire@lmh.test');
			expect((await db().select().from(memberships).where(eq(memberships.userId, claire!.id)))[0]?.role).toBe('facilitator');
			await expectUserError(app.services.auth.redeemInvite({ token, displayName: 'Claire', password: 'un mot de passe solide' }), 'invite.invalid');
		});

		it('a facilitator invites to their own residence only, and never as administrator', async () => {
			const { residence } = await createResidence(app);
			const { residence: other } = await createResidence(app);
			const facilitator = await createUser(app, { roles: [{ type: 'residence', id: residence.id, role: 'facilitator' }] });
			expect((await app.services.auth.createInvite(facilitator, { email: 'a@b.test', space: { type: 'residence', id: residence.id }, role: 'association' })).token).toBeTruthy();
			await expect(app.services.auth.createInvite(facilitator, { email: 'a@b.test', space: { type: 'residence', id: other.id }, role: 'facilitator' })).rejects.toThrow(ForbiddenError);
			await expect(app.services.auth.createInvite(facilitator, { email: 'a@b.test', makeAdmin: true })).rejects.toThrow(ForbiddenError);
		});

		it('expires after 14 days', async () => {
			const { admin } = await createResidence(app);
			const { token } = await app.services.auth.createInvite(admin, { email: 'late@b.test', makeAdmin: true });
			app.clock.advance(14 * DAY + 1);
			await expectUserError(() => app.services.auth.inviteInfo(token), 'invite.expired');
		});
	});
});

// Issuing an access reset tells the person through notifications.record, in the reset's unit: both engines.
describe.each(testEngines)('access reset by a facilitator on %s', (engine) => {
	onEngine(engine);

	describe('access reset by a facilitator', () => {
		it('gives a one-time code that sets a new password and signs out old devices', async () => {
			const { residence } = await createResidence(app);
			const facilitator = await createUser(app, { roles: [{ type: 'residence', id: residence.id, role: 'facilitator' }] });
			const tenant = await createUser(app, { username: 'josiane', roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
			const old = await app.services.auth.signIn({ username: 'josiane', password: TEST_PASSWORD }, 'ip');
			const { code } = await app.services.auth.createAccessReset(facilitator, tenant.id);
			expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
			const done = await app.services.auth.redeemReset({ code: code.toLowerCase(), password: 'nouvelle phrase de passe' }, 'ip');
			expect(done.username).toBe('josiane');
			expect((await validate(old.token)).user).toBeNull();
			await expectUserError(app.services.auth.redeemReset({ code, password: 'encore une autre phrase' }, 'ip'), 'reset.invalidCode');
			await expect(app.services.auth.signIn({ username: 'josiane', password: 'nouvelle phrase de passe' }, 'ip')).resolves.toBeTruthy();
		});

		it('is refused to a tenant and to staff of another residence', async () => {
			const { residence } = await createResidence(app);
			const { residence: other } = await createResidence(app);
			const tenant = await createUser(app, { roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
			const neighbour = await createUser(app, { roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
			const elsewhere = await createUser(app, { roles: [{ type: 'residence', id: other.id, role: 'facilitator' }] });
			await expect(app.services.auth.createAccessReset(tenant, neighbour.id)).rejects.toThrow(ForbiddenError);
			await expect(app.services.auth.createAccessReset(elsewhere, neighbour.id)).rejects.toThrow(ForbiddenError);
		});

		it('is limited to accounts whose only spaces the facilitator runs (issue 7, finding 3)', async () => {
			const { residence, admin, org } = await createResidence(app);
			const training = await app.services.admin.createTrainingSession(admin, { organisationId: org.id, name: 'Session 2026' });
			const claire = await createUser(app, { roles: [{ type: 'residence', id: residence.id, role: 'facilitator' }] });
			const colleague = await createUser(app, { roles: [{ type: 'residence', id: residence.id, role: 'facilitator' }] });
			const amina = await createUser(app, {
				roles: [
					{ type: 'residence', id: residence.id, role: 'tenant' },
					{ type: 'training', id: training.id, role: 'trainee' }
				]
			});
			await expectUserError(() => app.services.auth.createAccessReset(claire, amina.id), 'access.resetNeedsAdmin');
			await expectUserError(() => app.services.auth.createAccessReset(claire, colleague.id), 'access.resetNeedsAdmin');
			await expectUserError(() => app.services.auth.createAccessReset(claire, claire.id), 'access.resetNeedsAdmin');
			await expect(app.services.auth.createAccessReset(claire, admin.id)).rejects.toThrow(ForbiddenError);
			// No code was written for any of them; an administrator can still help Amina.
			expect(await db().select().from(t().accessTokens)).toHaveLength(0);
			expect((await app.services.auth.createAccessReset(admin, amina.id)).code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
		});

		it('expires after 7 days', async () => {
			const { residence, admin } = await createResidence(app);
			const tenant = await createUser(app, { roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
			const { code } = await app.services.auth.createAccessReset(admin, tenant.id);
			app.clock.advance(7 * DAY + 1);
			await expectUserError(app.services.auth.redeemReset({ code, password: 'nouvelle phrase de passe' }, 'ip'), 'reset.expiredCode');
		});
	});
});
