import { and, desc, eq, gte, inArray, isNotNull, isNull } from 'drizzle-orm';
import { groupText } from '$lib/domain/notifications/text';
import { createFormatters, isLocale, translator, type Locale } from '$lib/i18n';
import { first } from '../../db/data';
import type { NotificationKind } from '../../db/schema';
import { enqueueMail } from '../../mail/outbox';
import { renderMail, type MailLine } from '../../mail/render';
import type { ServiceDeps } from '../deps';
import { modesOf, unsubscribeToken, type UnsubscribeScope } from './preferences';
import { unmailedGroups, type NotificationGroup } from './views';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Immediate e-mails wait this long, so a burst of comments leaves as one message. */
export const IMMEDIATE_DELAY = 2 * MINUTE;
/** Older unsent rows are not worth an e-mail any more (the app still shows them). */
const LOOKBACK = 7 * DAY;

export interface MailLinks {
	/** Public URL of the app, for links in e-mails (never taken from a request's Host header). */
	origin: () => string;
}

/**
 * Turns notifications nobody has read yet into e-mails in the outbox: one message per kind for
 * "immediate", one daily digest for the rest, nothing for "off". Rows carried by a message get
 * `emailedAt` in the same transaction as the outbox row, so each is e-mailed at most once.
 */
export function createMailPass(deps: ServiceDeps, links: MailLinks) {
	const { data, clock, ids } = deps;
	const { mailOutbox, notifications, users } = data.t;

	async function unsubscribeUrl(userId: string, scope: UnsubscribeScope) {
		return `${links.origin()}/unsubscribe/${userId}/${scope}/${await unsubscribeToken(data, ids, userId, scope)}`;
	}

	async function message(user: { id: string; email: string; displayName: string; locale: Locale }, groups: NotificationGroup[], scope: UnsubscribeScope) {
		const t = translator(user.locale);
		const f = createFormatters(user.locale);
		const lines: MailLine[] = groups.map((g) => ({ text: groupText(t, f.dateTime, g), href: links.origin() + g.href }));
		const unsubscribe = await unsubscribeUrl(user.id, scope);
		const subject =
			scope === 'digest'
				? t('mail.subject.digest', { count: groups.length })
				: t('mail.subject.immediate', { count: groups.length, first: lines[0]?.text ?? '' });
		const content = renderMail({
			locale: user.locale,
			subject,
			greeting: t('mail.greeting', { name: user.displayName }),
			intro: scope === 'digest' ? t('mail.intro.digest') : t('mail.intro.immediate'),
			lines,
			action: { label: t('mail.openNotifications'), href: `${links.origin()}/notifications` },
			footer: [
				{ text: scope === 'digest' ? t('mail.unsubscribe.digest') : t('mail.unsubscribe.kind', { kind: t(`mail.kind.${scope}`) }), href: unsubscribe },
				{ text: t('mail.settings'), href: `${links.origin()}/account/notifications` }
			]
		});
		return {
			...content,
			to: user.email,
			userId: user.id,
			purpose: scope,
			// RFC 8058: mail clients show an unsubscribe button that POSTs to this URL, no sign-in needed.
			headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Content-Language': user.locale }
		};
	}

	async function lastDigest(userId: string): Promise<Date | null> {
		return (
			(
				await first(
					data.db
						.select({ at: mailOutbox.createdAt })
						.from(mailOutbox)
						.where(and(eq(mailOutbox.userId, userId), eq(mailOutbox.purpose, 'digest')))
						.orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
						.limit(1)
				)
			)?.at ?? null
		);
	}

	return {
		/** For the scheduler: fills the outbox; returns how many messages it queued. */
		async queueNotificationMail(): Promise<number> {
			const now = clock.now();
			const since = new Date(now.getTime() - LOOKBACK);
			const people = await data.db
				.selectDistinct({ id: users.id, email: users.email, displayName: users.displayName, locale: users.locale })
				.from(notifications)
				.innerJoin(users, eq(users.id, notifications.userId))
				.where(and(isNull(notifications.emailedAt), isNull(notifications.readAt), gte(notifications.createdAt, since), isNotNull(users.email)))
				.orderBy(users.id);
			let queued = 0;
			for (const p of people) {
				const user = { id: p.id, email: p.email!, displayName: p.displayName, locale: isLocale(p.locale) ? p.locale : 'fr' as Locale };
				const modes = await modesOf(data, p.id);
				const kinds = (mode: string) => (Object.keys(modes) as NotificationKind[]).filter((k) => modes[k] === mode);
				const outgoing: { groups: NotificationGroup[]; scope: UnsubscribeScope }[] = [];
				const settled = (g: NotificationGroup) => new Date(g.createdAt).getTime() <= now.getTime() - IMMEDIATE_DELAY;
				const immediate = await unmailedGroups(data, p.id, kinds('immediate'), since);
				// A group still receiving rows waits, whole, until it has been quiet for the delay.
				for (const kind of new Set(immediate.map((g) => g.kind))) {
					const groups = immediate.filter((g) => g.kind === kind && settled(g));
					if (groups.length) outgoing.push({ groups, scope: kind as NotificationKind });
				}
				const last = await lastDigest(p.id);
				if (!last || last.getTime() <= now.getTime() - DAY) {
					const daily = await unmailedGroups(data, p.id, kinds('daily'), since);
					if (daily.length) outgoing.push({ groups: daily, scope: 'digest' });
				}
				if (outgoing.length === 0) continue;
				// Rendered (and the unsubscribe key made) before the unit, which then only writes.
				const messages: { mail: Awaited<ReturnType<typeof message>>; ids: string[] }[] = [];
				for (const o of outgoing) messages.push({ mail: await message(user, o.groups, o.scope), ids: o.groups.flatMap((g) => g.ids) });
				queued += await data.write(async (tx) => {
					let n = 0;
					for (const m of messages) {
						// Rows another pass has carried meanwhile are not e-mailed twice.
						const carried = await tx
							.update(notifications)
							.set({ emailedAt: now })
							.where(and(inArray(notifications.id, m.ids), isNull(notifications.emailedAt)))
							.returning({ id: notifications.id });
						if (carried.length === 0) continue;
						await enqueueMail(data, clock, ids, m.mail);
						n++;
					}
					return n;
				});
			}
			return queued;
		}
	};
}
