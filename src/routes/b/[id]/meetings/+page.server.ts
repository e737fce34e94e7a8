import { redirect } from '@sveltejs/kit';
import { act, load as guarded } from '$lib/server/forms';
import { translator } from '$lib/i18n';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const body = await services.spaces.body(user, event.params.id);
		const list = await services.meetings.list(user, event.params.id);
		const rules = list.can.chair ? (await services.meetings.bodyRules(user, event.params.id)) : null;
		return { body: { id: body.body.id, name: body.body.name }, ...list, rules };
	});

export const actions: Actions = {
	schedule: async (event) => {
		const data = await event.request.formData();
		const result = await act(event, data, () => event.locals.services.meetings.schedule(event.locals.user, { ...Object.fromEntries(data), bodyId: event.params.id }));
		if (result && 'id' in result) redirect(303, `/b/${event.params.id}/meetings/${result.id}`);
		return result;
	},
	rules: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.meetings.setRules(event.locals.user, { ...Object.fromEntries(data), bodyId: event.params.id });
			return { rulesSaved: translator(event.locals.locale)('meetings.saved') };
		});
	}
};
