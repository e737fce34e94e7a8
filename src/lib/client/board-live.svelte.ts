import type { SubmitFunction } from '@sveltejs/kit';
import type { BoardPresence, ProposalUpdate } from '$lib/realtime/board-events';
import type { OnlineList } from '$lib/realtime/events';
import { acquireSocket, releaseSocket, type ClientSocket } from './socket';

interface Queued {
	action: string;
	body: FormData;
}

export interface BoardLiveOptions {
	residenceId: string;
	onUpdate: (update: ProposalUpdate) => void;
	/** Called after a cut, once connected again: refetch so nothing missed stays missing. */
	onCatchUp: () => Promise<void> | void;
	/** Join the board room to show who is here (the projector only watches). */
	presence?: boolean;
}

/**
 * The live side of a board: updates from the residence room, who is on the board, the connection
 * status, and an outbox that keeps form submissions made while offline until the link is back.
 * Create in a component's `$effect`, call `destroy()` in its cleanup.
 */
export class BoardLive {
	connected = $state(false);
	/** Whether it has been connected once: until then the board is connecting, not offline. */
	started = $state(false);
	online = $state<OnlineList | undefined>();
	queued = $state(0);
	/** What the live status shows (live-status.svelte): null until the first connection, then whether connected. */
	get status(): boolean | null {
		return this.started ? this.connected : null;
	}
	#socket: ClientSocket;
	#outbox: Queued[] = [];
	#options: BoardLiveOptions;

	constructor(options: BoardLiveOptions) {
		this.#options = options;
		this.#socket = acquireSocket();
		this.#socket.on('connect', this.#onConnect);
		this.#socket.on('disconnect', this.#onDisconnect);
		this.#socket.on('proposal.updated', this.#onUpdate);
		this.#socket.on('board.presence', this.#onPresence);
		if (this.#socket.connected) this.#onConnect();
	}

	#onConnect = () => {
		this.connected = true;
		if (this.#options.presence !== false)
			this.#socket.emit('board.join', { residenceId: this.#options.residenceId }, (res) => {
				if (res.ok) this.online = res.data;
			});
		if (this.started) void this.#catchUp();
		this.started = true;
	};

	async #catchUp() {
		await this.#flush();
		await this.#options.onCatchUp();
	}

	#onDisconnect = () => {
		this.connected = false;
	};

	#onUpdate = (update: ProposalUpdate) => {
		if (update.card.spaceKey === `residence:${this.#options.residenceId}`) this.#options.onUpdate(update);
	};

	#onPresence = (p: BoardPresence) => {
		if (p.residenceId === this.#options.residenceId) this.online = p;
	};

	async #flush() {
		while (this.#outbox.length) {
			const item = this.#outbox[0]!;
			try {
				await fetch(item.action, { method: 'POST', body: item.body, headers: { 'x-sveltekit-action': 'true', accept: 'application/json' } });
			} catch {
				return; // still offline: keep the rest for the next reconnection
			}
			this.#outbox.shift();
			this.queued = this.#outbox.length;
		}
	}

	/**
	 * For `use:enhance`: while offline, the submission waits in the outbox instead of failing, and is
	 * sent on reconnection. Online, the form behaves as usual.
	 */
	enhance: SubmitFunction = ({ action, formData, cancel }) => {
		const offline = !navigator.onLine || (!this.connected && this.started);
		if (!offline) return;
		cancel();
		this.#outbox.push({ action: action.toString(), body: formData });
		this.queued = this.#outbox.length;
	};

	destroy() {
		if (this.connected && this.#options.presence !== false) this.#socket.emit('board.leave', { residenceId: this.#options.residenceId });
		this.#socket.off('connect', this.#onConnect);
		this.#socket.off('disconnect', this.#onDisconnect);
		this.#socket.off('proposal.updated', this.#onUpdate);
		this.#socket.off('board.presence', this.#onPresence);
		releaseSocket();
	}
}
