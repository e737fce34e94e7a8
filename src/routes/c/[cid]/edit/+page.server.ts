import { error } from '@sveltejs/kit';
import { load as guarded } from '$lib/server/forms';
import { editActions } from '$lib/server/votes/routes';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const view = await services.consultations.view(user, event.params.cid);
		if (!view.can.manage) error(403, { message: 'forbidden', code: 'forbidden' });
		return { ...view };
	});

export const actions: Actions = editActions;
