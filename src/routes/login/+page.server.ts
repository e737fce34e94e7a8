import { redirect } from '@sveltejs/kit';
import { beginSession } from '$lib/server/auth/cookies';
import { act, clientIp, safeRedirect } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

// A guest sent here from a page she could not see goes back to it once signed in (same site only).
const back = (url: URL) => safeRedirect(url.searchParams.get('redirectTo'));

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, back(url));
};

export const actions: Actions = {
	default: async (event) => {
		const data = await event.request.formData();
		const result = await act(event, data, async () => {
			const { token, session } = await event.locals.services.auth.signIn(
				{ username: data.get('username'), password: data.get('password') },
				clientIp(event)
			);
			await beginSession(event, { token, session });
			return null;
		});
		if (result) return result;
		redirect(303, back(event.url));
	}
};
