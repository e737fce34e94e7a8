import sharp from 'sharp';
import { boardActions } from '$lib/server/boards/actions';
import { act, formText, load as guarded } from '$lib/server/forms';
import { notFound } from '$lib/server/services/errors';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** The no-JS pin picker shows the plan at this fixed width, so click coordinates map to the plan. */
const PLAN_WIDTH = 280;

async function planFor(event: RequestEvent, residenceId: string) {
	const file = await event.locals.services.admin.sitePlanFile(event.locals.user, residenceId);
	if (!file) return null;
	const { width = 4, height = 3 } = await sharp(file).metadata();
	return { url: `/r/${residenceId}/site-plan?v=${encodeURIComponent(file.split('/').pop() ?? '')}`, width: PLAN_WIDTH, height: Math.round((PLAN_WIDTH * height) / width) };
}

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const view = await event.locals.services.proposals.proposal(event.locals.user, event.params.pid);
		if (view.residenceId !== event.params.id) throw notFound();
		// The live document is the description's source of truth once someone co-edited it; before
		// that it holds the text as proposed (the collab hub seeds it on first open).
		const descriptionText = view.redacted ? '' : (await event.locals.services.collab.readDescription(view.card.id)) || (view.description ?? '');
		return {
			...view,
			descriptionText,
			plan: await planFor(event, view.residenceId),
			pin: await event.locals.services.collab.pinOf(view.card.id),
			/** Votes about this idea (as an answer or as their subject): links to them. */
			votes: await event.locals.services.consultations.votesAbout(event.locals.user, view.card.id),
			me: event.locals.user!.id,
			voice: await event.locals.services.voice.list(event.locals.user, { type: 'proposal', id: view.card.id })
		};
	});

const run = <T,>(fn: (event: RequestEvent, data: FormData) => T) => async (event: RequestEvent) => {
	const data = await event.request.formData();
	return act(event, data, () => fn(event, data));
};

export const actions: Actions = {
	...boardActions,
	/** The plan is an `<input type="image">`: the browser sends where it was clicked, with or without JS. */
	pin: run(async (event, data) => {
		const plan = { width: PLAN_WIDTH, height: Number(data.get('planHeight')) };
		const remove = data.get('remove') === '1';
		const x = Number(data.get('pin.x')) / plan.width;
		const y = Number(data.get('pin.y')) / plan.height;
		return { pinned: await event.locals.services.collab.placePin(event.locals.user, event.params.pid, remove ? null : { x, y }) };
	}),
	editComment: run(async (event, data) => ({
		commentEdited: await event.locals.services.proposals.editComment(event.locals.user, { commentId: formText(data, 'commentId'), body: formText(data, 'body') })
	})),
	deleteComment: run(async (event, data) => ({
		commentDeleted: await event.locals.services.proposals.deleteComment(event.locals.user, { commentId: formText(data, 'commentId') })
	})),
	withdraw: run(async (event) => ({ withdrawn: await event.locals.services.proposals.withdraw(event.locals.user, { proposalId: event.params.pid }) })),
	restore: run(async (event) => ({ restored: await event.locals.services.proposals.restore(event.locals.user, { proposalId: event.params.pid }) })),
	comment: run(async (event, data) => ({
		commented: await event.locals.services.proposals.comment(event.locals.user, { proposalId: event.params.pid, body: formText(data, 'body'), parentId: formText(data, 'parentId') })
	})),
	edit: run(async (event, data) => ({
		edited: await event.locals.services.proposals.edit(event.locals.user, {
			proposalId: event.params.pid,
			title: formText(data, 'title'),
			category: formText(data, 'category'),
			costEuros: formText(data, 'costEuros'),
			carriedBy: formText(data, 'carriedBy')
		})
	})),
	hide: run(async (event, data) => {
		await event.locals.services.proposals.hideProposal(event.locals.user, { id: event.params.pid, reason: formText(data, 'reason') });
		return { hidden: true };
	}),
	unhide: run(async (event) => {
		await event.locals.services.proposals.unhideProposal(event.locals.user, { id: event.params.pid });
		return { unhidden: true };
	}),
	hideComment: run(async (event, data) => {
		await event.locals.services.proposals.hideComment(event.locals.user, { id: formText(data, 'commentId'), reason: formText(data, 'reason') });
		return { hidden: true };
	}),
	unhideComment: run(async (event, data) => {
		await event.locals.services.proposals.unhideComment(event.locals.user, { id: formText(data, 'commentId') });
		return { unhidden: true };
	})
};
