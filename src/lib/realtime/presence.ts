import type { OnlineList } from './common';

/**
 * The others in a presence list, as a sentence shows them: the names of those listed, and how many
 * more (discreet members, who come without name or id, and those past the listed few). Every list
 * counts its reader once (common.ts), discreet or not, listed or not.
 */
export function othersOnline(list: OnlineList | undefined, meId: string | null | undefined): { named: string[]; unnamed: number } {
	if (!list) return { named: [], unnamed: 0 };
	const named = list.online.flatMap((m) => (m.displayName !== null && m.userId !== meId ? [m.displayName] : []));
	return { named, unnamed: Math.max(0, list.count - 1 - named.length) };
}
