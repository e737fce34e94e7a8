import { createHmac, timingSafeEqual } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { eq } from 'drizzle-orm';
import { first, type Data } from '../../db/data';
import { notificationKinds, type MailMode, type NotificationKind } from '../../db/schema-notifications';
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

export async function modesOf(data: Data, userId: string): Promise<Record<NotificationKind, MailMode>> {
	const { mailPreferences } = data.t;
	const modes = { ...DEFAULT_MODES };
	// A row of a kind that no longer exists is ignored; a kind without a row keeps its default.
	for (const r of await data.db.select().from(mailPreferences).where(eq(mailPreferences.userId, userId))) if (r.kind in modes) modes[r.kind] = r.mode;
	return modes;
}

/** In the caller's unit (joins it). */
export async function setModes(data: Data, clock: Clock, userId: string, modes: Partial<Record<NotificationKind, MailMode>>) {
	const { mailPreferences } = data.t;
	const updatedAt = clock.now();
	await data.write(async (tx) => {
		for (const [kind, mode] of Object.entries(modes) as [NotificationKind, MailMode][]) {
			if (!mode) continue;
			await tx
				.insert(mailPreferences)
				.values({ userId, kind, mode, updatedAt })
				.onConflictDoUpdate({ target: [mailPreferences.userId, mailPreferences.kind], set: { mode, updatedAt } });
		}
	});
}

async function keyOf(data: Data, ids: Ids, userId: string): Promise<string> {
	const { mailKeys } = data.t;
	const row = await first(data.db.select().from(mailKeys).where(eq(mailKeys.userId, userId)));
	if (row) return row.key;
	const key = encodeBase32LowerCaseNoPadding(ids.bytes(32));
	// Two passes may race for a first key: the one written first is everyone's.
	return data.write(async (tx) => {
		await tx.insert(mailKeys).values({ userId, key }).onConflictDoNothing();
		return (await first(tx.select().from(mailKeys).where(eq(mailKeys.userId, userId))))!.key;
	});
}

const mac = (key: string, userId: string, scope: string) => createHmac('sha256', key).update(`unsubscribe:${userId}:${scope}`).digest('base64url').slice(0, 32);

/** The signed part of an unsubscribe link: works without signing in, for this person and scope only. */
export async function unsubscribeToken(data: Data, ids: Ids, userId: string, scope: UnsubscribeScope): Promise<string> {
	return mac(await keyOf(data, ids, userId), userId, scope);
}

export async function checkUnsubscribeToken(data: Data, userId: string, scope: string, token: string): Promise<boolean> {
	const row = await first(data.db.select().from(data.t.mailKeys).where(eq(data.t.mailKeys.userId, userId)));
	if (!row) return false;
	const expected = Buffer.from(mac(row.key, userId, scope));
	const given = Buffer.from(token);
	return expected.length === given.length && timingSafeEqual(expected, given);
}
