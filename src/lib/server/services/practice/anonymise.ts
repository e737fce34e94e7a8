/**
 * A practice scenario from a real residence's shape (issue 13), anonymised: its buildings (renamed
 * "1, 2, …") with their dwelling counts, and a sample of idea titles with every member's name
 * removed. No person's name, username or contact, no description, comment or author reaches it.
 * Only staff of that residence who train (policy: `canAnonymiseResidence`).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { canAnonymiseResidence, ForbiddenError, type Actor } from '$lib/domain/policy';
import { SCENARIO_FORMAT, SCENARIO_VERSION, type Scenario } from '$lib/domain/practice/scenario';
import { first } from '../../db/data';
import type { ServiceDeps } from '../deps';
import { notFound } from '../errors';
import { trainingSpace } from './context';

const SAMPLE = 5;

/** Removes every occurrence of these words (names, usernames, e-mails), then tidies the spaces. */
function scrub(text: string, words: string[]): string {
	let out = text;
	for (const w of words.filter((x) => x.length >= 2).sort((a, b) => b.length - a.length)) out = out.split(w).join('…');
	out = out.replace(/[\w.+-]+@[\w-]+\.[\w.-]+/g, '…').replace(/\+?\d[\d .-]{7,}\d/g, '…');
	return out.replace(/\s+/g, ' ').trim();
}

export function createAnonymiser(deps: ServiceDeps) {
	const { data: dataHandle } = deps;
	const { buildings, households, memberships, proposals, residences, users } = dataHandle.t;
	return {
		/** The real residences this actor may build a scenario from, for the training page's form. */
		async anonymisable(actor: Actor | null, trainingId: string) {
			if (!actor) return [];
			const rows = (await dataHandle.db
				.select({ id: residences.id, name: residences.name })
				.from(memberships)
				.innerJoin(residences, eq(residences.id, memberships.spaceId))
				.where(and(eq(memberships.userId, actor.id), eq(memberships.spaceType, 'residence'), eq(residences.practice, false)))
				.orderBy(asc(residences.name), asc(residences.id)));
			return rows.filter((r, i) => rows.findIndex((x) => x.id === r.id) === i && canAnonymiseResidence(actor, { type: 'residence', id: r.id }, trainingSpace(trainingId)));
		},

		/** The anonymised scenario (not stored: the caller stores it in the training's library). */
		async anonymisedScenario(actor: Actor | null, trainingId: string, residenceId: string): Promise<Scenario> {
			const residence = (await first(dataHandle.db.select({ id: residences.id, practice: residences.practice }).from(residences).where(eq(residences.id, residenceId))));
			if (!residence || residence.practice) throw notFound();
			if (!canAnonymiseResidence(actor, { type: 'residence', id: residence.id }, trainingSpace(trainingId))) throw new ForbiddenError('practice.anonymise');
			const blds = (await dataHandle.db.select({ id: buildings.id }).from(buildings).where(eq(buildings.residenceId, residence.id)).orderBy(asc(buildings.position), asc(buildings.id)));
			const homes = (await dataHandle.db.select({ buildingId: households.buildingId }).from(households).where(eq(households.residenceId, residence.id)));
			const memberIds = (await dataHandle.db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.spaceId, residence.id))).map((m) => m.userId);
			const people = memberIds.length ? (await dataHandle.db.select({ name: users.displayName, username: users.username, email: users.email }).from(users).where(inArray(users.id, memberIds))) : [];
			const words = people.flatMap((p) => [p.name, ...p.name.split(/\s+/).filter((w) => w.length >= 3 && !w.endsWith('.')), p.username, p.email ?? '']);
			const titles = (await dataHandle.db.select({ title: proposals.title }).from(proposals).where(eq(proposals.spaceId, residence.id)).orderBy(asc(proposals.createdAt), asc(proposals.id)));
			const ideas = titles
				.map((t) => scrub(t.title, words))
				.filter((t) => t.replace(/…/g, '').trim().length >= 3)
				.slice(0, SAMPLE)
				.map((title, i) => ({ key: `idee-${i + 1}`, title: title.slice(0, 200), description: '', category: 'other' as const, status: 'idea' as const, author: 'habitant', comments: [] }));
			return {
				format: SCENARIO_FORMAT,
				version: SCENARIO_VERSION,
				language: 'fr',
				title: 'Résidence anonymisée',
				summary: 'Forme d’une résidence réelle, anonymisée : bâtiments, nombre de logements et quelques idées sans nom.',
				module: 'methodology',
				space: {
					kind: 'residence',
					name: 'Résidence simulée',
					city: '',
					buildings: blds.map((b, i) => ({ key: `batiment-${i + 1}`, name: `Bâtiment ${i + 1}`, households: Math.min(500, homes.filter((h) => h.buildingId === b.id).length) }))
				},
				characters: [{ key: 'habitant', name: 'Habitant·e' }],
				ideas,
				roles: [
					{ key: 'locataire', title: 'Locataire', plays: 'tenant', brief: 'Vous habitez ici depuis longtemps.' },
					{ key: 'agent', title: 'Agent de développement social', plays: 'facilitator', brief: 'Vous animez la réunion.' }
				],
				steps: [{ key: 'reunion', title: 'Tenir une première réunion', description: '', place: 'board' }]
			};
		}
	};
}
