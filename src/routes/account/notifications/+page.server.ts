import { redirect } from '@sveltejs/kit';
import { notificationKinds } from '$lib/server/db/schema';
import { act, load as guarded } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	if (!event.locals.user) redirect(303, '/login');
	return guarded(event, async () => ({ ...(await event.locals.services.mail.settings(event.locals.user)), kinds: [...notificationKinds] }));
};

export const actions: Actions = {
	address: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => ({ linkSent: (await event.locals.services.mail.requestAddress(event.locals.user, { email: data.get('email') })).email }));
	},
	modes: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.mail.saveModes(event.locals.user, Object.fromEntries(notificationKinds.map((k) => [k, data.get(k) ?? undefined])));
			return { modesSaved: true };
		});
	}
};
