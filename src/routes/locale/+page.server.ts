import { redirect } from '@sveltejs/kit';
import { isLocale } from '$lib/i18n';
import { setLocaleCookie } from '$lib/server/auth/cookies';
import { safeRedirect } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ request, cookies, locals, url }) => {
		const data = await request.formData();
		const locale = data.get('locale');
		if (isLocale(locale)) {
			locals.services.spaces.setLocale(locals.user, locale);
			setLocaleCookie(cookies, locale, url);
		}
		redirect(303, safeRedirect(data.get('redirectTo'), url));
	}
};
