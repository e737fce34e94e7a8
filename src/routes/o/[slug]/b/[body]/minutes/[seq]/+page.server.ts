import { z } from 'zod';
import { load as guarded } from '$lib/server/forms';
import { renderMinutes } from '$lib/minutes-render';
import { minutesError } from '$lib/server/services/minutes/context';
import type { PageServerLoad } from './$types';

const seq = z.coerce.number().int().min(1).max(1_000_000);

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const n = seq.safeParse(event.params.seq);
		if (!n.success) throw minutesError('notFound');
		const { body, version } = await event.locals.services.minutes.portal.version(event.params.slug, event.params.body, n.data);
		return { bodyName: body.name, record: version.record, html: renderMinutes(version.record.content), back: `/o/${event.params.slug}/b/${event.params.body}` };
	});
