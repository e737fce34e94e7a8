import type { OnlineList } from '$lib/realtime/events';
import type { SessionUser } from '../auth/session';
import { log } from '../log';
import { REALTIME_KEY } from '../process-slots';
import type { Realtime } from './hub';

/**
 * A page waits this long at most for the list (in a cluster, every node is asked): past it, the page
 * is served without, and the list arrives with the connection as before.
 */
export const ONLINE_WAIT_MS = 300;

/**
 * Who is online now in each of the user's spaces (space key → list), for a page the server
 * renders: what her socket's snapshot says once connected, read from this process's socket.io side
 * (hooks.server.ts attaches it). Empty without a user, where there is no socket.io side (a build run
 * without src/server.ts), when it fails, or past ONLINE_WAIT_MS.
 */
export async function onlineNow(user: SessionUser | null): Promise<Record<string, OnlineList>> {
	if (!user) return {};
	const realtime = (globalThis as Record<symbol, unknown>)[REALTIME_KEY] as Realtime | undefined;
	if (!realtime?.onlineFor) return {};
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<null>((resolve) => {
		timer = setTimeout(() => resolve(null), ONLINE_WAIT_MS);
	});
	try {
		const list = await Promise.race([realtime.onlineFor(user), late]);
		return list ? Object.fromEntries(list.map(({ key, ...rest }) => [key, rest])) : {};
	} catch (err) {
		log.warn('who is online: not in the page', { err: String(err) });
		return {};
	} finally {
		clearTimeout(timer);
	}
}
