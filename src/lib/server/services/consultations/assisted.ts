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
import { authorize, can, roles as allRoles, type Actor, type Role } from '$lib/domain/policy';
import { count, type Ballot } from '$lib/domain/voting';
import { transaction, type Db } from '../../db';
import { assistedVotes, ballots, memberships, participations, users, voteBatches } from '../../db/schema';
import { audit } from '../audit';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import type { VoteWriter } from './cast';
import { assistedSchema, batchSchema, consultationRef, idSchema, spaceOf, toBallot, type ConsultationRow, type Context } from './context';
import type { ElectorateReads } from './electorate';
import { requireOpen, type Scheduling } from './scheduling';
import { resultsVisible, type Tallies } from './tallies';

const witnessSchema = z.object({ consultationId: idSchema, assistedId: idSchema });

/** Roles that run votes in a space of that type (asked of the policy, not listed again). */
function staffRolesOf(type: ConsultationRow['spaceType']): Role[] {
	return allRoles.filter((role) => can({ id: '-', isAdmin: false, roles: new Map([[`${type}:-`, [role]]]) }, 'vote.recordOnBehalf', { type, id: '-' }));
}

export function createAssisted(ctx: Context, { eligibility }: ElectorateReads, tallies: Tallies, { load }: Scheduling, box: VoteWriter) {
	const { db, clock, ids, configOf, rolesOf, participationOf, notify } = ctx;

	/** The space's other staff and the administrators: who hears that something looks wrong. */
	function alertees(tx: Db, c: ConsultationRow, except: string[]): string[] {
		const staff = tx
			.select({ id: memberships.userId })
			.from(memberships)
			.where(and(eq(memberships.spaceType, c.spaceType), eq(memberships.spaceId, c.spaceId), inArray(memberships.role, staffRolesOf(c.spaceType))))
			.all();
		const admins = tx.select({ id: users.id }).from(users).where(eq(users.isAdmin, true)).all();
		return [...new Set([...staff, ...admins].map((r) => r.id))].filter((id) => !except.includes(id));
	}

	function pendingOf(tx: Db, consultationId: string, voterId: string) {
		return tx
			.select()
			.from(assistedVotes)
			.where(and(eq(assistedVotes.consultationId, consultationId), eq(assistedVotes.voterId, voterId), eq(assistedVotes.state, 'pending')))
			.get();
	}

	function nameOf(id: string) {
		return db.select({ name: users.displayName }).from(users).where(eq(users.id, id)).get()?.name ?? '';
	}

	/** Unconfirmed assisted votes of a consultation: how many, and their own tally when it may be shown. */
	function apart(c: ConsultationRow) {
		const rows = db
			.select({ ballot: assistedVotes.ballot, college: assistedVotes.college })
			.from(assistedVotes)
			.where(and(eq(assistedVotes.consultationId, c.id), eq(assistedVotes.state, 'pending')))
			.all();
		// Never ahead of the result itself: hidden until the close when the results are.
		const shown = resultsVisible(c) && showsApartTally(c, rows.length);
		const ballotsApart = rows.flatMap((r) => (r.ballot ? [toBallot({ content: r.ballot, weight: 1, college: r.college })] : []));
		return { pending: rows.length, counting: c.assistedCounting, result: shown ? count({ ...configOf(c), ballots: ballotsApart }) : null };
	}

	return {
		apart,

		/**
		 * A tenant's choice given at the door, by phone or on paper, entered by staff. It waits, not
		 * counted, for the tenant's confirmation or a colleague's witness; no ballot secret is made
		 * (the tenant gets hers when she confirms), so the one who records holds none.
		 */
		async recordAssisted(actor: Actor | null, input: unknown) {
			const data = parse(assistedSchema, input);
			const c = load(data.consultationId);
			authorize(actor, 'vote.recordOnBehalf', spaceOf(c));
			requireOpen(c);
			if (data.voterId === actor.id) throw new UserError('votes.error.assistedSelf', {}, 403);
			const voter: Actor = { id: data.voterId, isAdmin: false, roles: rolesOf(data.voterId) };
			const elig = eligibility(data.voterId, voter, c);
			const ballot = box.checkBallot(c, configOf(c), data.ballot, elig.collegeId);
			if (box.box.isPending(c.id, elig.electorKey)) throw new UserError('votes.error.alreadyVoted', {}, 409);
			const now = clock.now();
			const mine = (tx: Db) => tx.select({ n: sqlCount() }).from(assistedVotes).where(and(eq(assistedVotes.consultationId, c.id), eq(assistedVotes.recordedBy, actor.id))).get()?.n ?? 0;
			if (mine(db) >= c.assistedCap) {
				// Refused, and said: someone trying beyond the cap is worth a look.
				transaction(db, (tx) => audit(tx, now, actor.id, 'vote.assistedCapRefused', { type: 'consultation', id: c.id }, { voterId: data.voterId, cap: c.assistedCap }));
				throw new UserError('votes.error.assistedCap', { cap: c.assistedCap }, 409);
			}
			const notes = transaction(db, (tx) => {
				if (participationOf(tx, c.id, elig.electorKey)) throw new UserError('votes.error.alreadyVoted', {}, 409);
				const n = mine(tx);
				if (n >= c.assistedCap) throw new UserError('votes.error.assistedCap', { cap: c.assistedCap }, 409);
				tx.insert(participations)
					.values({
						id: ids.id(),
						consultationId: c.id,
						electorKey: elig.electorKey,
						userId: data.voterId,
						castBy: actor.id,
						channel: data.channel,
						householdId: elig.householdId,
						buildingId: elig.buildingId,
						collegeId: elig.collegeId,
						at: now,
						updatedAt: now,
						confirmedAt: null,
						secretCheck: null
					})
					.run();
				const college = c.weighting === 'colleges' ? elig.collegeId : null;
				tx.insert(assistedVotes).values({ id: ids.id(), consultationId: c.id, voterId: data.voterId, recordedBy: actor.id, channel: data.channel, recordedAt: now, state: 'pending', ballot, college }).run();
				audit(tx, now, actor.id, 'vote.recordOnBehalf', { type: 'consultation', id: c.id }, { voterId: data.voterId, channel: data.channel });
				const out = notify.record(tx, [data.voterId], 'assistedVote', { consultationId: c.id }, actor.id, { channel: data.channel, at: now.toISOString() });
				if (n + 1 >= c.assistedCap) {
					audit(tx, now, actor.id, 'vote.assistedCapReached', { type: 'consultation', id: c.id }, { cap: c.assistedCap });
					out.push(...notify.record(tx, alertees(tx, c, [actor.id]), 'assistedAlert', { consultationId: c.id }, actor.id, { reason: 'cap', cap: c.assistedCap }));
				}
				return out;
			});
			notify.publish(notes);
			tallies.publish(c);
			return { at: now, pending: true as const };
		},

		/**
		 * The tenant confirms the vote recorded for her. It then enters the ballot box like her own vote;
		 * a secret ballot gets its secret now, for her alone.
		 */
		async confirm(actor: Actor | null, input: unknown) {
			const { consultationId } = parse(consultationRef, input);
			const c = load(consultationId);
			authorize(actor, 'vote.cast', spaceOf(c));
			requireOpen(c);
			const rec = pendingOf(db, c.id, actor.id);
			if (!rec) throw notFound();
			const elig = eligibility(actor.id, actor, c);
			const w = await box.settleAssisted({ c, elig, recordId: rec.id, by: actor.id, state: 'confirmed' });
			return { confirmedAt: w.participation.updatedAt, secret: w.secret };
		},

		/** "This was not me": the vote recorded for her is removed, and the space's staff are told. */
		reject(actor: Actor | null, input: unknown) {
			const { consultationId } = parse(consultationRef, input);
			const c = load(consultationId);
			authorize(actor, 'space.view', spaceOf(c));
			const now = clock.now();
			const notes = transaction(db, (tx) => {
				const rec = pendingOf(tx, c.id, actor.id);
				if (!rec) throw notFound();
				tx.update(assistedVotes).set({ state: 'rejected', settledBy: actor.id, settledAt: now, ballot: null, college: null }).where(eq(assistedVotes.id, rec.id)).run();
				tx.delete(participations).where(and(eq(participations.consultationId, c.id), eq(participations.userId, actor.id), eq(participations.castBy, rec.recordedBy))).run();
				audit(tx, now, actor.id, 'vote.assistedRejected', { type: 'consultation', id: c.id }, { recordedBy: rec.recordedBy, channel: rec.channel });
				return notify.record(tx, alertees(tx, c, [actor.id]), 'assistedAlert', { consultationId: c.id }, actor.id, { reason: 'rejected', recordedBy: nameOf(rec.recordedBy) });
			});
			notify.publish(notes);
			tallies.publish(c);
			return { rejectedAt: now };
		},

		/** A second staff member vouches for a vote a colleague recorded (never her own, never her own vote). */
		async witness(actor: Actor | null, input: unknown) {
			const data = parse(witnessSchema, input);
			const c = load(data.consultationId);
			authorize(actor, 'vote.recordOnBehalf', spaceOf(c));
			requireOpen(c);
			const rec = db
				.select()
				.from(assistedVotes)
				.where(and(eq(assistedVotes.id, data.assistedId), eq(assistedVotes.consultationId, c.id), eq(assistedVotes.state, 'pending')))
				.get();
			if (!rec) throw notFound();
			if (!mayWitness(actor.id, rec)) throw new UserError('votes.error.witnessSelf', {}, 403);
			const elig = eligibility(rec.voterId, { id: rec.voterId, isAdmin: false, roles: rolesOf(rec.voterId) }, c);
			await box.settleAssisted({ c, elig, recordId: rec.id, by: actor.id, state: 'witnessed' });
			return { witnessed: true };
		},

		/** For the manage page: every assisted vote of the consultation with its state (never its choice). */
		assistedList(actor: Actor | null, id: string) {
			const c = load(parse(idSchema, id));
			authorize(actor, 'vote.recordOnBehalf', spaceOf(c));
			const rows = db.select().from(assistedVotes).where(eq(assistedVotes.consultationId, c.id)).orderBy(desc(assistedVotes.recordedAt)).all();
			const names = new Map<string, string>();
			const name = (u: string | null) => {
				if (!u) return null;
				if (!names.has(u)) names.set(u, nameOf(u));
				return names.get(u)!;
			};
			const mine = rows.filter((r) => r.recordedBy === actor.id).length;
			return {
				cap: c.assistedCap,
				mine,
				apart: apart(c),
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
		assistedFor(actor: Actor | null, consultationId: string) {
			if (!actor) return null;
			const r = db
				.select()
				.from(assistedVotes)
				.where(and(eq(assistedVotes.consultationId, consultationId), eq(assistedVotes.voterId, actor.id)))
				.orderBy(desc(assistedVotes.recordedAt))
				.get();
			if (!r) return null;
			return { id: r.id, state: r.state as AssistedState, ballot: r.state === 'pending' ? r.ballot : null, channel: r.channel, recordedAt: r.recordedAt, recordedBy: nameOf(r.recordedBy), settledBy: r.settledBy && r.settledBy !== actor.id ? nameOf(r.settledBy) : null, settledAt: r.settledAt };
		},

		/**
		 * A show of hands or a paper count, as its own batch of anonymous ballots: either numbers per
		 * option (plurality, approval, for/against), or paper ballots entered one at a time (any method),
		 * each added to the batch the facilitator is filling.
		 */
		recordBatch(actor: Actor | null, input: unknown) {
			const data = parse(batchSchema, input);
			const c = load(data.consultationId);
			authorize(actor, 'vote.recordOnBehalf', spaceOf(c));
			requireOpen(c);
			if (c.weighting === 'colleges') throw new UserError('votes.error.batchColleges');
			const config = configOf(c);
			const made: Ballot[] = [];
			if (data.ballot) {
				made.push(box.checkBallot(c, config, data.ballot, null));
			} else {
				if (!acceptsHandCount(c.method)) throw new UserError('votes.error.batchMethod');
				const keys = c.method === 'yes-no-abstain' ? [...POSITIONS] : config.options.map((o) => o.id);
				for (const [key, n] of Object.entries(data.counts ?? {})) {
					if (n === 0) continue;
					if (!(keys as string[]).includes(key)) throw new UserError('error.invalidInput');
					const b: Ballot = c.method === 'plurality' ? { choice: key } : c.method === 'approval' ? { approve: [key] } : { position: key };
					for (let i = 0; i < n; i++) made.push(b);
				}
			}
			if (made.length === 0) throw new UserError('votes.error.emptyBatch');
			if (made.length > 5000) throw new UserError('votes.error.count');
			const now = clock.now();
			const continued =
				data.ballot && data.batchId
					? db
							.select()
							.from(voteBatches)
							.where(and(eq(voteBatches.id, data.batchId), eq(voteBatches.consultationId, c.id), eq(voteBatches.recordedBy, actor.id), eq(voteBatches.kind, 'paper')))
							.get()
					: undefined;
			if (data.batchId && data.ballot && !continued) throw notFound();
			const batchId = continued?.id ?? ids.id();
			const kind = data.ballot ? 'paper' : data.kind;
			const size = (continued?.size ?? 0) + made.length;
			transaction(db, (tx) => {
				if (continued) tx.update(voteBatches).set({ size }).where(eq(voteBatches.id, batchId)).run();
				else tx.insert(voteBatches).values({ id: batchId, consultationId: c.id, kind, note: data.note, size, recordedBy: actor.id, recordedAt: now }).run();
				for (const b of made) tx.insert(ballots).values({ id: box.randomBallotId(), consultationId: c.id, batchId, content: b, weight: 1 }).run();
				audit(tx, now, actor.id, 'vote.batch', { type: 'consultation', id: c.id }, { batchId, kind, added: made.length, ...(data.counts ? { counts: data.counts } : {}), note: data.note });
			});
			tallies.afterBatch(c, made);
			return { batchId, size };
		},

		/** For the facilitator's assisted-vote form: electors who have not voted yet. */
		electors(actor: Actor | null, id: string) {
			const c = load(parse(idSchema, id));
			authorize(actor, 'vote.recordOnBehalf', spaceOf(c));
			const roles = votingRoles(c.spaceType);
			const rows = db
				.selectDistinct({ id: users.id, name: users.displayName })
				.from(memberships)
				.innerJoin(users, eq(users.id, memberships.userId))
				.where(and(eq(memberships.spaceType, c.spaceType), eq(memberships.spaceId, c.spaceId), inArray(memberships.role, roles)))
				.orderBy(asc(users.displayName))
				.all();
			const out: { id: string; name: string; voted: boolean }[] = [];
			for (const r of rows) {
				try {
					const elig = eligibility(r.id, { id: r.id, isAdmin: false, roles: rolesOf(r.id) }, c);
					out.push({ ...r, voted: !!participationOf(db, c.id, elig.electorKey) });
				} catch (e) {
					if (!(e instanceof UserError)) throw e;
				}
			}
			return out;
		}
	};
}

export type Assisted = ReturnType<typeof createAssisted>;
