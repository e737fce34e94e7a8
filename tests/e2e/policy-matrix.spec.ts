import { expect, test, type APIRequestContext } from '@playwright/test';
import { unflatten } from 'devalue';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { io } from 'socket.io-client';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
	associationRightsLevels,
	can,
	meetingActions,
	meetingResource,
	minutesActions,
	minutesResource,
	proposalActions,
	type Actor,
	type AssociationRights,
	type MeetingAction,
	type MinutesAction,
	type ProposalAction,
	type ProposalResource,
	type Role
} from '../../src/lib/domain/policy';
import { unpackCard, type PackedCard } from '../../src/lib/realtime/shown-card';
import { accountIds, BASE_URL, client } from './http';

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

/** The id of the idea of this title on a board page, read from its data (its cards are packed: shown-card.ts). */
async function ideaOnBoard(ctx: APIRequestContext, board: string, title: string): Promise<string> {
	const page = (await data(ctx, board)).nodes.find((node) => Array.isArray(node.cards));
	const card = ((page?.cards ?? []) as PackedCard[]).map(unpackCard).find((c) => c.title === title);
	if (!card) throw new Error(`no idea “${title}” on ${board}`);
	return card.id;
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

/** The form action (and, where there is one, the live door) of each proposal action on a residence's board. */
function doorsFor(rid: string) {
	const board = `/r/${rid}/board`;
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
	return { formDoor, socketDoor };
}

test('every role × every proposal action: the form actions and the sockets do what the policy table says', async () => {
	test.setTimeout(420_000);
	const admin = await client('admin@demo.test');

	// A residence of its own, with one person per role (the stranger lives elsewhere).
	const org = find((await data(admin, '/admin')).nodes, (o) => o.name === 'Lyon Métropole Habitat' && typeof o.id === 'string')[0]!.id as string;
	expect((await act(admin, `/admin/o/${org}?/createResidence`, { name: RESIDENCE_NAME, buildings: 'A; 4' })).ok).toBe(true);
	const rid = find((await data(admin, `/admin/o/${org}`)).nodes, (o) => o.name === RESIDENCE_NAME && typeof o.id === 'string')[0]!.id as string;
	const cast: { who: string; username: string; role: Role | null }[] = [
		{ who: 'stranger', username: 'fatou', role: null },
		{ who: 'tenant', username: 'karim', role: 'tenant' },
		{ who: 'author', username: 'amina', role: 'tenant' },
		{ who: 'association', username: 'josiane', role: 'association' },
		{ who: 'facilitator', username: 'claire.martin@lmh.demo', role: 'facilitator' },
		{ who: 'observer', username: 'elise.morel@nantes.demo', role: 'observer' },
		{ who: 'admin', username: 'admin@demo.test', role: null }
	];
	const ids = await accountIds(admin, cast.map((c) => c.username));
	const idOf = (username: string) => ids.get(username)!;
	for (const c of cast) if (c.role) expect((await act(admin, '/admin/users?/assign', { userId: idOf(c.username), space: `residence:${rid}`, role: c.role })).ok, c.who).toBe(true);
	const ctx = Object.fromEntries(await Promise.all(cast.map(async (c) => [c.who, c.who === 'admin' ? admin : await client(c.username)] as const)));
	/** The same people as the policy sees them: the roles just assigned, and nothing else in this residence. */
	const actorOf = (c: (typeof cast)[number]): Actor => ({
		id: idOf(c.username),
		isAdmin: c.who === 'admin',
		roles: new Map(c.role ? [[`residence:${rid}`, [c.role]]] : []),
		// A new residence keeps today's rule for its association (issue 8): she also runs votes and the board.
		spaceRules: new Map([[`residence:${rid}`, { association: 'full' }]])
	});

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
		return ideaOnBoard(ctx.facilitator!, board, `Idée n° ${n}`);
	}

	const { formDoor, socketDoor } = doorsFor(rid);

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

/**
 * Issue 8: what the association may do is a rule of its residence. Under each rule Claire picks on
 * the residence's rules page, every proposal door (forms and sockets) and the vote doors do for
 * Josiane exactly what the policy answers for her under that rule; a socket opened under one rule
 * obeys the next; and neither the association nor a tenant can change the rule by a forged POST.
 */
test('the association under each rule of its residence: forms, votes and sockets follow the rule as it is now', async () => {
	test.setTimeout(300_000);
	const admin = await client('admin@demo.test');
	const name = 'Résidence des règles (test)';
	const org = find((await data(admin, '/admin')).nodes, (o) => o.name === 'Lyon Métropole Habitat' && typeof o.id === 'string')[0]!.id as string;
	expect((await act(admin, `/admin/o/${org}?/createResidence`, { name, buildings: 'A; 4' })).ok).toBe(true);
	const rid = find((await data(admin, `/admin/o/${org}`)).nodes, (o) => o.name === name && typeof o.id === 'string')[0]!.id as string;
	const ids = await accountIds(admin, ['josiane', 'claire.martin@lmh.demo', 'amina', 'karim']);
	const idOf = (username: string) => ids.get(username)!;
	for (const [username, role] of [['josiane', 'association'], ['claire.martin@lmh.demo', 'facilitator'], ['amina', 'tenant'], ['karim', 'tenant']] as const)
		expect((await act(admin, '/admin/users?/assign', { userId: idOf(username), space: `residence:${rid}`, role })).ok).toBe(true);
	const [josiane, claire, amina, karim] = await Promise.all(['josiane', 'claire.martin@lmh.demo', 'amina', 'karim'].map((u) => client(u)));
	const rules = `/r/${rid}/rules`;
	const ruleNow = async () => find((await data(claire!, rules)).nodes, (o) => typeof o.associationRights === 'string')[0]!.associationRights;
	const asRule = (rule: AssociationRights): Actor => ({ id: idOf('josiane'), isAdmin: false, roles: new Map([[`residence:${rid}`, ['association']]]), spaceRules: new Map([[`residence:${rid}`, { association: rule }]]) });
	// A new residence keeps today's rule.
	expect(await ruleNow()).toBe('full');

	const board = `/r/${rid}/board`;
	const { formDoor, socketDoor } = doorsFor(rid);
	let n = 0;
	async function freshIdea(hidden: boolean) {
		n += 1;
		await act(amina!, `${board}/new`, { title: `Règle n° ${n}`, description: 'Un abri vélos' });
		const id = await ideaOnBoard(claire!, board, `Règle n° ${n}`);
		const moved = await act(claire!, `${board}?/move`, { proposalId: id, status: 'idea', index: '0' });
		if (hidden) expect((await act(claire!, `${board}/p/${id}?/hide`, { reason: 'Hors sujet' })).ok).toBe(true);
		const resource: ProposalResource = { kind: 'proposal', space: { type: 'residence', id: rid }, authorId: idOf('amina'), status: 'idea', hidden };
		return { id, eventId: String((moved.data.moved as Json).eventId), resource };
	}
	/** The "new vote" form; it refuses before reading the upload (an error answer, not a form failure). */
	async function newVote(ctx: APIRequestContext): Promise<{ ok: boolean; location?: string }> {
		const form = { question: `Un abri vélos ? (${++n})`, method: 'yes-no-abstain', secrecy: 'public', resultsVisibility: 'live', openNow: 'on' };
		const res = await ctx.post(`/r/${rid}/consultations/new?/create`, { multipart: form, headers: { accept: 'application/json', 'x-sveltekit-action': 'true' } });
		const body = (await res.json()) as { type: string; status?: number; location?: string };
		expect(['redirect', 'error', 'failure'], JSON.stringify(body)).toContain(body.type);
		if (body.type !== 'redirect') expect(body.status ?? res.status()).toBe(403);
		return { ok: body.type === 'redirect', location: body.location };
	}

	for (const rule of associationRightsLevels) {
		expect((await act(claire!, `${rules}?/association`, { associationRights: rule })).ok, rule).toBe(true);
		expect(await ruleNow()).toBe(rule);
		for (const hidden of [false, true]) {
			const expected: Record<string, boolean> = {};
			const forms: Record<string, boolean> = {};
			const sockets: Record<string, boolean> = {};
			const liveExpected: Record<string, boolean> = {};
			for (const action of proposalActions) {
				const p = await freshIdea(hidden);
				expected[action] = can(asRule(rule), action, p.resource);
				forms[action] = await formDoor[action](josiane!, p);
				const live = socketDoor[action];
				if (live) {
					liveExpected[action] = expected[action]!;
					sockets[action] = await live(josiane!, await freshIdea(hidden));
				}
			}
			expect(forms, `${rule}, ${hidden ? 'hidden' : 'open'} idea, over HTTP`).toEqual(expected);
			expect(sockets, `${rule}, ${hidden ? 'hidden' : 'open'} idea, over sockets`).toEqual(liveExpected);
			expect(expected['proposal.move'], `${rule}: the board`).toBe(rule === 'full');
		}
		// Votes: she creates, opens and closes them under `votes` and `full`; she votes under every rule.
		const runsVotes = rule !== 'participate';
		expect((await newVote(josiane!)).ok, `${rule}: create a vote`).toBe(runsVotes);
		const staffVote = (await newVote(claire!)).location!;
		expect(staffVote).toMatch(/^\/c\/[a-z0-9]+$/);
		expect((await act(josiane!, `${staffVote}?/vote`, { position: 'for' })).ok, `${rule}: vote`).toBe(true);
		expect((await act(josiane!, `${staffVote}/manage?/close`, {})).ok, `${rule}: close a vote`).toBe(runsVotes);
	}

	// An open socket on the site plan, joined while she may arrange it: the next change obeys the rule as it is now.
	const cookie = (await josiane!.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join('; ');
	const socket = io(BASE_URL, { extraHeaders: { cookie, origin: BASE_URL }, transports: ['websocket'], forceNew: true, reconnection: false });
	try {
		const doc = `residence:${rid}:pins`;
		const idea = await freshIdea(false);
		expect(((await socket.timeout(10_000).emitWithAck('collab.join', { doc })) as { ok: boolean }).ok).toBe(true);
		// Each change starts from the server's state, as a client re-syncs after a refusal.
		const send = async (x: number) => {
			const d = new Y.Doc();
			const state = (await socket.timeout(10_000).emitWithAck('collab.sync', { doc, message: syncStep1() })) as { ok: boolean; data?: { reply: ArrayBuffer } };
			if (state.ok && state.data?.reply) syncProtocol.readSyncMessage(decoderOf(new Uint8Array(state.data.reply)), encoding.createEncoder(), d, 'server');
			const before = Y.encodeStateVector(d);
			d.getMap('pins').set(idea.id, { x, y: 0.5 });
			return ((await socket.timeout(10_000).emitWithAck('collab.sync', { doc, message: syncMessage(Y.encodeStateAsUpdate(d, before)) })) as { ok: boolean; code?: string });
		};
		expect(await send(0.2)).toMatchObject({ ok: true });
		expect((await act(claire!, `${rules}?/association`, { associationRights: 'votes' })).ok).toBe(true);
		expect(await send(0.8)).toMatchObject({ ok: false, code: 'collab.error.readOnly' });
		expect((await act(claire!, `${rules}?/association`, { associationRights: 'full' })).ok).toBe(true);
		expect(await send(0.6)).toMatchObject({ ok: true });
	} finally {
		socket.disconnect();
	}

	// The real door, forged: neither the association nor a tenant changes the rule; a bad value changes nothing.
	expect((await act(claire!, `${rules}?/association`, { associationRights: 'participate' })).ok).toBe(true);
	for (const forger of [josiane!, karim!]) expect((await act(forger, `${rules}?/association`, { associationRights: 'full' })).ok).toBe(false);
	expect((await act(claire!, `${rules}?/association`, { associationRights: 'tout' })).ok).toBe(false);
	expect(await ruleNow()).toBe('participate');
	for (const c of [admin, josiane!, claire!, amina!, karim!]) await c.dispose();
});

/** Posts a form and gives the answer's status: 200 when the action did it, its failure's status otherwise. */
async function actStatus(ctx: APIRequestContext, path: string, form: Record<string, string>): Promise<number> {
	const res = await ctx.post(path, { form, headers: { accept: 'application/json', 'x-sveltekit-action': 'true' } });
	expect(res.status(), `${path} answers without crashing`).toBeLessThan(500);
	const body = (await res.json()) as { type: string; status?: number };
	expect(['success', 'redirect', 'failure'], `${path}: ${JSON.stringify(body)}`).toContain(body.type);
	return body.type === 'failure' ? (body.status ?? 400) : 200;
}

/** Joins a meeting's room over socket.io: the reply carries the room's state, or refuses. */
async function joinMeetingRoom(ctx: APIRequestContext, meetingId: string): Promise<boolean> {
	const cookie = (await ctx.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join('; ');
	const socket = io(BASE_URL, { extraHeaders: { cookie, origin: BASE_URL }, transports: ['websocket'], forceNew: true, reconnection: false });
	try {
		return ((await socket.timeout(10_000).emitWithAck('meeting.join', { meetingId })) as { ok: boolean }).ok;
	} finally {
		socket.disconnect();
	}
}

/** A paragraph of text typed into a live document (what the editor sends). */
function typeParagraph(d: Y.Doc, text: string) {
	const p = new Y.XmlElement('paragraph');
	p.insert(0, [new Y.XmlText(text)]);
	d.getXmlFragment('description').insert(0, [p]);
}

/**
 * Issue 9, meetings and minutes: every person of a body × every action on a meeting and on its
 * minutes, through the real doors of the built server — the meeting pages' form actions over HTTP,
 * the meeting room and the minutes' live draft over socket.io — must do exactly what
 * `can(actor, action, meeting | minutes)` answers. In a body made for this test, on fresh meetings.
 */
test('every person of a body × every meeting and minutes action: the form actions and the sockets do what the policy table says', async () => {
	test.setTimeout(600_000);
	const admin = await client('admin@demo.test');
	const name = 'Comité des droits (test)';
	const org = find((await data(admin, '/admin')).nodes, (o) => o.name === 'Lyon Métropole Habitat' && typeof o.id === 'string')[0]!.id as string;
	expect((await act(admin, `/admin/o/${org}?/createBody`, { name, description: '', colleges: 'Collège des droits; 100; 9' })).ok).toBe(true);
	const adminUsers = (await data(admin, '/admin/users')).nodes;
	const bid = find(adminUsers, (o) => o.name === name && typeof o.id === 'string' && !('bodyId' in o))[0]!.id as string;
	const college = find(adminUsers, (o) => o.bodyId === bid && typeof o.id === 'string')[0]!.id as string;
	const cast: { who: string; username: string; role: Role | null }[] = [
		{ who: 'stranger', username: 'karim', role: null },
		{ who: 'observer', username: 'elise.morel@nantes.demo', role: 'observer' },
		{ who: 'member', username: 'fatou', role: 'member' },
		{ who: 'absent', username: 'amina', role: 'member' },
		{ who: 'coEditor', username: 'josiane', role: 'member' },
		{ who: 'secretary', username: 'marc.guerin@lcp.demo', role: 'secretary' },
		{ who: 'chair', username: 'sophie.leroy@lcp.demo', role: 'chair' },
		{ who: 'admin', username: 'admin@demo.test', role: null }
	];
	const ids = await accountIds(admin, cast.map((c) => c.username));
	const idOf = (username: string) => ids.get(username)!;
	for (const c of cast)
		if (c.role) expect((await act(admin, '/admin/users?/assign', { userId: idOf(c.username), space: `body:${bid}`, role: c.role, collegeId: c.role === 'observer' || c.role === 'secretary' ? '' : college })).ok, c.who).toBe(true);
	const ctx = Object.fromEntries(await Promise.all(cast.map(async (c) => [c.who, c.who === 'admin' ? admin : await client(c.username)] as const)));
	const actorOf = (c: (typeof cast)[number]): Actor => ({ id: idOf(c.username), isAdmin: c.who === 'admin', roles: new Map(c.role ? [[`body:${bid}`, [c.role]]] : []) });
	const [chair, secretary, fatou] = [ctx.chair!, ctx.secretary!, ctx.member!];

	const meetingsUrl = `/b/${bid}/meetings`;
	let n = 0;
	async function scheduled(): Promise<string> {
		const made = await act(chair, `${meetingsUrl}?/schedule`, { title: `Réunion des droits n° ${++n}`, startsAt: '2026-12-15T18:00', durationMin: '120', place: 'Salle A', description: '', videoUrl: '' });
		const id = /\/meetings\/([A-Za-z0-9_-]+)$/.exec(String(made.data.location ?? ''))?.[1];
		expect(id, JSON.stringify(made)).toBeTruthy();
		return id!;
	}
	/** An open meeting with one item on the floor, Fatou checked in, her hand raised and one post by her. */
	async function openMeeting() {
		const id = await scheduled();
		const base = `${meetingsUrl}/${id}`;
		expect((await act(chair, `${base}?/addItem`, { title: 'Budget', kind: 'decision', description: '' })).ok).toBe(true);
		const itemId = find((await data(chair, base)).nodes, (o) => o.title === 'Budget' && typeof o.id === 'string' && 'kind' in o)[0]!.id as string;
		expect((await act(chair, `${base}/room?/open`, {})).ok).toBe(true);
		expect((await act(chair, `${base}/room?/move`, { expected: '', to: 'next' })).ok).toBe(true);
		return { id, base, itemId };
	}
	async function busyMeeting() {
		const m = await openMeeting();
		expect((await act(secretary, `${m.base}/room?/checkIn`, { userId: idOf('fatou') })).ok).toBe(true);
		expect((await act(fatou, `${m.base}/room?/raiseHand`, {})).ok).toBe(true);
		expect((await act(fatou, `${m.base}/items/${m.itemId}?/post`, { body: 'Je propose de voter le budget.' })).ok).toBe(true);
		const postId = find((await data(chair, `${m.base}/items/${m.itemId}`)).nodes, (o) => o.body === 'Je propose de voter le budget.' && typeof o.id === 'string')[0]!.id as string;
		return { ...m, postId };
	}
	const meetingDoor: Record<MeetingAction, (c: APIRequestContext, m: Awaited<ReturnType<typeof busyMeeting>>) => Promise<boolean>> = {
		'meeting.view': async (c, m) => (await data(c, `${m.base}/room`)).status === 200,
		'meeting.schedule': async (c) => (await act(c, `${meetingsUrl}/${await scheduled()}?/edit`, { title: 'Réunion déplacée', startsAt: '2026-12-16T18:00', durationMin: '90', place: 'Salle B', description: '', videoUrl: '' })).ok,
		'meeting.chair': async (c, m) => (await act(c, `${m.base}/room?/close`, {})).ok,
		'meeting.checkIn': async (c, m) => (await act(c, `${m.base}/room?/checkIn`, { userId: idOf('amina') })).ok,
		'meeting.speakers': async (c, m) => (await act(c, `${m.base}/room?/next`, {})).ok,
		'meeting.proposeItem': async (c, m) => (await act(c, `${m.base}?/addItem`, { title: 'Questions diverses', kind: 'information', description: '' })).ok,
		'meeting.discuss': async (c, m) => (await act(c, `${m.base}/items/${m.itemId}?/post`, { body: 'D’accord.' })).ok,
		'meeting.moderate': async (c, m) => (await act(c, `${m.base}/items/${m.itemId}?/hide`, { postId: m.postId, reason: 'Hors sujet' })).ok
	};

	const attendees = [idOf('sophie.leroy@lcp.demo'), idOf('fatou'), idOf('josiane')];
	/** A held meeting's minutes at a stage: Sophie, Fatou and Josiane attended, Josiane co-edits, Marc wrote a line. */
	async function minutesAt(stage: 'draft' | 'submitted' | 'amendment') {
		const m = await openMeeting();
		for (const who of attendees) expect((await act(secretary, `${m.base}/room?/checkIn`, { userId: who })).ok).toBe(true);
		expect((await act(chair, `${m.base}/minutes?/addCoEditor`, { userId: idOf('josiane') })).ok).toBe(true);
		expect(await liveChange(secretary, `minutes:${m.id}:${m.itemId}`, (d) => typeParagraph(d, 'Le budget est voté à la majorité.'))).toBe(true);
		expect((await act(chair, `${m.base}/room?/close`, {})).ok).toBe(true);
		if (stage !== 'draft') expect((await act(secretary, `${m.base}/minutes?/submit`, { windowDays: stage === 'amendment' ? '7' : '0' })).ok).toBe(true);
		return { ...m, doc: `minutes:${m.id}:${m.itemId}`, resource: minutesResource({ bodyId: bid }, { status: stage, coEditorIds: [idOf('josiane')], attendeeIds: attendees }) };
	}
	const stageOf: Record<MinutesAction, 'draft' | 'submitted' | 'amendment'> = {
		'minutes.view': 'draft',
		'minutes.write': 'draft',
		'minutes.edit': 'draft',
		'minutes.adopt': 'submitted',
		'minutes.amend': 'amendment',
		'minutes.proposeAmendment': 'amendment'
	};
	type Held = Awaited<ReturnType<typeof minutesAt>>;
	const amend = (c: APIRequestContext, m: Held) => actStatus(c, `${m.base}/minutes?/amend`, { section: m.itemId, passage: 'à la majorité', suggestion: 'à l’unanimité' });
	const minutesDoor: Partial<Record<MinutesAction, (c: APIRequestContext, m: Held) => Promise<boolean>>> = {
		'minutes.view': async (c, m) => (await data(c, `${m.base}/minutes`)).status === 200,
		// 'minutes.write' has no form: the live draft is its only door (below).
		'minutes.edit': async (c, m) => (await act(c, `${m.base}/minutes?/submit`, { windowDays: '0' })).ok,
		'minutes.adopt': async (c, m) => (await act(c, `${m.base}/minutes?/adopt`, {})).ok,
		// Taking part in the body's amendments: past the door (403), whether or not she attended (400).
		'minutes.amend': async (c, m) => (await amend(c, m)) !== 403,
		'minutes.proposeAmendment': async (c, m) => (await amend(c, m)) === 200
	};
	const minutesSocketDoor: Partial<Record<MinutesAction, (c: APIRequestContext, m: Held) => Promise<boolean>>> = {
		'minutes.view': (c, m) => liveChange(c, m.doc, null),
		'minutes.write': (c, m) => liveChange(c, m.doc, (d) => typeParagraph(d, 'Ajout.'))
	};

	const seen: Record<string, Set<boolean>> = {};
	const note = (record: Record<string, boolean>) => Object.entries(record).forEach(([action, ok]) => (seen[action] ??= new Set()).add(ok));
	for (const c of cast) {
		const expected: Record<string, boolean> = {};
		const forms: Record<string, boolean> = {};
		for (const action of meetingActions) {
			const m = await busyMeeting();
			expected[action] = can(actorOf(c), action, meetingResource({ bodyId: bid }));
			forms[action] = await meetingDoor[action](ctx[c.who]!, m);
		}
		expect(forms, `${c.who}: meetings over HTTP`).toEqual(expected);
		const room = await joinMeetingRoom(ctx[c.who]!, (await openMeeting()).id);
		expect(room, `${c.who}: the meeting room over sockets`).toBe(expected['meeting.view']);
		note(forms);

		const minutesExpected: Record<string, boolean> = {};
		const minutesForms: Record<string, boolean> = {};
		const sockets: Record<string, boolean> = {};
		const liveExpected: Record<string, boolean> = {};
		for (const action of minutesActions) {
			const door = minutesDoor[action];
			if (door) {
				const m = await minutesAt(stageOf[action]);
				minutesExpected[action] = can(actorOf(c), action, m.resource);
				minutesForms[action] = await door(ctx[c.who]!, m);
			}
			const live = minutesSocketDoor[action];
			if (live) {
				const m = await minutesAt(stageOf[action]);
				liveExpected[action] = can(actorOf(c), action, m.resource);
				sockets[action] = await live(ctx[c.who]!, m);
			}
		}
		expect(minutesForms, `${c.who}: minutes over HTTP`).toEqual(minutesExpected);
		expect(sockets, `${c.who}: minutes over sockets`).toEqual(liveExpected);
		note(minutesForms);
		note(sockets);
	}
	// The table is not trivially "all yes" or "all no": each action was done by someone and refused to someone.
	for (const action of [...meetingActions, ...minutesActions]) expect([...(seen[action] ?? [])].sort(), action).toEqual([false, true]);
	for (const c of Object.values(ctx)) await c.dispose();
});
