import { redirect } from '@sveltejs/kit';
import { act, load as guarded } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

/** A survey answered by one-time link: no account, no JavaScript needed. */
export const load: PageServerLoad = (event) => {
	event.setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
	return guarded(event, () => event.locals.services.surveys.open(event.params.space, event.params.token));
};

export const actions: Actions = {
	default: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.surveys.answer(event.params.space, event.params.token, Object.fromEntries([...data].filter(([, v]) => typeof v === 'string')));
			return { answered: true };
		}).then((result) => {
			// The link is spent now: the thank-you page lives at its own address.
			if ('answered' in result) redirect(303, '/q/thanks');
			return result;
		});
	}
};
