import { load as guarded } from '$lib/server/forms';
import { meetingAction, meetingIn } from '$lib/server/meetings/routes';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const detail = await meetingIn(event);
		const room = await event.locals.services.meetings.roomState(event.locals.user, event.params.mid);
		return { ...detail, room, me: event.locals.user?.id ?? null };
	});

export const actions: Actions = {
	edit: meetingAction((m, u, i) => m.edit(u, i), 'meetings.saved'),
	postpone: meetingAction((m, u, i) => m.postpone(u, i), 'meetings.saved'),
	cancel: meetingAction((m, u, i) => m.cancel(u, i), 'meetings.saved'),
	addItem: meetingAction((m, u, i) => m.addItem(u, i), 'meetings.saved'),
	decideItem: meetingAction((m, u, i) => m.decideItem(u, i), 'meetings.saved'),
	respond: meetingAction((m, u, i) => m.respond(u, i), 'meetings.saved'),
	checkIn: meetingAction((m, u, i) => m.checkIn(u, i)),
	checkOut: meetingAction((m, u, i) => m.checkOut(u, i)),
	attachDocument: meetingAction((m, u, i) => m.attachDocument(u, i), 'meetings.document.attached'),
	removeDocument: meetingAction((m, u, i) => m.removeDocument(u, i), 'meetings.document.removed')
};
