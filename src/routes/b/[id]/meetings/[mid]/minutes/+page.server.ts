import { load as guarded } from '$lib/server/forms';
import { minutesAction, minutesIn } from '$lib/server/minutes/routes';
import { renderMinutes } from '$lib/minutes-render';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const view = await minutesIn(event);
		const latest = view.versions.at(-1) ?? null;
		return { ...view, html: renderMinutes(latest?.record.content ?? view.markdown), latest, me: event.locals.user?.id ?? null };
	});

export const actions: Actions = {
	addCoEditor: minutesAction((m, u, i) => m.setCoEditor(u, i, true), 'minutes.saved'),
	removeCoEditor: minutesAction((m, u, i) => m.setCoEditor(u, i, false), 'minutes.saved'),
	submit: minutesAction((m, u, i) => m.submit(u, i), 'minutes.submitted'),
	closeWindow: minutesAction((m, u, i) => m.closeWindow(u, i), 'minutes.saved'),
	amend: minutesAction((m, u, i) => m.proposeAmendment(u, i), 'minutes.amendment.sent'),
	decide: minutesAction((m, u, i) => m.decideAmendment(u, i), 'minutes.saved'),
	adopt: minutesAction((m, u, i) => m.adopt(u, i), 'minutes.adopted'),
	scheduleVote: minutesAction((m, u, i) => m.scheduleAdoptionVote(u, i), 'minutes.voteScheduled'),
	publish: minutesAction((m, u, i) => m.publish(u, i), 'minutes.publishedNow'),
	correct: minutesAction((m, u, i) => m.correct(u, i), 'minutes.corrected')
};
