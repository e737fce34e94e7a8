/**
 * Hostile frames on every client→server socket event (the list comes from `clientPayloads`, which
 * is typed against the event map, so a new event is attacked without editing this file). For each:
 * the server stays up, answers with the one error shape, and writes nothing to the database.
 */
import fc from 'fast-check';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import { descriptionDocName, pinsDocName } from '$lib/realtime/collab-events';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/realtime/events';
import { syncMessage } from '$lib/server/collab/testing-peer';
import { clientPayloads } from '$lib/server/realtime/payloads';
import { sessionCookie, createResidence, createTestAppOn, createUser, startRealtimeServer, testEngines, type RealtimeServer, type TestApp } from '$lib/server/testing';
import { writeMark } from '$lib/server/testing/writes';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
type Reply = { ok: boolean; code?: unknown; error?: unknown; data?: unknown };
const events = Object.keys(clientPayloads) as (keyof typeof clientPayloads)[];

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	let server: RealtimeServer;
	let residenceId: string;
	let proposalId: string;
	const sockets: Record<'stranger' | 'reader' | 'author', Client> = {} as never;

	/** Changes with every row written (testing/writes.ts). */
	const writes = () => writeMark(app);

	beforeAll(async () => {
		app = await createTestAppOn(engine);
		server = await startRealtimeServer(app);
		const { residence } = await createResidence(app);
		residenceId = residence.id;
		const { residence: other } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const author = await createUser(app, { roles: [{ ...space, role: 'tenant' }] });
		const reader = await createUser(app, { roles: [{ ...space, role: 'tenant' }] });
		const stranger = await createUser(app, { roles: [{ type: 'residence', id: other.id, role: 'tenant' }] });
		proposalId = (await app.services.proposals.propose(author, { residenceId, title: 'Un banc' })).id;
		for (const [name, user] of [['stranger', stranger], ['reader', reader], ['author', author]] as const) {
			const socket: Client = connect(server.url, { extraHeaders: { cookie: await sessionCookie(app, user.id) }, transports: ['websocket'], forceNew: true, reconnection: false });
			await new Promise<void>((resolve, reject) => {
				socket.once('connect', () => resolve());
				socket.once('connect_error', reject);
			});
			sockets[name] = socket;
		}
		// The reader and the author have documents open, so hostile frames meet joined state too.
		for (const s of [sockets.reader, sockets.author]) {
			expect((await s.emitWithAck('collab.join', { doc: descriptionDocName(proposalId) })).ok).toBe(true);
			expect((await s.emitWithAck('collab.join', { doc: pinsDocName(residenceId) })).ok).toBe(true);
			expect((await s.emitWithAck('board.join', { residenceId })).ok).toBe(true);
		}
	});
	afterAll(async () => {
		for (const s of Object.values(sockets)) s.disconnect();
		await server.close();
		await app.close();
	});

	const docNames = () => fc.constantFrom(descriptionDocName(proposalId), pinsDocName(residenceId), 'proposal:../../etc:description', '', 'residence::pins');
	/** Shapes close to the real ones (right keys, wrong types or sizes) and anything at all. */
	const hostile = () =>
		fc.oneof(
			fc.anything({ withTypedArray: true, withBigInt: false, maxDepth: 3 }),
			fc.record({ doc: fc.oneof(docNames(), fc.anything()), message: fc.oneof(fc.anything(), fc.uint8Array({ maxLength: 64 })) }, { requiredKeys: [] }),
			fc.record({ doc: fc.oneof(docNames(), fc.anything()), update: fc.oneof(fc.anything(), fc.uint8Array({ maxLength: 64 })) }, { requiredKeys: [] }),
			fc.record({ residenceId: fc.oneof(fc.constant(residenceId), fc.anything(), fc.string({ minLength: 41, maxLength: 80 })) }, { requiredKeys: [] }),
			fc.record({ doc: docNames(), message: fc.constant(new Uint8Array(300 * 1024)) })
		);

	/** The value the server receives: JSON for everything but binary, which arrives as a Buffer. */
	function wire(v: unknown): unknown {
		if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
		if (v instanceof ArrayBuffer) return Buffer.from(v);
		if (v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return null;
		if (Object.is(v, -0)) return 0;
		if (Array.isArray(v)) return v.map(wire);
		if (v && typeof v === 'object')
			return Object.fromEntries(
				Object.entries(v)
					.filter(([, x]) => x !== undefined)
					.map(([k, x]) => [k, wire(x)])
			);
		return v;
	}

	function expectErrorShape(reply: Reply) {
		expect(reply.ok).toBe(false);
		expect(typeof reply.code).toBe('string');
		expect(typeof reply.error).toBe('string');
		// A localised sentence, not the bare code.
		expect(reply.error).not.toBe(reply.code);
	}

	describe('socket fuzz', () => {
		it('every event answers malformed payloads with the one error shape and writes nothing', async () => {
			const before = await writes();
			for (const event of events) {
				const schema = clientPayloads[event];
				await fc.assert(
					fc.asyncProperty(
						fc.constantFrom('stranger', 'reader', 'author' as const),
						hostile().filter((p) => !schema.safeParse(wire(p)).success),
						async (who, payload) => {
							const reply = (await (sockets[who].timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<Reply>)(event, payload)) as Reply;
							expectErrorShape(reply);
						}
					),
					{ numRuns: 60 }
				);
			}
			expect(await writes()).toBe(before);
			for (const s of Object.values(sockets)) expect(s.connected).toBe(true);
			expect((await sockets.reader.emitWithAck('presence.snapshot', {})).ok).toBe(true);
		});

		it('well-formed frames with hostile bytes from a reader or a stranger write nothing', async () => {
			const before = await writes();
			const bytes = fc.oneof(
				fc.uint8Array({ minLength: 1, maxLength: 200 }),
				fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => syncMessage(syncProtocol.messageYjsUpdate, b)),
				fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => syncMessage(syncProtocol.messageYjsSyncStep2, b))
			);
			await fc.assert(
				fc.asyncProperty(fc.constantFrom('stranger', 'reader' as const), docNames(), bytes, fc.boolean(), async (who, doc, message, awareness) => {
					const socket = sockets[who];
					const reply = (awareness
						? await socket.timeout(5000).emitWithAck('collab.awareness', { doc, update: message })
						: await socket.timeout(5000).emitWithAck('collab.sync', { doc, message })) as Reply;
					if (!reply.ok) expectErrorShape(reply);
				}),
				{ numRuns: 200 }
			);
			expect(await writes()).toBe(before);
			expect(sockets.reader.connected && sockets.stranger.connected).toBe(true);
		});
	});
});
