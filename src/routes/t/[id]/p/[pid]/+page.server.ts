import { error } from '@sveltejs/kit';
import { translator } from '$lib/i18n';
import { act, formText, load as guarded } from '$lib/server/forms';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const view = await event.locals.services.practice.session(event.locals.user, event.params.pid);
		// A session of another training is not found here.
		if (view.session.trainingId !== event.params.id) error(404, { message: translator(event.locals.locale)('error.notFound'), code: 'error.notFound' });
		return view;
	});

type Practice = App.Locals['services']['practice'];
/** One trainer control: runs the service call, then the page reloads with the new state. */
const control = (fn: (practice: Practice, event: RequestEvent, data: FormData) => unknown, done: string) => async (event: RequestEvent) => {
	const data = await event.request.formData();
	return act(event, data, async () => {
		await fn(event.locals.services.practice, event, data);
		return { done: translator(event.locals.locale)(done as never) };
	});
};

export const actions: Actions = {
	pause: control((p, e) => p.pause(e.locals.user, e.params.pid), 'practice.done.paused'),
	resume: control((p, e) => p.resume(e.locals.user, e.params.pid), 'practice.done.resumed'),
	reset: control((p, e, d) => p.reset(e.locals.user, e.params.pid, { confirm: formText(d, 'confirm') }), 'practice.done.reset'),
	end: control((p, e) => p.end(e.locals.user, e.params.pid), 'practice.done.ended'),
	step: control((p, e, d) => p.step(e.locals.user, e.params.pid, { stepKey: formText(d, 'stepKey') }), 'practice.done.step'),
	assign: control((p, e, d) => p.assign(e.locals.user, e.params.pid, { userId: formText(d, 'userId'), roleKey: formText(d, 'roleKey') }), 'practice.done.assigned'),
	add: control((p, e, d) => p.add(e.locals.user, e.params.pid, { userId: formText(d, 'userId'), kind: formText(d, 'kind') }), 'practice.done.added')
};
