import { and, eq, inArray, or } from 'drizzle-orm';
import { nameKey } from '$lib/domain/names';
import { staffRoles } from '$lib/domain/policy';
import type { Db } from '../db';
import { memberships, residences, trainingSessions, users } from '../db/schema';

/**
 * Names a newcomer may not take in a residence: those of the organisation's staff (facilitators of
 * its residences, trainers of its sessions) and of the platform's administrators, compared by
 * `nameKey` (case, accents, spacing and punctuation ignored). A tenant called "Claire Martin" must
 * not pass for the agency's Claire Martin.
 */
export function reservedNameKeys(db: Db, residenceId: string): Set<string> {
	const residence = db.select({ organisationId: residences.organisationId }).from(residences).where(eq(residences.id, residenceId)).get();
	const keys = new Set<string>();
	const add = (rows: { displayName: string }[]) => rows.forEach((r) => keys.add(nameKey(r.displayName)));
	add(db.select({ displayName: users.displayName }).from(users).where(eq(users.isAdmin, true)).all());
	if (!residence) return keys;
	const orgResidences = db.select({ id: residences.id }).from(residences).where(eq(residences.organisationId, residence.organisationId));
	const orgTrainings = db.select({ id: trainingSessions.id }).from(trainingSessions).where(eq(trainingSessions.organisationId, residence.organisationId));
	add(
		db
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
			.all()
	);
	return keys;
}
