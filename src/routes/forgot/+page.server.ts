import { act, clientIp } from '$lib/server/forms';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.mail.requestPasswordReset({ email: data.get('email') }, clientIp(event));
			return { sent: true };
		});
	}
};
