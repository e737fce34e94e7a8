import QRCode from 'qrcode';
import { load as guarded } from '$lib/server/forms';
import { config } from '$lib/server/config';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const codes = await services.admin.listJoinCodes(user, event.params.id);
		const code = codes.find((c) => c.code === event.params.code && !c.revokedAt);
		if (!code) await services.auth.joinInfo(event.params.code); // throws the right "invalid code" error
		const view = await services.spaces.residence(user, event.params.id);
		const origin = config().ORIGIN ?? event.url.origin;
		const url = `${origin}/join/${event.params.code}`;
		const qr = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
		return { residence: view.residence.name, code: event.params.code, url, qr, expiresAt: code?.expiresAt ?? null };
	});
