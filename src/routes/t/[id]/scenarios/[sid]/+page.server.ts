import { redirect } from '@sveltejs/kit';
import { translator } from '$lib/i18n';
import { act, formText, load as guarded } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const training = await services.spaces.training(user, event.params.id);
		return { training: { id: training.session.id, name: training.session.name }, ...(await services.practice.scenario(user, event.params.id, event.params.sid)) };
	});

export const actions: Actions = {
	save: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.practice.updateScenario(event.locals.user, event.params.id, event.params.sid, { json: formText(data, 'json') });
			return { saved: translator(event.locals.locale)('practice.scenario.saved') };
		});
	},
	fields: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.practice.updateScenarioFields(event.locals.user, event.params.id, event.params.sid, (name) => formText(data, name));
			return { saved: translator(event.locals.locale)('practice.scenario.saved') };
		});
	},
	duplicate: async (event) => {
		const data = await event.request.formData();
		const result = await act(event, data, () => event.locals.services.practice.duplicateScenario(event.locals.user, event.params.id, event.params.sid));
		if (result && 'id' in result) redirect(303, `/t/${event.params.id}/scenarios/${result.id}`);
		return result;
	}
};
