import { and, eq } from 'drizzle-orm';
import { demoActors } from './actors';
import type { Services } from '../services';
import { wavSample } from '../uploads/audio-samples';

/**
 * Issue 16 in the demo: on the garden idea, Amina left a voice comment (a short generated recording,
 * through the same upload pipeline as a real one) that Karim and the others can play, and Claire added
 * the written summary facilitators give under a voice comment.
 */
export async function seedInclusion(services: Services, residenceId: string, userIds: ReadonlyMap<string, string>) {
	const { data } = services.deps;
	const { proposals } = data.t;
	const actor = await demoActors(data, userIds);
	const [garden] = await data.db
		.select({ id: proposals.id })
		.from(proposals)
		.where(and(eq(proposals.spaceId, residenceId), eq(proposals.title, 'Un jardin partagé au pied du bâtiment B')));
	if (!garden) return;
	const { id } = await services.voice.post(actor('amina'), { type: 'proposal', id: garden.id }, wavSample(6));
	await services.voice.summarise(actor('claire.martin@lmh.demo'), {
		id,
		summary: 'Amina propose de s’occuper de l’arrosage en été et demande des bacs assez hauts pour les personnes âgées.'
	});
}
