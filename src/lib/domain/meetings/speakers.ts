/**
 * The list of speakers of one agenda item. A point of order jumps the queue; when the body turns it
 * on, people who have not yet spoken on the item go before those who have; otherwise first come,
 * first served. Counts and times per person, and per college against its share of seats.
 */
import type { SpeechType } from './types';

export interface Speech {
	id: string;
	userId: string;
	type: SpeechType;
	requestedAt: number;
	startedAt: number | null;
	endedAt: number | null;
	/** Withdrawn or removed from the list before speaking. */
	cancelledAt: number | null;
}

export const isWaiting = (s: Speech) => s.startedAt === null && s.cancelledAt === null;
export const isSpeaking = (s: Speech) => s.startedAt !== null && s.endedAt === null && s.cancelledAt === null;
const hasSpoken = (s: Speech) => s.startedAt !== null && s.cancelledAt === null;

/** The waiting list in speaking order. `speeches` are those of the current item. */
export function queueOrder(speeches: readonly Speech[], firstTimeFirst: boolean): Speech[] {
	const spoke = new Set(speeches.filter(hasSpoken).map((s) => s.userId));
	const rank = (s: Speech) => (s.type === 'pointOfOrder' ? 0 : firstTimeFirst && !spoke.has(s.userId) ? 1 : 2);
	return speeches
		.filter(isWaiting)
		.slice()
		.sort((a, b) => rank(a) - rank(b) || a.requestedAt - b.requestedAt || a.id.localeCompare(b.id));
}

/** One hand at a time per person (a point of order may still be raised while a hand is up). */
export function canRaiseHand(speeches: readonly Speech[], userId: string, type: SpeechType): boolean {
	const waiting = speeches.filter((s) => isWaiting(s) && s.userId === userId);
	if (type === 'pointOfOrder') return !waiting.some((s) => s.type === 'pointOfOrder');
	return !waiting.some((s) => s.type !== 'pointOfOrder');
}

export interface SpeakerStat {
	userId: string;
	count: number;
	seconds: number;
}

export function speakerStats(speeches: readonly Speech[], now: number): SpeakerStat[] {
	const stats = new Map<string, SpeakerStat>();
	for (const s of speeches) {
		if (!hasSpoken(s)) continue;
		const entry = stats.get(s.userId) ?? { userId: s.userId, count: 0, seconds: 0 };
		entry.count += 1;
		entry.seconds += Math.max(0, Math.floor(((s.endedAt ?? now) - s.startedAt!) / 1000));
		stats.set(s.userId, entry);
	}
	return [...stats.values()];
}

export interface CollegeBalance {
	collegeId: string;
	seats: number;
	seconds: number;
	seatShare: number;
	timeShare: number;
	/** Took far more than its share of seats (timeShare > seatShare × ratio). */
	over: boolean;
}

/**
 * Speaking time per college against its share of seats. No warning before `minTotalSec` of speech
 * in all: after the first speaker, one college always has 100 %.
 */
export function collegeBalance(
	stats: readonly SpeakerStat[],
	collegeOf: ReadonlyMap<string, string>,
	seatsByCollege: ReadonlyMap<string, number>,
	warnRatio: number,
	minTotalSec = 120
): CollegeBalance[] {
	const totalSeats = [...seatsByCollege.values()].reduce((a, b) => a + b, 0);
	const seconds = new Map<string, number>();
	for (const s of stats) {
		const college = collegeOf.get(s.userId);
		if (college) seconds.set(college, (seconds.get(college) ?? 0) + s.seconds);
	}
	const totalSec = [...seconds.values()].reduce((a, b) => a + b, 0);
	return [...seatsByCollege.entries()].map(([collegeId, seats]) => {
		const sec = seconds.get(collegeId) ?? 0;
		const seatShare = totalSeats ? seats / totalSeats : 0;
		const timeShare = totalSec ? sec / totalSec : 0;
		return { collegeId, seats, seconds: sec, seatShare, timeShare, over: totalSec >= minTotalSec && timeShare > seatShare * warnRatio };
	});
}
