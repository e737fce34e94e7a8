/** Proxies in body consultations: a member entrusts her vote to another, within the body's limit and college rule. */
import { and, eq } from 'drizzle-orm';
import { proxyCollegeAllowed } from '$lib/domain/meetings/proxies';
import { authorize, type Actor } from '$lib/domain/policy';
import { transaction } from '../../db';
import { bodies, users, voteProxies } from '../../db/schema';
import { audit } from '../audit';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import { consultationRef, proxySchema, spaceOf, type ConsultationRow, type Context } from './context';
import type { ElectorateReads } from './electorate';
import type { Scheduling } from './scheduling';

export function createProxies(ctx: Context, { eligibility }: ElectorateReads, { load }: Scheduling) {
	const { db, clock, ids, rolesOf, participationOf } = ctx;

	/** The members who gave their vote on `c` to this actor. */
	function proxyFor(c: ConsultationRow, actorId: string) {
		return db
			.select({ giverId: voteProxies.giverId, name: users.displayName })
			.from(voteProxies)
			.innerJoin(users, eq(users.id, voteProxies.giverId))
			.where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.holderId, actorId)))
			.all();
	}

	return {
		proxyFor,
		api: {
			/** A body member entrusts her vote on this consultation to another member. */
			giveProxy(actor: Actor | null, input: unknown) {
				const data = parse(proxySchema, input);
				const c = load(data.consultationId);
				authorize(actor, 'vote.cast', spaceOf(c));
				if (c.spaceType !== 'body') throw new UserError('votes.error.proxyBodyOnly');
				if (c.status === 'closed') throw new UserError('votes.error.closed', {}, 409);
				if (data.holderId === actor.id) throw new UserError('votes.error.proxySelf');
				const elig = eligibility(actor.id, actor, c);
				const holder = eligibility(data.holderId, { id: data.holderId, isAdmin: false, roles: rolesOf(data.holderId) }, c);
				const body = db.select({ limit: bodies.proxyLimit, across: bodies.proxiesAcrossColleges }).from(bodies).where(eq(bodies.id, c.spaceId)).get();
				// The body's rule, as it is now: within colleges, only to a member of one's own college.
				if (!proxyCollegeAllowed(body?.across ?? true, elig.collegeId, holder.collegeId)) throw new UserError('votes.error.proxyCollege', {}, 409);
				if (participationOf(db, c.id, elig.electorKey)) throw new UserError('votes.error.alreadyVoted', {}, 409);
				const limit = body?.limit ?? 0;
				const now = clock.now();
				transaction(db, (tx) => {
					const held = tx.select({ id: voteProxies.id }).from(voteProxies).where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.holderId, data.holderId))).all();
					if (held.length >= limit) throw new UserError('votes.error.proxyLimit', { limit }, 409);
					if (tx.select({ id: voteProxies.id }).from(voteProxies).where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.giverId, actor.id))).get())
						throw new UserError('votes.error.proxyGiven', {}, 409);
					tx.insert(voteProxies).values({ id: ids.id(), consultationId: c.id, giverId: actor.id, holderId: data.holderId, createdAt: now }).run();
					audit(tx, now, actor.id, 'vote.proxyGiven', { type: 'consultation', id: c.id }, { holderId: data.holderId });
				});
			},

			revokeProxy(actor: Actor | null, input: unknown) {
				const { consultationId } = parse(consultationRef, input);
				const c = load(consultationId);
				authorize(actor, 'vote.cast', spaceOf(c));
				const now = clock.now();
				transaction(db, (tx) => {
					const row = tx.select().from(voteProxies).where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.giverId, actor.id))).get();
					if (!row) throw notFound();
					if (participationOf(tx, c.id, `u:${actor.id}`)) throw new UserError('votes.error.proxyUsed', {}, 409);
					tx.delete(voteProxies).where(eq(voteProxies.id, row.id)).run();
					audit(tx, now, actor.id, 'vote.proxyRevoked', { type: 'consultation', id: c.id }, { holderId: row.holderId });
				});
			}
		}
	};
}

export type Proxies = ReturnType<typeof createProxies>;
