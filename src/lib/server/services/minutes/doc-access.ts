/**
 * Who may read or write a section of a meeting's live minutes, asked by the Yjs hub at join and
 * again for every update. Once the minutes are submitted (and so once adopted or published) the
 * live document is read-only for everyone: an update is refused and never stored.
 */
import { and, eq } from 'drizzle-orm';
import { isLiveEditable } from '$lib/domain/minutes';
import { can, minutesResource, type Actor } from '$lib/domain/policy';
import { first, type Data } from '../../db/data';

export type MinutesDocLevel = 'write' | 'read' | 'none';

export const GENERAL_SECTION = 'general';

export async function minutesDocLevel(data: Data, actor: Actor, meetingId: string, section: string): Promise<MinutesDocLevel> {
	const { db } = data;
	const { agendaItems, meetings, minutes, minutesCoEditors } = data.t;
	const meeting = await first(db.select({ bodyId: meetings.bodyId, status: meetings.status }).from(meetings).where(eq(meetings.id, meetingId)));
	if (!meeting) return 'none';
	if (!can(actor, 'minutes.view', minutesResource(meeting))) return 'none';
	if (section !== GENERAL_SECTION) {
		const item = await first(db.select({ id: agendaItems.id }).from(agendaItems).where(and(eq(agendaItems.id, section), eq(agendaItems.meetingId, meetingId), eq(agendaItems.state, 'accepted'))));
		if (!item) return 'none';
	}
	if (meeting.status === 'cancelled') return 'read';
	const row = await first(db.select({ id: minutes.id, status: minutes.status }).from(minutes).where(eq(minutes.meetingId, meetingId)));
	if (row && !isLiveEditable(row.status)) return 'read';
	const coEditorIds = row ? (await db.select({ userId: minutesCoEditors.userId }).from(minutesCoEditors).where(eq(minutesCoEditors.minutesId, row.id))).map((r) => r.userId) : [];
	return can(actor, 'minutes.write', minutesResource(meeting, { status: row?.status ?? 'draft', coEditorIds })) ? 'write' : 'read';
}
