/**
 * The event bus of the cluster mode. Two kinds of traffic, two routes:
 *
 * - Room events (`publish`: tallies, board moves, notifications, meeting state…) stay on the node
 *   that took the action. Their subscribers there are the socket hub, whose `io.to(room).emit` goes
 *   through the socket.io Redis Streams adapter to the clients of every node (so each socket gets an
 *   event once), and services with side effects (notifications, register follow-ups, minutes
 *   adoption), which must run once. Sending room events through Redis as well would deliver every
 *   event twice to sockets and run every side effect on every node.
 * - Signals (`account.changed`, `session.ended`, `collab.changed`) are facts every node must act on
 *   (drop cached rights, disconnect a signed-out session, apply a stored change to an open document):
 *   they are delivered locally at once and published on a Redis channel; each node applies the
 *   others' messages and ignores its own.
 *
 * `relay` sends a signal to the other nodes only: the Yjs hub relays the updates and cursors its own
 * sockets sent, which it has applied (and stored) already.
 *
 * If Redis is unreachable, a signal still reaches this node's listeners and the loss is logged; the
 * other nodes' live-auth caches catch up within their re-read interval (15 s).
 */
import { randomBytes } from 'node:crypto';
import { log } from '../log';
import { createLocalBus, type EventBus, type SignalName, type Signals } from '../realtime/bus';
import type { RedisClient } from './redis';

interface Wire {
	node: string;
	name: SignalName;
	payload: unknown;
}

/** JSON with byte arrays (Yjs updates) carried as base64. */
const encode = (message: Wire) =>
	JSON.stringify(message, (_k, v: unknown) => (v instanceof Uint8Array ? { $bytes: Buffer.from(v).toString('base64') } : v));
const decode = (text: string): Wire =>
	JSON.parse(text, (_k, v: unknown) =>
		v && typeof v === 'object' && typeof (v as { $bytes?: unknown }).$bytes === 'string'
			? new Uint8Array(Buffer.from((v as { $bytes: string }).$bytes, 'base64'))
			: v
	) as Wire;

export interface ClusterBus extends EventBus {
	/** This node's id on the channel. */
	readonly node: string;
	/** Resolves once the node listens on the channel (signals from others reach it from then on). */
	readonly listening: Promise<void>;
	/** Stops listening (the connections are the caller's). */
	close(): Promise<void>;
}

export interface ClusterBusOptions {
	/** Commands connection (publishes). */
	publisher: RedisClient;
	/** A connection of its own, given over to SUBSCRIBE. */
	subscriber: RedisClient;
	/** Deployment (or test run) prefix: the channel is `<prefix>signals`. */
	prefix: string;
}

export function createClusterBus({ publisher, subscriber, prefix }: ClusterBusOptions): ClusterBus {
	const local = createLocalBus();
	const node = randomBytes(8).toString('hex');
	const channel = `${prefix}signals`;

	const deliver = (text: string) => {
		let message: Wire;
		try {
			message = decode(text);
		} catch (err) {
			log.error('bus signal unreadable', { err: String(err) });
			return;
		}
		if (message.node === node) return;
		try {
			local.deliver(message.name, message.payload as Signals[typeof message.name]);
		} catch (err) {
			log.error('bus signal listener failed', { name: message.name, err: String(err) });
		}
	};
	const relay: EventBus['relay'] = (name, payload) => {
		publisher.publish(channel, encode({ node, name, payload })).catch((err: unknown) => log.error('bus signal not sent to the other nodes', { name, err: String(err) }));
	};
	// node-redis subscribes again by itself after a reconnection.
	const listening = subscriber.subscribe(channel, deliver);

	return {
		node,
		listening,
		publish: local.publish,
		subscribe: local.subscribe,
		onSignal: local.onSignal,
		signal(name, payload) {
			local.signal(name, payload);
			relay(name, payload);
		},
		relay,
		async close() {
			await subscriber.unsubscribe(channel).catch(() => undefined);
		}
	};
}
