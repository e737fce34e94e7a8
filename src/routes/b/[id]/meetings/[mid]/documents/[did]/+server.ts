import { error } from '@sveltejs/kit';
import { readFile } from 'node:fs/promises';
import { load as guarded } from '$lib/server/forms';
import type { RequestHandler } from './$types';

/**
 * An agenda document, for the body's members only (asked through the policy, as they are now);
 * always a download, never rendered by the browser on our origin.
 */
export const GET: RequestHandler = async (event) => {
	const doc = await guarded(event, () => event.locals.services.meetings.documentFile(event.locals.user, { meetingId: event.params.mid, documentId: event.params.did }));
	if (doc.bodyId !== event.params.id) error(404, 'error.notFound');
	const body = await readFile(doc.path).catch(() => error(404, 'error.notFound'));
	const ascii = doc.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': doc.mime,
			'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(doc.name)}`,
			'cache-control': 'private, no-store',
			'x-content-type-options': 'nosniff'
		}
	});
};
