import { load as guarded } from '$lib/server/forms';
import { serveAudio } from '$lib/server/uploads/serve-audio';
import type { RequestHandler } from './$types';

/** An answer said out loud, for those who see the survey's results, from the respondent floor only (asked on every request). */
export const GET: RequestHandler = async (event) => {
	const { path, mime } = await guarded(event, () => event.locals.services.surveys.voiceFile(event.locals.user, event.params.sid, event.params.vid));
	return serveAudio(path, mime, event.request);
};
