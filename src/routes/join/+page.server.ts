import { redirect } from '@sveltejs/kit';
import { normalizeCode } from '$lib/server/auth/passphrase';
import type { PageServerLoad } from './$types';

/** The code form submits by GET, so it works without JavaScript and the URL can be shared. */
export const load: PageServerLoad = ({ url }) => {
	const code = url.searchParams.get('code');
	if (code && normalizeCode(code).length >= 4) redirect(303, `/join/${encodeURIComponent(normalizeCode(code))}`);
	return { tried: code !== null };
};
