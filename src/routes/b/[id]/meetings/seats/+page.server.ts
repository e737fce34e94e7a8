import { act, load as guarded } from '$lib/server/forms';
import { translator } from '$lib/i18n';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const body = await services.spaces.body(user, event.params.id);
		const seats = await services.meetings.seats(user, event.params.id);
		return { body: { id: body.body.id, name: body.body.name }, ...seats };
	});

export const actions: Actions = {
	/** One seat's term and substitute; the body comes from the URL, the service decides. */
	seat: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.meetings.setSeat(event.locals.user, { ...Object.fromEntries(data), bodyId: event.params.id });
			return { saved: translator(event.locals.locale)('meetings.saved'), userId: String(data.get('userId') ?? '') };
		});
	}
};
