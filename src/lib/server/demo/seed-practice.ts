/**
 * Demo practice session: Nadia (trainer) has played L'Aventurière's first meeting with Julien and
 * Amina once (an idea, a comment, a support, reflections), then reset it: run 1 is there to debrief,
 * run 2 is ready to play. `npm run demo` shows it under the training space.
 */
import { loadActor } from '../auth/session';
import type { Services } from '../services';

export async function seedPractice(services: Services, trainingId: string, userIds: Map<string, string>) {
	// Read again at each step: joining a run gives roles in its practice residence.
	const actor = async (username: string) => (await loadActor(services.deps.data, userIds.get(username)!))!;
	const practice = services.practice;
	const { id } = await practice.start(await actor('nadia.formatrice@ccaura.demo'), trainingId, { scenarioId: 'shipped:aventuriere:fr', title: 'L’Aventurière — groupe du mardi' });
	const code = (await practice.session(await actor('nadia.formatrice@ccaura.demo'), id)).session.code!;
	await practice.join(await actor('julien'), trainingId, { code });
	await practice.join(await actor('amina'), trainingId, { code });
	const run = (await practice.session(await actor('nadia.formatrice@ccaura.demo'), id)).run!;
	const { id: pid } = await services.proposals.propose(await actor('julien'), { residenceId: run.spaceId, title: 'Un goûter au pied du bâtiment B', description: 'Pour se rencontrer avant de parler du jardin.' });
	await services.proposals.comment(await actor('amina'), { proposalId: pid, body: 'Oui, et inviter les jeunes de l’escalier.' });
	await services.proposals.setSupport(await actor('amina'), { proposalId: pid, on: true });
	await practice.step(await actor('nadia.formatrice@ccaura.demo'), id, { stepKey: 'idees' });
	await practice.reflect(await actor('julien'), { runId: run.id, body: 'J’ai proposé trop vite : j’aurais dû laisser les voisins parler d’abord.' });
	await practice.reflect(await actor('nadia.formatrice@ccaura.demo'), { runId: run.id, body: 'Bonne idée de rencontre ; pense à reformuler ce que disent les autres.', aboutId: userIds.get('julien')! });
	// Second run: roles swapped, from the starting state.
	await practice.assign(await actor('nadia.formatrice@ccaura.demo'), id, { userId: userIds.get('julien')!, roleKey: 'agent' });
	await practice.assign(await actor('nadia.formatrice@ccaura.demo'), id, { userId: userIds.get('amina')!, roleKey: 'locataire-a' });
	await practice.reset(await actor('nadia.formatrice@ccaura.demo'), id, {});
}
