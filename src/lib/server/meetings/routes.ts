/** Shared pieces of the meeting pages: a meeting must belong to the body in the URL; actions are one line each. */
import { isActionFailure, redirect, type RequestEvent } from '@sveltejs/kit';
import { translator, type MessageKey } from '$lib/i18n';
import { act } from '../forms';
import type { MeetingsService } from '../services/meetings';
import { meetingError } from '../services/meetings/context';

type Event = RequestEvent<{ id: string; mid: string }>;

/** An agenda, a room or a download reached through another body's URL is simply not there. */
export async function meetingIn(event: Event) {
	const detail = await event.locals.services.meetings.detail(event.locals.user, event.params.mid);
	if (detail.meeting.bodyId !== event.params.id) throw meetingError('notFound');
	return detail;
}

/** Text fields as they are; one uploaded file (`file`) as its bytes and name. */
async function fields(data: FormData): Promise<Record<string, unknown>> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of data) {
		if (typeof v === 'string') out[k] = v;
		else if (k === 'file' && v.size > 0) {
			out.bytes = new Uint8Array(await v.arrayBuffer());
			out.name = v.name;
		}
	}
	return out;
}

/**
 * A form action on one meeting: the meeting id comes from the URL (never from the form), the
 * service decides, a user's mistake comes back as a localised message beside the form.
 */
export function meetingAction(run: (m: MeetingsService, user: Event['locals']['user'], input: Record<string, unknown>, event: Event) => Promise<unknown>, success?: MessageKey, then?: (event: Event) => string) {
	return async (event: Event) => {
		const data = await event.request.formData();
		const result = await act(event, data, async () => {
			await meetingIn(event);
			await run(event.locals.services.meetings, event.locals.user, { ...(await fields(data)), meetingId: event.params.mid }, event);
			return { success: success ? translator(event.locals.locale)(success) : undefined, action: event.url.search };
		});
		if (then && !isActionFailure(result)) redirect(303, then(event));
		return result;
	};
}
