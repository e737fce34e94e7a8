import { redirect } from '@sveltejs/kit';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { act } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (!locals.user) redirect(303, '/login');
	return { username: locals.user.username, email: locals.user.email, discreet: locals.user.discreet };
};

export const actions: Actions = {
	password: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const { token, session } = await event.locals.services.auth.changePassword(event.locals.user, {
				current: data.get('current'),
				next: data.get('next'),
				confirm: data.get('confirm')
			});
			setSessionCookie(event.cookies, token, session.expiresAt, event.url);
			return { passwordChanged: true };
		});
	},
	discretion: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.spaces.setDiscreet(event.locals.user, data.get('discreet') === 'on');
			return { discretionSaved: true };
		});
	}
};
