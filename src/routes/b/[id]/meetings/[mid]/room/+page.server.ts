import { load as guarded } from '$lib/server/forms';
import { meetingAction, meetingIn } from '$lib/server/meetings/routes';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const detail = await meetingIn(event);
		const room = await event.locals.services.meetings.roomState(event.locals.user, event.params.mid);
		return { room, can: detail.can, me: event.locals.user?.id ?? null };
	});

/** Every action of the room works as a plain form (no JavaScript); the page enhances them. */
export const actions: Actions = {
	open: meetingAction((m, u, i) => m.open(u, i)),
	close: meetingAction((m, u, i) => m.close(u, i)),
	move: meetingAction((m, u, i) => m.moveTo(u, i)),
	imHere: meetingAction((m, u, i) => m.respond(u, { ...i, status: 'present' })),
	checkIn: meetingAction((m, u, i) => m.checkIn(u, i)),
	checkOut: meetingAction((m, u, i) => m.checkOut(u, i)),
	raiseHand: meetingAction((m, u, i) => m.raiseHand(u, i)),
	withdraw: meetingAction((m, u, i) => m.withdraw(u, i)),
	next: meetingAction((m, u, i) => m.next(u, i)),
	endSpeech: meetingAction((m, u, i) => m.endSpeech(u, i)),
	addSpeaker: meetingAction((m, u, i) => m.addSpeaker(u, i)),
	openMotion: meetingAction((m, u, i) => m.openMotion(u, i)),
	tableMotion: meetingAction((m, u, i) => m.tableMotion(u, i)),
	closeMotion: meetingAction((m, u, i) => m.closeMotion(u, i))
};
