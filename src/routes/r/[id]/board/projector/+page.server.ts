import QRCode from 'qrcode';
import { COLUMN_CARDS } from '$lib/domain/lifecycle';
import { config } from '$lib/server/config';
import { load as guarded } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

/**
 * The projector view is opened by a signed-in member (in practice the facilitator running the
 * meeting) on the room's laptop: it reads the board with that person's rights, so no new kind of
 * access exists. The QR code leads people in the room to the board itself on their phones.
 */
export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		// The top of each column, as the board shows it at first: a room reads a few cards, not hundreds.
		const board = await services.proposals.board(user, event.params.id, { perColumn: COLUMN_CARDS });
		const url = `${config().ORIGIN ?? event.url.origin}/r/${event.params.id}/board`;
		const qr = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1, color: { dark: '#000000', light: '#ffffff' } });
		return {
			residence: board.residence,
			// The projector shows what every member may see, never a moderator's view of hidden text.
			cards: board.cards.map((c) => ({ id: c.id, title: c.hidden ? '' : c.title, hidden: c.hidden, status: c.status, position: c.position, category: c.category, supports: c.supports, volunteers: c.volunteers })),
			/** How many cards each column holds, with those not shown. */
			columns: board.columns,
			url,
			qr
		};
	});
