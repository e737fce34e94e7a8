import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '$lib/domain/policy';
import { email as emailSchema } from '$lib/domain/schemas/accounts';
import { isLocale, translator, type Locale } from '$lib/i18n';
import { generateCode, normalizeCode } from '../../auth/passphrase';
import { MemoryAttemptLimiter, type Backoff } from '../../auth/rate-limit';
import { generateSessionToken, sessionIdFromToken as sha256Hex } from '../../auth/session';
import { transaction } from '../../db';
import { accessTokens, emailVerifications, mailModes, notificationKinds, users, type MailMode, type NotificationKind } from '../../db/schema';
import { enqueueMail } from '../../mail/outbox';
import { renderMail } from '../../mail/render';
import { audit } from '../audit';
import type { ServiceDeps } from '../deps';
import { UserError } from '../errors';
import { parse } from '../validate';
import type { MailLinks } from './mail-pass';
import { checkUnsubscribeToken, modesOf, setModes, unsubscribeScopes, type UnsubscribeScope } from './preferences';

const MINUTE = 60_000;
/** A reset link by e-mail is short-lived: whoever asked is at their inbox now. */
export const MAIL_RESET_LIFETIME = 60 * MINUTE;
const VERIFY_LIFETIME = 24 * 60 * MINUTE;

const forgotSchema = z.object({ email: emailSchema });
const addressSchema = z.object({ email: emailSchema });
const tokenSchema = z.object({ token: z.string().trim().min(20).max(64) });
/**
 * Every kind may be missing (a form or a saved set of preferences from before a kind existed): a
 * missing kind is left as it is, so it keeps the person's choice or the default (`DEFAULT_MODES`).
 */
const modeSchema = z.preprocess((v) => (v === null || v === '' ? undefined : v), z.enum(mailModes, 'validation.required').optional());
export const modesSchema = z
	.object(Object.fromEntries(notificationKinds.map((k) => [k, modeSchema])) as Record<NotificationKind, typeof modeSchema>)
	.transform((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as Partial<Record<NotificationKind, MailMode>>);
const unsubscribeSchema = z.object({ userId: z.string().min(1).max(40), scope: z.enum(unsubscribeScopes as [UnsubscribeScope, ...UnsubscribeScope[]]), token: z.string().min(10).max(64) });

// Per address: 3 links, then silence for a while (the answer stays the same). Per connection: 20 tries,
// then a visible pause, which says nothing about any address.
const PER_ADDRESS: Backoff = { free: 3, baseMs: 20 * MINUTE, maxMs: 60 * MINUTE, forgetMs: 60 * MINUTE };
const PER_IP: Backoff = { free: 20, baseMs: MINUTE, maxMs: 15 * MINUTE, forgetMs: 15 * MINUTE };

const localeOf = (l: string | null): Locale => (isLocale(l) ? l : 'fr');

/** Password resets by e-mail, a tenant's own address (verified), e-mail preferences and unsubscribing. */
export function createAccountMail(deps: ServiceDeps, links: MailLinks, onQueued: () => void) {
	const { db, clock, ids } = deps;
	const limiter = deps.limiter ?? new MemoryAttemptLimiter(clock);

	function mail(locale: Locale, to: string, userId: string, purpose: 'reset' | 'verify', name: string, href: string) {
		const t = translator(locale);
		const content = renderMail({
			locale,
			subject: t(`mail.${purpose}.subject`),
			greeting: t('mail.greeting', { name }),
			intro: t(`mail.${purpose}.intro`, { minutes: MAIL_RESET_LIFETIME / MINUTE }),
			action: { label: t(`mail.${purpose}.action`), href },
			footer: [{ text: t(`mail.${purpose}.ignore`) }]
		});
		return { ...content, to, userId, purpose, headers: { 'Content-Language': locale } };
	}

	return {
		/**
		 * Always the same answer, whether the address belongs to someone or not: the page never
		 * tells a stranger who has an account.
		 */
		async requestPasswordReset(input: unknown, ip: string): Promise<void> {
			const { email } = parse(forgotSchema, input);
			const wait = await limiter.reserve([{ key: `forgot:ip:${ip}`, backoff: PER_IP }]);
			if (wait > 0) throw new UserError('forgot.rateLimited', { minutes: Math.ceil(wait / MINUTE) }, 429);
			if ((await limiter.reserve([{ key: `forgot:address:${email}`, backoff: PER_ADDRESS }])) > 0) return;
			const user = db.select().from(users).where(eq(users.email, email)).get();
			if (!user) return;
			const code = generateCode(ids, 16);
			const now = clock.now();
			transaction(db, (tx) => {
				// A new link voids any earlier unused one.
				tx.update(accessTokens)
					.set({ usedAt: now })
					.where(and(eq(accessTokens.userId, user.id), eq(accessTokens.kind, 'reset'), isNull(accessTokens.usedAt)))
					.run();
				tx.insert(accessTokens)
					.values({ id: ids.id(), tokenHash: sha256Hex(normalizeCode(code)), kind: 'reset', userId: user.id, expiresAt: new Date(now.getTime() + MAIL_RESET_LIFETIME), createdAt: now })
					.run();
				audit(tx, now, null, 'account.resetMailed', { type: 'user', id: user.id });
				enqueueMail(tx, clock, ids, mail(localeOf(user.locale), email, user.id, 'reset', user.displayName, `${links.origin()}/reset?code=${encodeURIComponent(code)}`));
			});
			onQueued();
		},

		/** Sends a link to the new address; it replaces the account's address only once opened. */
		requestAddress(actor: Actor | null, input: unknown): { email: string } {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			const { email } = parse(addressSchema, input);
			const user = db.select().from(users).where(eq(users.id, actor.id)).get();
			if (!user) throw new UserError('error.signInRequired', {}, 403);
			if (user.email === email) return { email };
			const token = generateSessionToken(ids);
			const now = clock.now();
			transaction(db, (tx) => {
				tx.insert(emailVerifications).values({ id: ids.id(), userId: actor.id, email, tokenHash: sha256Hex(token), expiresAt: new Date(now.getTime() + VERIFY_LIFETIME), createdAt: now }).run();
				audit(tx, now, actor.id, 'account.emailRequested', { type: 'user', id: actor.id });
				enqueueMail(tx, clock, ids, mail(localeOf(user.locale), email, actor.id, 'verify', user.displayName, `${links.origin()}/account/email/${token}`));
			});
			onQueued();
			return { email };
		},

		/** The link from the verification e-mail. Anyone holding it may confirm: it proves the inbox. */
		confirmAddress(input: unknown): { email: string } {
			const { token } = parse(tokenSchema, input);
			const row = db.select().from(emailVerifications).where(eq(emailVerifications.tokenHash, sha256Hex(token))).get();
			if (!row || row.usedAt || row.expiresAt <= clock.now()) throw new UserError('mail.error.invalidLink', {}, 404);
			const taken = db.select({ id: users.id }).from(users).where(eq(users.email, row.email)).get();
			if (taken && taken.id !== row.userId) throw new UserError('mail.error.taken', {}, 409);
			const now = clock.now();
			transaction(db, (tx) => {
				tx.update(emailVerifications).set({ usedAt: now }).where(eq(emailVerifications.id, row.id)).run();
				tx.update(users).set({ email: row.email }).where(eq(users.id, row.userId)).run();
				audit(tx, now, row.userId, 'account.emailVerified', { type: 'user', id: row.userId });
			});
			return { email: row.email };
		},

		settings(actor: Actor | null) {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			const user = db.select({ email: users.email }).from(users).where(eq(users.id, actor.id)).get();
			const pending = db
				.select({ email: emailVerifications.email, expiresAt: emailVerifications.expiresAt })
				.from(emailVerifications)
				.where(and(eq(emailVerifications.userId, actor.id), isNull(emailVerifications.usedAt)))
				.all()
				.filter((p) => p.expiresAt > clock.now())
				.at(-1);
			return { email: user?.email ?? null, pending: pending?.email ?? null, modes: modesOf(db, actor.id) };
		},

		saveModes(actor: Actor | null, input: unknown) {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			const modes = parse(modesSchema, input);
			transaction(db, (tx) => {
				setModes(tx, clock, actor.id, modes);
				audit(tx, clock.now(), actor.id, 'account.mailPreferences', { type: 'user', id: actor.id }, modes);
			});
			return { modes: modesOf(db, actor.id) };
		},

		/** One click from an e-mail, without signing in: the signed token is the authority. */
		checkUnsubscribe(input: unknown) {
			const data = parse(unsubscribeSchema, input);
			if (!checkUnsubscribeToken(db, data.userId, data.scope, data.token)) throw new UserError('mail.error.invalidLink', {}, 404);
			return data;
		},

		unsubscribe(input: unknown): { scope: UnsubscribeScope } {
			const data = this.checkUnsubscribe(input);
			const current = modesOf(db, data.userId);
			const kinds = data.scope === 'digest' ? notificationKinds.filter((k) => current[k] === 'daily') : [data.scope];
			transaction(db, (tx) => {
				setModes(tx, clock, data.userId, Object.fromEntries(kinds.map((k) => [k, 'off'])));
				audit(tx, clock.now(), data.userId, 'account.unsubscribed', { type: 'user', id: data.userId }, { scope: data.scope });
			});
			return { scope: data.scope };
		}
	};
}
