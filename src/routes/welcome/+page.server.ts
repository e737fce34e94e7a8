import { redirect } from '@sveltejs/kit';
import { takeWelcomePassphrase } from '$lib/server/welcome-flash';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, cookies }) => {
	if (!locals.user) redirect(303, '/login');
	const { services, user } = locals;
	const residence = (await services.spaces.mySpaces(user)).find((s) => s.type === 'residence') ?? null;
	// The first screen after joining leads to the residence's ideas and to the votes open now.
	const openVotes = residence ? (await services.consultations.list(user, { type: 'residence', id: residence.id })).items.filter((c) => c.status === 'open' && !c.voted) : [];
	return {
		username: user.username,
		passphrase: takeWelcomePassphrase(cookies),
		residence: residence ? { id: residence.id, name: residence.name } : null,
		openVotes: openVotes.slice(0, 5).map((c) => ({ id: c.id, question: c.question }))
	};
};
