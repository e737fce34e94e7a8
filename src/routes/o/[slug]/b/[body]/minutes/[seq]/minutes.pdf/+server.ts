import { z } from 'zod';
import { translator } from '$lib/i18n';
import { load as guarded } from '$lib/server/forms';
import { pdfFile, pdfLabels } from '$lib/server/minutes/pdf';
import { minutesError } from '$lib/server/services/minutes/context';
import type { RequestHandler } from './$types';

const seq = z.coerce.number().int().min(1).max(1_000_000);

/** No account: a published version of a public body's minutes as a PDF, its hash on every page (the portal's door). */
export const GET: RequestHandler = (event) =>
	guarded(event, async () => {
		const n = seq.safeParse(event.params.seq);
		if (!n.success) throw minutesError('notFound');
		const { body, version } = await event.locals.services.minutes.portal.version(event.params.slug, event.params.body, n.data);
		return pdfFile({ title: `${body.name} — ${version.record.sequence}`, markdown: version.record.content, version: version.record, labels: pdfLabels(translator(event.locals.locale)) }, `pv-${event.params.body}`);
	});
