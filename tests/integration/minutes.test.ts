/**
 * The minutes cycle through its real doors: the live draft on a real socket (Yjs), then the services.
 * A Yjs update after submission (and after adoption) is refused and not stored; amendments, adoption,
 * publication into the body's hash chain and a correction; the exported chain verifies.
 */
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '$lib/domain/minutes';
import { minutesDocName } from '$lib/realtime/collab-events';
import { Peer, syncMessage, until } from '$lib/server/collab/testing-peer';
import { loadUpdates } from '$lib/server/collab/store';
import { minutesSettings, notifications } from '$lib/server/db/schema';
import { createBodyFixture } from '$lib/server/services/meetings/fixture';
import { sessionCookie } from '$lib/server/testing';
import { UserError } from '$lib/server/services/errors';
import { eq } from 'drizzle-orm';
import { liveHarness } from './socket-harness';

const harness = liveHarness();

async function code(fn: () => Promise<unknown>): Promise<string> {
	try {
		await fn();
	} catch (e) {
		return e instanceof UserError ? e.code : e instanceof Error && 'code' in e ? String((e as { code: string }).code) : String(e);
	}
	return 'ok';
}

async function heldMeeting() {
	const f = await createBodyFixture(harness.app);
	const m = harness.app.services.meetings;
	const { id } = await m.schedule(f.chair, { bodyId: f.body.id, title: 'Comité de novembre', startsAt: '2026-11-22T10:00' });
	const { id: itemId } = (await m.addItem(f.chair, { meetingId: id, title: 'Budget', kind: 'decision' })) as { id: string };
	await m.open(f.chair, { meetingId: id });
	for (const u of [f.chair, f.fatou, f.elise]) await m.checkIn(f.secretary, { meetingId: id, userId: u.id });
	return { f, m, id, itemId };
}

const peerFor = async (userId: string, doc: string) => new Peer(harness.server.url, await sessionCookie(harness.app, userId), doc);

function typeInto(peer: Peer, text: string) {
	peer.doc.transact(() => peer.firstLine().insert(0, text));
}

describe('minutes cycle', () => {
	it('drafts live with a named co-editor; after submission a Yjs update is refused and not stored', async () => {
		const { f, m, id, itemId } = await heldMeeting();
		const minutes = harness.app.services.minutes;
		const doc = minutesDocName(id, itemId);

		const secretary = await peerFor(f.secretary.id, doc);
		expect((await secretary.join()).ok).toBe(true);
		expect(secretary.readOnly).toBe(false);
		typeInto(secretary, 'Le budget est présenté par la trésorière.');
		await secretary.flush();
		expect(secretary.results.every((r) => r.ok)).toBe(true);

		// Fatou reads; once the chair names her co-editor she writes.
		const before = await peerFor(f.fatou.id, doc);
		await before.join();
		expect(before.readOnly).toBe(true);
		expect(await code(() => minutes.setCoEditor(f.fatou, { meetingId: id, userId: f.fatou.id }, true))).toBe('forbidden');
		await minutes.setCoEditor(f.chair, { meetingId: id, userId: f.fatou.id }, true);
		const coEditor = await peerFor(f.fatou.id, doc);
		await coEditor.join();
		expect(coEditor.readOnly).toBe(false);
		before.close();

		// Submitting needs the meeting closed, then freezes the text and tells attendees.
		expect(await code(() => minutes.submit(f.secretary, { meetingId: id, windowDays: 7 }))).toBe('minutes.error.transition');
		await m.close(f.chair, { meetingId: id });
		expect(await code(() => minutes.submit(f.fatou, { meetingId: id, windowDays: 7 }))).toBe('forbidden');
		await minutes.submit(f.secretary, { meetingId: id, windowDays: 7 });
		const view = await minutes.view(f.fatou, id);
		expect(view.status).toBe('amendment');
		expect(view.texts[itemId]).toBe('Le budget est présenté par la trésorière.');
		expect(view.facts?.colleges.find((c) => c.name === 'Bénévoles')?.present).toEqual(['Fatou']);
		const told = harness.app.services.deps.db.select().from(notifications).where(eq(notifications.kind, 'minutesSubmitted')).all();
		expect(told.map((n) => n.userId).sort()).toEqual([f.chair.id, f.fatou.id, f.elise.id].sort());

		// The co-editor's (and the secretary's) next keystroke is refused; nothing reaches the log.
		const rows = (await loadUpdates(harness.app.services.deps.data, doc)).updates.length;
		const forged = new Y.Doc();
		Y.applyUpdate(forged, Y.encodeStateAsUpdate(coEditor.doc));
		const vector = Y.encodeStateVector(forged);
		((forged.getXmlFragment('description').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'FALSIFIÉ ');
		const res = await coEditor.send(syncMessage(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(forged, vector)));
		expect(res).toMatchObject({ ok: false, code: 'collab.error.readOnly' });
		expect((await loadUpdates(harness.app.services.deps.data, doc)).updates.length).toBe(rows);
		expect(await harness.app.services.collab.text(doc)).toBe('Le budget est présenté par la trésorière.');
		const rejoined = await peerFor(f.secretary.id, doc);
		await rejoined.join();
		expect(rejoined.readOnly).toBe(true);
		for (const p of [secretary, coEditor, rejoined]) p.close();
	});

	it('runs amendments, adoption by the chair, publication into the chain and a correction', async () => {
		const { f, m, id, itemId } = await heldMeeting();
		const minutes = harness.app.services.minutes;
		const doc = minutesDocName(id, itemId);
		const secretary = await peerFor(f.secretary.id, doc);
		await secretary.join();
		typeInto(secretary, 'Le budget est adopté à la majorité.');
		await secretary.flush();
		await until(async () => (await harness.app.services.collab.text(doc)).length > 0);
		secretary.close();
		await m.close(f.chair, { meetingId: id });
		expect(await code(() => minutes.publish(f.secretary, { meetingId: id }))).toBe('minutes.error.notAdopted');
		await minutes.submit(f.secretary, { meetingId: id, windowDays: 7 });

		// Amendments: only attendees, only quoting the text, only while the window is open.
		expect(await code(() => minutes.proposeAmendment(f.vincent, { meetingId: id, section: itemId, passage: 'majorité', suggestion: 'unanimité' }))).toBe('minutes.error.notAttendee');
		expect(await code(() => minutes.proposeAmendment(f.observer, { meetingId: id, section: itemId, passage: 'majorité', suggestion: 'unanimité' }))).toBe('forbidden');
		expect(await code(() => minutes.proposeAmendment(f.fatou, { meetingId: id, section: itemId, passage: 'pas dans le texte', suggestion: 'x' }))).toBe('minutes.error.passageMissing');
		const { id: amendmentId } = await minutes.proposeAmendment(f.fatou, { meetingId: id, section: itemId, passage: 'à la majorité', suggestion: 'à l’unanimité' });
		const { id: other } = await minutes.proposeAmendment(f.elise, { meetingId: id, section: itemId, passage: 'budget', suggestion: 'budget 2027' });
		expect(await code(() => minutes.decideAmendment(f.fatou, { meetingId: id, amendmentId, decision: 'accept', reason: '' }))).toBe('forbidden');
		expect(await code(() => minutes.decideAmendment(f.secretary, { meetingId: id, amendmentId: other, decision: 'reject', reason: '' }))).toBe('minutes.error.reasonRequired');
		await minutes.decideAmendment(f.secretary, { meetingId: id, amendmentId, decision: 'accept', reason: 'Exact : personne ne s’est opposé.' });
		expect(await code(() => minutes.decideAmendment(f.secretary, { meetingId: id, amendmentId, decision: 'reject', reason: 'non' }))).toBe('minutes.error.decided');
		expect(await code(() => minutes.adopt(f.chair, { meetingId: id }))).toBe('minutes.error.windowOpen');
		await minutes.decideAmendment(f.secretary, { meetingId: id, amendmentId: other, decision: 'reject', reason: 'Le budget voté est celui de 2026.' });

		// The window ends by itself; an amendment after it is refused.
		harness.app.clock.advance(8 * 24 * 3600_000);
		expect(await code(() => minutes.proposeAmendment(f.fatou, { meetingId: id, section: itemId, passage: 'budget', suggestion: 'x' }))).toBe('minutes.error.windowClosed');
		expect(await code(() => minutes.adopt(f.fatou, { meetingId: id }))).toBe('forbidden');
		// Adoption and publication are legally binding: their units are committed durably (synchronous=FULL).
		const commits: { durable: boolean; synchronous?: number }[] = [];
		const stop = harness.app.services.deps.data.onCommit((c) => commits.push(c));
		await minutes.adopt(f.chair, { meetingId: id });
		expect(await code(() => minutes.adopt(f.chair, { meetingId: id }))).toBe('minutes.error.alreadyAdopted');
		await minutes.publish(f.secretary, { meetingId: id });
		stop();
		expect(commits.filter((c) => c.durable).map((c) => c.synchronous)).toEqual([2, 2]);
		expect(await code(() => minutes.publish(f.secretary, { meetingId: id }))).toBe('minutes.error.locked');

		const published = await minutes.view(f.elise, id);
		expect(published.status).toBe('published');
		expect(published.versions).toHaveLength(1);
		expect(published.versions[0]!.record.content).toContain('Le budget est adopté à l’unanimité.');
		expect(published.versions[0]!.record.content).toContain('## 1. Budget');

		// A correction is a new version linked to the first; nothing is overwritten.
		const fixed = published.versions[0]!.record.content.replace('Fatou', 'Fatou S.');
		expect(await code(() => minutes.correct(f.secretary, { meetingId: id, content: fixed, what: 'Nom', why: 'Orthographe' }))).toBe('forbidden');
		await minutes.correct(f.chair, { meetingId: id, content: fixed, what: 'Nom complet de Fatou', why: 'Demande de l’intéressée' });
		const file = await minutes.publication.chainFile(f.body.id);
		expect(file.versions.map((v) => v.sequence)).toEqual([1, 2]);
		expect(file.versions[1]!.corrects).toEqual({ sequence: 1, hash: file.versions[0]!.hash });
		expect(file.versions[0]!.content).not.toContain('Fatou S.');
		expect(file.versions[1]!.content).toContain('Fatou S.');
		const check = await verifyChain(JSON.parse(JSON.stringify(file)));
		expect(check).toMatchObject({ ok: true, count: 2, head: file.versions[1]!.hash });
		expect((await minutes.view(f.chair, id)).status).toBe('corrected');
	});

	it('adopts by a vote at a later meeting when the rules say so', async () => {
		const { f, m, id } = await heldMeeting();
		const minutes = harness.app.services.minutes;
		const db = harness.app.services.deps.db;
		db.insert(minutesSettings).values({ bodyId: f.body.id, portalPublic: true, chairMayAdopt: false, amendmentDays: 0, updatedAt: new Date() }).run();
		await m.close(f.chair, { meetingId: id });
		await minutes.submit(f.secretary, { meetingId: id, windowDays: 0 });
		expect(await code(() => minutes.adopt(f.chair, { meetingId: id }))).toBe('minutes.error.chairMayNotAdopt');
		const { id: next } = await m.schedule(f.chair, { bodyId: f.body.id, title: 'Comité de décembre', startsAt: '2026-12-20T10:00' });
		await minutes.scheduleAdoptionVote(f.secretary, { meetingId: id, targetMeetingId: next });
		const item = (await m.detail(f.chair, next)).items.find((i) => i.title.includes('Comité de novembre'));
		expect(item?.kind).toBe('decision');
		await m.open(f.chair, { meetingId: next });
		for (const u of [f.chair, f.fatou, f.elise]) await m.checkIn(f.secretary, { meetingId: next, userId: u.id });
		const motion = await m.openMotion(f.chair, { meetingId: next, itemId: item!.id, question: 'Adopter le procès-verbal de novembre ?' });
		for (const u of [f.chair, f.fatou, f.elise]) await harness.app.services.consultations.cast(u, { consultationId: motion.consultationId, ballot: { position: 'for' } });
		await m.closeMotion(f.chair, { meetingId: next, motionId: motion.id });
		// The register and the minutes hear the closing on the bus (consultation.closed), after its commit.
		await harness.app.services.settled();
		const after = await minutes.view(f.chair, id);
		expect(after.status).toBe('adopted');
		expect(after.adoptionMethod).toBe('vote');
	});
});
