import { loadActor, type SessionUser } from '../auth/session';
import type { Data } from '../db/data';

/**
 * The demo's people as actors, read once up front (loading an actor is async; the seeds' builders
 * want them at hand). Read after the roles they act with were given: a seed that grants roles on
 * the way (practice runs) loads the person again instead.
 */
export async function demoActors(data: Data, userIds: ReadonlyMap<string, string>): Promise<(username: string) => SessionUser> {
	const actors = new Map<string, SessionUser>();
	for (const [username, id] of userIds) {
		const user = await loadActor(data, id);
		if (user) actors.set(username, user);
	}
	return (username) => {
		const user = actors.get(username);
		if (!user) throw new Error(`demo user ${username} missing`);
		return user;
	};
}
