import { redirect } from '@sveltejs/kit';
import { beginSession } from '$lib/server/auth/cookies';
import { act, load as guarded } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => guarded(event, async () => ({ invite: await event.locals.services.auth.inviteInfo(event.params.token) }));

export const actions: Actions = {
	default: async (event) => {
		const data = await event.request.formData();
		const result = await act(event, data, async () => {
			const done = await event.locals.services.auth.redeemInvite({
				token: event.params.token,
				displayName: data.get('displayName'),
				password: data.get('password')
			});
			await beginSession(event, done);
			return null;
		});
		if (result) return result;
		redirect(303, '/');
	}
};
