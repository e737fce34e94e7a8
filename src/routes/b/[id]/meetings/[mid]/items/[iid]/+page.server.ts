import { load as guarded } from '$lib/server/forms';
import { meetingAction, meetingIn } from '$lib/server/meetings/routes';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		await meetingIn(event);
		return event.locals.services.meetings.thread(event.locals.user, event.params.mid, event.params.iid);
	});

/** The item comes from the URL, never from the form. */
export const actions: Actions = {
	// Redirected after posting, so reloading the page does not post the message twice.
	post: meetingAction(
		(m, u, i, e) => m.post(u, { ...i, itemId: (e.params as { iid?: string }).iid }),
		undefined,
		(e) => `${e.url.pathname}#posts`
	),
	hide: meetingAction((m, u, i) => m.hidePost(u, i), 'meetings.thread.hiddenDone'),
	unhide: meetingAction((m, u, i) => m.unhidePost(u, i), 'meetings.thread.shownDone')
};
