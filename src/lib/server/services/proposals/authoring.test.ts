import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
import type { Published } from '../../realtime/bus';
import { createTestAppOn, createResidence, createUser, testEngines, type TestApp } from '../../testing';
import { UserError } from '../errors';
import { followersQuery, proposalFollowers } from '../notifications/recipients';
import { createProposalsContext } from './context';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	let published: Published[];

	async function setup() {
		const { residence } = await createResidence(app);
		const space = { type: 'residence' as const, id: residence.id };
		const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
		const karim = await createUser(app, { displayName: 'Karim', roles: [{ ...space, role: 'tenant' }] });
		const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
		const stranger = await createUser(app, { displayName: 'Stranger' });
		const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Des bancs' });
		return { residence, amina, karim, claire, stranger, id };
	}

	beforeEach(async () => {
		app = await createTestAppOn(engine);
		published = [];
		app.services.deps.bus.subscribe((m) => published.push(m));
	});
	afterEach(() => app.close());

	async function outcome(fn: () => Promise<unknown>) {
		try {
			await fn();
			return 'ok';
		} catch (err) {
			if (err instanceof UserError) return err.code;
			if (err instanceof ForbiddenError) return 'forbidden';
			throw err;
		}
	}
	const audits = async (action: string) => {
		const { db, t } = app.services.deps.data;
		return (await db.select().from(t.auditLog).orderBy(t.auditLog.id)).filter((a) => a.action === action);
	};

	describe('authors and their own words', () => {
		it('an author edits her comment (marked edited, old text in the audit log); nobody else can, moderators included', async () => {
			const { amina, karim, claire, stranger, id } = await setup();
			const { id: commentId } = await app.services.proposals.comment(karim, { proposalId: id, body: 'Bonne idee' });
			expect(await outcome(() => app.services.proposals.editComment(amina, { commentId, body: 'Piraté' }))).toBe('forbidden');
			expect(await outcome(() => app.services.proposals.editComment(claire, { commentId, body: 'Piraté' }))).toBe('forbidden');
			expect(await outcome(() => app.services.proposals.editComment(stranger, { commentId, body: 'Piraté' }))).toBe('forbidden');
			expect(await outcome(() => app.services.proposals.editComment(karim, { commentId, body: '   ' }))).toBe('board.validation.comment');
			expect((await app.services.proposals.proposal(karim, id)).threads[0]).toMatchObject({ body: 'Bonne idee', editedAt: null, can: { edit: true, delete: true } });
			expect((await app.services.proposals.proposal(amina, id)).threads[0]!.can).toEqual({ edit: false, delete: false });

			published = [];
			await app.services.proposals.editComment(karim, { commentId, body: 'Bonne idée !' });
			const after = (await app.services.proposals.proposal(amina, id)).threads[0]!;
			expect(after.body).toBe('Bonne idée !');
			expect(after.editedAt).toBeInstanceOf(Date);
			expect((await audits('comment.edit'))[0]?.data).toMatchObject({ commentId, before: 'Bonne idee', after: 'Bonne idée !' });
			expect(published.some((m) => m.event === 'proposal.updated')).toBe(true);
		});

		it('an author deletes her comment: its text leaves the page and the count, a reply keeps its thread under a placeholder', async () => {
			const { amina, karim, claire, id } = await setup();
			const top = await app.services.proposals.comment(karim, { proposalId: id, body: 'Texte à retirer' });
			await app.services.proposals.comment(amina, { proposalId: id, body: 'Je réponds', parentId: top.id });
			expect(await outcome(() => app.services.proposals.deleteComment(amina, { commentId: top.id }))).toBe('forbidden');
			expect(await outcome(() => app.services.proposals.deleteComment(claire, { commentId: top.id }))).toBe('forbidden');

			await app.services.proposals.deleteComment(karim, { commentId: top.id });
			const view = await app.services.proposals.proposal(claire, id);
			expect(view.threads).toHaveLength(1);
			expect(view.threads[0]).toMatchObject({ deleted: true, body: '', replies: [{ body: 'Je réponds' }] });
			expect(view.commentCount).toEqual({ shown: 1, hidden: 0 });
			expect(view.card.comments).toBe(1);
			expect(JSON.stringify(await app.services.proposals.proposal(amina, id))).not.toContain('Texte à retirer');
			expect((await audits('comment.delete'))[0]?.data).toMatchObject({ commentId: top.id, body: 'Texte à retirer' });
			// Deleted once is deleted: no second delete, no edit of a deleted comment.
			expect(await outcome(() => app.services.proposals.deleteComment(karim, { commentId: top.id }))).toBe('forbidden');
			expect(await outcome(() => app.services.proposals.editComment(karim, { commentId: top.id, body: 'Revenu' }))).toBe('forbidden');
		});

		it('a card counts the readable comments only, and (SQLite) counts them from their index without reading the comments', async () => {
			const { residence, amina, karim, claire, id } = await setup();
			const ids: string[] = [];
			for (let i = 0; i < 5; i++) ids.push((await app.services.proposals.comment(i % 2 ? karim : amina, { proposalId: id, body: `Avis ${i}` })).id);
			await app.services.proposals.hideComment(claire, { id: ids[0]!, reason: 'Propos blessants' });
			await app.services.proposals.deleteComment(karim, { commentId: ids[1]! });
			expect((await app.services.proposals.proposal(amina, id)).card.comments).toBe(3);
			expect((await app.services.proposals.board(amina, residence.id)).cards.find((c) => c.id === id)?.comments).toBe(3);
			await app.services.proposals.unhideComment(claire, { id: ids[0]! });
			expect((await app.services.proposals.proposal(amina, id)).card.comments).toBe(4);
			if (engine !== 'sqlite') return;
			// The card query every card and every live update runs, planned as the service prepared it.
			const { sql, params } = createProposalsContext(app.services.deps).cardById().getQuery();
			// Its one placeholder is the proposal's id; the staff roles are bound values.
			const values = params.map((p) => (typeof p === 'object' && p !== null && 'name' in p ? id : p));
			const plan = (app.services.deps.db.$client.prepare(`explain query plan ${sql}`).all(...values) as { detail: string }[]).map((r) => r.detail);
			expect(plan).toContain('SEARCH c USING COVERING INDEX proposal_comments_readable (proposal_id=? AND hidden_at=? AND deleted_at=?)');
		});

		it('a new comment notifies the earlier commenters, and (SQLite) finds them in the readable-comments index without reading the comments', async () => {
			const { residence, amina, karim, claire, id } = await setup();
			const lea = await createUser(app, { displayName: 'Léa', roles: [{ type: 'residence', id: residence.id, role: 'tenant' }] });
			const { id: hidden } = await app.services.proposals.comment(karim, { proposalId: id, body: 'Premier avis' });
			await app.services.proposals.hideComment(claire, { id: hidden, reason: 'Hors sujet' });
			await app.services.proposals.comment(lea, { proposalId: id, body: 'Deuxième avis' });
			await app.services.settled();
			const before = await app.services.notifications.unread(karim);
			await app.services.proposals.comment(amina, { proposalId: id, body: 'Merci à vous deux' });
			await app.services.settled();
			// Karim follows the idea by his comment, hidden or not; Léa by hers; Amina is its author and the one writing.
			expect(await app.services.notifications.unread(karim)).toBe(before + 1);
			expect(await app.services.notifications.unread(lea)).toBe(1);
			const { data } = app.services.deps;
			const [p] = await data.db.select().from(data.t.proposals).where(eq(data.t.proposals.id, id));
			expect((await proposalFollowers(data, p!, amina.id)).sort()).toEqual([karim.id, lea.id].sort());
			if (engine !== 'sqlite') return;
			// The followers query as the service prepared it: the commenters come from the covering index.
			const { sql, params } = followersQuery(data)().getQuery();
			const bound: Record<string, unknown> = { proposalId: id, authorId: amina.id, spaceType: 'residence', spaceId: residence.id, exceptId: amina.id };
			const values = params.map((v) => (typeof v === 'object' && v !== null && 'name' in v ? bound[(v as { name: string }).name] : v));
			const plan = (app.services.deps.db.$client.prepare(`explain query plan ${sql}`).all(...values) as { detail: string }[]).map((r) => r.detail);
			expect(plan.filter((d) => d.includes('proposal_comments'))).toEqual(['SEARCH proposal_comments USING COVERING INDEX proposal_comments_readable (proposal_id=?)']);
		});

		it('a comment hidden by moderation, or on a hidden idea, is frozen for its author', async () => {
			const { karim, claire, id } = await setup();
			const { id: commentId } = await app.services.proposals.comment(karim, { proposalId: id, body: 'Insulte' });
			await app.services.proposals.hideComment(claire, { id: commentId, reason: 'Propos blessants' });
			expect(await outcome(() => app.services.proposals.editComment(karim, { commentId, body: 'Rien' }))).toBe('forbidden');
			expect(await outcome(() => app.services.proposals.deleteComment(karim, { commentId }))).toBe('forbidden');
			await app.services.proposals.unhideComment(claire, { id: commentId });
			await app.services.proposals.hideProposal(claire, { id, reason: 'Doublon' });
			expect(await outcome(() => app.services.proposals.editComment(karim, { commentId, body: 'Rien' }))).toBe('forbidden');
		});

		it('an author withdraws her idea (it leaves the board, the room is told) and puts it back; nobody else can do either', async () => {
			const { residence, amina, karim, claire, id } = await setup();
			expect(await outcome(() => app.services.proposals.withdraw(karim, { proposalId: id }))).toBe('forbidden');
			expect(await outcome(() => app.services.proposals.withdraw(claire, { proposalId: id }))).toBe('forbidden');
			expect((await app.services.proposals.proposal(amina, id)).can).toMatchObject({ withdraw: true, restore: false });

			published = [];
			await app.services.proposals.withdraw(amina, { proposalId: id });
			expect((await app.services.proposals.board(karim, residence.id)).cards.map((c) => c.id)).not.toContain(id);
			const msg = published.find((m) => m.event === 'proposal.updated')?.payload as { change: string; card: { withdrawn: boolean } };
			expect(msg).toMatchObject({ change: 'withdrawn', card: { withdrawn: true } });
			expect(await audits('proposal.withdraw')).toHaveLength(1);
			// Frozen while withdrawn: no support, comment or edit, even by its author.
			expect(await outcome(async () => app.services.proposals.setSupport(karim, { proposalId: id, on: true }))).toBe('forbidden');
			expect(await outcome(async () => app.services.proposals.comment(karim, { proposalId: id, body: 'Dommage' }))).toBe('forbidden');
			expect(await outcome(async () => app.services.proposals.edit(amina, { proposalId: id, title: 'Autre titre' }))).toBe('forbidden');
			expect(await outcome(() => app.services.proposals.restore(karim, { proposalId: id }))).toBe('forbidden');
			expect(await app.services.proposals.proposal(amina, id)).toMatchObject({ can: { withdraw: false, restore: true } });

			await app.services.proposals.restore(amina, { proposalId: id });
			expect((await app.services.proposals.board(karim, residence.id)).cards.map((c) => c.id)).toContain(id);
			expect(await audits('proposal.restore')).toHaveLength(1);
			expect((await app.services.proposals.proposal(amina, id)).history.map((e) => e.kind).slice(0, 2)).toEqual(['restored', 'withdrawn']);
		});

		it('an idea already prioritised stays: its author can no longer withdraw it', async () => {
			const { amina, claire, id } = await setup();
			await app.services.proposals.move(claire, { proposalId: id, status: 'prioritised' });
			expect(await outcome(() => app.services.proposals.withdraw(amina, { proposalId: id }))).toBe('forbidden');
		});

		it('cards and comments carry whether their author is staff', async () => {
			const { residence, karim, claire, id } = await setup();
			const { id: staffIdea } = await app.services.proposals.propose(claire, { residenceId: residence.id, title: 'Devis reçu' });
			await app.services.proposals.comment(claire, { proposalId: id, body: 'Nous regardons' });
			// Comments are listed by time (ties by id, on both engines): the second one is written a second later.
			app.clock.advance(1000);
			await app.services.proposals.comment(karim, { proposalId: id, body: 'Merci' });
			const cards = (await app.services.proposals.board(karim, residence.id)).cards;
			expect(cards.find((c) => c.id === staffIdea)?.authorStaff).toBe(true);
			expect(cards.find((c) => c.id === id)?.authorStaff).toBe(false);
			expect((await app.services.proposals.proposal(karim, id)).threads.map((c) => [c.authorName, c.authorStaff])).toEqual([
				['Claire', true],
				['Karim', false]
			]);
		});
	});
});
