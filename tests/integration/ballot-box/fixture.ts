/** A residence with `n` tenants (one per household) and an open secret consultation, for ballot-box tests. */
import { createResidence, createUser, type TestApp } from '$lib/server/testing';
import { households } from '$lib/server/db/schema';
import { eq } from 'drizzle-orm';

export async function secretVote(app: TestApp, n: number, svc = app.services.consultations) {
	const { residence } = await createResidence(app, [{ name: 'Bâtiment A', dwellings: n }]);
	const space = { type: 'residence' as const, id: residence.id };
	const homes = app.services.deps.db.select().from(households).where(eq(households.residenceId, residence.id)).all();
	const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
	const voters = [];
	for (let i = 0; i < n; i++) voters.push(await createUser(app, { displayName: `Voisin ${i}`, householdId: homes[i]!.id, roles: [{ ...space, role: 'tenant' }] }));
	const { id } = svc.create(claire, {
		space,
		question: 'Quel banc ?',
		method: 'plurality',
		options: [{ label: 'Bois' }, { label: 'Métal' }],
		electorate: 'residence',
		countBy: 'household',
		secrecy: 'secret',
		resultsVisibility: 'live',
		openNow: true
	});
	const options = svc.view(claire, id).options.map((o) => o.id);
	return { residence, space, claire, voters, id, options, homes };
}
