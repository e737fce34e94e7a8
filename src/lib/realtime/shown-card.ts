import type { ShownCard } from './board-events';

/**
 * A card as a board page's data carries it: the fields at their usual value (no cost, no carrier or
 * decline reason, no support, volunteer or comment yet, not hidden, not staff, not supported by the
 * reader, no column to move it to) are left out. Most cards of a long board are at those values: the
 * page's inline data is about half as long, and the server's serialisation of it half as costly.
 */
export type PackedCard = Pick<ShownCard, 'id' | 'title' | 'category' | 'status' | 'position' | 'authorName'> & Partial<ShownCard>;

export function packCard(c: ShownCard): PackedCard {
	const out: PackedCard = { id: c.id, title: c.title, category: c.category, status: c.status, position: c.position, authorName: c.authorName };
	if (c.costEuros !== null) out.costEuros = c.costEuros;
	if (c.carriedBy !== null) out.carriedBy = c.carriedBy;
	if (c.declineReason !== null) out.declineReason = c.declineReason;
	if (c.authorStaff) out.authorStaff = true;
	if (c.supports !== 0) out.supports = c.supports;
	if (c.volunteers !== 0) out.volunteers = c.volunteers;
	if (c.comments !== 0) out.comments = c.comments;
	if (c.hidden !== null) out.hidden = c.hidden;
	if (c.supportedByMe) out.supportedByMe = true;
	if (c.targets.length > 0) out.targets = c.targets;
	return out;
}

/** The whole card again (a new object, which the page may patch). */
export function unpackCard(p: PackedCard): ShownCard {
	return {
		id: p.id,
		title: p.title,
		category: p.category,
		status: p.status,
		position: p.position,
		costEuros: p.costEuros ?? null,
		carriedBy: p.carriedBy ?? null,
		declineReason: p.declineReason ?? null,
		authorName: p.authorName,
		authorStaff: p.authorStaff ?? false,
		supports: p.supports ?? 0,
		volunteers: p.volunteers ?? 0,
		comments: p.comments ?? 0,
		hidden: p.hidden ?? null,
		supportedByMe: p.supportedByMe ?? false,
		targets: p.targets ?? []
	};
}
