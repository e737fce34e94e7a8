/**
 * Who a live connection belongs to *now*. A socket lives for hours; meanwhile its user can lose a
 * role, sign out or change password. Socket handlers never trust the user loaded at the handshake:
 * every incoming event asks `current(sessionId)`.
 *
 * Cheap by caching one entry per session, and still immediate: services signal on the bus when an
 * account's rights or sessions change (`account.changed`, `session.ended`), which drops the user's
 * entries and bumps the user's version (a recovered connection saved under an older version is
 * refused recovery). A change made without a signal is still caught: an entry is re-read after
 * `ttlMs`, and a re-read that finds different roles or name counts as a change.
 */
import { currentSession, type SessionUser } from '../auth/session';
import type { Db } from '../db';
import type { Clock } from '../ids';
import type { EventBus } from './bus';

export const LIVE_AUTH_TTL_MS = 15_000;

interface Entry {
	user: SessionUser | null;
	expiresAt: number;
	loadedAt: number;
	fingerprint: string;
}

export interface LiveAuth {
	/** The session's user as of now, or null once the session ended or expired. */
	current(sessionId: string): SessionUser | null;
	/** Grows whenever the user's rights or sessions change. */
	version(userId: string): number;
	/** Called after a user's entries were dropped, so connections can re-check at once. */
	onChange(listener: (userId: string) => void): () => void;
	close(): void;
}

/** What a live connection depends on: if any of it moves, its rooms and presence are re-checked. */
function fingerprint(user: SessionUser): string {
	const roles = [...user.roles.entries()].map(([k, r]) => `${k}=${[...r].sort().join('+')}`).sort();
	// A space's rules are part of what the policy reads (what the association may do there).
	const rules = [...(user.spaceRules ?? new Map()).entries()].map(([k, r]) => `${k}=${r.association}`).sort();
	return JSON.stringify([user.isAdmin, user.discreet, user.displayName, user.locale, roles, rules]);
}

export function createLiveAuth(deps: { db: Db; clock: Clock; bus: EventBus }, ttlMs = LIVE_AUTH_TTL_MS): LiveAuth {
	const { db, clock, bus } = deps;
	const entries = new Map<string, Entry>();
	const sessionsOf = new Map<string, Set<string>>();
	const versions = new Map<string, number>();
	const listeners = new Set<(userId: string) => void>();

	function changed(userId: string) {
		versions.set(userId, (versions.get(userId) ?? 0) + 1);
		for (const sessionId of sessionsOf.get(userId) ?? []) entries.delete(sessionId);
		sessionsOf.delete(userId);
		for (const listener of listeners) listener(userId);
	}

	function load(sessionId: string, now: number): Entry {
		const found = currentSession(db, clock, sessionId);
		const entry: Entry = found
			? { user: found.user, expiresAt: found.session.expiresAt.getTime(), loadedAt: now, fingerprint: fingerprint(found.user) }
			: { user: null, expiresAt: 0, loadedAt: now, fingerprint: '' };
		if (found) {
			const set = sessionsOf.get(found.user.id) ?? new Set();
			set.add(sessionId);
			sessionsOf.set(found.user.id, set);
		}
		return entry;
	}

	const offs = [
		bus.onSignal('account.changed', ({ userId }) => changed(userId)),
		bus.onSignal('session.ended', ({ userId, sessionId }) => {
			entries.delete(sessionId);
			changed(userId);
		})
	];

	return {
		current(sessionId) {
			const now = clock.now().getTime();
			const cached = entries.get(sessionId);
			if (cached && now - cached.loadedAt < ttlMs) return cached.user && now < cached.expiresAt ? cached.user : null;
			const fresh = load(sessionId, now);
			// A re-read that disagrees with what connections were using is a change nobody signalled.
			if (cached?.user && (!fresh.user || fresh.fingerprint !== cached.fingerprint)) changed(cached.user.id);
			entries.set(sessionId, fresh);
			return fresh.user && now < fresh.expiresAt ? fresh.user : null;
		},
		version: (userId) => versions.get(userId) ?? 0,
		onChange(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		close() {
			for (const off of offs) off();
			listeners.clear();
			entries.clear();
		}
	};
}
