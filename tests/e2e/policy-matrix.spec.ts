import { expect, test, type APIRequestContext } from '@playwright/test';
import { unflatten } from 'devalue';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { io } from 'socket.io-client';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { can, proposalActions, type Actor, type ProposalAction, type ProposalResource, type Role } from '../../src/lib/domain/policy';
import { BASE_URL, client } from './http';

/**
 * Issue 9: the policy table is the only decider. Every role × every proposal action, on an open
 * and on a hidden idea, through the real doors of the built server — the form actions over HTTP
 * and, where the action has one, the live door over socket.io — must do exactly what
 * `can(actor, action, proposal)` of src/lib/domain/policy/ answers. Each cell acts on a fresh
 * idea, in a residence made for this test so the demo's boards stay as they are.
 */

type Json = Record<string, unknown>;
const RESIDENCE_NAME = 'Résidence des droits (test)';

/** Objects anywhere in a decoded page whose fields match. */
function find(value: unknown, match: (o: Json) => boolean, out: Json[] = []): Json[] {
	if (Array.isArray(value)) for (const v of value) find(v, match, out);
	else if (value && typeof value === 'object') {
		if (match(value as Json)) out.push(value as Json);
		for (const v of Object.values(value)) find(v, match, out);
	}
	return out;
}

/** A page's server data (`__data.json`), decoded; null when the page refuses. */
async function data(ctx: APIRequestContext, path: string): Promise<{ status: number; nodes: Json[] }> {
	const res = await ctx.get(`${path.replace(/\/$/, '')}/__data.json`);
	if (res.status() !== 200) return { status: res.status(), nodes: [] };
	const raw = (await res.json()) as { type: string; nodes?: ({ type: string; data: unknown[]; status?: number } | null)[] };
	// A load that refuses answers 200 with the refusal in its node.
	const refused = (raw.nodes ?? []).find((n) => n?.type === 'error');
	if (raw.type !== 'data' || refused) return { status: refused?.status ?? 403, nodes: [] };
	return { status: 200, nodes: (raw.nodes ?? []).map((n) => (n?.type === 'data' ? (unflatten(n.data) as Json) : {})) };
}

/** Posts a form the way `use:enhance` does: true if the action did it, false if it refused. */
async function act(ctx: APIRequestContext, path: string, form: Record<string, string>): Promise<{ ok: boolean; data: Json }> {
	const res = await ctx.post(path, { form, headers: { accept: 'application/json', 'x-sveltekit-action': 'true' } });
	expect(res.status(), `${path} answers without crashing`).toBeLessThan(500);
	const body = (await res.json()) as { type: string; status?: number; data?: string; location?: string };
	expect(['success', 'redirect', 'failure'], `${path}: ${JSON.stringify(body)}`).toContain(body.type);
	const decoded = body.type === 'success' && body.data ? (unflatten(JSON.parse(body.data)) as Json) : {};
	return { ok: body.type !== 'failure', data: body.type === 'redirect' ? { location: body.location } : decoded };
}

function syncMessage(payload: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, syncProtocol.messageYjsUpdate);
	encoding.writeVarUint8Array(e, payload);
	return encoding.toUint8Array(e);
}

/** Joins a live document and sends one change, whatever the join said about read-only: the server decides. */
async function liveChange(ctx: APIRequestContext, doc: string, change: ((d: Y.Doc) => void) | null): Promise<boolean> {
	const cookie = (await ctx.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join('; ');
	const socket = io(BASE_URL, { extraHeaders: { cookie, origin: BASE_URL }, transports: ['websocket'], forceNew: true, reconnection: false });
	try {
		const joined = (await socket.timeout(10_000).emitWithAck('collab.join', { doc })) as { ok: boolean };
		if (!joined.ok || !change) return joined.ok;
		// Start from the server's whole state so the change is a plain edit, not a concurrent one.
		const state = (await socket.timeout(10_000).emitWithAck('collab.sync', { doc, message: syncStep1() })) as { ok: boolean; data?: { reply: ArrayBuffer } };
		const d = new Y.Doc();
		if (state.ok && state.data?.reply) syncProtocol.readSyncMessage(decoderOf(new Uint8Array(state.data.reply)), encoding.createEncoder(), d, 'server');
		const before = Y.encodeStateVector(d);
		change(d);
		const res = (await socket.timeout(10_000).emitWithAck('collab.sync', { doc, message: syncMessage(Y.encodeStateAsUpdate(d, before)) })) as { ok: boolean };
		return res.ok;
	} finally {
		socket.disconnect();
	}
}

function syncStep1(): Uint8Array {
	const e = encoding.createEncoder();
	syncProtocol.writeSyncStep1(e, new Y.Doc());
	return encoding.toUint8Array(e);
}

const decoderOf = (bytes: Uint8Array) => decoding.createDecoder(bytes);

test('every role × every proposal action: the form actions and the sockets do what the policy table says', async () => {
	test.setTimeout(420_000);
	const admin = await client('admin@demo.test');

	// A residence of its own, with one person per role (the stranger lives elsewhere).
	const org = find((await data(admin, '/admin')).nodes, (o) => o.name === 'Lyon Métropole Habitat' && typeof o.id === 'string')[0]!.id as string;
	expect((await act(admin, `/admin/o/${org}?/createResidence`, { name: RESIDENCE_NAME, buildings: 'A; 4' })).ok).toBe(true);
	const rid = find((await data(admin, `/admin/o/${org}`)).nodes, (o) => o.name === RESIDENCE_NAME && typeof o.id === 'string')[0]!.id as string;
	const users = find((await data(admin, '/admin/users')).nodes, (o) => typeof o.username === 'string' && typeof o.id === 'string');
	const idOf = (username: string) => users.find((u) => u.username === username)!.id as string;
	const cast: { who: string; username: string; role: Role | null }[] = [
		{ who: 'stranger', username: 'fatou', role: null },
		{ who: 'tenant', username: 'karim', role: 'tenant' },
		{ who: 'author', username: 'amina', role: 'tenant' },
		{ who: 'association', username: 'josiane', role: 'association' },
		{ who: 'facilitator', username: 'claire.martin@lmh.demo', role: 'facilitator' },
		{ who: 'observer', username: 'elise.morel@nantes.demo', role: 'observer' },
		{ who: 'admin', username: 'admin@demo.test', role: null }
	];
	for (const c of cast) if (c.role) expect((await act(admin, '/admin/users?/assign', { userId: idOf(c.username), space: `residence:${rid}`, role: c.role })).ok, c.who).toBe(true);
	const ctx = Object.fromEntries(await Promise.all(cast.map(async (c) => [c.who, c.who === 'admin' ? admin : await client(c.username)] as const)));
	/** The same people as the policy sees them: the roles just assigned, and nothing else in this residence. */
	const actorOf = (c: (typeof cast)[number]): Actor => ({ id: idOf(c.username), isAdmin: c.who === 'admin', roles: new Map(c.role ? [[`residence:${rid}`, [c.role]]] : []) });

	const board = `/r/${rid}/board`;
	let n = 0;
	async function freshIdea(hidden: boolean) {
		n += 1;
		const created = await act(ctx.author!, `${board}/new`, { title: `Idée n° ${n}`, description: 'Deux bancs devant le A' });
		const id = /created=([A-Za-z0-9_-]+)/.exec(JSON.stringify(created))?.[1] ?? (await latestIdea());
		const moved = await act(ctx.facilitator!, `${board}?/move`, { proposalId: id, status: 'idea', index: '0' });
		const eventId = String((moved.data.moved as Json).eventId);
		if (hidden) expect((await act(ctx.facilitator!, `${board}/p/${id}?/hide`, { reason: 'Hors sujet' })).ok).toBe(true);
		const resource: ProposalResource = { kind: 'proposal', space: { type: 'residence', id: rid }, authorId: idOf('amina'), status: 'idea', hidden };
		return { id, eventId, resource };
	}
	async function latestIdea(): Promise<string> {
		const cards = find((await data(ctx.facilitator!, board)).nodes, (o) => o.title === `Idée n° ${n}` && typeof o.id === 'string');
		return cards[0]!.id as string;
	}

	const formDoor: Record<ProposalAction, (c: APIRequestContext, p: { id: string; eventId: string }) => Promise<boolean>> = {
		'proposal.view': async (c, p) => (await data(c, `${board}/p/${p.id}`)).status === 200,
		'proposal.read': async (c, p) => {
			const page = await data(c, `${board}/p/${p.id}`);
			return page.status === 200 && find(page.nodes, (o) => o.redacted === false).length > 0;
		},
		'proposal.comment': async (c, p) => (await act(c, `${board}/p/${p.id}?/comment`, { body: 'Bonne idée' })).ok,
		'proposal.support': async (c, p) => (await act(c, `${board}?/support`, { proposalId: p.id, on: 'true' })).ok,
		'proposal.edit': async (c, p) => (await act(c, `${board}/p/${p.id}?/edit`, { title: 'Trois bancs', category: 'other' })).ok,
		'proposal.pin': async (c, p) => (await act(c, `${board}/p/${p.id}?/pin`, { planHeight: '210', 'pin.x': '140', 'pin.y': '50' })).ok,
		'proposal.move': async (c, p) => (await act(c, `${board}?/move`, { proposalId: p.id, status: 'discussion' })).ok,
		'proposal.decline': async (c, p) => (await act(c, `${board}?/move`, { proposalId: p.id, status: 'declined', reason: 'Je la retire' })).ok,
		'proposal.undo': async (c, p) => (await act(c, `${board}?/undo`, { eventId: p.eventId })).ok,
		'proposal.withdrawOwn': async (c, p) => (await act(c, `${board}/p/${p.id}?/withdraw`, {})).ok,
		'proposal.restoreOwn': async (c, p) => (await act(c, `${board}/p/${p.id}?/restore`, {})).ok,
		'proposal.moderate': async (c, p) => (await act(c, `${board}/p/${p.id}?/hide`, { reason: 'Doublon' })).ok || (await act(c, `${board}/p/${p.id}?/unhide`, {})).ok
	};
	const socketDoor: Partial<Record<ProposalAction, (c: APIRequestContext, p: { id: string }) => Promise<boolean>>> = {
		'proposal.read': (c, p) => liveChange(c, `proposal:${p.id}:description`, null),
		'proposal.edit': (c, p) => liveChange(c, `proposal:${p.id}:description`, (d) => d.getXmlFragment('description').insert(0, [new Y.XmlElement('paragraph')])),
		'proposal.pin': (c, p) => liveChange(c, `residence:${rid}:pins`, (d) => d.getMap('pins').set(p.id, { x: 0.3, y: 0.6 }))
	};

	for (const hidden of [false, true])
		for (const c of cast) {
			const expected: Record<string, boolean> = {};
			const forms: Record<string, boolean> = {};
			const sockets: Record<string, boolean> = {};
			const liveExpected: Record<string, boolean> = {};
			for (const action of proposalActions) {
				const p = await freshIdea(hidden);
				expected[action] = can(actorOf(c), action, p.resource);
				forms[action] = await formDoor[action](ctx[c.who]!, p);
				const live = socketDoor[action];
				if (live) {
					liveExpected[action] = expected[action]!;
					sockets[action] = await live(ctx[c.who]!, await freshIdea(hidden));
				}
			}
			expect(forms, `${c.who}, ${hidden ? 'hidden' : 'open'} idea, over HTTP`).toEqual(expected);
			expect(sockets, `${c.who}, ${hidden ? 'hidden' : 'open'} idea, over sockets`).toEqual(liveExpected);
		}
	// The table is not trivially "all yes" or "all no": the author and the neighbour differ, as do the roles.
	const open = (await freshIdea(false)).resource;
	expect(proposalActions.filter((a) => can(actorOf(cast[2]!), a, open))).toContain('proposal.pin');
	expect(proposalActions.filter((a) => can(actorOf(cast[1]!), a, open))).not.toContain('proposal.pin');
	for (const c of Object.values(ctx)) await c.dispose();
});
