import { act, formText, load as guarded } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

/** A survey's answers said out loud: listened to with its results, from the respondent floor only. */
export const load: PageServerLoad = (event) => guarded(event, () => event.locals.services.surveys.voices(event.locals.user, event.params.sid));

export const actions: Actions = {
	summarise: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.surveys.summariseVoice(event.locals.user, { surveyId: event.params.sid, id: formText(data, 'id'), summary: formText(data, 'summary') });
			return { saved: formText(data, 'id') };
		});
	},
	remove: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.surveys.removeVoice(event.locals.user, { surveyId: event.params.sid, id: formText(data, 'id') });
			return { removed: true };
		});
	}
};
