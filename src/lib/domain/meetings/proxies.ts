/**
 * Proxies: a member who cannot come entrusts their voice to another member. No proxy to oneself,
 * no chains (a holder cannot pass on, a giver cannot hold), never more than the body allows, and,
 * when the body keeps proxies within colleges, only to a member of the giver's own college.
 */
import type { MeetingCheck } from './state';

export interface ProxyLink {
	giverId: string;
	holderId: string;
}

/** The body's rule: `across` lets a proxy go to any member; otherwise it stays within the giver's college. */
export interface ProxyColleges {
	across: boolean;
	/** Each member's college (seat holders); a member without one (a substitute with no seat) has none. */
	collegeOf: ReadonlyMap<string, string>;
}

/**
 * Whether the body's college rule lets `giver` entrust her voice to `holder`. Within colleges, both
 * need a college and it must be the same one: a holder with no seat of her own is nobody's colleague.
 */
export function proxyCollegeAllowed(across: boolean, giverCollege: string | null | undefined, holderCollege: string | null | undefined): boolean {
	return across || (!!giverCollege && giverCollege === holderCollege);
}

export function checkProxy(
	giverId: string,
	holderId: string,
	existing: readonly ProxyLink[],
	memberIds: ReadonlySet<string>,
	limit: number,
	colleges: ProxyColleges = { across: true, collegeOf: new Map() }
): MeetingCheck<ProxyLink> {
	if (giverId === holderId) return { ok: false, code: 'proxySelf' };
	if (!memberIds.has(giverId) || !memberIds.has(holderId)) return { ok: false, code: 'proxyNotMember' };
	if (!proxyCollegeAllowed(colleges.across, colleges.collegeOf.get(giverId), colleges.collegeOf.get(holderId))) return { ok: false, code: 'proxyCollege' };
	// The giver's earlier proxy is replaced, so it does not count against anyone.
	const others = existing.filter((p) => p.giverId !== giverId);
	if (others.some((p) => p.giverId === holderId)) return { ok: false, code: 'proxyChain' };
	if (others.some((p) => p.holderId === giverId)) return { ok: false, code: 'proxyChain' };
	if (others.filter((p) => p.holderId === holderId).length >= limit) return { ok: false, code: 'proxyLimit' };
	return { ok: true, value: { giverId, holderId } };
}
