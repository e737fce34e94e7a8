import { fail, isActionFailure, redirect, type RequestEvent } from '@sveltejs/kit';
import { act, formText, safeRedirect, type FormFailure } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

/** Nothing to show here on its own; a refused form (without JavaScript) shows its message and a way back. */
export const load: PageServerLoad = ({ url }) => ({ back: safeRedirect(url.searchParams.get('back'), url) });

/**
 * Voice comments' doors, for every page that shows them (proposal, consultation): the component posts
 * here with or without JavaScript; each action asks the voice service, which asks the policy.
 */
const run = (fn: (event: RequestEvent, data: FormData) => Promise<unknown>) => async (event: RequestEvent) => {
	const data = await event.request.formData();
	const back = safeRedirect(data.get('redirectTo'), event.url);
	const result = await act(event, data, () => fn(event, data));
	if (isActionFailure(result)) return fail(result.status, { ...(result.data as unknown as FormFailure), back });
	redirect(303, `${back}#voice-comments`);
};

const target = (data: FormData) => ({ type: formText(data, 'targetType') as never, id: formText(data, 'targetId') as never });

export const actions: Actions = {
	post: run(async (event, data) => {
		const file = data.get('audio');
		const bytes = file instanceof File ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array(0);
		return event.locals.services.voice.post(event.locals.user, target(data), bytes);
	}),
	remove: run((event, data) => event.locals.services.voice.remove(event.locals.user, formText(data, 'id'))),
	hide: run((event, data) => event.locals.services.voice.hide(event.locals.user, { id: formText(data, 'id'), reason: formText(data, 'reason') })),
	unhide: run((event, data) => event.locals.services.voice.unhide(event.locals.user, formText(data, 'id'))),
	summarise: run((event, data) => event.locals.services.voice.summarise(event.locals.user, { id: formText(data, 'id'), summary: formText(data, 'summary') }))
};
