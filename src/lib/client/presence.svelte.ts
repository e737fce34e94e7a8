import type { OnlineMember } from '$lib/realtime/events';
import { acquireSocket, releaseSocket, type ClientSocket } from './socket';

/** Who is online in each of my spaces, kept live. Create in a component, `destroy()` in its cleanup. */
export class PresenceState {
	bySpace = $state<Record<string, OnlineMember[]>>({});
	connected = $state(false);
	/** Whether it has been connected once: until then it is connecting, not offline. */
	started = $state(false);
	#socket: ClientSocket;

	constructor() {
		this.#socket = acquireSocket();
		this.#socket.on('connect', this.#onConnect);
		this.#socket.on('disconnect', this.#onDisconnect);
		this.#socket.on('presence.changed', this.#onChanged);
		if (this.#socket.connected) this.#onConnect();
	}

	#onConnect = () => {
		this.connected = true;
		this.started = true;
		this.#socket.emit('presence.snapshot', {}, (res) => {
			if (res.ok) this.bySpace = Object.fromEntries(res.data.spaces.map((s) => [s.key, s.online]));
		});
	};
	#onDisconnect = () => {
		this.connected = false;
	};
	#onChanged = (payload: { key: string; online: OnlineMember[] }) => {
		this.bySpace = { ...this.bySpace, [payload.key]: payload.online };
	};

	destroy() {
		this.#socket.off('connect', this.#onConnect);
		this.#socket.off('disconnect', this.#onDisconnect);
		this.#socket.off('presence.changed', this.#onChanged);
		releaseSocket();
	}
}
