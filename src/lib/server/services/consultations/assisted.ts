/**
 * Votes a facilitator enters for others: a tenant's choice given at the door, by phone or on paper
 * (confirmed later by the tenant), and anonymous batches from a show of hands or a paper count.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { acceptsHandCount, POSITIONS } from '$lib/domain/consultations';
import { votingRoles } from '$lib/domain/electorate';
import { authorize, type Actor } from '$lib/domain/policy';
import type { Ballot } from '$lib/domain/voting';
import { transaction } from '../../db';
import { ballots, memberships, participations, users, voteBatches } from '../../db/schema';
import { audit } from '../audit';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import type { VoteWriter } from './cast';
import { assistedSchema, batchSchema, confirmSchema, idSchema, spaceOf, type Context } from './context';
import type { ElectorateReads } from './electorate';
import { requireOpen, type Scheduling } from './scheduling';
import type { Tallies } from './tallies';

export function createAssisted(ctx: Context, { eligibility }: ElectorateReads, tallies: Tallies, { load }: Scheduling, box: VoteWriter) {
	const { db, clock, ids, configOf, rolesOf, participationOf } = ctx;

	return {
		/** A tenant's choice given at the door, by phone or on paper, entered by a facilitator. */
		async recordAssisted(actor: Actor | null, input: unknown) {
			const data = parse(assistedSchema, input);
			const c = load(data.consultationId);
			authorize(actor, 'vote.recordOnBehalf', spaceOf(c));
			requireOpen(c);
			const voter: Actor = { id: data.voterId, isAdmin: false, roles: rolesOf(data.voterId) };
			const elig = eligibility(data.voterId, voter, c);
			if (participationOf(db, c.id, elig.electorKey)) throw new UserError('votes.error.alreadyVoted', {}, 409);
			const ballot = box.checkBallot(c, configOf(c), data.ballot, elig.collegeId);
			const w = await box.writeVote({ c, actorId: actor.id, voterId: data.voterId, elig, ballot, channel: data.channel, secret: undefined, confirm: false });
			return { at: w.participation.at, secret: w.secret };
		},

		/** The tenant confirms an assisted vote as recorded (a change confirms too). */
		confirm(actor: Actor | null, input: unknown) {
			const data = parse(confirmSchema, input);
			const c = load(data.consultationId);
			authorize(actor, 'vote.cast', spaceOf(c));
			requireOpen(c);
			const elig = eligibility(actor.id, actor, c);
			const p = participationOf(db, c.id, elig.electorKey);
			if (!p || p.userId !== actor.id) throw notFound();
			if (c.secrecy === 'secret' && !box.ballotOf(db, c, p, data.secret)) throw new UserError('votes.error.codeNeeded', {}, 409);
			const now = clock.now();
			transaction(db, (tx) => {
				tx.update(participations).set({ confirmedAt: now }).where(eq(participations.id, p.id)).run();
				audit(tx, now, actor.id, 'vote.confirmed', { type: 'consultation', id: c.id }, { channel: p.channel, recordedBy: p.castBy });
			});
			return { confirmedAt: now };
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
