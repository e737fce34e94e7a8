import { error } from '@sveltejs/kit';
import { translator } from '$lib/i18n';
import { act, formText, load as guarded } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

const runNumber = (n: string) => (/^\d{1,4}$/.test(n) ? Number(n) : -1);

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const view = await event.locals.services.practice.debrief(event.locals.user, event.params.pid, runNumber(event.params.n));
		if (view.session.trainingId !== event.params.id) error(404, { message: translator(event.locals.locale)('error.notFound'), code: 'error.notFound' });
		return { ...view, me: event.locals.user?.id ?? null };
	});

export const actions: Actions = {
	reflect: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.practice.reflect(event.locals.user, { runId: formText(data, 'runId'), body: formText(data, 'body'), aboutId: formText(data, 'aboutId') ?? '' });
			return { saved: translator(event.locals.locale)('practice.debrief.saved') };
		});
	}
};
