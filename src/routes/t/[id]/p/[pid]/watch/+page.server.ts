import { error } from '@sveltejs/kit';
import { translator } from '$lib/i18n';
import { act, formText, load as guarded } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

/** The live view of a practice session for its trainer and observers; a reload shows what changed. */
export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const view = await event.locals.services.practice.watch(event.locals.user, event.params.pid);
		if (view.session.trainingId !== event.params.id) error(404, { message: translator(event.locals.locale)('error.notFound'), code: 'error.notFound' });
		return view;
	});

export const actions: Actions = {
	observe: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.practice.observe(event.locals.user, event.params.pid, { body: formText(data, 'body') });
			return { added: translator(event.locals.locale)('practice.watch.added') };
		});
	}
};
