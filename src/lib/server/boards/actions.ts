import type { RequestEvent } from '@sveltejs/kit';
import { act, formText } from '../forms';

/**
 * Form actions shared by the board and the proposal page: the same forms work there with and
 * without JavaScript, and the answer says what changed so the page can offer "Undo".
 */
export const boardActions = {
	support: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => ({ support: await event.locals.services.proposals.setSupport(event.locals.user, { proposalId: formText(data, 'proposalId'), on: formText(data, 'on') }) }));
	},
	volunteer: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => ({ volunteer: await event.locals.services.proposals.setVolunteer(event.locals.user, { proposalId: formText(data, 'proposalId'), on: formText(data, 'on') }) }));
	},
	move: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const input = { proposalId: formText(data, 'proposalId'), status: formText(data, 'status'), reason: formText(data, 'reason'), index: formText(data, 'index') };
			const { eventId } = await event.locals.services.proposals.move(event.locals.user, input);
			return { moved: { eventId, proposalId: String(input.proposalId), status: String(input.status) } };
		});
	},
	undo: async (event: RequestEvent) => {
		const data = await event.request.formData();
		return act(event, data, async () => ({ undone: await event.locals.services.proposals.undo(event.locals.user, { eventId: formText(data, 'eventId') }) }));
	}
};
