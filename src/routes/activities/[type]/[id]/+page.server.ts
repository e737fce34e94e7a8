import { redirect } from '@sveltejs/kit';
import { act, formText, load as guarded } from '$lib/server/forms';
import type { SpaceRef } from '$lib/domain/policy';
import type { Actions, PageServerLoad } from './$types';

const space = (params: { type: string; id: string }) => ({ type: params.type, id: params.id }) as SpaceRef;

/** A space's activities, and a no-JS form to add one (the service asks the policy). */
export const load: PageServerLoad = (event) => guarded(event, () => event.locals.services.activities.list(event.locals.user, space(event.params)));

export const actions: Actions = {
	create: async (event) => {
		const data = await event.request.formData();
		const result = await act(event, data, () =>
			event.locals.services.activities.create(event.locals.user, {
				spaceType: event.params.type,
				spaceId: event.params.id,
				name: formText(data, 'name'),
				kind: formText(data, 'kind'),
				description: formText(data, 'description')
			})
		);
		if (result && 'id' in result) redirect(303, `/activities/a/${result.id}`);
		return result;
	}
};
