import { isNotNull } from 'drizzle-orm';
import { loadActor } from '../auth/session';
import type { Services } from '../services';


/**
 * The seed creates weeks of activity in one go; as people would have, everyone has already read all
 * but the latest line of each kind: what a neighbour finds after a few days away, not the whole
 * history. Nothing seeded is e-mailed at the first start either.
 */
export async function settleDemoNotifications(services: Services): Promise<void> {
	// Notices of votes and moves are written after their commit, as tracked work: all of them first.
	await services.settled();
	const { data, clock } = services.deps;
	const { notifications, users } = data.t;
	for (const { id } of await data.db.select({ id: users.id }).from(users).orderBy(users.id)) {
		const actor = await loadActor(services.deps.data, id);
		if (!actor) continue;
		const kept = new Set<string>();
		for (const g of (await services.notifications.list(actor)).items.filter((x) => !x.read)) {
			if (kept.has(g.kind)) await services.notifications.markRead(actor, { ids: g.ids.join(' ') });
			kept.add(g.kind);
		}
	}
	await data.write(async (tx) => {
		await tx.update(notifications).set({ emailedAt: clock.now() }).where(isNotNull(notifications.id));
	});
}
