import type { ProposalStatus } from '$lib/domain/lifecycle';
import { demoActors } from './actors';
import type { Services } from '../services';

interface DemoProposal {
	by: string;
	title: string;
	description?: string;
	category: string;
	costEuros?: number;
	carriedBy?: string;
	/** Steps a facilitator took, in order, so the history reads like a real one. */
	path?: ProposalStatus[];
	declineReason?: string;
	supporters?: string[];
	volunteers?: string[];
	comments?: { by: string; body: string; replies?: { by: string; body: string }[] }[];
}

/** L’Aventurière's board, drawn from the sources: the actions tenants of LMH residences asked for. */
const proposals: DemoProposal[] = [
	{
		by: 'karim',
		title: 'Un jardin partagé au pied du bâtiment B',
		description: 'Quelques bacs potagers sur la pelouse derrière le bâtiment B, avec un récupérateur d’eau de pluie. Les enfants pourraient aussi planter.',
		category: 'garden',
		costEuros: 1500,
		carriedBy: 'both',
		path: ['discussion', 'prioritised'],
		supporters: ['amina', 'josiane', 'karim'],
		volunteers: ['amina', 'josiane'],
		comments: [
			{ by: 'josiane', body: 'L’amicale peut prêter des outils et des graines pour commencer.', replies: [{ by: 'amina', body: 'Je veux bien m’occuper de l’arrosage en été.' }] },
			{ by: 'claire.martin@lmh.demo', body: 'Nous vérifions avec le service espaces verts où installer les bacs.' }
		]
	},
	{
		by: 'amina',
		title: 'Des bancs devant l’entrée du bâtiment A',
		description: 'Les personnes âgées attendent debout devant l’entrée. Deux bancs à l’ombre suffiraient.',
		category: 'furniture',
		costEuros: 1200,
		carriedBy: 'landlord',
		path: ['discussion'],
		supporters: ['karim', 'josiane'],
		comments: [{ by: 'claire.martin@lmh.demo', body: 'Nous demandons un devis au fournisseur de LMH.' }]
	},
	{
		by: 'josiane',
		title: 'Fête des voisins en juin',
		description: 'Un repas partagé au pied des immeubles, chacun apporte un plat.',
		category: 'festive',
		costEuros: 300,
		carriedBy: 'inhabitants',
		path: ['discussion', 'prioritised', 'planned'],
		supporters: ['amina', 'karim'],
		volunteers: ['amina', 'karim', 'josiane']
	},
	{
		by: 'amina',
		title: 'Une grainothèque et une outilthèque dans le local commun',
		description: 'Une étagère pour échanger des graines et prêter perceuse, échelle, outils de jardin.',
		category: 'tools',
		costEuros: 400,
		carriedBy: 'inhabitants',
		supporters: ['josiane']
	},
	{
		by: 'karim',
		title: 'Réparer l’éclairage du parking',
		description: 'Trois lampadaires sont éteints depuis l’hiver : on ne voit rien le soir.',
		category: 'repair',
		carriedBy: 'landlord',
		path: ['discussion', 'prioritised', 'planned', 'inProgress'],
		supporters: ['amina', 'josiane'],
		comments: [{ by: 'amina', body: 'Merci, c’est vraiment dangereux le soir.' }]
	},
	{ by: 'josiane', title: 'Un coin jeux pour les enfants près du bâtiment C', category: 'children', costEuros: 8000, carriedBy: 'both', supporters: ['karim'] },
	{
		by: 'karim',
		title: 'Repeindre le hall du bâtiment C',
		category: 'repair',
		carriedBy: 'landlord',
		path: ['declined'],
		declineReason: 'Les travaux du hall sont déjà prévus par LMH en 2027 : l’idée rejoint le plan d’entretien.'
	},
	{
		by: 'josiane',
		title: 'Nettoyage collectif des espaces verts',
		category: 'garden',
		carriedBy: 'inhabitants',
		path: ['discussion', 'planned', 'inProgress', 'done'],
		volunteers: ['josiane', 'karim'],
		supporters: ['amina']
	}
];

/** Fills a residence board through the services, as people would have, so history and counts add up. */
export async function seedBoards(services: Services, residenceId: string, userIds: ReadonlyMap<string, string>) {
	const actor = await demoActors(services.deps.data, userIds);
	const facilitator = actor('claire.martin@lmh.demo');
	// Oldest first, so the newest ideas end up on top of their column.
	for (const p of [...proposals].reverse()) {
		const { id } = await services.proposals.propose(actor(p.by), {
			residenceId,
			title: p.title,
			description: p.description,
			category: p.category,
			costEuros: p.costEuros,
			carriedBy: p.carriedBy
		});
		for (const username of p.supporters ?? []) await services.proposals.setSupport(actor(username), { proposalId: id, on: true });
		for (const username of p.volunteers ?? []) await services.proposals.setVolunteer(actor(username), { proposalId: id, on: true });
		for (const c of p.comments ?? []) {
			const top = await services.proposals.comment(actor(c.by), { proposalId: id, body: c.body });
			for (const r of c.replies ?? []) await services.proposals.comment(actor(r.by), { proposalId: id, body: r.body, parentId: top.id });
		}
		for (const status of p.path ?? []) await services.proposals.move(facilitator, { proposalId: id, status, reason: status === 'declined' ? p.declineReason : undefined });
	}
}
