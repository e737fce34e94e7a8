import { and, eq, like } from 'drizzle-orm';
import { demoActors } from './actors';
import { first } from '../db/data';
import type { Services } from '../services';

/**
 * Vote safeguards in the demo: on the bench vote, Claire recorded Karim's choice by phone (Karim
 * sees "a vote was recorded for you: confirm / this was not me" on signing in) and a neighbour's at
 * the door (the administrator can witness it from the manage page; Claire cannot).
 */
export async function seedSafeguards(services: Services, residenceId: string, userIds: Map<string, string>) {
	const { data } = services.deps;
	const { consultations, users } = data.t;
	const c = services.consultations;
	const actor = await demoActors(services.deps.data, userIds);
	const claire = actor('claire.martin@lmh.demo');
	const bench = await first(
		data.db
			.select({ id: consultations.id })
			.from(consultations)
			.where(and(eq(consultations.spaceType, 'residence'), eq(consultations.spaceId, residenceId), eq(consultations.method, 'majority-judgment')))
	);
	if (!bench) return;
	const [bois, recycle, beton] = (await c.view(claire, bench.id)).options.map((o) => o.id) as [string, string, string];
	await c.recordAssisted(claire, { consultationId: bench.id, voterId: userIds.get('karim')!, channel: 'phone', ballot: { grades: { [bois]: 2, [recycle]: 3, [beton]: 1 } } });
	const neighbour = await first(data.db.select({ id: users.id }).from(users).where(like(users.username, 'voisin.8.%')));
	if (neighbour) await c.recordAssisted(claire, { consultationId: bench.id, voterId: neighbour.id, channel: 'door', ballot: { grades: { [bois]: 4, [recycle]: 2, [beton]: 2 } } });
}
