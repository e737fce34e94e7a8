import { createHmac, timingSafeEqual } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db';
import { mailKeys, mailPreferences, notificationKinds, type MailMode, type NotificationKind } from '../../db/schema';
import type { Clock, Ids } from '../../ids';

/** What someone gets by e-mail before choosing: what needs them soon right away, the rest once a day. */
export const DEFAULT_MODES: Record<NotificationKind, MailMode> = {
	comment: 'daily',
	status: 'daily',
	hidden: 'immediate',
	voteOpened: 'immediate',
	voteClosing: 'immediate',
	voteResults: 'daily',
	minutesSubmitted: 'immediate',
	decisionReview: 'immediate',
	assistedVote: 'immediate',
	assistedAlert: 'immediate',
	voteChanged: 'immediate',
	accessReset: 'immediate',
	meetingInvited: 'immediate',
	meetingChanged: 'immediate',
	meetingStarting: 'immediate',
	meetingResults: 'daily',
	surveyInvited: 'immediate'
};

/** A notification kind, or `digest`: every kind that goes in the daily digest. */
export type UnsubscribeScope = NotificationKind | 'digest';
export const unsubscribeScopes: readonly UnsubscribeScope[] = [...notificationKinds, 'digest'];

export function modesOf(db: Db, userId: string): Record<NotificationKind, MailMode> {
	const modes = { ...DEFAULT_MODES };
	// A row of a kind that no longer exists is ignored; a kind without a row keeps its default.
	for (const r of db.select().from(mailPreferences).where(eq(mailPreferences.userId, userId)).all()) if (r.kind in modes) modes[r.kind] = r.mode;
	return modes;
}

export function setModes(tx: Db, clock: Clock, userId: string, modes: Partial<Record<NotificationKind, MailMode>>) {
	const updatedAt = clock.now();
	for (const [kind, mode] of Object.entries(modes) as [NotificationKind, MailMode][]) {
		if (!mode) continue;
		tx.insert(mailPreferences)
			.values({ userId, kind, mode, updatedAt })
			.onConflictDoUpdate({ target: [mailPreferences.userId, mailPreferences.kind], set: { mode, updatedAt } })
			.run();
	}
}

function keyOf(db: Db, ids: Ids, userId: string): string {
	const row = db.select().from(mailKeys).where(eq(mailKeys.userId, userId)).get();
	if (row) return row.key;
	const key = encodeBase32LowerCaseNoPadding(ids.bytes(32));
	db.insert(mailKeys).values({ userId, key }).onConflictDoNothing().run();
	return db.select().from(mailKeys).where(eq(mailKeys.userId, userId)).get()!.key;
}

const mac = (key: string, userId: string, scope: string) => createHmac('sha256', key).update(`unsubscribe:${userId}:${scope}`).digest('base64url').slice(0, 32);

/** The signed part of an unsubscribe link: works without signing in, for this person and scope only. */
export function unsubscribeToken(db: Db, ids: Ids, userId: string, scope: UnsubscribeScope): string {
	return mac(keyOf(db, ids, userId), userId, scope);
}

export function checkUnsubscribeToken(db: Db, userId: string, scope: string, token: string): boolean {
	const row = db.select().from(mailKeys).where(eq(mailKeys.userId, userId)).get();
	if (!row) return false;
	const expected = Buffer.from(mac(row.key, userId, scope));
	const given = Buffer.from(token);
	return expected.length === given.length && timingSafeEqual(expected, given);
}
