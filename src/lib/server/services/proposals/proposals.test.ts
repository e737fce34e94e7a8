import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import exifReader from 'exif-reader';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
import type { Published } from '../../realtime/bus';
import { isUniqueViolation } from '../../db/errors';
import { createTestAppOn, createResidence, createUser, testEngines, type TestApp } from '../../testing';
import { createProposalsService } from './index';
import { UserError } from '../errors';
import { ValidationError } from '../validate';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	let published: Published[];

	async function setup() {
		const { residence } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
		const karim = await createUser(app, { displayName: 'Karim', roles: [{ ...space, role: 'tenant' }] });
		const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
		const observer = await createUser(app, { displayName: 'Obs', roles: [{ ...space, role: 'observer' }] });
		const stranger = await createUser(app, { displayName: 'Stranger' });
		return { residence, space, amina, karim, claire, observer, stranger };
	}

	beforeEach(async () => {
		app = await createTestAppOn(engine);
		published = [];
		app.services.deps.bus.subscribe((m) => published.push(m));
	});
	afterEach(() => app.close());

	const code = async (fn: () => unknown) => {
		try {
			await fn();
		} catch (err) {
			if (err instanceof UserError) return err.code;
			if (err instanceof ForbiddenError) return 'forbidden';
			throw err;
		}
		return 'ok';
	};

	describe('proposals service', () => {
		it('lets a tenant propose with only a title, and publishes the new card to the residence room after commit', async () => {
			const { residence, amina } = await setup();
			const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Jardin partagé', costEuros: '1 200 €' });
			const board = await app.services.proposals.board(amina, residence.id);
			expect(board.cards).toHaveLength(1);
			expect(board.cards[0]).toMatchObject({ id, title: 'Jardin partagé', status: 'idea', category: 'other', costEuros: 1200, authorName: 'Amina' });
			const msg = published.find((m) => m.event === 'proposal.updated');
			expect(msg?.room).toBe(`space:residence:${residence.id}`);
			expect(msg?.payload).toMatchObject({ change: 'created', card: { id, supports: 0 } });
			const { db, t } = app.services.deps.data;
			const entries = (await db.select().from(t.auditLog)).filter((a) => a.action === 'proposal.create');
			expect(entries).toHaveLength(1);
		});

		it('rejects a proposal without a title, with the field in error', async () => {
			const { residence, amina } = await setup();
			await expect(app.services.proposals.propose(amina, { residenceId: residence.id, title: ' ' })).rejects.toBeInstanceOf(ValidationError);
		});

		it('does not let an observer propose, nor a non-member see the board', async () => {
			const { residence, observer, stranger } = await setup();
			await expect(app.services.proposals.propose(observer, { residenceId: residence.id, title: 'Des bancs' })).rejects.toBeInstanceOf(ForbiddenError);
			expect(await code(() => app.services.proposals.board(observer, residence.id))).toBe('ok');
			expect(await code(() => app.services.proposals.board(stranger, residence.id))).toBe('forbidden');
			expect(await code(() => app.services.proposals.board(null, residence.id))).toBe('forbidden');
		});

		it('keeps one support per person, withdrawable, and tells the room the new count', async () => {
			const { residence, amina, karim, claire } = await setup();
			const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Des bancs devant l’entrée' });
			published = [];
			expect((await app.services.proposals.setSupport(karim, { proposalId: id, on: true })).supports).toBe(1);
			expect((await app.services.proposals.setSupport(karim, { proposalId: id, on: 'true' })).supports).toBe(1);
			expect((await app.services.proposals.setSupport(amina, { proposalId: id, on: true })).supports).toBe(2);
			expect(published.filter((m) => m.event === 'proposal.updated')).toHaveLength(2);
			expect(published.at(-1)?.payload).toMatchObject({ change: 'support', card: { supports: 2 } });
			expect((await app.services.proposals.board(karim, residence.id)).cards[0]?.supportedByMe).toBe(true);
			expect((await app.services.proposals.setSupport(karim, { proposalId: id, on: false })).supports).toBe(1);
			expect((await app.services.proposals.board(karim, residence.id)).cards[0]?.supportedByMe).toBe(false);
			// Staff run the board; supporting is for residents.
			expect(await code(() => app.services.proposals.setSupport(claire, { proposalId: id, on: true }))).toBe('forbidden');
		});

		it('the database itself refuses a second support row', async () => {
			const { residence, amina, karim } = await setup();
			const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Grainothèque' });
			await app.services.proposals.setSupport(karim, { proposalId: id, on: true });
			const { data } = app.services.deps;
			const second = await data
				.write((tx) => tx.insert(data.t.proposalSupports).values({ proposalId: id, userId: karim.id, createdAt: app.clock.now() }))
				.then(() => null, (err: unknown) => err);
			expect(isUniqueViolation(second, 'proposal_supports', ['proposal_id', 'user_id'])).toBe(true);
			expect(await data.db.select().from(data.t.proposalSupports)).toHaveLength(1);
		});

		it('records volunteers ("Je participe") and lists them on the proposal', async () => {
			const { residence, amina, karim } = await setup();
			const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Fête des voisins' });
			await app.services.proposals.setVolunteer(karim, { proposalId: id, on: true });
			const view = await app.services.proposals.proposal(karim, id);
			expect(view.volunteers.map((v) => v.displayName)).toEqual(['Karim']);
			expect(view.volunteeredByMe).toBe(true);
			expect(view.card.volunteers).toBe(1);
			await app.services.proposals.setVolunteer(karim, { proposalId: id, on: false });
			expect((await app.services.proposals.proposal(karim, id)).volunteers).toEqual([]);
		});

		it('threads comments one level deep and notifies followers, not the commenter', async () => {
			const { residence, amina, karim, claire } = await setup();
			const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Bancs' });
			const top = await app.services.proposals.comment(karim, { proposalId: id, body: 'Bonne idée' });
			const reply = await app.services.proposals.comment(amina, { proposalId: id, body: 'Merci', parentId: top.id });
			// Comments are listed by time (ties by id, on both engines): the next one is written a second later.
			app.clock.advance(1000);
			const replyToReply = await app.services.proposals.comment(claire, { proposalId: id, body: 'On regarde', parentId: reply.id });
			expect(replyToReply.parentId).toBe(top.id);
			const view = await app.services.proposals.proposal(amina, id);
			expect(view.threads).toHaveLength(1);
			expect(view.threads[0]?.replies.map((r) => r.body)).toEqual(['Merci', 'On regarde']);
			expect(view.card.comments).toBe(3);
			// Amina (author) heard of Karim's and Claire's comments; Karim (commenter) of Amina's and Claire's.
			expect(await app.services.notifications.unread(amina)).toBe(2);
			expect(await app.services.notifications.unread(karim)).toBe(2);
			expect(await app.services.notifications.unread(claire)).toBe(0);
			const note = published.find((m) => m.event === 'notification.new' && m.room === `user:${amina.id}`);
			expect(note?.payload).toMatchObject({ kind: 'comment', proposalId: id, proposalTitle: 'Bancs' });
			expect((await app.services.notifications.markRead(amina, {})).unread).toBe(0);
			expect((await app.services.notifications.list(amina)).items.every((n) => n.read)).toBe(true);
		});

		it('lets a facilitator move a card along the lifecycle and undo it; a tenant cannot', async () => {
			const { residence, amina, karim, claire } = await setup();
			const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Éclairage du parking' });
			await app.services.proposals.setSupport(karim, { proposalId: id, on: true });
			expect(await code(() => app.services.proposals.move(karim, { proposalId: id, status: 'discussion' }))).toBe('forbidden');
			expect(await code(() => app.services.proposals.move(claire, { proposalId: id, status: 'done' }))).toBe('board.error.transition');
			expect(await code(() => app.services.proposals.move(claire, { proposalId: id, status: 'declined' }))).toBe('board.error.reasonRequired');

			published = [];
			const { eventId } = await app.services.proposals.move(claire, { proposalId: id, status: 'discussion' });
			expect((await app.services.proposals.proposal(amina, id)).card.status).toBe('discussion');
			expect(published.find((m) => m.event === 'proposal.updated')?.payload).toMatchObject({ change: 'moved', eventId, card: { status: 'discussion' } });
			// Author and supporter are told about the status change.
			expect((await app.services.notifications.list(karim)).items[0]).toMatchObject({ kind: 'status', data: { from: 'idea', to: 'discussion' } });

			expect(await code(() => app.services.proposals.undo(karim, { eventId }))).toBe('forbidden');
			await app.services.proposals.undo(claire, { eventId });
			const view = await app.services.proposals.proposal(claire, id);
			expect(view.card.status).toBe('idea');
			expect(view.history.map((h) => h.kind)).toEqual(['undone', 'moved', 'created']);
			expect(view.history.find((h) => h.kind === 'moved')?.undoneAt).toBeInstanceOf(Date);
			expect(await code(() => app.services.proposals.undo(claire, { eventId }))).toBe('board.error.alreadyUndone');
		});

		it('declines with a public reason, and refuses an undo that would erase a later change', async () => {
			const { residence, amina, claire } = await setup();
			const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Piscine' });
			const first = await app.services.proposals.move(claire, { proposalId: id, status: 'declined', reason: 'Hors budget de la résidence' });
			expect((await app.services.proposals.board(amina, residence.id)).cards[0]).toMatchObject({ status: 'declined', declineReason: 'Hors budget de la résidence' });
			await app.services.proposals.move(claire, { proposalId: id, status: 'discussion' });
			expect(await code(() => app.services.proposals.undo(claire, { eventId: first.eventId }))).toBe('board.error.staleUndo');
		});

		it('lets an author withdraw their own idea, but neither move nor decline it', async () => {
			const { residence, amina, karim } = await setup();
			const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Doublon' });
			expect(await code(() => app.services.proposals.move(amina, { proposalId: id, status: 'discussion' }))).toBe('forbidden');
			expect(await code(() => app.services.proposals.move(karim, { proposalId: id, status: 'declined', reason: 'Non' }))).toBe('forbidden');
			// Declining reads as a refusal by the board; an author takes her idea off the board by withdrawing it.
			expect(await code(() => app.services.proposals.move(amina, { proposalId: id, status: 'declined', reason: 'Déjà proposé' }))).toBe('forbidden');
			expect((await app.services.proposals.board(amina, residence.id)).cards[0]?.targets).toEqual([]);
			await app.services.proposals.withdraw(amina, { proposalId: id });
			expect((await app.services.proposals.board(amina, residence.id)).cards).toEqual([]);
		});

		it('reorders cards inside a column and places moved cards where they were dropped', async () => {
			const { residence, amina, claire } = await setup();
			const a = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'A idée' });
			const b = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'B idée' });
			const c = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'C idée' });
			const order = async () => (await app.services.proposals.board(amina, residence.id)).cards.filter((x) => x.status === 'idea').map((x) => x.title);
			expect(await order()).toEqual(['C idée', 'B idée', 'A idée']);
			await app.services.proposals.move(claire, { proposalId: a.id, status: 'idea', index: 0 });
			expect(await order()).toEqual(['A idée', 'C idée', 'B idée']);
			await app.services.proposals.move(claire, { proposalId: c.id, status: 'discussion' });
			await app.services.proposals.move(claire, { proposalId: b.id, status: 'discussion', index: 0 });
			expect((await app.services.proposals.board(amina, residence.id)).cards.filter((x) => x.status === 'discussion').map((x) => x.title)).toEqual(['B idée', 'C idée']);
		});

		it('edits and undoes an edit', async () => {
			const { residence, amina, karim, claire } = await setup();
			const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Bancs', category: 'furniture' });
			expect(await code(() => app.services.proposals.edit(karim, { proposalId: id, title: 'Autre' }))).toBe('forbidden');
			const { eventId } = await app.services.proposals.edit(amina, { proposalId: id, title: 'Trois bancs', category: 'furniture', costEuros: '900' });
			expect((await app.services.proposals.proposal(amina, id)).card).toMatchObject({ title: 'Trois bancs', costEuros: 900 });
			await app.services.proposals.undo(claire, { eventId: eventId! });
			expect((await app.services.proposals.proposal(amina, id)).card).toMatchObject({ title: 'Bancs', costEuros: null });
		});

		it('hides a proposal and a comment with a reason shown in place, tells the author, and keeps the text in the audit log', async () => {
			const { residence, amina, karim, claire } = await setup();
			const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Texte blessant', description: 'détails' });
			const { id: commentId } = await app.services.proposals.comment(karim, { proposalId: id, body: 'Insulte' });
			expect(await code(() => app.services.proposals.hideComment(amina, { id: commentId, reason: 'Je n’aime pas' }))).toBe('forbidden');
			expect(await code(() => app.services.proposals.hideProposal(karim, { id, reason: 'Spam' }))).toBe('forbidden');

			published = [];
			await app.services.proposals.hideComment(claire, { id: commentId, reason: 'Propos insultants' });
			await app.services.proposals.hideProposal(claire, { id, reason: 'Propos blessants' });

			const forTenant = await app.services.proposals.proposal(karim, id);
			expect(forTenant.card.title).toBe('');
			expect(forTenant.card.hidden).toEqual({ reason: 'Propos blessants' });
			expect(forTenant.description).toBe('');
			// A hidden proposal's comments are not listed at all to readers (a list of blanks says nothing).
			expect(forTenant.threads).toEqual([]);
			expect(forTenant.commentCount).toEqual({ shown: 0, hidden: 0 });
			expect((await app.services.proposals.proposal(claire, id)).threads[0]).toMatchObject({ body: 'Insulte', hidden: { reason: 'Propos insultants' } });
			expect((await app.services.proposals.proposal(claire, id)).card.title).toBe('Texte blessant');
			// The board says the same: a blank card with its reason to the tenant, the text to the moderator.
			expect((await app.services.proposals.board(karim, residence.id)).cards.find((c) => c.id === id)).toMatchObject({ title: '', hidden: { reason: 'Propos blessants' }, targets: [] });
			expect((await app.services.proposals.board(claire, residence.id)).cards.find((c) => c.id === id)).toMatchObject({ title: 'Texte blessant', hidden: { reason: 'Propos blessants' } });
			// The room never receives hidden text.
			const roomCards = published.filter((m) => m.event === 'proposal.updated').map((m) => (m.payload as { card: { title: string } }).card.title);
			expect(roomCards.at(-1)).toBe('');

			expect((await app.services.notifications.list(amina)).items.map((n) => n.kind)).toContain('hidden');
			expect((await app.services.notifications.list(karim)).items.some((n) => n.kind === 'hidden' && n.data.target === 'comment')).toBe(true);
			const { db, t } = app.services.deps.data;
			const audit = await db.select().from(t.auditLog).orderBy(t.auditLog.id);
			expect(audit.find((a) => a.action === 'proposal.hide')?.data).toMatchObject({ title: 'Texte blessant', reason: 'Propos blessants' });
			expect(audit.find((a) => a.action === 'comment.hide')?.data).toMatchObject({ body: 'Insulte' });
			expect(await code(() => app.services.proposals.setSupport(karim, { proposalId: id, on: true }))).toBe('board.error.hidden');

			await app.services.proposals.unhideProposal(claire, { id });
			expect((await app.services.proposals.proposal(karim, id)).card.title).toBe('Texte blessant');
		});

		it('hides a proposal from members of another residence', async () => {
			const { residence, amina } = await setup();
			const other = await createResidence(app);
			const outsider = await createUser(app, { roles: [{ type: 'residence', id: other.residence.id, role: 'facilitator' }] });
			const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Compost' });
			expect(await code(() => app.services.proposals.proposal(outsider, id))).toBe('forbidden');
			expect(await code(() => app.services.proposals.move(outsider, { proposalId: id, status: 'discussion' }))).toBe('forbidden');
			expect(await code(() => app.services.proposals.comment(outsider, { proposalId: id, body: 'Hello' }))).toBe('forbidden');
		});
	});

	describe('proposal photos', () => {
		it('re-encodes photos without their GPS position and serves them only to members', async () => {
			const { residence, amina, stranger } = await setup();
			const proposals = createProposalsService(app.services.deps, { uploadDir: () => join(app.dir, 'uploads') });
			const input = await sharp({ create: { width: 2400, height: 1200, channels: 3, background: '#3a7' } })
				.jpeg()
				.withExifMerge({ IFD0: { Make: 'PhoneMaker', Model: 'Cheap phone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '45/1 42/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '4/1 53/1 0/1' } })
				.toBuffer();
			const before = await sharp(input).metadata();
			const exif = exifReader(before.exif!);
			expect(exif.Image?.Make).toBe('PhoneMaker');
			expect(exif.GPSInfo?.GPSLatitudeRef).toBe('N');
			expect(exif.GPSInfo?.GPSLatitude).toEqual([45, 42, 0]);

			const { id } = await proposals.propose(amina, { residenceId: residence.id, title: 'Le coin à jardiner' }, new Uint8Array(input));
			const path = await proposals.photoPath(amina, id);
			const stored = readFileSync(path);
			const after = await sharp(stored).metadata();
			expect(after.format).toBe('webp');
			expect(after.exif).toBeUndefined();
			expect(after.xmp).toBeUndefined();
			expect(Math.max(after.width ?? 0, after.height ?? 0)).toBe(1600);
			expect(stored.includes(Buffer.from('PhoneMaker'))).toBe(false);
			expect(await code(() => proposals.photoPath(stranger, id))).toBe('forbidden');
		});

		it('refuses a file that is not an image whatever its name, and an oversized one', async () => {
			const { residence, amina } = await setup();
			const dir = join(app.dir, 'uploads');
			const proposals = createProposalsService(app.services.deps, { uploadDir: () => dir });
			const fake = new TextEncoder().encode('<script>alert(1)</script>');
			await expect(proposals.propose(amina, { residenceId: residence.id, title: 'Photo piégée' }, fake)).rejects.toMatchObject({ code: 'board.photo.badType' });
			const big = new Uint8Array(8 * 1024 * 1024 + 1);
			big.set([0xff, 0xd8, 0xff]);
			await expect(proposals.propose(amina, { residenceId: residence.id, title: 'Trop lourde' }, big)).rejects.toMatchObject({ code: 'board.photo.tooLarge' });
			expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
			expect((await proposals.board(amina, residence.id)).cards).toEqual([]);
		});
	});
});
