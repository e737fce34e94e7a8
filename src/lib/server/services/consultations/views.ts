/** What pages show: the list of a space's consultations, the vote screen, results and decisions. */
import { join } from 'node:path';
import { and, asc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { MOTION_ID } from '$lib/domain/consultations';
import { proxyCollegeAllowed } from '$lib/domain/meetings/proxies';
import { votingRoles } from '$lib/domain/electorate';
import { authorize, can, type Actor, type SpaceRef } from '$lib/domain/policy';
import type { Method } from '$lib/domain/voting';
import type { ConsultationStatus } from '$lib/realtime/vote-events';
import { first } from '../../db/data';
import { photoDir } from '../../uploads/photos';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import type { VoteWriter } from './cast';
import { idSchema, optionsOf, secretSchema, spaceOf, type ConsultationRow, type Context, type OptionRow } from './context';
import type { ElectorateReads, Eligible } from './electorate';
import type { Assisted } from './assisted';
import type { Lifecycle } from './lifecycle';
import type { Proxies } from './proxies';
import type { Scheduling } from './scheduling';
import { resultsVisible, type Tallies } from './tallies';

export function createViews(
	ctx: Context,
	{ eligibility }: ElectorateReads,
	{ snapshot }: Tallies,
	{ read, asOfNow, decisionAsOfNow }: Scheduling,
	{ ballotOf, box }: VoteWriter,
	{ proxyFor }: Proxies,
	{ apart, assistedFor }: Pick<Assisted, 'apart' | 'assistedFor'>,
	lifecycle: Pick<Lifecycle, 'lifecycleOf' | 'proposalsOf' | 'editable'>,
	uploadDir: () => string
) {
	const { data, configOf, collegesOf, participationOf } = ctx;
	const { ballots, bodies, consultations, decisions, memberships, participations, participationTraceQueue, participationTraces, proposals, residences, users, voteProxies } = data.t;
	const db = () => data.db;

	async function spaceName(space: SpaceRef): Promise<string> {
		if (space.type === 'residence') return (await first(db().select({ name: residences.name }).from(residences).where(eq(residences.id, space.id))))?.name ?? '';
		if (space.type === 'body') return (await first(db().select({ name: bodies.name }).from(bodies).where(eq(bodies.id, space.id))))?.name ?? '';
		return '';
	}

	/** Options as voters see them; a linked idea's photo stands for the option (e.g. a bench model). */
	async function publicOptions(c: ConsultationRow, opts: OptionRow[]) {
		const linked = opts.map((o) => o.proposalId).filter((x): x is string => !!x);
		const withPhoto = new Set(
			linked.length
				? (await db()
						.select({ id: proposals.id })
						.from(proposals)
						.where(and(inArray(proposals.id, linked), isNotNull(proposals.photo), isNull(proposals.hiddenAt)))).map((p) => p.id)
				: []
		);
		return opts.map((o) => ({
			id: o.id,
			label: o.label,
			description: o.description,
			cost: o.cost,
			proposalId: o.proposalId,
			photoUrl: o.photo
				? `/c/${c.id}/photo/${o.id}`
				: o.proposalId && withPhoto.has(o.proposalId) && c.spaceType === 'residence'
					? `/r/${c.spaceId}/board/p/${o.proposalId}/photo`
					: null
		}));
	}

	/** The body's rule on proxies between colleges (as it is now; true before the rule existed). */
	const acrossColleges = async (bodyId: string) => (await first(db().select({ across: bodies.proxiesAcrossColleges }).from(bodies).where(eq(bodies.id, bodyId))))?.across ?? true;

	async function userName(id: string) {
		return (await first(db().select({ name: users.displayName }).from(users).where(eq(users.id, id))))?.name ?? '';
	}

	/**
	 * Which of these consultations (all of `space`) she voted in herself. A residence's votes each
	 * leave a trace keyed by the voter (`participation_traces`): one seek finds hers, whatever the
	 * number of voters; the votes whose trace is not written yet wait, with their voter, in the short
	 * queue the traces are folded from (services/indicators/vote-traces.ts), read in the same
	 * statement (one snapshot: a fold between two reads would hide them). Participations carry no
	 * index by person (issue 15: it was one more random page written per vote), so the other spaces'
	 * (a body's, a training's: tens of members) are read by consultation.
	 */
	async function votedIn(userId: string, space: SpaceRef, ids: string[]): Promise<string[]> {
		if (space.type === 'residence') {
			const traced = db()
				.select({ id: participations.consultationId })
				.from(participationTraces)
				.innerJoin(participations, eq(participations.id, participationTraces.sourceId))
				.where(and(eq(participationTraces.userId, userId), eq(participationTraces.kind, 'voted'), inArray(participations.consultationId, ids)));
			const queued = db()
				.select({ id: participations.consultationId })
				.from(participationTraceQueue)
				.innerJoin(participations, eq(participations.id, participationTraceQueue.participationId))
				.where(and(eq(participationTraceQueue.userId, userId), eq(participations.userId, userId), inArray(participations.consultationId, ids)));
			const found = await traced.union(queued);
			return found.map((r) => r.id);
		}
		const found = await db()
			.select({ id: participations.consultationId })
			.from(participations)
			.where(and(inArray(participations.consultationId, ids), eq(participations.userId, userId)));
		return found.map((r) => r.id);
	}

	return {
		/** Consultations of a space, newest first, with whether the actor (or her household) took part. */
		async list(actor: Actor | null, space: SpaceRef) {
			authorize(actor, 'space.view', space);
			const stored = await db()
				.select()
				.from(consultations)
				.where(and(eq(consultations.spaceType, space.type), eq(consultations.spaceId, space.id)))
				.orderBy(asc(consultations.createdAt), asc(consultations.id));
			const rows: ConsultationRow[] = [];
			for (const r of stored) rows.push(await asOfNow(r));
			rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
			const mine = new Set(rows.length ? await votedIn(actor.id, space, rows.map((r) => r.id)) : []);
			return {
				canManage: can(actor, 'consultation.manage', space),
				items: rows.map((c) => ({
					id: c.id,
					question: c.question,
					method: c.method,
					status: c.status,
					secrecy: c.secrecy,
					opensAt: c.opensAt,
					closesAt: c.closesAt,
					closedAt: c.closedAt,
					voted: mine.has(c.id)
				}))
			};
		},

		/**
		 * What the vote form posts is read back into a ballot with this (the vote action): the method,
		 * and the ids of its options (the motion's for yes-no-abstain) in the order the form lists them.
		 * Read as the cast that follows reads them, shared by a crowd voting in the same turn, rather
		 * than the whole screen's `view` (eight statements on PostgreSQL, two thirds of a vote's time).
		 */
		async ballotForm(actor: Actor | null, id: string): Promise<{ method: Method; optionIds: string[] }> {
			const c = await read(parse(idSchema, id));
			authorize(actor, 'space.view', spaceOf(c));
			const config = await configOf(c);
			return { method: config.method, optionIds: config.options.map((o) => o.id) };
		},

		/** Everything the vote screen needs for this person. `secret` comes from her cookie or typed code. */
		async view(actor: Actor | null, id: string, secret?: string) {
			const c = await read(parse(idSchema, id));
			const space = spaceOf(c);
			authorize(actor, 'space.view', space);
			const opts = await optionsOf(data, c.id);
			const config = await configOf(c, opts);
			let eligibleError: string | null = null;
			let elig: Eligible | null = null;
			try {
				elig = await eligibility(actor.id, actor, c);
			} catch (e) {
				if (!(e instanceof UserError)) throw e;
				eligibleError = e.code;
			}
			const code = secret ? secretSchema.safeParse(secret) : undefined;
			const cleanSecret = code?.success ? code.data : undefined;
			const p = elig ? await participationOf(c.id, elig.electorKey) : undefined;
			const mineBallot = p && p.userId === actor.id ? await ballotOf(c, p, cleanSecret) : undefined;
			const household = p && p.userId !== actor.id ? { at: p.at, by: await userName(p.userId) } : null;
			const proxies = c.spaceType === 'body' ? await proxyFor(c, actor.id) : [];
			const across = c.spaceType === 'body' && (await acrossColleges(c.spaceId));
			const holders =
				c.spaceType === 'body' && elig && !p
					? (
							await db()
								.select({ id: users.id, name: users.displayName, collegeId: memberships.collegeId })
								.from(memberships)
								.innerJoin(users, eq(users.id, memberships.userId))
								.where(and(eq(memberships.spaceType, 'body'), eq(memberships.spaceId, c.spaceId), inArray(memberships.role, votingRoles('body'))))
								.orderBy(asc(memberships.createdAt), asc(memberships.id))
						)
							.filter((u, i, all) => u.id !== actor.id && all.findIndex((x) => x.id === u.id) === i)
							// Only those the body's college rule lets her choose (`giveProxy` decides; this list follows it).
							.filter((u) => proxyCollegeAllowed(across, elig.collegeId, u.collegeId))
							.map(({ id, name }) => ({ id, name }))
					: [];
			const myProxy =
				c.spaceType === 'body'
					? ((await first(
							db()
								.select({ holderId: voteProxies.holderId, name: users.displayName })
								.from(voteProxies)
								.innerJoin(users, eq(users.id, voteProxies.holderId))
								.where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.giverId, actor.id)))
						)) ?? null)
					: null;
			const proxiesVoted = [];
			for (const x of proxies) proxiesVoted.push({ ...x, voted: !!(await participationOf(c.id, `u:${x.giverId}`)) });
			return {
				consultation: {
					id: c.id,
					question: c.question,
					description: c.description,
					method: c.method,
					status: c.status as ConsultationStatus,
					secrecy: c.secrecy,
					resultsVisibility: c.resultsVisibility,
					electorate: c.electorate,
					countBy: c.countBy,
					weighting: c.weighting,
					budget: c.budget,
					dots: c.dots,
					grades: config.grades ?? null,
					optionOrder: c.optionOrder,
					opensAt: c.opensAt,
					closesAt: c.closesAt,
					openedAt: c.openedAt,
					closedAt: c.closedAt,
					quorum: c.quorum
				},
				space: { ...space, name: await spaceName(space) },
				options: await publicOptions(c, opts),
				motion: c.method === 'yes-no-abstain' ? { id: MOTION_ID, label: c.question } : null,
				can: {
					vote: !eligibleError && c.status === 'open' && !household,
					manage: can(actor, 'consultation.manage', space),
					recordOnBehalf: can(actor, 'vote.recordOnBehalf', space)
				},
				notEligible: eligibleError,
				mine: p
					? {
							self: p.userId === actor.id,
							at: p.at,
							updatedAt: p.updatedAt,
							channel: p.channel,
							castBy: p.castBy === actor.id ? null : await userName(p.castBy),
							confirmedAt: p.confirmedAt,
							ballot: mineBallot ? mineBallot.content : null,
							needsCode: c.secrecy === 'secret' && !mineBallot
						}
					: null,
				/** Her vote is in the ballot box and not yet written (a secret vote waits for its group). */
				pending: !!elig && box.isPending(c.id, elig.electorKey),
				household,
				proxies: proxiesVoted,
				proxyHolders: holders,
				/** The body's rule: proxies only within one's college (the list above already follows it). */
				proxiesWithinCollege: c.spaceType === 'body' && !across,
				myProxy,
				/** A vote staff recorded for her: waiting for her word, or how it was settled. */
				assisted: await assistedFor(actor, c.id),
				unconfirmed: await apart(c),
				lifecycle: await lifecycle.lifecycleOf(c),
				editable: can(actor, 'consultation.manage', space) && (await lifecycle.editable(c)),
				/** Ideas of the board this vote concerns (links to their pages). */
				about: await lifecycle.proposalsOf(c),
				live: await snapshot(c)
			};
		},

		/** Results page: the result when visible, turnout, quorum, the decision once closed. */
		async results(actor: Actor | null, id: string) {
			const c = await read(parse(idSchema, id));
			const space = spaceOf(c);
			authorize(actor, 'space.view', space);
			const opts = await optionsOf(data, c.id);
			const config = await configOf(c, opts);
			const decision = await decisionAsOfNow(c);
			const visible = resultsVisible(c);
			// Public consultations: members see who voted what (not for batches, which are anonymous).
			const named =
				c.secrecy === 'public' && visible && can(actor, 'space.members', space)
					? await db()
							.select({ name: users.displayName, content: ballots.content, channel: participations.channel })
							.from(ballots)
							.innerJoin(participations, eq(participations.id, ballots.participationId))
							.innerJoin(users, eq(users.id, participations.userId))
							.where(eq(ballots.consultationId, c.id))
							.orderBy(asc(users.displayName), asc(ballots.id))
					: [];
			const colleges = await collegesOf(c);
			return {
				consultation: {
					id: c.id,
					question: c.question,
					description: c.description,
					method: c.method,
					status: c.status,
					secrecy: c.secrecy,
					resultsVisibility: c.resultsVisibility,
					closedAt: c.closedAt,
					closesAt: c.closesAt,
					countBy: c.countBy,
					weighting: c.weighting,
					budget: c.budget,
					dots: c.dots
				},
				space: { ...space, name: await spaceName(space) },
				options: config.options.map((o) => ({ id: o.id, label: o.label, cost: o.cost ?? null })),
				grades: config.grades ?? null,
				colleges: (config.colleges ?? []).map((k) => ({ ...k, name: colleges?.find((x) => x.id === k.id)?.name ?? k.id })),
				live: await snapshot(c),
				decision: decision ? { id: decision.id, outcome: decision.outcome, adopted: decision.adopted, quorumMet: decision.quorumMet, decidedAt: decision.decidedAt } : null,
				named,
				unconfirmed: await apart(c),
				lifecycle: await lifecycle.lifecycleOf(c),
				can: { manage: can(actor, 'consultation.manage', space), recordOnBehalf: can(actor, 'vote.recordOnBehalf', space) }
			};
		},

		/** File of an option's photo, for members of the consultation's space only. */
		async photoPath(actor: Actor | null, consultationId: string, optionId: string): Promise<string> {
			const c = await read(parse(idSchema, consultationId));
			authorize(actor, 'space.view', spaceOf(c));
			const o = (await optionsOf(data, c.id)).find((x) => x.id === optionId);
			if (!o?.photo) throw notFound();
			return join(photoDir(uploadDir()), o.photo);
		},

		/** Closed consultations of a space, as decisions (the public register will build on this). */
		async decisions(actor: Actor | null, space: SpaceRef) {
			authorize(actor, 'space.view', space);
			return db()
				.select({
					id: decisions.id,
					consultationId: decisions.consultationId,
					title: decisions.title,
					method: decisions.method,
					outcome: decisions.outcome,
					adopted: decisions.adopted,
					quorumMet: decisions.quorumMet,
					decidedAt: decisions.decidedAt
				})
				.from(decisions)
				.where(and(eq(decisions.spaceType, space.type), eq(decisions.spaceId, space.id)))
				.orderBy(asc(decisions.decidedAt), asc(decisions.id));
		}
	};
}
