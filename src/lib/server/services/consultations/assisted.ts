/**
 * Votes a facilitator enters for others: a tenant's choice given at the door, by phone or on paper
 * (waiting for the tenant's confirmation or a second staff member's witness, see
 * `$lib/domain/assisted`), and anonymous batches from a show of hands or a paper count.
 */
import { and, asc, count as sqlCount, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { acceptsHandCount, POSITIONS } from '$lib/domain/consultations';
import { mayWitness, showsApartTally, type AssistedState } from '$lib/domain/assisted';
import { votingRoles } from '$lib/domain/electorate';
import { searchKey } from '$lib/domain/names';
import { authorize, can, roles as allRoles, type Actor, type Role } from '$lib/domain/policy';
import { count, type Ballot } from '$lib/domain/voting';
import { loadActors } from '../../auth/session';
import { first } from '../../db/data';
import { timeOrderedId } from '../../ids';
import { logAudit } from '../audit';
import { notFound, UserError } from '../errors';
import { parse, searchQuerySchema } from '../validate';
import type { VoteWriter } from './cast';
import { assistedSchema, batchSchema, consultationRef, idSchema, spaceOf,  toBallot, type ConsultationRow, type Context } from './context';
import type { ElectorateReads } from './electorate';
import { requireOpen, type Scheduling } from './scheduling';
import { resultsVisible, type Tallies } from './tallies';

const witnessSchema = z.object({ consultationId: idSchema, assistedId: idSchema });

/** Roles that run votes in a space of that type (asked of the policy, not listed again). */
function staffRolesOf(type: ConsultationRow['spaceType']): Role[] {
	return allRoles.filter((role) => can({ id: '-', isAdmin: false, roles: new Map([[`${type}:-`, [role]]]) }, 'vote.recordOnBehalf', { type, id: '-' }));
}

export function createAssisted(ctx: Context, { eligibility }: ElectorateReads, tallies: Tallies, { load }: Scheduling, box: VoteWriter) {
	const { data, clock, ids, configOf, rolesOf, participationOf, notify } = ctx;
	const { assistedVotes, ballots, memberships, participations, users, voteBatches } = data.t;
	const db = () => data.db;

	/** The space's other staff and the administrators: who hears that something looks wrong. */
	async function alertees(c: ConsultationRow, except: string[]): Promise<string[]> {
		const staff = await db()
			.select({ id: memberships.userId })
			.from(memberships)
			.where(and(eq(memberships.spaceType, c.spaceType), eq(memberships.spaceId, c.spaceId), inArray(memberships.role, staffRolesOf(c.spaceType))))
			.orderBy(asc(memberships.createdAt), asc(memberships.id));
		const admins = await db().select({ id: users.id }).from(users).where(eq(users.isAdmin, true)).orderBy(asc(users.createdAt), asc(users.id));
		return [...new Set([...staff, ...admins].map((r) => r.id))].filter((id) => !except.includes(id));
	}

	function pendingOf(consultationId: string, voterId: string) {
		return first(
			db()
				.select()
				.from(assistedVotes)
				.where(and(eq(assistedVotes.consultationId, consultationId), eq(assistedVotes.voterId, voterId), eq(assistedVotes.state, 'pending')))
		);
	}

	async function nameOf(id: string) {
		return (await first(db().select({ name: users.displayName }).from(users).where(eq(users.id, id))))?.name ?? '';
	}

	/** Unconfirmed assisted votes of a consultation: how many, and their own tally when it may be shown. */
	async function apart(c: ConsultationRow) {
		const rows = await db()
			.select({ ballot: assistedVotes.ballot, college: assistedVotes.college })
			.from(assistedVotes)
			.where(and(eq(assistedVotes.consultationId, c.id), eq(assistedVotes.state, 'pending')));
		// Never ahead of the result itself: hidden until the close when the results are.
		const shown = resultsVisible(c) && showsApartTally(c, rows.length);
		const ballotsApart = rows.flatMap((r) => (r.ballot ? [toBallot({ content: r.ballot, weight: 1, college: r.college })] : []));
		return { pending: rows.length, counting: c.assistedCounting, result: shown ? count({ ...(await configOf(c)), ballots: ballotsApart }) : null };
	}

	/** How many assisted votes this staff member recorded in the consultation (in the current unit when there is one). */
	async function recordedBy(consultationId: string, actorId: string): Promise<number> {
		const row = await first(db().select({ n: sqlCount() }).from(assistedVotes).where(and(eq(assistedVotes.consultationId, consultationId), eq(assistedVotes.recordedBy, actorId))));
		return row?.n ?? 0;
	}

	const methods = {
		apart,

		/**
		 * A tenant's choice given at the door, by phone or on paper, entered by staff. It waits, not
		 * counted, for the tenant's confirmation or a colleague's witness; no ballot secret is made
		 * (the tenant gets hers when she confirms), so the one who records holds none.
		 */
		async recordAssisted(actor: Actor | null, input: unknown) {
			const wanted = parse(assistedSchema, input);
			const c = await load(wanted.consultationId);
			authorize(actor, 'vote.recordOnBehalf', spaceOf(c));
			requireOpen(c);
			if (wanted.voterId === actor.id) throw new UserError('votes.error.assistedSelf', {}, 403);
			const voter: Actor = { id: wanted.voterId, isAdmin: false, roles: await rolesOf(wanted.voterId) };
			const elig = await eligibility(wanted.voterId, voter, c);
			const ballot = box.checkBallot(c, await configOf(c), wanted.ballot, elig.collegeId);
			if (box.box.isPending(c.id, elig.electorKey)) throw new UserError('votes.error.alreadyVoted', {}, 409);
			const now = clock.now();
			if ((await recordedBy(c.id, actor.id)) >= c.assistedCap) {
				// Refused, and said: someone trying beyond the cap is worth a look.
				await data.write(() => logAudit(data, now, actor.id, 'vote.assistedCapRefused', { type: 'consultation', id: c.id }, { voterId: wanted.voterId, cap: c.assistedCap }));
				throw new UserError('votes.error.assistedCap', { cap: c.assistedCap }, 409);
			}
			const notes = await data.write(async (tx) => {
				if (await participationOf(c.id, elig.electorKey)) throw new UserError('votes.error.alreadyVoted', {}, 409);
				const n = await recordedBy(c.id, actor.id);
				if (n >= c.assistedCap) throw new UserError('votes.error.assistedCap', { cap: c.assistedCap }, 409);
				await tx.insert(participations).values({
					id: timeOrderedId(now, ids),
					consultationId: c.id,
					electorKey: elig.electorKey,
					userId: wanted.voterId,
					castBy: actor.id,
					channel: wanted.channel,
					householdId: elig.householdId,
					buildingId: elig.buildingId,
					collegeId: elig.collegeId,
					at: now,
					updatedAt: now,
					confirmedAt: null,
					secretCheck: null
				});
				const college = c.weighting === 'colleges' ? elig.collegeId : null;
				await tx.insert(assistedVotes).values({ id: ids.id(), consultationId: c.id, voterId: wanted.voterId, recordedBy: actor.id, channel: wanted.channel, recordedAt: now, state: 'pending', ballot, college });
				await logAudit(data, now, actor.id, 'vote.recordOnBehalf', { type: 'consultation', id: c.id }, { voterId: wanted.voterId, channel: wanted.channel });
				const out = await notify.record([wanted.voterId], 'assistedVote', { consultationId: c.id }, actor.id, { channel: wanted.channel, at: now.toISOString() });
				if (n + 1 >= c.assistedCap) {
					await logAudit(data, now, actor.id, 'vote.assistedCapReached', { type: 'consultation', id: c.id }, { cap: c.assistedCap });
					out.push(...(await notify.record(await alertees(c, [actor.id]), 'assistedAlert', { consultationId: c.id }, actor.id, { reason: 'cap', cap: c.assistedCap })));
				}
				return out;
			}, { durable: true });
			await notify.publish(notes);
			await tallies.publish(c);
			return { at: now, pending: true as const };
		},

		/**
		 * The tenant confirms the vote recorded for her. It then enters the ballot box like her own vote;
		 * a secret ballot gets its secret now, for her alone.
		 */
		async confirm(actor: Actor | null, input: unknown) {
			const { consultationId } = parse(consultationRef, input);
			const c = await load(consultationId);
			authorize(actor, 'vote.cast', spaceOf(c));
			requireOpen(c);
			const rec = await pendingOf(c.id, actor.id);
			if (!rec) throw notFound();
			const elig = await eligibility(actor.id, actor, c);
			const w = await box.settleAssisted({ c, elig, recordId: rec.id, by: actor.id, state: 'confirmed' });
			return { confirmedAt: w.participation.updatedAt, secret: w.secret };
		},

		/** "This was not me": the vote recorded for her is removed, and the space's staff are told. */
		async reject(actor: Actor | null, input: unknown) {
			const { consultationId } = parse(consultationRef, input);
			const c = await load(consultationId);
			authorize(actor, 'space.view', spaceOf(c));
			const now = clock.now();
			const notes = await data.write(async (tx) => {
				const rec = await pendingOf(c.id, actor.id);
				if (!rec) throw notFound();
				await tx.update(assistedVotes).set({ state: 'rejected', settledBy: actor.id, settledAt: now, ballot: null, college: null }).where(eq(assistedVotes.id, rec.id));
				await tx.delete(participations).where(and(eq(participations.consultationId, c.id), eq(participations.userId, actor.id), eq(participations.castBy, rec.recordedBy)));
				await logAudit(data, now, actor.id, 'vote.assistedRejected', { type: 'consultation', id: c.id }, { recordedBy: rec.recordedBy, channel: rec.channel });
				const recorder = await nameOf(rec.recordedBy);
				return notify.record(await alertees(c, [actor.id]), 'assistedAlert', { consultationId: c.id }, actor.id, { reason: 'rejected', recordedBy: recorder });
			}, { durable: true });
			await notify.publish(notes);
			await tallies.publish(c);
			return { rejectedAt: now };
		},

		/** A second staff member vouches for a vote a colleague recorded (never her own, never her own vote). */
		async witness(actor: Actor | null, input: unknown) {
			const wanted = parse(witnessSchema, input);
			const c = await load(wanted.consultationId);
			authorize(actor, 'vote.recordOnBehalf', spaceOf(c));
			requireOpen(c);
			const rec = await first(
				db()
					.select()
					.from(assistedVotes)
					.where(and(eq(assistedVotes.id, wanted.assistedId), eq(assistedVotes.consultationId, c.id), eq(assistedVotes.state, 'pending')))
			);
			if (!rec) throw notFound();
			if (!mayWitness(actor.id, rec)) throw new UserError('votes.error.witnessSelf', {}, 403);
			const elig = await eligibility(rec.voterId, { id: rec.voterId, isAdmin: false, roles: await rolesOf(rec.voterId) }, c);
			await box.settleAssisted({ c, elig, recordId: rec.id, by: actor.id, state: 'witnessed' });
			return { witnessed: true };
		},

		/** For the manage page: every assisted vote of the consultation with its state (never its choice). */
		async assistedList(actor: Actor | null, id: string) {
			const c = await load(parse(idSchema, id));
			authorize(actor, 'vote.recordOnBehalf', spaceOf(c));
			const rows = await db().select().from(assistedVotes).where(eq(assistedVotes.consultationId, c.id)).orderBy(desc(assistedVotes.recordedAt), desc(assistedVotes.id));
			const names = new Map<string, string>();
			for (const r of rows) for (const u of [r.voterId, r.recordedBy, r.settledBy]) if (u && !names.has(u)) names.set(u, await nameOf(u));
			const name = (u: string | null) => (u ? names.get(u)! : null);
			const mine = rows.filter((r) => r.recordedBy === actor.id).length;
			return {
				cap: c.assistedCap,
				mine,
				apart: await apart(c),
				items: rows.map((r) => ({
					id: r.id,
					voter: name(r.voterId)!,
					recordedBy: name(r.recordedBy)!,
					channel: r.channel,
					recordedAt: r.recordedAt,
					state: r.state as AssistedState,
					settledBy: name(r.settledBy),
					settledAt: r.settledAt,
					canWitness: r.state === 'pending' && c.status === 'open' && mayWitness(actor.id, r)
				}))
			};
		},

		/** For the voter: the vote recorded for her in this consultation, if any, without its choice. */
		async assistedFor(actor: Actor | null, consultationId: string) {
			if (!actor) return null;
			const r = await first(
				db()
					.select()
					.from(assistedVotes)
					.where(and(eq(assistedVotes.consultationId, consultationId), eq(assistedVotes.voterId, actor.id)))
					.orderBy(desc(assistedVotes.recordedAt), desc(assistedVotes.id))
			);
			if (!r) return null;
			return {
				id: r.id,
				state: r.state as AssistedState,
				ballot: r.state === 'pending' ? r.ballot : null,
				channel: r.channel,
				recordedAt: r.recordedAt,
				recordedBy: await nameOf(r.recordedBy),
				settledBy: r.settledBy && r.settledBy !== actor.id ? await nameOf(r.settledBy) : null,
				settledAt: r.settledAt
			};
		},

		/**
		 * A show of hands or a paper count, as its own batch of anonymous ballots: either numbers per
		 * option (plurality, approval, for/against), or paper ballots entered one at a time (any method),
		 * each added to the batch the facilitator is filling.
		 */
		async recordBatch(actor: Actor | null, input: unknown) {
			const wanted = parse(batchSchema, input);
			const c = await load(wanted.consultationId);
			authorize(actor, 'vote.recordOnBehalf', spaceOf(c));
			requireOpen(c);
			if (c.weighting === 'colleges') throw new UserError('votes.error.batchColleges');
			const config = await configOf(c);
			const made: Ballot[] = [];
			if (wanted.ballot) {
				made.push(box.checkBallot(c, config, wanted.ballot, null));
			} else {
				if (!acceptsHandCount(c.method)) throw new UserError('votes.error.batchMethod');
				const keys = c.method === 'yes-no-abstain' ? [...POSITIONS] : config.options.map((o) => o.id);
				for (const [key, n] of Object.entries(wanted.counts ?? {})) {
					if (n === 0) continue;
					if (!(keys as string[]).includes(key)) throw new UserError('error.invalidInput');
					const b: Ballot = c.method === 'plurality' ? { choice: key } : c.method === 'approval' ? { approve: [key] } : { position: key };
					for (let i = 0; i < n; i++) made.push(b);
				}
			}
			if (made.length === 0) throw new UserError('votes.error.emptyBatch');
			if (made.length > 5000) throw new UserError('votes.error.count');
			const now = clock.now();
			const kind = wanted.ballot ? 'paper' : wanted.kind;
			tallies.hold(c.id);
			let batch: { batchId: string; size: number };
			try {
				batch = await data.write(async (tx) => {
					// Read in the unit: two papers added to one batch at once both count in its size.
					const continued =
						wanted.ballot && wanted.batchId
							? await first(
									tx
										.select()
										.from(voteBatches)
										.where(and(eq(voteBatches.id, wanted.batchId), eq(voteBatches.consultationId, c.id), eq(voteBatches.recordedBy, actor.id), eq(voteBatches.kind, 'paper')))
								)
							: undefined;
					if (wanted.batchId && wanted.ballot && !continued) throw notFound();
					const batchId = continued?.id ?? ids.id();
					const size = (continued?.size ?? 0) + made.length;
					if (continued) await tx.update(voteBatches).set({ size }).where(eq(voteBatches.id, batchId));
					else await tx.insert(voteBatches).values({ id: batchId, consultationId: c.id, kind, note: wanted.note, size, recordedBy: actor.id, recordedAt: now });
					for (const b of made) await tx.insert(ballots).values({ id: box.randomBallotId(), consultationId: c.id, batchId, content: b, weight: 1 });
					await logAudit(data, now, actor.id, 'vote.batch', { type: 'consultation', id: c.id }, { batchId, kind, added: made.length, ...(wanted.counts ? { counts: wanted.counts } : {}), note: wanted.note });
					return { batchId, size };
				}, { durable: true });
				await tallies.afterBatch(c, made);
			} finally {
				tallies.release(c.id);
			}
			await tallies.publish(c);
			return batch;
		},

		/**
		 * For the facilitator's assisted-vote form: every elector, and whether they voted. Each person's
		 * rights (`loadActors`), household and participation are read for all of them together (three queries per
		 * member were 260 ms for the page of a 2,000-member residence's vote); each is still checked
		 * as a vote of theirs would be.
		 */
		async electors(actor: Actor | null, id: string) {
			const c = await load(parse(idSchema, id));
			authorize(actor, 'vote.recordOnBehalf', spaceOf(c));
			const roles = votingRoles(c.spaceType);
			const rows = await db()
				.selectDistinct({ id: users.id, name: users.displayName })
				.from(memberships)
				.innerJoin(users, eq(users.id, memberships.userId))
				.where(and(eq(memberships.spaceType, c.spaceType), eq(memberships.spaceId, c.spaceId), inArray(memberships.role, roles)))
				.orderBy(asc(users.displayName), asc(users.id));
			const voted = new Set((await db().select({ key: participations.electorKey }).from(participations).where(eq(participations.consultationId, c.id))).map((p) => p.key));
			// Their roles as the session module reads people, a few hundred at a time.
			const people = await loadActors(data, rows.map((r) => r.id));
			// Side by side, so that their households are read together (electorate.ts).
			const checked = await Promise.all(
				rows.map(async (r) => {
					try {
						const elig = await eligibility(r.id, { id: r.id, isAdmin: false, roles: people.get(r.id)?.roles ?? new Map() }, c);
						return { ...r, voted: voted.has(elig.electorKey) };
					} catch (e) {
						if (!(e instanceof UserError)) throw e;
						return null;
					}
				})
			);
			return checked.filter((e) => e !== null);
		},

		/**
		 * Who the assisted-vote form offers: the electors who have not voted yet, all of them up to
		 * ASSISTED_LISTED; beyond, only those whose name matches `who` (accents and case aside), the first
		 * ASSISTED_SHOWN of them. A list of 2,000 names is of no use on a phone, and weighed 146 KB.
		 */
		async electorsToRecord(actor: Actor | null, id: string, who: unknown): Promise<ElectorChoice> {
			const waiting = (await methods.electors(actor, id)).filter((e) => !e.voted);
			const q = searchQuerySchema.parse(who);
			const needle = searchKey(q);
			const search = waiting.length > ASSISTED_LISTED;
			const found = needle ? waiting.filter((e) => searchKey(e.name).includes(needle)) : search ? [] : waiting;
			return { list: found.slice(0, search ? ASSISTED_SHOWN : ASSISTED_LISTED).map(({ id, name }) => ({ id, name })), waiting: waiting.length, matches: found.length, search, q };
		}
	};
	return methods;
}

const ASSISTED_LISTED = 100;
const ASSISTED_SHOWN = 50;

/** The assisted-vote form's people: `list` to choose from, `matches` found by the search `q`, `waiting` in all. */
export interface ElectorChoice {
	list: { id: string; name: string }[];
	waiting: number;
	matches: number;
	/** Too many to list: the form asks for a name first. */
	search: boolean;
	q: string;
}

export type Assisted = ReturnType<typeof createAssisted>;
