/**
 * The public live view of a meeting (issue 11, the "public stream" of issue 10): what a body whose
 * rules make its meetings public shows without an account while a meeting is open. A projection of
 * the room state that keeps only what the portal already shows: the agenda, the current item, who
 * speaks (by name only for members who agreed to be named on the portal, otherwise by college), the
 * quorum as counts, and the motions' live results (only when the vote shows them live, or once
 * closed). No user id, no attendance list, no proxies, no votes of anyone.
 */
import type { MeetingStatus } from './types';
import { isSpeaking, type Speech } from './speakers';

interface RoomLike {
	meeting: { id: string; title: string; bodyName: string; status: MeetingStatus; startsAt: number; place: string; currentItemId: string | null };
	colleges: { id: string; name: string }[];
	people: { userId: string; displayName: string; collegeId: string | null }[];
	quorum: { met: boolean; overall: { seats: number; counted: number; required: number } };
	items: { id: string; position: number; title: string; kind: string; startedAt: number | null; endedAt: number | null }[];
	speeches: Speech[];
	motions: { itemId: string; question: string; status: 'draft' | 'open' | 'closed'; electors: number; participants: number; tally: { for: number; against: number; abstain: number } | null; adopted: boolean | null }[];
	now: number;
}

export interface PublicLiveState {
	meeting: { id: string; title: string; bodyName: string; status: MeetingStatus; startsAt: number; place: string };
	agenda: { position: number; title: string; kind: string; state: 'done' | 'current' | 'next' }[];
	current: { position: number; title: string; kind: string } | null;
	/** Who has the floor: a name only if that member agreed to be named; the college always when known. */
	speaker: { name: string | null; college: string | null; since: number } | null;
	waiting: number;
	quorum: { met: boolean; seats: number; counted: number; required: number };
	motions: { question: string; status: 'open' | 'closed'; electors: number; participants: number; tally: { for: number; against: number; abstain: number } | null; adopted: boolean | null }[];
	now: number;
}

export function publicLive(state: RoomLike, named: ReadonlySet<string>): PublicLiveState {
	const current = state.items.find((i) => i.id === state.meeting.currentItemId) ?? null;
	const speech = state.speeches.find(isSpeaking) ?? null;
	const person = speech ? state.people.find((p) => p.userId === speech.userId) : undefined;
	const college = person?.collegeId ? (state.colleges.find((c) => c.id === person.collegeId)?.name ?? null) : null;
	return {
		meeting: { id: state.meeting.id, title: state.meeting.title, bodyName: state.meeting.bodyName, status: state.meeting.status, startsAt: state.meeting.startsAt, place: state.meeting.place },
		// Numbered from 1 in agenda order, as on the agenda members read.
		agenda: state.items.map((i, n) => ({ position: n + 1, title: i.title, kind: i.kind, state: i.id === current?.id ? 'current' : i.endedAt !== null ? 'done' : 'next' })),
		current: current ? { position: state.items.indexOf(current) + 1, title: current.title, kind: current.kind } : null,
		speaker: speech ? { name: person && named.has(person.userId) ? person.displayName : null, college, since: speech.startedAt ?? state.now } : null,
		waiting: state.speeches.filter((s) => s.startedAt === null && s.cancelledAt === null).length,
		quorum: { met: state.quorum.met, seats: state.quorum.overall.seats, counted: state.quorum.overall.counted, required: state.quorum.overall.required },
		motions: state.motions
			.filter((m) => m.itemId === current?.id && m.status !== 'draft')
			.map((m) => ({ question: m.question, status: m.status as 'open' | 'closed', electors: m.electors, participants: m.participants, tally: m.tally, adopted: m.adopted })),
		now: state.now
	};
}
