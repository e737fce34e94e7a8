import { act, load as guarded } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => guarded(event, () => event.locals.services.notifications.list(event.locals.user));

export const actions: Actions = {
	read: async (event) => {
		const data = await event.request.formData();
		return act(event, data, () => event.locals.services.notifications.markRead(event.locals.user, { id: data.get('id') || undefined, ids: data.get('ids') || undefined }));
	}
};
