import { act, load as guarded } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => guarded(event, () => event.locals.services.residenceRules.view(event.locals.user, event.params.id));

export const actions: Actions = {
	association: async (event) => {
		const data = await event.request.formData();
		return act(event, data, () =>
			event.locals.services.residenceRules.setAssociationRights(event.locals.user, { residenceId: event.params.id, associationRights: data.get('associationRights') ?? undefined })
		);
	}
};
