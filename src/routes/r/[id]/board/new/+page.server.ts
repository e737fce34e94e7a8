import { redirect } from '@sveltejs/kit';
import { act, load as guarded } from '$lib/server/forms';
import { requireBeforeUpload } from '$lib/server/http/body';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, () => {
		const { services, user } = event.locals;
		return services.proposals.proposeForm(user, event.params.id);
	});

export const actions: Actions = {
	default: async (event) => {
		requireBeforeUpload(event, 'proposal.create', { type: 'residence', id: event.params.id });
		const data = await event.request.formData();
		const photo = data.get('photo');
		const bytes = photo instanceof File && photo.size > 0 ? new Uint8Array(await photo.arrayBuffer()) : null;
		data.delete('photo');
		const result = await act(event, data, async () => {
			const input = Object.fromEntries([...data].filter(([, v]) => typeof v === 'string'));
			return event.locals.services.proposals.propose(event.locals.user, { ...input, residenceId: event.params.id }, bytes);
		});
		if ('id' in result) redirect(303, `/r/${event.params.id}/board?created=${result.id}`);
		return result;
	}
};
