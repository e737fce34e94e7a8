import { redirect } from '@sveltejs/kit';
import { act, formText, load as guarded } from '$lib/server/forms';
import type { SpaceRef } from '$lib/domain/policy';
import type { Actions, PageServerLoad } from './$types';

const space = (params: { type: string; id: string }) => ({ type: params.type, id: params.id }) as SpaceRef;

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const { services, user } = event.locals;
		const { surveys, activities, indicators } = await services.surveys.list(user, space(event.params));
		const buildings = event.params.type === 'residence' ? (await services.spaces.residence(user, event.params.id)).buildings.map((b) => ({ id: b.id, name: b.name })) : [];
		return { list: surveys, activities, indicators, buildings, space: space(event.params) };
	});

export const actions: Actions = {
	create: async (event) => {
		const data = await event.request.formData();
		const result = await act(event, data, async () => {
			const questions = [1, 2, 3]
				.map((i) => ({ prompt: formText(data, `prompt${i}`)?.trim() ?? '', kind: formText(data, `kind${i}`) ?? 'faces' }))
				.filter((q) => q.prompt);
			const opt = (name: string) => formText(data, name) || undefined;
			return event.locals.services.surveys.create(event.locals.user, {
				spaceType: event.params.type,
				spaceId: event.params.id,
				template: formText(data, 'template'),
				title: formText(data, 'title'),
				audience: formText(data, 'audience'),
				buildingId: opt('buildingId'),
				activityId: opt('activityId'),
				phase: opt('phase'),
				pairId: opt('pairId'),
				closesOn: formText(data, 'closesOn'),
				voice: data.get('voice') === 'on',
				questions
			});
		});
		if (result && 'id' in result) redirect(303, `/surveys/s/${result.id}`);
		return result;
	}
};
