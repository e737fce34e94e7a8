import { adminActions } from '$lib/server/auth/guard';
import { act } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

function space(value: FormDataEntryValue | null) {
	const [type, id] = String(value ?? '').split(':');
	return type && id ? { type, id } : undefined;
}

export const load: PageServerLoad = async ({ locals, url }) => {
	// The page and the search come from the address as typed; the service's schema makes sense of them.
	const query = { page: url.searchParams.get('page') ?? undefined, q: url.searchParams.get('q') ?? undefined };
	return { ...(await locals.services.admin.findUsers(locals.user, query)), spaces: await locals.services.admin.allSpaces(locals.user) };
};

export const actions: Actions = adminActions({
	assign: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.admin.assignRole(event.locals.user, {
				userId: data.get('userId'),
				space: space(data.get('space')),
				role: data.get('role'),
				collegeId: data.get('collegeId') || undefined
			});
			return { assigned: true };
		});
	},
	/** Takes a role back (given by mistake, or no longer held); the answer carries it, so that it can be given again at once. */
	remove: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			await event.locals.services.admin.removeRole(event.locals.user, { userId: data.get('userId'), space: space(data.get('space')), role: data.get('role') });
			const field = (name: string) => String(data.get(name) ?? '');
			return { removed: { userId: field('userId'), space: field('space'), role: field('role'), collegeId: field('collegeId') } };
		});
	},
	reset: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => ({ reset: await event.locals.services.auth.createAccessReset(event.locals.user, String(data.get('userId') ?? '')) }));
	},
	invite: async (event) => {
		const data = await event.request.formData();
		return act(event, data, async () => {
			const { token, expiresAt } = await event.locals.services.auth.createInvite(event.locals.user, {
				email: data.get('email'),
				space: space(data.get('space')),
				role: data.get('role') || undefined,
				collegeId: data.get('collegeId') || undefined,
				makeAdmin: data.get('makeAdmin') === 'on'
			});
			return { invite: { link: `${event.url.origin}/invite/${token}`, expiresAt } };
		});
	}
});
