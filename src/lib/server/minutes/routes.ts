/** Shared pieces of the minutes pages: the meeting must belong to the body in the URL; actions are one line each. */
import type { RequestEvent } from '@sveltejs/kit';
import { translator, type MessageKey } from '$lib/i18n';
import { act } from '../forms';
import type { MinutesService } from '../services/minutes';
import { minutesError } from '../services/minutes/context';

type Event = RequestEvent<{ id: string; mid: string }>;

/** Minutes reached through another body's URL are simply not there. */
export async function minutesIn(event: Event) {
	const view = await event.locals.services.minutes.view(event.locals.user, event.params.mid);
	if (view.meeting.bodyId !== event.params.id) throw minutesError('notFound');
	return view;
}

function fields(data: FormData): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of data) if (typeof v === 'string') out[k] = v;
	return out;
}

/** A form action on one meeting's minutes: the meeting id comes from the URL, never from the form. */
export function minutesAction(run: (m: MinutesService, user: Event['locals']['user'], input: Record<string, unknown>) => Promise<unknown>, success?: MessageKey) {
	return async (event: Event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await minutesIn(event);
			await run(event.locals.services.minutes, event.locals.user, { ...fields(data), meetingId: event.params.mid });
			return { success: success ? translator(event.locals.locale)(success) : undefined };
		});
	};
}
