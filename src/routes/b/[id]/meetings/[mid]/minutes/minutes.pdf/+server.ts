import { translator } from '$lib/i18n';
import { load as guarded } from '$lib/server/forms';
import { minutesIn } from '$lib/server/minutes/routes';
import { pdfFile, pdfLabels } from '$lib/server/minutes/pdf';
import type { RequestHandler } from './$types';

/** The minutes as a PDF, through the same door as the Markdown: the latest published version with its hash on every page, or the current text before that. */
export const GET: RequestHandler = (event) =>
	guarded(event, async () => {
		const view = await minutesIn(event);
		const latest = view.versions.at(-1);
		return pdfFile({ title: view.meeting.title, markdown: view.markdown, version: latest ? latest.record : null, labels: pdfLabels(translator(event.locals.locale)) }, `pv-${view.meeting.id}`);
	});
