import { load as guarded } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const training = await services.spaces.training(user, event.params.id);
		return { training: { id: training.session.id, name: training.session.name }, ...(await services.practice.progress(user, event.params.id, event.params.uid)) };
	});
