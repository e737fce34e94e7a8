import type { ServerToClientEvents } from '$lib/realtime/events';

export type EventName = keyof ServerToClientEvents;
export type EventPayload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

export interface Published<E extends EventName = EventName> {
	room: string;
	event: E;
	payload: EventPayload<E>;
}

/**
 * Services publish here after their transaction commits; the realtime hub forwards to socket.io
 * rooms. Kept as an interface so the scale-out mode can fan out through Redis instead.
 */
export interface EventBus {
	publish<E extends EventName>(room: string, event: E, payload: EventPayload<E>): void;
	subscribe(listener: (message: Published) => void): () => void;
}

export function createLocalBus(): EventBus {
	const listeners = new Set<(message: Published) => void>();
	return {
		publish(room, event, payload) {
			for (const listener of listeners) listener({ room, event, payload } as Published);
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		}
	};
}
