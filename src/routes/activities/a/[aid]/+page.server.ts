import { act, formText, load as guarded } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

/** One activity: its sessions, their headcount and the people named with their agreement. */
export const load: PageServerLoad = (event) => guarded(event, () => event.locals.services.activities.get(event.locals.user, event.params.aid));

export const actions: Actions = {
	session: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.activities.addSession(event.locals.user, event.params.aid, {
				heldOn: formText(data, 'heldOn'),
				time: formText(data, 'time'),
				headcount: formText(data, 'headcount'),
				note: formText(data, 'note')
			});
			return { done: 'saved' as const };
		});
	},
	attendee: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.activities.addAttendee(event.locals.user, formText(data, 'sessionId') ?? '', {
				userId: formText(data, 'userId'),
				status: formText(data, 'status'),
				consent: formText(data, 'consent')
			});
			return { done: 'added' as const, sessionId: formText(data, 'sessionId') };
		});
	},
	remove: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.activities.removeAttendee(event.locals.user, formText(data, 'sessionId') ?? '', formText(data, 'userId'));
			return { done: 'removed' as const, sessionId: formText(data, 'sessionId') };
		});
	}
};
