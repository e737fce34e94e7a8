import QRCode from 'qrcode';
import { act, formText, load as guarded } from '$lib/server/forms';
import { config } from '$lib/server/config';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => guarded(event, () => event.locals.services.surveys.get(event.locals.user, event.params.sid));

export const actions: Actions = {
	send: async (event) => {
		const data = await event.request.formData();
		return act(event, data, () => event.locals.services.surveys.send(event.locals.user, event.params.sid));
	},
	links: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const { tokens, spaceId } = await event.locals.services.surveys.issueLinks(event.locals.user, event.params.sid, {
				count: formText(data, 'count'),
				buildingId: formText(data, 'buildingId') || undefined
			});
			const origin = config().ORIGIN ?? event.url.origin;
			const sheet = await Promise.all(
				tokens.map(async (token) => {
					const url = `${origin}/q/${spaceId}/${token}`;
					return { url, qr: await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }) };
				})
			);
			return { sheet };
		});
	}
};
