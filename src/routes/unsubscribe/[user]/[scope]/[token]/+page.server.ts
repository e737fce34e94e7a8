import { act, load as guarded } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

const input = (params: { user: string; scope: string; token: string }) => ({ userId: params.user, scope: params.scope, token: params.token });

/** Opening the link asks for a click (link scanners must not unsubscribe anyone); a mail client's RFC 8058 one-click POST lands on the action directly. */
export const load: PageServerLoad = (event) => guarded(event, async () => ({ scope: (await event.locals.services.mail.checkUnsubscribe(input(event.params))).scope }));

export const actions: Actions = {
	default: async (event) => {
		const data = await event.request.formData().catch(() => new FormData());
		return act(event, data, async () => ({ done: (await event.locals.services.mail.unsubscribe(input(event.params))).scope }));
	}
};
