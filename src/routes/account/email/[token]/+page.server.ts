import { act } from '$lib/server/forms';
import type { Actions } from './$types';

// Opening the link only shows a button: mail scanners that fetch links must not confirm for the reader.
export const actions: Actions = {
	default: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => ({ confirmed: (await event.locals.services.mail.confirmAddress({ token: event.params.token })).email }));
	}
};
