/** Proxies in body consultations: a member entrusts her vote to another, within the body's limit and college rule. */
import { and, asc, eq } from 'drizzle-orm';
import { proxyCollegeAllowed } from '$lib/domain/meetings/proxies';
import { authorize, type Actor } from '$lib/domain/policy';
import { first } from '../../db/data';
import { logAudit } from '../audit';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import { consultationRef, proxySchema, spaceOf, type ConsultationRow, type Context } from './context';
import type { ElectorateReads } from './electorate';
import type { Scheduling } from './scheduling';

export function createProxies(ctx: Context, { eligibility }: ElectorateReads, { load }: Scheduling) {
	const { data, clock, ids, rolesOf, participationOf } = ctx;
	const { bodies, users, voteProxies } = data.t;

	/** The members who gave their vote on `c` to this actor. */
	function proxyFor(c: ConsultationRow, actorId: string) {
		return data.db
			.select({ giverId: voteProxies.giverId, name: users.displayName })
			.from(voteProxies)
			.innerJoin(users, eq(users.id, voteProxies.giverId))
			.where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.holderId, actorId)))
			.orderBy(asc(voteProxies.createdAt), asc(voteProxies.id));
	}

	return {
		proxyFor,
		api: {
			/** A body member entrusts her vote on this consultation to another member. */
			async giveProxy(actor: Actor | null, input: unknown) {
				const wanted = parse(proxySchema, input);
				const c = await load(wanted.consultationId);
				authorize(actor, 'vote.cast', spaceOf(c));
				if (c.spaceType !== 'body') throw new UserError('votes.error.proxyBodyOnly');
				if (c.status === 'closed') throw new UserError('votes.error.closed', {}, 409);
				if (wanted.holderId === actor.id) throw new UserError('votes.error.proxySelf');
				const elig = await eligibility(actor.id, actor, c);
				const holder = await eligibility(wanted.holderId, { id: wanted.holderId, isAdmin: false, roles: await rolesOf(wanted.holderId) }, c);
				const body = await first(data.db.select({ limit: bodies.proxyLimit, across: bodies.proxiesAcrossColleges }).from(bodies).where(eq(bodies.id, c.spaceId)));
				// The body's rule, as it is now: within colleges, only to a member of one's own college.
				if (!proxyCollegeAllowed(body?.across ?? true, elig.collegeId, holder.collegeId)) throw new UserError('votes.error.proxyCollege', {}, 409);
				if (await participationOf(c.id, elig.electorKey)) throw new UserError('votes.error.alreadyVoted', {}, 409);
				const limit = body?.limit ?? 0;
				const now = clock.now();
				await data.write(async (tx) => {
					const held = await tx.select({ id: voteProxies.id }).from(voteProxies).where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.holderId, wanted.holderId)));
					if (held.length >= limit) throw new UserError('votes.error.proxyLimit', { limit }, 409);
					if (await first(tx.select({ id: voteProxies.id }).from(voteProxies).where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.giverId, actor.id)))))
						throw new UserError('votes.error.proxyGiven', {}, 409);
					await tx.insert(voteProxies).values({ id: ids.id(), consultationId: c.id, giverId: actor.id, holderId: wanted.holderId, createdAt: now });
					await logAudit(data, now, actor.id, 'vote.proxyGiven', { type: 'consultation', id: c.id }, { holderId: wanted.holderId });
				}, { durable: true });
			},

			async revokeProxy(actor: Actor | null, input: unknown) {
				const { consultationId } = parse(consultationRef, input);
				const c = await load(consultationId);
				authorize(actor, 'vote.cast', spaceOf(c));
				const now = clock.now();
				await data.write(async (tx) => {
					const row = await first(tx.select().from(voteProxies).where(and(eq(voteProxies.consultationId, c.id), eq(voteProxies.giverId, actor.id))));
					if (!row) throw notFound();
					if (await participationOf(c.id, `u:${actor.id}`)) throw new UserError('votes.error.proxyUsed', {}, 409);
					await tx.delete(voteProxies).where(eq(voteProxies.id, row.id));
					await logAudit(data, now, actor.id, 'vote.proxyRevoked', { type: 'consultation', id: c.id }, { holderId: row.holderId });
				}, { durable: true });
			}
		}
	};
}

export type Proxies = ReturnType<typeof createProxies>;
