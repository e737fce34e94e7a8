/** What the minutes modules share: rows, the body's settings, errors, labels of the published text. */
import { and, eq } from 'drizzle-orm';
import type { MinutesErrorCode, MinutesLabels } from '$lib/domain/minutes';
import { authorize, meetingResource, minutesResource, type Actor, type MinutesAction } from '$lib/domain/policy';
import { translator, type MessageKey } from '$lib/i18n';
import { first, type AsyncDb } from '../../db/data';
import type { meetings, minutes } from '../../db/schema';
import type { ServiceDeps } from '../deps';
import { UserError } from '../errors';

export type MinutesRow = typeof minutes.$inferSelect;
export type MeetingRow = typeof meetings.$inferSelect;

export function minutesError(code: MinutesErrorCode | 'notFound' | 'passageMissing' | 'passageGone' | 'notAttendee' | 'reasonRequired' | 'decided' | 'notCoEditable' | 'badTarget' | 'noSuchSection' | 'notPublic', values: Record<string, string | number> = {}) {
	const status = code === 'notFound' || code === 'notPublic' ? 404 : code === 'alreadyAdopted' || code === 'decided' || code === 'locked' ? 409 : 400;
	return new UserError(`minutes.error.${code}` as MessageKey, values, status);
}

export const defaultSettings = { portalPublic: true, chairMayAdopt: true, amendmentDays: 7 };

/** The published text is written in French, the body's working language. */
export function markdownLabels(): MinutesLabels {
	const t = translator('fr');
	return {
		date: t('minutes.md.date'),
		place: t('minutes.md.place'),
		attendance: t('minutes.md.attendance'),
		present: t('minutes.md.present'),
		represented: (name, by) => t('minutes.md.represented', { name, by }),
		excused: t('minutes.md.excused'),
		absent: t('minutes.md.absent'),
		none: t('minutes.md.none'),
		speakers: t('minutes.md.speakers'),
		speaker: (name, count, duration) => t('minutes.md.speaker', { name, count, duration }),
		motion: t('minutes.md.motion'),
		result: (outcome, yes, no, abstain) => t('minutes.md.result', { outcome, yes, no, abstain }),
		perCollege: (name, yes, no, abstain) => t('minutes.md.perCollege', { name, yes, no, abstain }),
		general: t('minutes.md.general'),
		duration: (seconds) => t('minutes.md.duration', { min: Math.floor(seconds / 60), sec: seconds % 60 })
	};
}

export const outcomeLabel = (o: 'adopted' | 'rejected' | 'invalid' | 'open') => translator('fr')(`minutes.md.outcome.${o}`);

/**
 * Reads go through `data.db` unless a `tx` is given: inside a unit of work (`data.write`) that is
 * the unit's transaction, so they see its own writes.
 */
export function createMinutesContext(deps: ServiceDeps) {
	const { data } = deps;
	const t = data.t;
	const { bodies, meetings, minutes, minutesSettings } = t;

	async function loadMeeting(meetingId: string, tx: AsyncDb = data.db): Promise<MeetingRow> {
		const m = await first(tx.select().from(meetings).where(eq(meetings.id, meetingId)));
		if (!m) throw minutesError('notFound');
		return m;
	}

	/** Loads a meeting and checks the actor may do `action` on its minutes (or chair it), as they are now. */
	async function guard(actor: Actor | null, action: MinutesAction | 'meeting.chair', meetingId: string): Promise<{ actor: Actor; meeting: MeetingRow }> {
		const meeting = await loadMeeting(meetingId);
		if (action === 'meeting.chair') authorize(actor, action, meetingResource(meeting));
		else authorize(actor, action, minutesResource(meeting));
		return { actor, meeting };
	}

	async function rowOf(meetingId: string, tx: AsyncDb = data.db): Promise<MinutesRow | undefined> {
		return first(tx.select().from(minutes).where(eq(minutes.meetingId, meetingId)));
	}

	/** The minutes row of a meeting, created (as a draft) when a service first needs one. */
	async function ensureRow(tx: AsyncDb, meeting: MeetingRow): Promise<MinutesRow> {
		const found = await first(tx.select().from(minutes).where(eq(minutes.meetingId, meeting.id)));
		if (found) return found;
		const now = deps.clock.now();
		const row = { id: deps.ids.id(), meetingId: meeting.id, bodyId: meeting.bodyId, status: 'draft' as const, updatedAt: now, createdAt: now };
		await tx.insert(minutes).values(row);
		return (await first(tx.select().from(minutes).where(eq(minutes.id, row.id))))!;
	}

	async function settingsOf(bodyId: string, tx: AsyncDb = data.db) {
		const row = await first(tx.select().from(minutesSettings).where(eq(minutesSettings.bodyId, bodyId)));
		return row ? { portalPublic: row.portalPublic, chairMayAdopt: row.chairMayAdopt, amendmentDays: row.amendmentDays } : { ...defaultSettings };
	}

	async function bodyOf(bodyId: string) {
		return first(data.db.select().from(bodies).where(eq(bodies.id, bodyId)));
	}

	/** Whether the body shows on the public portal: it chose to, and it is no practice space. */
	async function isPublicBody(bodyId: string): Promise<boolean> {
		const body = await first(data.db.select({ practice: bodies.practice }).from(bodies).where(and(eq(bodies.id, bodyId))));
		if (!body || body.practice) return false;
		return (await settingsOf(bodyId)).portalPublic;
	}

	return { data, t, deps, loadMeeting, guard, rowOf, ensureRow, settingsOf, bodyOf, isPublicBody };
}

export type MinutesContext = ReturnType<typeof createMinutesContext>;
