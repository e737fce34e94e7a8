import { redirect } from '@sveltejs/kit';
import { act, formText, load as guarded } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const space = await services.spaces.training(user, event.params.id);
		return { ...space, practice: await services.practice.overview(user, event.params.id), anonymisable: await services.practice.anonymisable(user, event.params.id), me: user?.id ?? null };
	});

/** A scenario file as uploaded, or pasted as text (the form offers both; the file wins). */
async function scenarioUpload(data: FormData): Promise<string | Uint8Array> {
	const file = data.get('file');
	if (file instanceof File && file.size > 0) {
		// Read at most one byte past the limit: the service refuses anything larger without parsing it.
		const bytes = new Uint8Array(await file.slice(0, 200_001).arrayBuffer());
		return bytes;
	}
	return formText(data, 'json') ?? '';
}

export const actions: Actions = {
	join: async (event) => {
		const data = await event.request.formData();
		const result = await act(event, data, () => event.locals.services.practice.join(event.locals.user, event.params.id, { code: formText(data, 'code') }));
		if (result && 'id' in result) redirect(303, `/t/${event.params.id}/p/${result.id}`);
		return result;
	},
	start: async (event) => {
		const data = await event.request.formData();
		const result = await act(event, data, () =>
			event.locals.services.practice.start(event.locals.user, event.params.id, { scenarioId: formText(data, 'scenarioId'), title: formText(data, 'title') })
		);
		if (result && 'id' in result) redirect(303, `/t/${event.params.id}/p/${result.id}`);
		return result;
	},
	anonymise: async (event) => {
		const data = await event.request.formData();
		const result = await act(event, data, () => event.locals.services.practice.importResidence(event.locals.user, event.params.id, formText(data, 'residenceId') ?? ''));
		if (result && 'id' in result) redirect(303, `/t/${event.params.id}/scenarios/${result.id}`);
		return result;
	},
	duplicate: async (event) => {
		const data = await event.request.formData();
		const result = await act(event, data, () => event.locals.services.practice.duplicateScenario(event.locals.user, event.params.id, formText(data, 'scenarioId') ?? ''));
		if (result && 'id' in result) redirect(303, `/t/${event.params.id}/scenarios/${result.id}`);
		return result;
	},
	import: async (event) => {
		const data = await event.request.formData();
		const raw = await scenarioUpload(data);
		const result = await act(event, data, () => event.locals.services.practice.importScenario(event.locals.user, event.params.id, raw));
		if (result && 'id' in result) redirect(303, `/t/${event.params.id}/scenarios/${result.id}`);
		return result;
	}
};
