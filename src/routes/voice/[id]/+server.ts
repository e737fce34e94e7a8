import { load as guarded } from '$lib/server/forms';
import { serveAudio } from '$lib/server/uploads/serve-audio';
import type { RequestHandler } from './$types';

/** A voice comment's sound, for members of its space only (asked of the policy on every request, never a static folder). */
export const GET: RequestHandler = async (event) => {
	const { path, mime } = await guarded(event, () => event.locals.services.voice.file(event.locals.user, event.params.id));
	return serveAudio(path, mime, event.request);
};
