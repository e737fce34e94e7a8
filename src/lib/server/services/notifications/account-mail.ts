import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '$lib/domain/policy';
import { email as emailSchema } from '$lib/domain/schemas/accounts';
import { isLocale, translator, type Locale } from '$lib/i18n';
import { generateCode, normalizeCode } from '../../auth/passphrase';
import { MemoryAttemptLimiter, type Backoff } from '../../auth/rate-limit';
import { generateSessionToken, sessionIdFromToken as sha256Hex } from '../../auth/session';
import { first } from '../../db/data';
import { mailModes, notificationKinds, type MailMode, type NotificationKind } from '../../db/schema-notifications';
import { enqueueMail } from '../../mail/outbox';
import { renderMail } from '../../mail/render';
import { logAudit } from '../audit';
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
	const { data, clock, ids } = deps;
	const { accessTokens, emailVerifications, users } = data.t;
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
			const user = await first(data.db.select().from(users).where(eq(users.email, email)));
			if (!user) return;
			const code = generateCode(ids, 16);
			const now = clock.now();
			await data.write(async (tx) => {
				// A new link voids any earlier unused one.
				await tx
					.update(accessTokens)
					.set({ usedAt: now })
					.where(and(eq(accessTokens.userId, user.id), eq(accessTokens.kind, 'reset'), isNull(accessTokens.usedAt)));
				await tx
					.insert(accessTokens)
					.values({ id: ids.id(), tokenHash: sha256Hex(normalizeCode(code)), kind: 'reset', userId: user.id, expiresAt: new Date(now.getTime() + MAIL_RESET_LIFETIME), createdAt: now });
				await logAudit(data, now, null, 'account.resetMailed', { type: 'user', id: user.id });
				await enqueueMail(data, clock, ids, mail(localeOf(user.locale), email, user.id, 'reset', user.displayName, `${links.origin()}/reset?code=${encodeURIComponent(code)}`));
			});
			onQueued();
		},

		/** Sends a link to the new address; it replaces the account's address only once opened. */
		async requestAddress(actor: Actor | null, input: unknown): Promise<{ email: string }> {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			const { email } = parse(addressSchema, input);
			const user = await first(data.db.select().from(users).where(eq(users.id, actor.id)));
			if (!user) throw new UserError('error.signInRequired', {}, 403);
			if (user.email === email) return { email };
			const token = generateSessionToken(ids);
			const now = clock.now();
			await data.write(async (tx) => {
				await tx.insert(emailVerifications).values({ id: ids.id(), userId: actor.id, email, tokenHash: sha256Hex(token), expiresAt: new Date(now.getTime() + VERIFY_LIFETIME), createdAt: now });
				await logAudit(data, now, actor.id, 'account.emailRequested', { type: 'user', id: actor.id });
				await enqueueMail(data, clock, ids, mail(localeOf(user.locale), email, actor.id, 'verify', user.displayName, `${links.origin()}/account/email/${token}`));
			});
			onQueued();
			return { email };
		},

		/** The link from the verification e-mail. Anyone holding it may confirm: it proves the inbox. */
		async confirmAddress(input: unknown): Promise<{ email: string }> {
			const { token } = parse(tokenSchema, input);
			const now = clock.now();
			const row = await data.write(async (tx) => {
				const row = await first(tx.select().from(emailVerifications).where(eq(emailVerifications.tokenHash, sha256Hex(token))));
				if (!row || row.usedAt || row.expiresAt <= now) throw new UserError('mail.error.invalidLink', {}, 404);
				const taken = await first(tx.select({ id: users.id }).from(users).where(eq(users.email, row.email)));
				if (taken && taken.id !== row.userId) throw new UserError('mail.error.taken', {}, 409);
				await tx.update(emailVerifications).set({ usedAt: now }).where(eq(emailVerifications.id, row.id));
				await tx.update(users).set({ email: row.email }).where(eq(users.id, row.userId));
				await logAudit(data, now, row.userId, 'account.emailVerified', { type: 'user', id: row.userId });
				return row;
			});
			return { email: row.email };
		},

		async settings(actor: Actor | null) {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			const user = await first(data.db.select({ email: users.email }).from(users).where(eq(users.id, actor.id)));
			const pending = (
				await data.db
					.select({ email: emailVerifications.email, expiresAt: emailVerifications.expiresAt })
					.from(emailVerifications)
					.where(and(eq(emailVerifications.userId, actor.id), isNull(emailVerifications.usedAt)))
					.orderBy(asc(emailVerifications.createdAt), asc(emailVerifications.id))
			)
				.filter((p) => p.expiresAt > clock.now())
				.at(-1);
			return { email: user?.email ?? null, pending: pending?.email ?? null, modes: await modesOf(data, actor.id) };
		},

		async saveModes(actor: Actor | null, input: unknown) {
			if (!actor) throw new UserError('error.signInRequired', {}, 403);
			const modes = parse(modesSchema, input);
			await data.write(async () => {
				await setModes(data, clock, actor.id, modes);
				await logAudit(data, clock.now(), actor.id, 'account.mailPreferences', { type: 'user', id: actor.id }, modes);
			});
			return { modes: await modesOf(data, actor.id) };
		},

		/** One click from an e-mail, without signing in: the signed token is the authority. */
		async checkUnsubscribe(input: unknown) {
			const given = parse(unsubscribeSchema, input);
			if (!(await checkUnsubscribeToken(data, given.userId, given.scope, given.token))) throw new UserError('mail.error.invalidLink', {}, 404);
			return given;
		},

		async unsubscribe(input: unknown): Promise<{ scope: UnsubscribeScope }> {
			const given = await this.checkUnsubscribe(input);
			await data.write(async () => {
				const current = await modesOf(data, given.userId);
				const kinds = given.scope === 'digest' ? notificationKinds.filter((k) => current[k] === 'daily') : [given.scope];
				await setModes(data, clock, given.userId, Object.fromEntries(kinds.map((k) => [k, 'off'])));
				await logAudit(data, clock.now(), given.userId, 'account.unsubscribed', { type: 'user', id: given.userId }, { scope: given.scope });
			});
			return { scope: given.scope };
		}
	};
}
