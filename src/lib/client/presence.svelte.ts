import type { OnlineList } from '$lib/realtime/events';
import { acquireSocket, releaseSocket, type ClientSocket } from './socket';

/** Who is online in each of my spaces, kept live. Create in a component, `destroy()` in its cleanup. */
export class PresenceState {
	bySpace = $state<Record<string, OnlineList>>({});
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
			if (res.ok) this.bySpace = Object.fromEntries(res.data.spaces.map(({ key, ...list }) => [key, list]));
		});
	};
	#onDisconnect = () => {
		this.connected = false;
	};
	#onChanged = ({ key, ...list }: { key: string } & OnlineList) => {
		this.bySpace = { ...this.bySpace, [key]: list };
	};

	destroy() {
		this.#socket.off('connect', this.#onConnect);
		this.#socket.off('disconnect', this.#onDisconnect);
		this.#socket.off('presence.changed', this.#onChanged);
		releaseSocket();
	}
}
