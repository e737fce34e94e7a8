import { error } from '@sveltejs/kit';
import { createEvent } from 'ics';
import { config } from '$lib/server/config';
import { load as guarded } from '$lib/server/forms';
import { meetingIn } from '$lib/server/meetings/routes';
import type { RequestHandler } from './$types';

/** The calendar invitation, made by the `ics` package; the meeting's version keeps updates in order. */
export const GET: RequestHandler = (event) =>
	guarded(event, async () => {
		const { meeting, items } = await meetingIn(event);
		const url = `${config().ORIGIN ?? event.url.origin}/b/${meeting.bodyId}/meetings/${meeting.id}`;
		const agenda = items.filter((i) => i.state === 'accepted').map((i, n) => `${n + 1}. ${i.title}`);
		const { error: failure, value } = createEvent({
			uid: `${meeting.id}@tableau-des-initiatives`,
			sequence: meeting.version,
			start: meeting.startsAt,
			startInputType: 'utc',
			startOutputType: 'utc',
			duration: { minutes: meeting.durationMin },
			title: meeting.title,
			description: [meeting.description, ...agenda, meeting.videoUrl].filter(Boolean).join('\n'),
			location: meeting.place || undefined,
			url,
			status: meeting.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'
		});
		if (failure || !value) error(500, 'ics');
		return new Response(value, {
			headers: { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': `attachment; filename="reunion-${meeting.id}.ics"` }
		});
	});
