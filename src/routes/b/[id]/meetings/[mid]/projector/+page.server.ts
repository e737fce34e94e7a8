import QRCode from 'qrcode';
import { config } from '$lib/server/config';
import { load as guarded } from '$lib/server/forms';
import { meetingIn } from '$lib/server/meetings/routes';
import type { PageServerLoad } from './$types';

/**
 * Opened by a signed-in member on the room's laptop, with that person's rights. The QR code leads
 * members in the room to the meeting room on their phones (they sign in there as themselves).
 */
export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		await meetingIn(event);
		const room = await event.locals.services.meetings.roomState(event.locals.user, event.params.mid);
		const url = `${config().ORIGIN ?? event.url.origin}/b/${event.params.id}/meetings/${event.params.mid}/room`;
		const qr = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1, color: { dark: '#000000', light: '#ffffff' } });
		return { room, url, qr };
	});
