import { load as guarded } from '$lib/server/forms';
import { readSecret, voteActions } from '$lib/server/votes/routes';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const cid = event.params.cid;
		const view = await services.consultations.view(user, cid, readSecret(event.cookies, cid));
		return { ...view, me: user!.id, voice: await services.voice.list(user, { type: 'consultation', id: cid }) };
	});

export const actions: Actions = voteActions;
