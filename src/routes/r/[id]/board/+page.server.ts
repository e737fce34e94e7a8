import { COLUMN_CARDS, statuses, type ProposalStatus } from '$lib/domain/lifecycle';
import { boardActions } from '$lib/server/boards/actions';
import { load as guarded } from '$lib/server/forms';
import { packCard } from '$lib/realtime/shown-card';
import type { Actions, PageServerLoad } from './$types';

const statusParam = (value: string | null): ProposalStatus | null => ((statuses as readonly string[]).includes(value ?? '') ? (value as ProposalStatus) : null);

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const whole = statusParam(event.url.searchParams.get('all'));
		const board = await services.proposals.board(user, event.params.id, { perColumn: COLUMN_CARDS, whole, q: event.url.searchParams.get('q') ?? '' });
		// Without JavaScript the phone's column switcher is a set of links (?col=…). A search opens on the
		// first column that has what it found.
		const found = board.q ? statuses.find((s) => board.columns[s] > 0) : undefined;
		const column: ProposalStatus = statusParam(event.url.searchParams.get('col')) ?? whole ?? found ?? 'idea';
		// How many cards of each column are not on the page (the link under the column shows them).
		const more = { ...board.columns };
		for (const c of board.cards) more[c.status]--;
		// Only what the page shows of each card goes into its HTML (ShownCard: the service reads no more),
		// without the fields at their usual value (packCard).
		return { residence: board.residence, cards: board.cards.map(packCard), more, whole, q: board.q, can: board.can, column, me: user!.id, created: event.url.searchParams.get('created') };
	});

export const actions: Actions = boardActions;
