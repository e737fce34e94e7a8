import { error } from '@sveltejs/kit';
import { readFile } from 'node:fs/promises';
import { load as guarded } from '$lib/server/forms';
import type { RequestHandler } from './$types';

/** Photos are members-only, like the board: served through the policy, never from a static folder. */
export const GET: RequestHandler = async (event) => {
	const path = await guarded(event, () => event.locals.services.proposals.photoPath(event.locals.user, event.params.pid));
	const body = await readFile(path).catch(() => error(404, 'error.notFound'));
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'image/webp',
			'cache-control': 'private, max-age=3600',
			'x-content-type-options': 'nosniff'
		}
	});
};
