import { load as guarded } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const meetings = await event.locals.services.meetings.list(event.locals.user, event.params.id);
		return {
			...(await event.locals.services.spaces.body(event.locals.user, event.params.id)),
			openVotes: (await event.locals.services.consultations.list(event.locals.user, { type: 'body', id: event.params.id })).items.filter((c) => c.status === 'open').length,
			meetings: { upcoming: meetings.upcoming.length, next: meetings.upcoming[0] ?? null },
			overdue: await event.locals.services.register.overdue(event.locals.user, { type: 'body', id: event.params.id })
		};
	});
