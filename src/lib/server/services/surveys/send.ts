/**
 * Surveys sent to people rather than handed out on paper (issue 14): an activity's named
 * participants, a training group's trainees or a body's members each get their own one-time link
 * as an in-app notification, which the notifications' mail pass also e-mails to those with an
 * address. A person is sent one link per survey, however often the organiser presses "send".
 * Practice spaces send nothing: their people are trainees playing a part.
 *
 * The link's token is in the person's notification (that is how it reaches them) until the link is
 * used: the answer then takes it out of the notification and of any mail still holding it, and keeps
 * only the building and the day, never the link, in no order of arrival (./unordered.ts), so it
 * cannot be traced back.
 */
import { and, eq, inArray, like, sql, type SQL } from 'drizzle-orm';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { SpaceRef } from '$lib/domain/policy';
import { sha256Hex } from '../../crypto';
import type { Data } from '../../db/data';
import { isPracticeSpace } from '../practice/marker';
import type { surveys } from '../../db/schema';
import type { Ids } from '../../ids';
import { logAudit } from '../audit';
import type { ServiceDeps } from '../deps';
import { UserError } from '../errors';
import type { NotificationsService } from '../notifications';

type Survey = typeof surveys.$inferSelect;

/** Audiences reached by notification; a residence or a building gets printed links and QR codes. */
export const SENDABLE_AUDIENCES = ['activity', 'training', 'body'] as const;
export const isSendable = (audience: string) => (SENDABLE_AUDIENCES as readonly string[]).includes(audience);

/** A fresh one-time token: 24 base32 characters (120 random bits). Only its hash is stored. */
export const newToken = (ids: Ids) => encodeBase32LowerCaseNoPadding(ids.bytes(15));

/**
 * The notifications that invite to this survey (to find who already has a link): the survey's id in
 * the row's data. SQLite keeps that data as JSON text, PostgreSQL as jsonb, which `like` cannot read
 * (and whose text form puts a space after each colon): there, its `surveyId` field is compared.
 */
function invitedTo(data: Data, surveyId: string): SQL {
	const { notifications } = data.t;
	const survey = data.dialect === 'postgres' ? sql`${notifications.data}->>'surveyId' = ${surveyId}` : like(notifications.data, `%"surveyId":"${surveyId}"%`);
	return and(eq(notifications.kind, 'surveyInvited'), survey) as SQL;
}

/** Who the survey is for, as user ids (the organiser excluded). */
async function audienceOf(data: Data, survey: Survey, senderId: string): Promise<string[]> {
	const { db } = data;
	const { activityAttendance, activitySessions, memberships } = data.t;
	let rows: { userId: string }[];
	if (survey.audience === 'activity') {
		if (!survey.activityId) return [];
		rows = await db
			.selectDistinct({ userId: activityAttendance.userId })
			.from(activityAttendance)
			.innerJoin(activitySessions, eq(activitySessions.id, activityAttendance.sessionId))
			.where(eq(activitySessions.activityId, survey.activityId));
	} else {
		const where = and(eq(memberships.spaceType, survey.spaceType), eq(memberships.spaceId, survey.spaceId));
		rows = await db
			.selectDistinct({ userId: memberships.userId })
			.from(memberships)
			.where(survey.audience === 'training' ? and(where, eq(memberships.role, 'trainee')) : where);
	}
	return rows.map((r) => r.userId).filter((id) => id !== senderId);
}

/** How many people a survey was sent to. */
export async function sentCount(data: Data, surveyId: string): Promise<number> {
	const { notifications } = data.t;
	const rows = await data.db.selectDistinct({ userId: notifications.userId }).from(notifications).where(invitedTo(data, surveyId));
	return rows.length;
}

export function createSurveySender(deps: ServiceDeps, notifier: NotificationsService | undefined) {
	const { data, clock, ids } = deps;
	const { households, notifications, surveyLinks, users } = data.t;

	/** Sends a link to everyone in the audience who has none yet; returns how many were sent. */
	async function send(actorId: string, survey: Survey): Promise<{ sent: number }> {
		if (!isSendable(survey.audience)) throw new UserError('indicators.error.sendAudience');
		const space: SpaceRef = { type: survey.spaceType, id: survey.spaceId };
		if (await isPracticeSpace(data, space)) throw new UserError('indicators.error.practice');
		if (!notifier) throw new UserError('indicators.error.sendAudience');
		const now = clock.now();
		if (survey.closesAt.getTime() <= now.getTime()) throw new UserError('indicators.error.surveyClosed', {}, 409);
		const everyone = await audienceOf(data, survey, actorId);
		if (!everyone.length) throw new UserError('indicators.error.noRecipients');
		const already = new Set(
			(await data.db.selectDistinct({ userId: notifications.userId }).from(notifications).where(and(invitedTo(data, survey.id), inArray(notifications.userId, everyone)))).map((r) => r.userId)
		);
		const people = everyone.filter((id) => !already.has(id));
		// In a residence, the answer keeps the person's building, as a printed link for that building would.
		const homes =
			survey.spaceType === 'residence' && people.length
				? new Map((await data.db.select({ id: users.id, buildingId: households.buildingId }).from(users).innerJoin(households, eq(households.id, users.householdId)).where(inArray(users.id, people))).map((r) => [r.id, r.buildingId]))
				: new Map<string, string>();
		const pending = await data.write(async (tx) => {
			const out = [];
			for (const userId of people) {
				const token = newToken(ids);
				await tx.insert(surveyLinks).values({ id: ids.id(), surveyId: survey.id, tokenHash: sha256Hex(token), buildingId: homes.get(userId) ?? survey.buildingId ?? null, expiresAt: survey.closesAt, createdAt: now });
				const invitation = { surveyId: survey.id, title: survey.title, closesAt: survey.closesAt.toISOString(), href: `/q/${survey.spaceId}/${token}` };
				out.push(...(await notifier.record([userId], 'surveyInvited', { space }, actorId, invitation)));
			}
			await logAudit(data, now, actorId, 'survey.sent', { type: 'survey', id: survey.id }, { count: people.length, audience: survey.audience });
			return out;
		});
		// After the commit: the live notification reaches each person's open pages.
		await notifier.publish(pending);
		return { sent: people.length };
	}

	return { send };
}
