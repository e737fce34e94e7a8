import type { ServerToClientEvents } from '$lib/realtime/events';
import { log } from '../log';

export type EventName = keyof ServerToClientEvents;
export type EventPayload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

export interface Published<E extends EventName = EventName> {
	room: string;
	event: E;
	payload: EventPayload<E>;
}

/**
 * Facts about accounts that live connections must act on at once. They are not sent to any
 * browser: the realtime layer re-reads the account, leaves rooms it may no longer be in and
 * disconnects sockets whose session ended.
 */
export interface AccountSignals {
	/** Roles, password, display name or discretion changed: every live connection of the user re-checks. */
	'account.changed': { userId: string };
	/** One session ended (sign-out): its sockets are disconnected. */
	'session.ended': { userId: string; sessionId: string };
}
/**
 * Facts about live documents, for the realtime layer only: an update the collab service stored
 * itself (a pin placed through a form, a seeded text), already written, for the documents open live.
 */
export interface DocumentSignals {
	'collab.changed': { doc: string; update: Uint8Array };
	/** Cursors and names of a document's editors on another node (relayed, never stored). */
	'collab.awareness': { doc: string; update: Uint8Array };
}
/**
 * Live counts cached per node: another node counted votes of this consultation (and published them),
 * so this node's cached tally is out of date and is rebuilt from the database at its next use.
 */
export interface TallySignals {
	'tally.stale': { consultationId: string };
}
export type Signals = AccountSignals & DocumentSignals & TallySignals;
export type SignalName = keyof Signals;

/**
 * Services publish here after their transaction commits; the realtime hub forwards to socket.io
 * rooms. Kept as an interface so the scale-out mode can fan out through Redis instead.
 */
export interface EventBus {
	publish<E extends EventName>(room: string, event: E, payload: EventPayload<E>): void;
	subscribe(listener: (message: Published) => void): () => void;
	/** Announces an account fact (after commit), on every node in the scale-out mode. */
	signal<S extends SignalName>(name: S, payload: Signals[S]): void;
	/** The same fact for the other nodes only (this node acted on it already); nothing on a single node. */
	relay<S extends SignalName>(name: S, payload: Signals[S]): void;
	/** `here`: the fact was signalled on this node (false: it came from another node). */
	onSignal<S extends SignalName>(name: S, listener: (payload: Signals[S], here: boolean) => void): () => void;
}

/** One node's bus; `deliver` hands its listeners a signal that came from another node (the cluster bus). */
export interface LocalBus extends EventBus {
	deliver<S extends SignalName>(name: S, payload: Signals[S]): void;
}

export function createLocalBus(): LocalBus {
	const listeners = new Set<(message: Published) => void>();
	const signalListeners = new Map<SignalName, Set<(payload: never, here: boolean) => void>>();
	const notify = <S extends SignalName>(name: S, payload: Signals[S], here: boolean) => {
		for (const listener of signalListeners.get(name) ?? []) (listener as (p: Signals[S], here: boolean) => void)(payload, here);
	};
	return {
		publish(room, event, payload) {
			// One failing subscriber (say, after its database closed) must neither stop the others nor
			// throw into the service that published after its commit.
			for (const listener of listeners) {
				try {
					listener({ room, event, payload } as Published);
				} catch (err) {
					log.error('bus subscriber failed', { event, err: String(err) });
				}
			}
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		signal(name, payload) {
			notify(name, payload, true);
		},
		deliver(name, payload) {
			notify(name, payload, false);
		},
		relay() {
			// One node: there is nobody else to tell.
		},
		onSignal(name, listener) {
			const set = signalListeners.get(name) ?? new Set();
			signalListeners.set(name, set);
			set.add(listener as (payload: never, here: boolean) => void);
			return () => set.delete(listener as (payload: never, here: boolean) => void);
		}
	};
}
