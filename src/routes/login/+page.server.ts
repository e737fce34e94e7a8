import { redirect } from '@sveltejs/kit';
import { beginSession } from '$lib/server/auth/cookies';
import { act, clientIp } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.user) redirect(303, '/');
};

export const actions: Actions = {
	default: async (event) => {
		const data = await event.request.formData();
		const result = await act(event, data, async () => {
			const { token, session } = await event.locals.services.auth.signIn(
				{ username: data.get('username'), password: data.get('password') },
				clientIp(event)
			);
			beginSession(event, { token, session });
			return null;
		});
		if (result) return result;
		redirect(303, '/');
	}
};
