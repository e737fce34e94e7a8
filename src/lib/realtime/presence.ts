import type { OnlineMember } from './common';

/**
 * The others in a presence list. Discreet members come without id, so a discreet viewer removes
 * one anonymous entry for herself (the server lists each person once, however many tabs).
 */
export function othersOnline(online: readonly OnlineMember[], me: { id: string; discreet: boolean } | null | undefined): OnlineMember[] {
	const others = online.filter((m) => m.userId === null || m.userId !== me?.id);
	if (!me?.discreet) return others;
	const mine = others.findIndex((m) => m.userId === null);
	return mine === -1 ? others : others.filter((_, i) => i !== mine);
}
