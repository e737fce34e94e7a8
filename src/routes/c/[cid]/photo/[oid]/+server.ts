import { error } from '@sveltejs/kit';
import { readFile } from 'node:fs/promises';
import { load as guarded } from '$lib/server/forms';
import type { RequestHandler } from './$types';

/** An option's photo (a bench model...): members only, like the consultation itself. */
export const GET: RequestHandler = async (event) => {
	const path = await guarded(event, () => event.locals.services.consultations.photoPath(event.locals.user, event.params.cid, event.params.oid));
	const body = await readFile(path).catch(() => error(404, 'error.notFound'));
	return new Response(new Uint8Array(body), {
		headers: { 'content-type': 'image/webp', 'cache-control': 'private, max-age=3600', 'x-content-type-options': 'nosniff' }
	});
};
