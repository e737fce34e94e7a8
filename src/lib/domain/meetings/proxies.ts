/**
 * Proxies: a member who cannot come entrusts their voice to another member. No proxy to oneself,
 * no chains (a holder cannot pass on, a giver cannot hold), never more than the body allows.
 */
import type { MeetingCheck } from './state';

export interface ProxyLink {
	giverId: string;
	holderId: string;
}

export function checkProxy(
	giverId: string,
	holderId: string,
	existing: readonly ProxyLink[],
	memberIds: ReadonlySet<string>,
	limit: number
): MeetingCheck<ProxyLink> {
	if (giverId === holderId) return { ok: false, code: 'proxySelf' };
	if (!memberIds.has(giverId) || !memberIds.has(holderId)) return { ok: false, code: 'proxyNotMember' };
	// The giver's earlier proxy is replaced, so it does not count against anyone.
	const others = existing.filter((p) => p.giverId !== giverId);
	if (others.some((p) => p.giverId === holderId)) return { ok: false, code: 'proxyChain' };
	if (others.some((p) => p.holderId === giverId)) return { ok: false, code: 'proxyChain' };
	if (others.filter((p) => p.holderId === holderId).length >= limit) return { ok: false, code: 'proxyLimit' };
	return { ok: true, value: { giverId, holderId } };
}
