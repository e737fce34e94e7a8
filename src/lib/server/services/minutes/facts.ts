/**
 * The facts of a meeting as the minutes state them, read from the meeting's records: attendance by
 * college, who spoke on each item (how often, how long), each motion and its result per college.
 * Nobody types these; they are frozen into the minutes at submission.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { MinutesFacts } from '$lib/domain/minutes';
import { first, type Data } from '../../db/data';
import { dateToParis } from '../meetings/paris';

type Position = 'for' | 'against' | 'abstain';
const positionOf = (content: unknown): Position | null => {
	const p = (content as { position?: unknown } | null)?.position;
	return p === 'for' || p === 'against' || p === 'abstain' ? p : null;
};

export async function meetingFacts(data: Data, meetingId: string, outcomeLabel: (o: 'adopted' | 'rejected' | 'invalid' | 'open') => string): Promise<MinutesFacts | null> {
	const { db } = data;
	const { agendaItems, ballots, bodies, colleges, consultations, meetingAttendance, meetingMotions, meetings, meetingSpeeches, memberships, participations, users } = data.t;
	const meeting = await first(db.select().from(meetings).where(eq(meetings.id, meetingId)));
	if (!meeting) return null;
	const body = await first(db.select({ name: bodies.name }).from(bodies).where(eq(bodies.id, meeting.bodyId)));
	const collegeRows = await db.select().from(colleges).where(eq(colleges.bodyId, meeting.bodyId)).orderBy(asc(colleges.position), asc(colleges.id));
	const members = await db
		.select({ userId: memberships.userId, collegeId: memberships.collegeId, name: users.displayName })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(and(eq(memberships.spaceType, 'body'), eq(memberships.spaceId, meeting.bodyId)));
	const attendance = await db.select().from(meetingAttendance).where(eq(meetingAttendance.meetingId, meetingId));
	const byUser = new Map(attendance.map((a) => [a.userId, a]));
	const names = new Map(members.map((m) => [m.userId, m.name]));
	const extra = attendance.flatMap((a) => (a.proxyHolderId && !names.has(a.proxyHolderId) ? [a.proxyHolderId] : []));
	if (extra.length) for (const u of await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, extra))) names.set(u.id, u.name);
	const byName = (a: string, b: string) => a.localeCompare(b, 'fr');
	const seen = new Set<string>();
	const factsColleges: MinutesFacts['colleges'] = collegeRows.map((c) => {
		const present: string[] = [];
		const represented: { name: string; by: string }[] = [];
		const excused: string[] = [];
		const absent: string[] = [];
		for (const m of members.filter((x) => x.collegeId === c.id)) {
			if (seen.has(m.userId)) continue;
			seen.add(m.userId);
			const a = byUser.get(m.userId);
			if (a?.status === 'present') present.push(m.name);
			else if (a?.status === 'proxy' && a.proxyHolderId) represented.push({ name: m.name, by: names.get(a.proxyHolderId) ?? '' });
			else if (a?.status === 'excused') excused.push(m.name);
			else absent.push(m.name);
		}
		return { name: c.name, present: present.sort(byName), represented: represented.sort((x, y) => byName(x.name, y.name)), excused: excused.sort(byName), absent: absent.sort(byName) };
	});

	const items = await db.select().from(agendaItems).where(and(eq(agendaItems.meetingId, meetingId), eq(agendaItems.state, 'accepted'))).orderBy(asc(agendaItems.position), asc(agendaItems.id));
	const speeches = await db.select().from(meetingSpeeches).where(eq(meetingSpeeches.meetingId, meetingId)).orderBy(asc(meetingSpeeches.requestedAt), asc(meetingSpeeches.id));
	const motions = await db
		.select({ m: meetingMotions, c: consultations })
		.from(meetingMotions)
		.innerJoin(consultations, eq(consultations.id, meetingMotions.consultationId))
		.where(eq(meetingMotions.meetingId, meetingId))
		.orderBy(asc(meetingMotions.openedAt), asc(meetingMotions.id));
	const cids = motions.map((r) => r.c.id);
	const ballotRows = cids.length
		? await db
				.select({ cid: ballots.consultationId, content: ballots.content, college: ballots.college, pCollege: participations.collegeId })
				.from(ballots)
				.leftJoin(participations, eq(participations.id, ballots.participationId))
				.where(inArray(ballots.consultationId, cids))
		: [];
	const collegeName = new Map(collegeRows.map((c) => [c.id, c.name]));
	const speakerNames = new Map(names);
	const missing = [...new Set(speeches.map((s) => s.userId))].filter((id) => !speakerNames.has(id));
	if (missing.length) for (const u of await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, missing))) speakerNames.set(u.id, u.name);

	return {
		body: { name: body?.name ?? '' },
		meeting: { title: meeting.title, startsAt: dateToParis(meeting.startsAt).replace('T', ' '), place: meeting.place },
		colleges: factsColleges,
		items: items.map((item) => {
			const spoken = new Map<string, { count: number; ms: number }>();
			for (const s of speeches.filter((x) => x.itemId === item.id && x.startedAt && !x.cancelledAt)) {
				const e = spoken.get(s.userId) ?? { count: 0, ms: 0 };
				e.count += 1;
				e.ms += Math.max(0, (s.endedAt ?? s.startedAt!).getTime() - s.startedAt!.getTime());
				spoken.set(s.userId, e);
			}
			return {
				id: item.id,
				position: item.position,
				title: item.title,
				speakers: [...spoken.entries()]
					.map(([userId, e]) => ({ name: speakerNames.get(userId) ?? '', count: e.count, seconds: Math.round(e.ms / 1000) }))
					.sort((a, b) => b.seconds - a.seconds || byName(a.name, b.name)),
				motions: motions
					.filter((r) => r.m.itemId === item.id)
					.map(({ m, c }) => {
						const rows = ballotRows.filter((b) => b.cid === c.id);
						const totals = { yes: 0, no: 0, abstain: 0 };
						const perCollege = new Map<string, { yes: number; no: number; abstain: number }>();
						for (const b of rows) {
							const p = positionOf(b.content);
							if (!p) continue;
							const key = p === 'for' ? 'yes' : p === 'against' ? 'no' : 'abstain';
							totals[key] += 1;
							const college = b.college ?? b.pCollege;
							if (!college || !collegeName.has(college)) continue;
							const e = perCollege.get(college) ?? { yes: 0, no: 0, abstain: 0 };
							e[key] += 1;
							perCollege.set(college, e);
						}
						const result = c.result as { adopted?: boolean } | null;
						const outcome = c.status !== 'closed' ? 'open' : !m.quorumMet ? 'invalid' : result?.adopted ? 'adopted' : 'rejected';
						return {
							question: c.question,
							outcome: outcomeLabel(outcome),
							totals,
							perCollege: collegeRows.filter((col) => perCollege.has(col.id)).map((col) => ({ name: col.name, ...perCollege.get(col.id)! }))
						};
					})
			};
		})
	};
}
