import { redirect } from '@sveltejs/kit';
import { generatePassphrase } from '$lib/server/auth/passphrase';
import { beginSession } from '$lib/server/auth/cookies';
import { act, clientIp, load as guarded } from '$lib/server/forms';
import { setWelcomePassphrase } from '$lib/server/welcome-flash';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => ({
		info: await event.locals.services.auth.joinInfo(event.params.code),
		suggestion: generatePassphrase(event.locals.services.deps.ids),
		signedIn: !!event.locals.user
	}));

export const actions: Actions = {
	default: async (event) => {
		const data = await event.request.formData();
		const result = await act(event, data, async () => {
			const joined = await event.locals.services.auth.join({
				code: event.params.code,
				displayName: data.get('displayName'),
				householdId: data.get('householdId') || undefined,
				password: data.get('password'),
				discreet: data.get('discreet') === 'on'
			}, clientIp(event));
			await beginSession(event, joined);
			setWelcomePassphrase(event.cookies, String(data.get('password') ?? ''), event.url);
			return joined;
		});
		if (result && 'username' in result) redirect(303, `/welcome`);
		return result;
	}
};
