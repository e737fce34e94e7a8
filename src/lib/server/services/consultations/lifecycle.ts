/**
 * A vote's life after it is drafted (issue 8): edited only before its first ballot, its closing date
 * extended (announced to its voters), reopened within a day of a close by mistake (with a reason,
 * an audit entry and the result marked as reopened), and the ideas of the board it concerns.
 */
import { and, asc, count as sqlCount, eq, inArray, isNull } from 'drizzle-orm';
import { createConsultationSchema } from '$lib/domain/consultations';
import { authorize, type Actor, type SpaceRef } from '$lib/domain/policy';
import { editSchema, extendSchema, extensionError, mayReopen, reopenSchema, REOPEN_WINDOW_MS } from '$lib/domain/vote-lifecycle';
import { roomForSpace } from '$lib/realtime/events';
import { first, type Data } from '../../db/data';
import { logAudit } from '../audit';
import { notFound, UserError } from '../errors';
import { electors } from '../notifications/recipients';
import { parse } from '../validate';
import type { VoteWriter } from './cast';
import { optionsOf, spaceOf, type ConsultationRow, type Context } from './context';
import type { Scheduling } from './scheduling';
import type { Tallies } from './tallies';

/** Ideas of the space that a consultation may name; anything else is refused. */
export async function checkProposals(data: Data, space: SpaceRef, ids: readonly string[]) {
	const { proposals } = data.t;
	const wanted = [...new Set(ids)];
	if (wanted.length === 0) return [];
	const found = await data.db
		.select({ id: proposals.id })
		.from(proposals)
		.where(and(inArray(proposals.id, wanted), eq(proposals.spaceType, space.type), eq(proposals.spaceId, space.id)));
	if (found.length !== wanted.length) throw new UserError('votes.error.proposal');
	return wanted;
}

/** Replaces the ideas a consultation concerns: those of its options plus `extra` (inside a unit). */
export async function linkProposals(data: Data, consultationId: string, ids: readonly string[]) {
	const { consultationProposals } = data.t;
	await data.db.delete(consultationProposals).where(eq(consultationProposals.consultationId, consultationId));
	for (const proposalId of new Set(ids)) await data.db.insert(consultationProposals).values({ consultationId, proposalId });
}

export function createLifecycle(ctx: Context, tallies: Tallies, scheduling: Scheduling, writer: VoteWriter) {
	const { data, clock, bus, notify } = ctx;
	const { ballots, consultationOptions, consultationProposals, consultations, decisions, meetingMotions, participations, proposals, users, voteBatches } = data.t;
	const db = () => data.db;
	const { load, manageable } = scheduling;

	/** Whether anyone has voted in any way: a ballot, a participation (also an assisted vote waiting), a batch, or a vote in the box. */
	async function hasVotes(c: ConsultationRow): Promise<boolean> {
		if (writer.box.anyPending(c.id)) return true;
		const some = async (q: PromiseLike<{ n: number }[]>) => ((await first(q))?.n ?? 0) > 0;
		return (
			(await some(db().select({ n: sqlCount() }).from(participations).where(eq(participations.consultationId, c.id)))) ||
			(await some(db().select({ n: sqlCount() }).from(ballots).where(eq(ballots.consultationId, c.id)))) ||
			(await some(db().select({ n: sqlCount() }).from(voteBatches).where(eq(voteBatches.consultationId, c.id))))
		);
	}

	/** Inside a unit: tells the electors. */
	async function announce(c: ConsultationRow, actorId: string, extra: Record<string, unknown>) {
		return notify.record(await electors(data, c), 'voteChanged', { consultationId: c.id }, actorId, extra);
	}

	return {
		/** Whether the question, options, settings and dates may still change (no ballot of any kind yet). */
		async editable(c: ConsultationRow) {
			return c.status !== 'closed' && !(await hasVotes(c));
		},

		/**
		 * Edits a vote before its first ballot. After it, every door gets the same refusal: a voter's
		 * ballot was checked against these options and this question.
		 */
		async edit(actor: Actor | null, input: unknown) {
			const wanted = parse(editSchema, input);
			const c = await manageable(actor, wanted.consultationId);
			if (c.status === 'closed') throw new UserError('votes.error.closed', {}, 409);
			if (await hasVotes(c)) throw new UserError('votes.error.editAfterBallot', {}, 409);
			const current = await optionsOf(data, c.id);
			// The same rules as at creation, on the edited fields and the unchanged ones.
			const checked = parse(createConsultationSchema, {
				space: spaceOf(c),
				question: wanted.question,
				description: wanted.description,
				method: c.method,
				options: wanted.options.map(({ id: _id, ...o }) => o),
				optionOrder: wanted.optionOrder,
				budget: wanted.budget,
				dots: wanted.dots,
				electorate: c.electorate,
				buildingId: c.buildingId ?? undefined,
				countBy: c.countBy,
				weighting: c.weighting,
				secrecy: c.secrecy,
				resultsVisibility: wanted.resultsVisibility,
				quorumPercent: wanted.quorumPercent,
				quorumPerCollege: c.quorumPerCollege,
				opensAt: wanted.opensAt,
				closesAt: wanted.closesAt,
				assistedCounting: c.assistedCounting,
				assistedCap: c.assistedCap
			});
			const now = clock.now();
			if (c.status === 'open' && checked.closesAt && checked.closesAt <= now) throw new UserError('votes.error.extendPast');
			for (const o of wanted.options) if (o.id && !current.some((x) => x.id === o.id)) throw new UserError('error.invalidInput');
			const pending = await data.write(async (tx) => {
				const linked = await checkProposals(data, spaceOf(c), [...checked.options.flatMap((o) => (o.proposalId ? [o.proposalId] : [])), ...wanted.proposalIds]);
				await tx
					.update(consultations)
					.set({
						question: checked.question,
						description: checked.description,
						budget: c.method === 'budget' ? (checked.budget ?? null) : null,
						dots: c.method === 'dot' ? (checked.dots ?? null) : null,
						optionOrder: checked.optionOrder,
						resultsVisibility: checked.resultsVisibility,
						quorum: checked.quorumPercent === undefined || checked.quorumPercent === 0 ? null : checked.quorumPercent / 100,
						opensAt: checked.opensAt ?? null,
						closesAt: checked.closesAt ?? null,
						editedAt: now
					})
					.where(eq(consultations.id, c.id));
				if (c.method !== 'yes-no-abstain') {
					const kept = new Set(wanted.options.flatMap((o) => (o.id ? [o.id] : [])));
					for (const o of current) if (!kept.has(o.id)) await tx.delete(consultationOptions).where(eq(consultationOptions.id, o.id));
					for (const [position, o] of checked.options.entries()) {
						const values = { position, label: o.label, description: o.description, cost: o.cost ?? null, proposalId: o.proposalId ?? null };
						const existing = wanted.options[position]?.id;
						if (existing) await tx.update(consultationOptions).set(values).where(eq(consultationOptions.id, existing));
						else await tx.insert(consultationOptions).values({ id: ctx.ids.id(), consultationId: c.id, ...values });
					}
				}
				await linkProposals(data, c.id, linked);
				await logAudit(data, now, actor!.id, 'consultation.edited', { type: 'consultation', id: c.id }, {
					before: { question: c.question, options: current.map((o) => o.label), opensAt: c.opensAt, closesAt: c.closesAt },
					after: { question: checked.question, options: checked.options.map((o) => o.label), opensAt: checked.opensAt ?? null, closesAt: checked.closesAt ?? null }
				});
				return c.status === 'open' ? announce(c, actor!.id, { change: 'edited' }) : [];
			});
			await notify.publish(pending);
			tallies.drop(c.id);
			await tallies.publish(await load(c.id));
			return { editedAt: now };
		},

		/** Pushes the closing date of an open vote later, and tells its voters. */
		async extend(actor: Actor | null, input: unknown) {
			const wanted = parse(extendSchema, input);
			const c = await manageable(actor, wanted.consultationId);
			if (c.status !== 'open') throw new UserError(c.status === 'closed' ? 'votes.error.closed' : 'votes.error.notOpen', {}, 409);
			const now = clock.now();
			const wrong = extensionError(c.closesAt, wanted.closesAt, now);
			if (wrong) throw new UserError(wrong);
			const pending = await data.write(async (tx) => {
				await tx.update(consultations).set({ closesAt: wanted.closesAt }).where(eq(consultations.id, c.id));
				await logAudit(data, now, actor!.id, 'consultation.extended', { type: 'consultation', id: c.id }, { from: c.closesAt, to: wanted.closesAt });
				return announce(c, actor!.id, { change: 'extended', closesAt: wanted.closesAt.toISOString() });
			});
			await notify.publish(pending);
			await tallies.publish(await load(c.id));
			return { closesAt: wanted.closesAt };
		},

		/**
		 * Reopens a vote closed by mistake, within a day of its close: the ballots stay, voting goes on,
		 * the decision stands withdrawn until the next close rewrites it; the result says it was reopened.
		 */
		async reopen(actor: Actor | null, input: unknown) {
			const wanted = parse(reopenSchema, input);
			const c = await manageable(actor, wanted.consultationId);
			if (c.status !== 'closed') throw new UserError('votes.error.reopenNotClosed', {}, 409);
			const now = clock.now();
			if (!mayReopen(c.closedAt, now)) throw new UserError('votes.error.reopenTooLate', { hours: REOPEN_WINDOW_MS / 3_600_000 }, 409);
			// A motion voted in a meeting belongs to that meeting's record.
			if (await first(db().select({ id: meetingMotions.id }).from(meetingMotions).where(eq(meetingMotions.consultationId, c.id)))) throw new UserError('votes.error.reopenMotion', {}, 409);
			const closesAt = wanted.closesAt ?? (c.closesAt && c.closesAt > now ? c.closesAt : null);
			if (closesAt && closesAt <= now) throw new UserError('votes.error.extendPast');
			let decisionId: string | null = null;
			const pending = await data.write(async (tx) => {
				await tx
					.update(consultations)
					.set({ status: 'open', closedAt: null, result: null, closesAt, reopenedAt: now, reopenedBy: actor!.id, reopenReason: wanted.reason })
					.where(eq(consultations.id, c.id));
				decisionId = (await first(tx.select({ id: decisions.id }).from(decisions).where(eq(decisions.consultationId, c.id))))?.id ?? null;
				if (decisionId) await tx.update(decisions).set({ reopenedAt: now }).where(eq(decisions.id, decisionId));
				await logAudit(data, now, actor!.id, 'consultation.reopened', { type: 'consultation', id: c.id }, { reason: wanted.reason, closedAt: c.closedAt, result: c.result, closesAt });
				return announce(c, actor!.id, { change: 'reopened', reason: wanted.reason });
			});
			await notify.publish(pending);
			tallies.drop(c.id);
			await tallies.publish(await load(c.id));
			bus.publish(roomForSpace(c.spaceType, c.spaceId), 'consultation.reopened', {
				consultationId: c.id,
				spaceKey: `${c.spaceType}:${c.spaceId}`,
				decisionId,
				reason: wanted.reason,
				at: now.toISOString()
			});
			return { reopenedAt: now };
		},

		/** For pages: who reopened it, when and why; whether it may still be reopened (and until when). */
		async lifecycleOf(c: ConsultationRow) {
			const now = clock.now();
			const reopener = c.reopenedBy ? ((await first(db().select({ name: users.displayName }).from(users).where(eq(users.id, c.reopenedBy))))?.name ?? '') : null;
			return {
				reopened: c.reopenedAt ? { at: c.reopenedAt, by: reopener, reason: c.reopenReason ?? '' } : null,
				reopenUntil: c.status === 'closed' && mayReopen(c.closedAt, now) ? new Date(c.closedAt!.getTime() + REOPEN_WINDOW_MS) : null,
				editedAt: c.editedAt
			};
		},

		/** Ideas a consultation concerns, for its page (hidden ones left out). */
		async proposalsOf(c: ConsultationRow) {
			const rows = await db()
				.select({ id: proposals.id, title: proposals.title })
				.from(consultationProposals)
				.innerJoin(proposals, eq(proposals.id, consultationProposals.proposalId))
				.where(and(eq(consultationProposals.consultationId, c.id), isNull(proposals.hiddenAt)))
				.orderBy(asc(proposals.title), asc(proposals.id));
			return rows.map((p) => ({ ...p, href: c.spaceType === 'residence' ? `/r/${c.spaceId}/board/p/${p.id}` : null }));
		},

		/** Votes about an idea, for the proposal page: the link back from the idea to its votes. */
		async votesAbout(actor: Actor | null, proposalId: string) {
			const p = await first(db().select({ spaceType: proposals.spaceType, spaceId: proposals.spaceId }).from(proposals).where(eq(proposals.id, proposalId)));
			if (!p) throw notFound();
			authorize(actor, 'space.view', { type: p.spaceType, id: p.spaceId });
			const rows = await db()
				.select({ id: consultations.id, question: consultations.question, status: consultations.status, closesAt: consultations.closesAt })
				.from(consultationProposals)
				.innerJoin(consultations, eq(consultations.id, consultationProposals.consultationId))
				.where(eq(consultationProposals.proposalId, proposalId))
				.orderBy(asc(consultations.createdAt), asc(consultations.id));
			return rows.map((v) => ({ ...v, href: `/c/${v.id}` }));
		}
	};
}

export type Lifecycle = ReturnType<typeof createLifecycle>;
