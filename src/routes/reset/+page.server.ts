import { redirect } from '@sveltejs/kit';
import { beginSession } from '$lib/server/auth/cookies';
import { act, clientIp } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({ code: url.searchParams.get('code') ?? '' });

export const actions: Actions = {
	default: async (event) => {
		const data = await event.request.formData();
		const result = await act(event, data, async () => {
			const done = await event.locals.services.auth.redeemReset({ code: data.get('code'), password: data.get('password') }, clientIp(event));
			await beginSession(event, done);
			return null;
		});
		if (result) return result;
		redirect(303, '/welcome');
	}
};
