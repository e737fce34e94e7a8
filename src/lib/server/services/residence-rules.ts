/**
 * A residence's own rules (issue 8): what its tenant association may do beyond what tenants do.
 * Members read the rule (so everyone knows who may run votes or move ideas); the residence's staff
 * (`space.manage`: facilitators, administrators) change it. The policy reads the rule with each
 * actor's roles (auth/session.ts), so a change reaches every door at once: it signals
 * `account.changed` for each association member, whose open sockets re-read who they are now.
 */
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { associationRightsLevels, authorize, can, type Actor, type AssociationRights, type SpaceRef } from '$lib/domain/policy';
import { first } from '../db/data';
import { logAudit } from './audit';
import type { ServiceDeps } from './deps';
import { notFound } from './errors';
import { parse } from './validate';

export const ASSOCIATION_RIGHTS_AUDIT = 'residence.associationRights';

const setSchema = z.object({
	residenceId: z.string().min(1).max(64),
	associationRights: z.enum(associationRightsLevels, 'residence.rules.error.choice')
});

export interface ResidenceRulesView {
	residence: { id: string; name: string };
	associationRights: AssociationRights;
	/** The last change: who (a name) and when; null when the rule was never changed (today's default). */
	changed: { by: string; at: Date; from: AssociationRights } | null;
	/** How many members hold the association role here (the rule concerns them). */
	associationMembers: number;
	can: { manage: boolean };
}

export function createResidenceRulesService(deps: ServiceDeps) {
	const { data, clock, bus } = deps;
	const { auditLog, memberships, residences, users } = data.t;
	const space = (id: string): SpaceRef => ({ type: 'residence', id });

	async function associationIds(residenceId: string): Promise<string[]> {
		const rows = await data.db
			.select({ userId: memberships.userId })
			.from(memberships)
			.where(and(eq(memberships.spaceType, 'residence'), eq(memberships.spaceId, residenceId), eq(memberships.role, 'association')));
		return [...new Set(rows.map((r) => r.userId))];
	}

	return {
		/** The residence's rules with their last change, for its members. */
		async view(actor: Actor | null, residenceId: string): Promise<ResidenceRulesView> {
			authorize(actor, 'space.view', space(residenceId));
			const [row] = await data.db.select({ id: residences.id, name: residences.name, associationRights: residences.associationRights }).from(residences).where(eq(residences.id, residenceId)).limit(1);
			if (!row) throw notFound();
			const [last] = await data.db
				.select({ at: auditLog.at, data: auditLog.data, by: users.displayName })
				.from(auditLog)
				.leftJoin(users, eq(users.id, auditLog.actorId))
				.where(and(eq(auditLog.subjectType, 'residence'), eq(auditLog.subjectId, residenceId), eq(auditLog.action, ASSOCIATION_RIGHTS_AUDIT)))
				.orderBy(desc(auditLog.id))
				.limit(1);
			return {
				residence: { id: row.id, name: row.name },
				associationRights: row.associationRights,
				changed: last ? { by: last.by ?? '', at: last.at, from: last.data.from as AssociationRights } : null,
				associationMembers: (await associationIds(residenceId)).length,
				can: { manage: can(actor, 'space.manage', space(residenceId)) }
			};
		},

		/** Staff choose what the association may do; audited, and every association member's rights change at once. */
		async setAssociationRights(actor: Actor | null, input: unknown): Promise<{ changed: boolean }> {
			const wanted = parse(setSchema, input);
			authorize(actor, 'space.manage', space(wanted.residenceId));
			const now = clock.now();
			const changed = await data.write(async (tx) => {
				const row = await first(tx.select({ rights: residences.associationRights }).from(residences).where(eq(residences.id, wanted.residenceId)));
				if (!row) throw notFound();
				if (row.rights === wanted.associationRights) return false;
				await tx.update(residences).set({ associationRights: wanted.associationRights }).where(eq(residences.id, wanted.residenceId));
				await logAudit(data, now, actor.id, ASSOCIATION_RIGHTS_AUDIT, { type: 'residence', id: wanted.residenceId }, { from: row.rights, to: wanted.associationRights });
				return true;
			});
			// After the commit (a PostgreSQL unit may run twice): members' open sockets re-read their rights.
			if (changed) for (const userId of await associationIds(wanted.residenceId)) bus.signal('account.changed', { userId });
			return { changed };
		}
	};
}

export type ResidenceRulesService = ReturnType<typeof createResidenceRulesService>;
