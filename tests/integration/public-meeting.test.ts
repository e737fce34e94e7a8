/**
 * The public live view of a meeting (issues 10 and 11) on real sockets: nothing for a body whose rules
 * keep meetings private (page and room refused); once the chair makes them public, an anonymous
 * socket joins the read-only room and follows the current item, the speaker (named only if the
 * member agreed to be named on the portal), the quorum and the live result; nothing private (no user
 * id, no attendance list, no other name) ever reaches it. A practice body never shows.
 */
import { eq } from 'drizzle-orm';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { PublicLiveState } from '$lib/domain/meetings';
import { bodies, organisations, portalConsents } from '$lib/server/db/schema';
import { createBodyFixture } from '$lib/server/services/meetings/fixture';
import { liveHarness, type Client } from './socket-harness';

const harness = liveHarness();
const anonymous: Client[] = [];
afterEach(() => {
	for (const s of anonymous.splice(0)) s.disconnect();
});

async function guest(): Promise<Client> {
	const socket: Client = connect(harness.server.url, { auth: { public: true }, transports: ['websocket'], forceNew: true });
	anonymous.push(socket);
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', reject);
	});
	return socket;
}

const join = (s: Client, meetingId: string) => new Promise<{ ok: boolean; code?: string; data?: PublicLiveState }>((resolve) => s.emit('portal.live.join', { meetingId }, (r) => resolve(r as never)));
const next = (s: Client, match: (st: PublicLiveState) => boolean) =>
	new Promise<PublicLiveState>((resolve) => {
		const handler = (st: PublicLiveState) => {
			if (!match(st)) return;
			s.off('portal.live', handler);
			resolve(st);
		};
		s.on('portal.live', handler);
	});

async function code(fn: () => Promise<unknown>) {
	try {
		await fn();
		return 'ok';
	} catch (err) {
		return (err as { code?: string }).code ?? String(err);
	}
}

async function setup() {
	const app = harness.app;
	const f = await createBodyFixture(app);
	const m = app.services.meetings;
	const slugs = app.services.deps.db.select({ body: bodies.slug, org: organisations.slug }).from(bodies).innerJoin(organisations, eq(organisations.id, bodies.organisationId)).where(eq(bodies.id, f.body.id)).get()!;
	const { id } = await m.schedule(f.chair, { bodyId: f.body.id, title: 'Comité public', startsAt: '2026-11-22T10:00' });
	const { id: itemId } = (await m.addItem(f.chair, { meetingId: id, title: 'Jardin partagé', kind: 'decision' })) as { id: string };
	await m.open(f.chair, { meetingId: id });
	for (const u of [f.chair, f.fatou, f.elise]) await m.checkIn(f.secretary, { meetingId: id, userId: u.id });
	return { f, m, id, itemId, slugs };
}

const rules = (bodyId: string, publicMeetings: boolean) => ({ bodyId, quorumPct: '50', proxyLimit: '1', balanceWarnRatio: '1.5', firstTimeFirst: 'on', publicMeetings: publicMeetings ? 'on' : '' });

describe('public live view of a meeting', () => {
	it('shows nothing while the body keeps its meetings private', async () => {
		const s = await setup();
		expect(await code(() => s.m.publicLiveOf(s.slugs.org, s.slugs.body))).toBe('minutes.error.notPublic');
		const g = await guest();
		expect(await join(g, s.id)).toMatchObject({ ok: false, code: 'minutes.error.notPublic' });
		// A member cannot change that; the chair can.
		expect(await code(() => s.m.setRules(s.f.fatou, rules(s.f.body.id, true)))).toBe('forbidden');
	});

	it('follows the meeting live without an account, with nothing private', async () => {
		const s = await setup();
		const { f, m, id } = s;
		await m.setRules(f.chair, rules(f.body.id, true));
		// Fatou agreed to be named on the portal; Élise did not.
		harness.app.services.deps.db.insert(portalConsents).values({ bodyId: f.body.id, userId: f.fatou.id, createdAt: harness.app.clock.now() }).run();

		const page = await m.publicLiveOf(s.slugs.org, s.slugs.body);
		expect(page.meetingId).toBe(id);
		expect(page.live).toMatchObject({ meeting: { title: 'Comité public', status: 'open' }, current: null, quorum: { met: true, counted: 3 } });

		const g = await guest();
		const joined = await join(g, id);
		expect(joined.ok).toBe(true);
		const seen: PublicLiveState[] = [];
		g.on('portal.live', (st) => seen.push(st));

		const onItem = next(g, (st) => st.current?.title === 'Jardin partagé');
		await m.moveTo(f.chair, { meetingId: id, expected: '', to: 'next' });
		expect((await onItem).agenda).toEqual([{ position: 1, title: 'Jardin partagé', kind: 'decision', state: 'current' }]);

		// Fatou speaks: named. Then Élise: only her college.
		await m.addSpeaker(f.secretary, { meetingId: id, userId: f.fatou.id, type: 'contribution' });
		harness.app.clock.advance(1000);
		await m.addSpeaker(f.secretary, { meetingId: id, userId: f.elise.id, type: 'contribution' });
		const fatouSpeaks = next(g, (st) => st.speaker?.name === 'Fatou');
		await m.next(f.chair, { meetingId: id });
		expect(await fatouSpeaks).toMatchObject({ speaker: { name: 'Fatou', college: 'Bénévoles' }, waiting: 1 });
		const eliseSpeaks = next(g, (st) => st.speaker?.college === 'Ville');
		await m.next(f.chair, { meetingId: id });
		expect((await eliseSpeaks).speaker).toMatchObject({ name: null, college: 'Ville' });

		// A motion with a live result.
		const motion = await m.openMotion(f.chair, { meetingId: id, itemId: s.itemId, question: 'Créer un jardin partagé ?' });
		const counted = next(g, (st) => st.motions[0]?.participants === 2);
		for (const u of [f.chair, f.fatou]) await harness.app.services.consultations.cast(u, { consultationId: motion.consultationId, ballot: { position: 'for' } });
		expect((await counted).motions[0]).toMatchObject({ question: 'Créer un jardin partagé ?', status: 'open', participants: 2, electors: 3 });

		// Nothing private reached the public room: no user id, no name of a member who did not agree.
		const text = JSON.stringify([joined, ...seen]);
		for (const u of [f.chair, f.secretary, f.fatou, f.elise, f.vincent, f.director]) expect(text).not.toContain(u.id);
		for (const name of ['Élise', 'Sophie', 'Marc', 'Vincent', 'Dina']) expect(text).not.toContain(name);
		expect(text).not.toContain('attendance');

		// Made private again: the page and the room refuse, and the socket is not told anything more.
		await m.setRules(f.chair, rules(f.body.id, false));
		expect(await code(() => m.publicLiveOf(s.slugs.org, s.slugs.body))).toBe('minutes.error.notPublic');
		expect(await join(g, id)).toMatchObject({ ok: false });
	});

	it('never shows a practice body, even with public meetings', async () => {
		const s = await setup();
		await s.m.setRules(s.f.chair, rules(s.f.body.id, true));
		harness.app.services.deps.db.update(bodies).set({ practice: true }).where(eq(bodies.id, s.f.body.id)).run();
		expect(await code(() => s.m.publicLiveOf(s.slugs.org, s.slugs.body))).toBe('minutes.error.notPublic');
		expect(await join(await guest(), s.id)).toMatchObject({ ok: false });
	});
});
