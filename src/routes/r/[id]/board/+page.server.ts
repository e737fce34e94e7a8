import { statuses, type ProposalStatus } from '$lib/domain/lifecycle';
import { boardActions } from '$lib/server/boards/actions';
import { load as guarded } from '$lib/server/forms';
import { packCard } from '$lib/realtime/shown-card';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const board = await services.proposals.board(user, event.params.id);
		const col = event.url.searchParams.get('col');
		// Without JavaScript the phone's column switcher is a set of links (?col=…).
		const column: ProposalStatus = (statuses as readonly string[]).includes(col ?? '') ? (col as ProposalStatus) : 'idea';
		// Only what the page shows of each card goes into its HTML (ShownCard: the service reads no more),
		// without the fields at their usual value (packCard).
		return { residence: board.residence, cards: board.cards.map(packCard), can: board.can, column, me: user!.id, created: event.url.searchParams.get('created') };
	});

export const actions: Actions = boardActions;
