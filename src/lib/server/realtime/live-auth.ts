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
import type { Data } from '../db/data';
import type { Clock } from '../ids';
import type { AccountSignals, EventBus } from './bus';

/** One account fact, named. */
export type AccountSignal = { [S in keyof AccountSignals]: { name: S; payload: AccountSignals[S] } }[keyof AccountSignals];

export const LIVE_AUTH_TTL_MS = 15_000;

interface Entry {
	user: SessionUser | null;
	expiresAt: number;
	fingerprint: string;
}

/** One cached read of a session: the promise is shared by the events that arrive while it loads. */
interface Slot {
	loadedAt: number;
	entry: Promise<Entry>;
	/** Set once the read is done; a slot still loading is dropped by any change (it may predate it). */
	done: boolean;
}

export interface LiveAuth {
	/** The session's user as of now, or null once the session ended or expired. */
	current(sessionId: string): Promise<SessionUser | null>;
	/** A change that reached this node by another route than the bus (hub.ts: in the broadcasts' stream, in a cluster). */
	signalled(signal: AccountSignal): void;
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

export function createLiveAuth(deps: { data: Data; clock: Clock; bus: EventBus }, ttlMs = LIVE_AUTH_TTL_MS): LiveAuth {
	const { data, clock, bus } = deps;
	const slots = new Map<string, Slot>();
	const sessionsOf = new Map<string, Set<string>>();
	const versions = new Map<string, number>();
	const listeners = new Set<(userId: string) => void>();
	/** Grows on every change: a read that started before a change is used once, never cached. */
	let epoch = 0;

	function changed(userId: string) {
		epoch++;
		versions.set(userId, (versions.get(userId) ?? 0) + 1);
		for (const sessionId of sessionsOf.get(userId) ?? []) slots.delete(sessionId);
		sessionsOf.delete(userId);
		// A read still under way may have seen the state before this change: the next event reads again.
		for (const [sessionId, slot] of slots) if (!slot.done) slots.delete(sessionId);
		for (const listener of listeners) listener(userId);
	}

	async function load(sessionId: string): Promise<Entry> {
		const found = await currentSession(data, clock, sessionId);
		return found
			? { user: found.user, expiresAt: found.session.expiresAt.getTime(), fingerprint: fingerprint(found.user) }
			: { user: null, expiresAt: 0, fingerprint: '' };
	}

	/** Starts a read of the session, compared on arrival with what connections were using. */
	function reload(sessionId: string, now: number, previous: Slot | undefined): Slot {
		const startedAt = epoch;
		const slot = { loadedAt: now, done: false } as Slot;
		slot.entry = (async () => {
			const before = previous?.done ? await previous.entry : null;
			let fresh: Entry;
			try {
				fresh = await load(sessionId);
			} catch (err) {
				if (slots.get(sessionId) === slot) slots.delete(sessionId);
				throw err;
			}
			slot.done = true;
			const stale = epoch !== startedAt;
			// A re-read that disagrees with what connections were using is a change nobody signalled.
			if (before?.user && (!fresh.user || fresh.fingerprint !== before.fingerprint)) changed(before.user.id);
			if (stale) {
				if (slots.get(sessionId) === slot) slots.delete(sessionId);
			} else {
				slots.set(sessionId, slot);
				if (fresh.user) {
					const set = sessionsOf.get(fresh.user.id) ?? new Set();
					set.add(sessionId);
					sessionsOf.set(fresh.user.id, set);
				}
			}
			return fresh;
		})();
		slots.set(sessionId, slot);
		return slot;
	}

	const onAccount = ({ userId }: AccountSignals['account.changed']) => changed(userId);
	const onSessionEnded = ({ userId, sessionId }: AccountSignals['session.ended']) => {
		slots.delete(sessionId);
		changed(userId);
	};
	const offs = [bus.onSignal('account.changed', onAccount), bus.onSignal('session.ended', onSessionEnded)];

	return {
		async current(sessionId) {
			const now = clock.now().getTime();
			const cached = slots.get(sessionId);
			const slot = cached && now - cached.loadedAt < ttlMs ? cached : reload(sessionId, now, cached);
			const entry = await slot.entry;
			return entry.user && now < entry.expiresAt ? entry.user : null;
		},
		signalled(signal) {
			if (signal.name === 'account.changed') onAccount(signal.payload);
			else onSessionEnded(signal.payload);
		},
		version: (userId) => versions.get(userId) ?? 0,
		onChange(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		close() {
			for (const off of offs) off();
			listeners.clear();
			slots.clear();
		}
	};
}
