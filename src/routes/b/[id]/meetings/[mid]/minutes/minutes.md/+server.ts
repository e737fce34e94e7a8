import { load as guarded } from '$lib/server/forms';
import { minutesIn } from '$lib/server/minutes/routes';
import { markdownFile } from '$lib/server/minutes/download';
import type { RequestHandler } from './$types';

/** The minutes as Markdown: the latest published version with its hash, or the current text before that. */
export const GET: RequestHandler = (event) =>
	guarded(event, async () => {
		const view = await minutesIn(event);
		const latest = view.versions.at(-1);
		return markdownFile(latest ? latest.record : null, view.markdown, `pv-${view.meeting.id}`);
	});
