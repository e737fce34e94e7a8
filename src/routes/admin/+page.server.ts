import { adminActions } from '$lib/server/auth/guard';
import { act } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({ organisations: await locals.services.admin.listOrganisations(locals.user) });

export const actions: Actions = adminActions({
	createOrganisation: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const org = await event.locals.services.admin.createOrganisation(event.locals.user, {
				name: data.get('name'),
				kind: data.get('kind'),
				description: data.get('description') ?? ''
			});
			return { created: org.name };
		});
	}
});
