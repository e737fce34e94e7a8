import { redirect } from '@sveltejs/kit';
import { isLocale } from '$lib/i18n';
import { setReadingCookies } from '$lib/server/auth/cookies';
import { safeRedirect } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

/**
 * The header's language menu and easy-read switch. The choice is this device's (cookie) and becomes the
 * account's default for devices that have not chosen yet; another device that has chosen keeps its own.
 */
export const actions: Actions = {
	default: async ({ request, cookies, locals, url }) => {
		const data = await request.formData();
		const locale = data.get('locale');
		if (isLocale(locale)) {
			await locals.services.spaces.setLocale(locals.user, locale);
			setReadingCookies(cookies, { locale }, url);
		}
		const easy = data.get('easyRead');
		if (easy === '1' || easy === '0') {
			const easyRead = await locals.services.spaces.setEasyRead(locals.user, easy);
			setReadingCookies(cookies, { easyRead }, url);
		}
		redirect(303, safeRedirect(data.get('redirectTo'), url));
	}
};
