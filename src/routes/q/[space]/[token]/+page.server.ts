import { redirect } from '@sveltejs/kit';
import { act, load as guarded } from '$lib/server/forms';
import { allowGuestUpload } from '$lib/server/http/body';
import { MAX_VOICE_BYTES } from '$lib/server/uploads/audio';
import type { Actions, PageServerLoad } from './$types';

/** A survey answered by one-time link: no account, no JavaScript needed. */
export const load: PageServerLoad = (event) => {
	event.setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
	return guarded(event, () => event.locals.services.surveys.open(event.params.space, event.params.token));
};

export const actions: Actions = {
	default: async (event) => {
		const { surveys } = event.locals.services;
		// The link first, before the body is read: a spent, expired or unknown link says so and reads nothing.
		const opened = await act(event, new FormData(), () => surveys.open(event.params.space, event.params.token));
		if (!('survey' in opened)) return opened;
		// Guests send no files, except the one recording a survey asks for, through a link that is open.
		if (opened.survey.voice) allowGuestUpload(event, { bytes: MAX_VOICE_BYTES, files: 1 });
		const data = await event.request.formData();
		return act(event, data, async () => {
			// A recording (the file input, or the record button's blob with JavaScript) when the survey asks for one.
			const file = data.get('voice');
			const voice = file instanceof File ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : null;
			await surveys.answer(event.params.space, event.params.token, Object.fromEntries([...data].filter(([, v]) => typeof v === 'string')), voice);
			return { answered: true };
		}).then((result) => {
			// The link is spent now: the thank-you page lives at its own address.
			if ('answered' in result) redirect(303, '/q/thanks');
			return result;
		});
	}
};
