import { load as guarded } from '$lib/server/forms';
import { minutesIn } from '$lib/server/minutes/routes';
import { renderMinutes } from '$lib/minutes-render';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) =>
	guarded(event, async () => {
		const view = await minutesIn(event);
		const latest = view.versions.at(-1) ?? null;
		return { title: view.meeting.title, html: renderMinutes(latest?.record.content ?? view.markdown), version: latest ? { sequence: latest.sequence, hash: latest.hash, previousHash: latest.previousHash } : null, status: view.status, back: `/b/${view.meeting.bodyId}/meetings/${view.meeting.id}/minutes` };
	});
