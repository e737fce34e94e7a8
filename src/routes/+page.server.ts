import { onlineNow } from '$lib/server/realtime/online-now';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const [spaces, organisations, online] = await Promise.all([
		locals.services.spaces.mySpaces(locals.user),
		locals.services.spaces.publicOrganisations(),
		// Who is online, in the page: the line does not change (nor its height) when the connection brings it.
		onlineNow(locals.user)
	]);
	return { spaces, organisations, online };
};
