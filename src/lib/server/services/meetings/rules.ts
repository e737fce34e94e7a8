/** The body's meeting rules and its members' seats (term, substitute), set by the chair or an administrator. */
import { and, eq } from 'drizzle-orm';
import { seatActive } from '$lib/domain/meetings';
import { authorize, can, type Actor } from '$lib/domain/policy';
import { first } from '../../db/data';
import { logAudit } from '../audit';
import { UserError } from '../errors';
import { parse } from '../validate';
import { bodySpace, meetingError, type MeetingContext } from './context';
import { dateToParis, parisToDate } from './paris';
import { rulesSchema, seatSchema } from './schemas';

export function createRules(ctx: MeetingContext) {
	const { data: store, deps } = ctx;
	const { bodies, bodyRules, bodySeats } = ctx.t;
	return {
		async bodyRules(actor: Actor | null, bodyId: string) {
			authorize(actor, 'space.view', bodySpace(bodyId));
			return ctx.rulesOf(store.db, bodyId);
		},

		async setRules(actor: Actor | null, input: unknown) {
			const data = parse(rulesSchema, input);
			authorize(actor, 'meeting.chair', bodySpace(data.bodyId));
			const now = deps.clock.now();
			const values = {
				quorum: data.quorumPct / 100,
				collegeQuorum: data.collegeQuorumPct === null ? null : data.collegeQuorumPct / 100,
				substitutesVote: data.substitutesVote,
				proxiesCountForQuorum: data.proxiesCountForQuorum,
				speechLimitSec: data.speechLimitSec,
				firstTimeFirst: data.firstTimeFirst,
				balanceWarnRatio: data.balanceWarnRatio,
				weightedVotes: data.weightedVotes,
				publicMeetings: data.publicMeetings,
				updatedAt: now
			};
			await store.write(async (tx) => {
				const before = await ctx.rulesOf(tx, data.bodyId);
				const proxiesAcrossColleges = data.proxyColleges === undefined ? before.proxiesAcrossColleges : data.proxyColleges === 'across';
				await tx.insert(bodyRules).values({ bodyId: data.bodyId, ...values }).onConflictDoUpdate({ target: bodyRules.bodyId, set: values });
				await tx.update(bodies).set({ proxyLimit: data.proxyLimit, proxiesAcrossColleges }).where(eq(bodies.id, data.bodyId));
				await logAudit(store, now, actor.id, 'body.rules', { type: 'body', id: data.bodyId }, { ...values, proxyLimit: data.proxyLimit, proxiesAcrossColleges });
				if (before.proxiesAcrossColleges !== proxiesAcrossColleges)
					await logAudit(store, now, actor.id, 'body.proxyColleges', { type: 'body', id: data.bodyId }, { from: before.proxiesAcrossColleges ? 'across' : 'within', to: proxiesAcrossColleges ? 'across' : 'within' });
			});
		},

		/**
		 * Who holds which seat in which college, with terms and substitutes; former members (term
		 * ended) listed after, as such. Members see it; the chair changes it.
		 */
		async seats(actor: Actor | null, bodyId: string) {
			authorize(actor, 'space.view', bodySpace(bodyId));
			const now = deps.clock.now().getTime();
			const seats = await ctx.seatsOf(store.db, bodyId);
			const colleges = await ctx.collegesOf(store.db, bodyId);
			const people = await ctx.participantIds(store.db, bodyId, seats);
			const names = await ctx.names(store.db, [...people]);
			const day = (at: number | null) => (at === null || at === 0 ? null : dateToParis(at).slice(0, 10));
			const rows = seats
				.map((s) => ({
					userId: s.userId,
					name: names.get(s.userId) ?? '',
					collegeId: s.collegeId,
					termStart: day(s.termStart),
					termEnd: day(s.termEnd),
					substituteId: s.substituteId,
					substituteName: s.substituteId ? (names.get(s.substituteId) ?? '') : null,
					current: seatActive(s, now)
				}))
				.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
			return {
				colleges: colleges.map((c) => ({ id: c.id, name: c.name, weight: c.weight, seats: rows.filter((r) => r.current && r.collegeId === c.id) })),
				former: rows.filter((r) => !r.current),
				candidates: [...people].map((id) => ({ id, name: names.get(id) ?? '' })).sort((a, b) => a.name.localeCompare(b.name, 'fr')),
				canEdit: can(actor, 'meeting.chair', bodySpace(bodyId))
			};
		},

		/** A seat's substitute and term (a former member stays listed as such). */
		async setSeat(actor: Actor | null, input: unknown) {
			const data = parse(seatSchema, input);
			authorize(actor, 'meeting.chair', bodySpace(data.bodyId));
			const now = deps.clock.now();
			await store.write(async (tx) => {
				const seat = (await ctx.seatsOf(tx, data.bodyId)).find((s) => s.userId === data.userId);
				if (!seat) throw meetingError('notMember');
				if (data.substituteId === data.userId) throw new UserError('meetings.error.substituteSelf');
				if (data.substituteId && !(await ctx.participantIds(tx, data.bodyId, [])).has(data.substituteId)) throw meetingError('notMember');
				const termStart = data.termStart ? parisToDate(`${data.termStart}T00:00`) : new Date(seat.termStart);
				const termEnd = data.termEnd ? parisToDate(`${data.termEnd}T00:00`) : null;
				if (termEnd && termEnd.getTime() <= termStart.getTime()) throw new UserError('meetings.error.termOrder');
				const values = { collegeId: seat.collegeId, substituteId: data.substituteId ?? null, termStart, termEnd };
				const existing = await first(tx.select().from(bodySeats).where(and(eq(bodySeats.bodyId, data.bodyId), eq(bodySeats.userId, data.userId))));
				if (existing) await tx.update(bodySeats).set(values).where(eq(bodySeats.id, existing.id));
				else await tx.insert(bodySeats).values({ id: deps.ids.id(), bodyId: data.bodyId, userId: data.userId, ...values });
				await logAudit(store, now, actor.id, 'body.seat', { type: 'body', id: data.bodyId }, { userId: data.userId, ...values });
			});
		}
	};
}
