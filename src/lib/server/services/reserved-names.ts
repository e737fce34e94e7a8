import { and, eq, inArray, or } from 'drizzle-orm';
import { nameKey } from '$lib/domain/names';
import { staffRoles } from '$lib/domain/policy';
import { first, type Data } from '../db/data';

/**
 * Names a newcomer may not take in a residence: those of the organisation's staff (facilitators of
 * its residences, trainers of its sessions) and of the platform's administrators, compared by
 * `nameKey` (case, accents, spacing and punctuation ignored). A tenant called "Claire Martin" must
 * not pass for the agency's Claire Martin.
 */
export async function reservedNameKeys(data: Data, residenceId: string): Promise<Set<string>> {
	const { memberships, residences, trainingSessions, users } = data.t;
	const residence = await first(data.db.select({ organisationId: residences.organisationId }).from(residences).where(eq(residences.id, residenceId)));
	const keys = new Set<string>();
	const add = (rows: { displayName: string }[]) => rows.forEach((r) => keys.add(nameKey(r.displayName)));
	add(await data.db.select({ displayName: users.displayName }).from(users).where(eq(users.isAdmin, true)));
	if (!residence) return keys;
	const orgResidences = data.db.select({ id: residences.id }).from(residences).where(eq(residences.organisationId, residence.organisationId));
	const orgTrainings = data.db.select({ id: trainingSessions.id }).from(trainingSessions).where(eq(trainingSessions.organisationId, residence.organisationId));
	add(
		await data.db
			.selectDistinct({ displayName: users.displayName })
			.from(memberships)
			.innerJoin(users, eq(users.id, memberships.userId))
			.where(
				and(
					inArray(memberships.role, [...staffRoles]),
					or(
						and(eq(memberships.spaceType, 'residence'), inArray(memberships.spaceId, orgResidences)),
						and(eq(memberships.spaceType, 'training'), inArray(memberships.spaceId, orgTrainings))
					)
				)
			)
	);
	return keys;
}
