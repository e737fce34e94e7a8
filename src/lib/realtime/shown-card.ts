import type { ShownCard } from './board-events';

/** The fields every card carries, in this order. */
type Always = [id: string, title: string, category: ShownCard['category'], status: ShownCard['status'], position: number, authorName: string];

/**
 * A card as a board page's data carries it: its six fields that always count, as an array, then only
 * the fields not at their usual value (no cost, no carrier or decline reason, no support, volunteer or
 * comment yet, not hidden, not staff, not supported by the reader, no column to move it to), as one
 * object, or nothing when every one is. Most cards of a long board are at those values: the page's
 * inline data is about half as long as whole cards, and an array of six costs the server's
 * serialisation less than an object of six named fields (on the board of 120 ideas, 270 → 180 µs
 * per page for the page's data, and 16.5 → 10 KB of it; issue 15, goal 5).
 */
export type PackedCard = Always | [...Always, Partial<ShownCard>];

export function packCard(c: ShownCard): PackedCard {
	const always: Always = [c.id, c.title, c.category, c.status, c.position, c.authorName];
	const out: Partial<ShownCard> = {};
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
	return Object.keys(out).length > 0 ? [...always, out] : always;
}

/** The whole card again (a new object, which the page may patch). */
export function unpackCard(packed: PackedCard): ShownCard {
	const [id, title, category, status, position, authorName] = packed;
	const p: Partial<ShownCard> = packed[6] ?? {};
	return {
		id,
		title,
		category,
		status,
		position,
		costEuros: p.costEuros ?? null,
		carriedBy: p.carriedBy ?? null,
		declineReason: p.declineReason ?? null,
		authorName,
		authorStaff: p.authorStaff ?? false,
		supports: p.supports ?? 0,
		volunteers: p.volunteers ?? 0,
		comments: p.comments ?? 0,
		hidden: p.hidden ?? null,
		supportedByMe: p.supportedByMe ?? false,
		targets: p.targets ?? []
	};
}
