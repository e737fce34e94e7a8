import { and, eq } from 'drizzle-orm';
import type { Role, SpaceType } from '$lib/domain/policy';
import { hashPassword } from '../auth/password';
import { first } from '../db/data';
import type { Services } from '../services';
import { loadActor } from '../auth/session';
import { seedBoards } from './seed-boards';
import { seedInclusion } from './seed-inclusion';
import { seedBoardTrust } from './seed-board-trust';
import { demoSitePlan, placeDemoPins } from './site-plan';
import { seedVotes } from './seed-votes';
import { seedMeetings } from './seed-meetings';
import { seedMinutes } from './seed-minutes';
import { seedSafeguards } from './seed-safeguards';
import { seedPractice } from './seed-practice';
import { seedIndicators } from './seed-indicators';
import { settleDemoNotifications } from './seed-notifications';

/** Every demo account shares this password so a newcomer can try each role. */
export const DEMO_PASSWORD = 'demo-demo-2026';
export const DEMO_JOIN_CODE = 'AVEN-2026';

export interface DemoAccount {
	username: string;
	displayName: string;
	role: string;
}

export const demoAccounts: DemoAccount[] = [
	{ username: 'admin@demo.test', displayName: 'Administratrice', role: 'admin' },
	{ username: 'claire.martin@lmh.demo', displayName: 'Claire Martin', role: 'facilitator — L’Aventurière' },
	{ username: 'amina', displayName: 'Amina B.', role: 'tenant — L’Aventurière, bâtiment A' },
	{ username: 'karim', displayName: 'Karim D.', role: 'tenant — L’Aventurière, bâtiment B' },
	{ username: 'josiane', displayName: 'Josiane L.', role: 'tenant association — L’Aventurière' },
	{ username: 'sophie.leroy@lcp.demo', displayName: 'Sophie Leroy', role: 'chair — LCP network steering committee' },
	{ username: 'marc.guerin@lcp.demo', displayName: 'Marc Guérin', role: 'secretary — LCP network steering committee' },
	{ username: 'fatou', displayName: 'Fatou S.', role: 'member (LCP volunteers college)' },
	{ username: 'elise.morel@nantes.demo', displayName: 'Élise Morel', role: 'member (public authorities college)' },
	{ username: 'paul.renaud@ecossolies.demo', displayName: 'Paul Renaud', role: 'member (NGOs college)' },
	{ username: 'nadia.formatrice@ccaura.demo', displayName: 'Nadia Haddad', role: 'trainer' },
	{ username: 'julien', displayName: 'Julien P.', role: 'trainee' }
];

/**
 * Loads a demo drawn from the sources (LMH's L'Aventurière in Vénissieux, the LCP network in Nantes,
 * the community-organisation training). Does nothing when the demo is already there.
 */
export async function seedDemo(services: Services): Promise<'created' | 'present'> {
	const { data, clock, ids } = services.deps;
	const { households, joinCodes, organisations, users } = data.t;
	if (await first(data.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.slug, 'lyon-metropole-habitat')))) return 'present';

	const passwordHash = await hashPassword(DEMO_PASSWORD);
	const now = clock.now();
	const userIds = new Map<string, string>();
	await data.write(async (tx) => {
		for (const a of demoAccounts) {
			const id = ids.id();
			userIds.set(a.username, id);
			const isEmail = a.username.includes('@');
			await tx
				.insert(users)
				.values({ id, username: a.username, email: isEmail ? a.username : null, displayName: a.displayName, passwordHash, isAdmin: a.role === 'admin', createdAt: now, passwordChangedAt: now });
		}
	});
	const admin = (await loadActor(data, userIds.get('admin@demo.test')!))!;
	const { admin: adm } = services;

	const lmh = await adm.createOrganisation(admin, {
		name: 'Lyon Métropole Habitat',
		kind: 'landlord',
		description: 'Bailleur social de la Métropole de Lyon : les locataires proposent et choisissent ensemble des actions pour leur résidence.'
	});
	const bron = await adm.createAgency(admin, { organisationId: lmh.id, name: 'Agence de Bron' });
	const venissieux = await adm.createAgency(admin, { organisationId: lmh.id, name: 'Agence de Vénissieux' });
	const aventuriere = await adm.createResidence(admin, {
		organisationId: lmh.id,
		agencyId: venissieux.id,
		name: 'L’Aventurière',
		city: 'Vénissieux',
		address: '12 avenue Jean Cagne',
		buildings: [
			{ name: 'Bâtiment A', dwellings: 42 },
			{ name: 'Bâtiment B', dwellings: 40 },
			{ name: 'Bâtiment C', dwellings: 38 }
		]
	});
	await adm.createResidence(admin, {
		organisationId: lmh.id,
		agencyId: bron.id,
		name: 'Les Essarts',
		city: 'Bron',
		address: 'rue Guynemer',
		buildings: [
			{ name: 'Escalier 1', dwellings: 24 },
			{ name: 'Escalier 2', dwellings: 24 }
		]
	});

	const lcp = await adm.createOrganisation(admin, {
		name: 'Réseau des Lieux Collectifs de Proximité',
		kind: 'network',
		description: 'Le réseau nantais des LCP : un fonctionnement démocratique et transparent, cogéré par administrateurs, salariés, bénévoles et habitants.'
	});
	const committee = await adm.createBody(admin, {
		organisationId: lcp.id,
		name: 'Comité de pilotage du réseau des LCP',
		description: 'Instance multi-acteurs du réseau : directions et bénévoles des LCP, Ville de Nantes, Nantes Métropole, Ecossolies, Animation Rurale 44.',
		colleges: [
			{ name: 'Directions des LCP', weight: 0.25, seats: 8 },
			{ name: 'Bénévoles et membres des LCP', weight: 0.25, seats: 8 },
			{ name: 'Pouvoirs publics (Ville de Nantes, Nantes Métropole)', weight: 0.25, seats: 4 },
			{ name: 'Associations (Ecossolies, Animation Rurale 44)', weight: 0.25, seats: 4 }
		]
	});
	const collegeIds = (await services.admin.allSpaces(admin)).colleges.filter((c) => c.bodyId === committee.id).map((c) => c.id);

	const ccaura = await adm.createOrganisation(admin, {
		name: 'CCAURA – formation à l’action communautaire',
		kind: 'training',
		description: 'Formation de 10 jours en 3 modules pour les équipes, les partenaires et les habitants.'
	});
	const training = await adm.createTrainingSession(admin, { organisationId: ccaura.id, name: 'Action communautaire – session 2026' });

	const home = async (label: string) =>
		(await first(data.db.select({ id: households.id }).from(households).where(and(eq(households.residenceId, aventuriere.id), eq(households.label, label)))))?.id ?? null;
	const seat = async (username: string, type: SpaceType, spaceId: string, role: Role, collegeId?: string) =>
		adm.assignRole(admin, { userId: userIds.get(username), space: { type, id: spaceId }, role, collegeId });

	await data.write(async (tx) => {
		for (const [username, label] of [['amina', 'A-07'], ['karim', 'B-15'], ['josiane', 'C-03']] as const)
			await tx.update(users).set({ householdId: await home(label) }).where(eq(users.id, userIds.get(username)!));
		await tx.insert(joinCodes).values({ code: DEMO_JOIN_CODE, residenceId: aventuriere.id, expiresAt: null, createdBy: admin.id, createdAt: now });
	});
	await seat('claire.martin@lmh.demo', 'residence', aventuriere.id, 'facilitator');
	await seat('amina', 'residence', aventuriere.id, 'tenant');
	await seat('karim', 'residence', aventuriere.id, 'tenant');
	await seat('josiane', 'residence', aventuriere.id, 'tenant');
	await seat('josiane', 'residence', aventuriere.id, 'association');
	await seat('sophie.leroy@lcp.demo', 'body', committee.id, 'member', collegeIds[0]);
	await seat('sophie.leroy@lcp.demo', 'body', committee.id, 'chair', collegeIds[0]);
	await seat('marc.guerin@lcp.demo', 'body', committee.id, 'member', collegeIds[0]);
	await seat('marc.guerin@lcp.demo', 'body', committee.id, 'secretary', collegeIds[0]);
	await seat('fatou', 'body', committee.id, 'member', collegeIds[1]);
	await seat('elise.morel@nantes.demo', 'body', committee.id, 'member', collegeIds[2]);
	await seat('paul.renaud@ecossolies.demo', 'body', committee.id, 'member', collegeIds[3]);
	await seat('nadia.formatrice@ccaura.demo', 'training', training.id, 'trainer');
	await seat('julien', 'training', training.id, 'trainee');
	// A tenant of the residence is also in the training, as the sources describe (staff, partners and residents).
	await seat('amina', 'training', training.id, 'trainee');
	await seedBoards(services, aventuriere.id, userIds);
	await seedInclusion(services, aventuriere.id, userIds);
	await seedBoardTrust(services, userIds);
	await services.admin.setSitePlan(admin, aventuriere.id, await demoSitePlan());
	await placeDemoPins(services, aventuriere.id);
	await seedVotes(services, aventuriere.id, committee.id, userIds);
	await seedSafeguards(services, aventuriere.id, userIds);
	await seedMeetings(services, committee.id, userIds);
	await seedMinutes(services, committee.id, aventuriere.id, userIds);
	await seedPractice(services, training.id, userIds);
	await seedIndicators(services, aventuriere.id, userIds);
	await settleDemoNotifications(services);
	return 'created';
}
