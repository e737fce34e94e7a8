import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';

/**
 * The board keeps the rows all its readers share between two views while the database's contents stay
 * as they were (views.ts, `data.readStamp()`). Every change a reader could see must show at the next
 * view, whatever path made it: a service, a write straight on the connection, another connection or
 * process on the same file.
 */
async function setup(app: TestApp) {
	const { residence } = await createResidence(app);
	const space = { type: 'residence' as const, id: residence.id };
	const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
	const karim = await createUser(app, { displayName: 'Karim', roles: [{ ...space, role: 'tenant' }] });
	const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
	const { id } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Des bancs' });
	const card = async (who = amina) => (await app.services.proposals.board(who, residence.id)).cards.find((c) => c.id === id)!;
	return { residence, space, amina, karim, claire, id, card };
}

describe.each(testEngines)('the board after a change, on %s', (engine) => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(() => app.close());

	it('shows supports, volunteers, comments, moderation, a renamed author and a new staff role at once', async () => {
		const { space, amina, karim, claire, id, card } = await setup(app);
		const { data } = app.services.deps;
		const { memberships, users } = data.t;
		expect(await card()).toMatchObject({ supports: 0, supportedByMe: false, authorName: 'Amina', authorStaff: false });
		// The same view twice: nothing changed in between.
		expect(await card()).toMatchObject({ supports: 0, comments: 0 });

		await app.services.proposals.setSupport(karim, { proposalId: id, on: true });
		expect(await card()).toMatchObject({ supports: 1, supportedByMe: false });
		expect(await card(karim)).toMatchObject({ supports: 1, supportedByMe: true });

		await app.services.proposals.setVolunteer(karim, { proposalId: id, on: true });
		expect((await card()).volunteers).toBe(1);

		await app.services.proposals.comment(karim, { proposalId: id, body: 'Près des jeux ?' });
		expect((await card()).comments).toBe(1);

		await data.write((tx) => tx.update(users).set({ displayName: 'Amina B.' }).where(eq(users.id, amina.id)));
		expect((await card(karim)).authorName).toBe('Amina B.');

		await data.write((tx) => tx.insert(memberships).values({ id: app.services.deps.ids.id(), userId: amina.id, spaceType: space.type, spaceId: space.id, role: 'facilitator', createdAt: app.clock.now() }));
		expect((await card(karim)).authorStaff).toBe(true);

		await app.services.proposals.hideProposal(claire, { id, reason: 'Doublon' });
		expect(await card(karim)).toMatchObject({ title: '', hidden: { reason: 'Doublon' } });
		expect((await card(claire)).title).toBe('Des bancs');
	});

	it('shows the top of each long column and counts the rest; the column asked for whole comes whole', async () => {
		const { residence, amina, karim, claire, id } = await setup(app);
		for (let i = 1; i <= 6; i++) await app.services.proposals.propose(karim, { residenceId: residence.id, title: `Idée ${i}` });
		await app.services.proposals.move(claire, { proposalId: id, status: 'discussion' });
		await app.services.proposals.setSupport(amina, { proposalId: id, on: true });
		// A new idea goes to the top of its column.
		const ideas = ['Idée 6', 'Idée 5', 'Idée 4', 'Idée 3', 'Idée 2', 'Idée 1'];

		const whole = await app.services.proposals.board(amina, residence.id);
		expect(whole.cards.filter((c) => c.status === 'idea').map((c) => c.title)).toEqual(ideas);
		expect(whole.columns).toEqual({ idea: 6, discussion: 1, prioritised: 0, planned: 0, inProgress: 0, done: 0, declined: 0 });

		const top = await app.services.proposals.board(amina, residence.id, { perColumn: 4 });
		expect(top.cards.filter((c) => c.status === 'idea').map((c) => c.title)).toEqual(ideas.slice(0, 4));
		expect(top.columns).toEqual(whole.columns);
		// A short column is whole, with what this reader did.
		expect(top.cards.find((c) => c.status === 'discussion')).toMatchObject({ title: 'Des bancs', supportedByMe: true });

		const opened = await app.services.proposals.board(amina, residence.id, { perColumn: 4, whole: 'idea' });
		expect(opened.cards.filter((c) => c.status === 'idea').map((c) => c.title)).toEqual(ideas);

		// Counting only: no card, the same counts.
		const counted = await app.services.proposals.board(amina, residence.id, { perColumn: 0 });
		expect(counted.cards).toEqual([]);
		expect(counted.columns).toEqual(whole.columns);

		// Reordered by a board manager: the top is what she put there.
		const last = whole.cards.find((c) => c.title === 'Idée 1')!;
		await app.services.proposals.move(claire, { proposalId: last.id, status: 'idea', index: 0 });
		expect((await app.services.proposals.board(amina, residence.id, { perColumn: 1 })).cards.map((c) => c.title)).toEqual(['Idée 1', 'Des bancs']);
	});

	it('finds cards by title or author, accents and case aside; a hidden title only for those who may read it', async () => {
		const { residence, amina, karim, claire, id } = await setup(app);
		await app.services.proposals.propose(karim, { residenceId: residence.id, title: 'Un ÉCLAIRAGE pour le parking' });
		const garden = await app.services.proposals.propose(karim, { residenceId: residence.id, title: 'Un jardin partagé' });
		await app.services.proposals.move(claire, { proposalId: garden.id, status: 'discussion' });
		const titles = async (who: typeof amina, q: unknown, options = {}) => {
			const board = await app.services.proposals.board(who, residence.id, { q, ...options });
			return { titles: board.cards.map((c) => c.title), q: board.q, ideas: board.columns.idea, discussion: board.columns.discussion };
		};
		expect(await titles(amina, '  eclairage ')).toEqual({ titles: ['Un ÉCLAIRAGE pour le parking'], q: 'eclairage', ideas: 1, discussion: 0 });
		// By the author's name: Karim's two ideas, in their columns.
		expect(await titles(amina, 'KARIM')).toEqual({ titles: ['Un ÉCLAIRAGE pour le parking', 'Un jardin partagé'], q: 'KARIM', ideas: 1, discussion: 1 });
		expect((await titles(amina, 'karim', { perColumn: 0 })).titles).toEqual([]);
		expect(await titles(amina, { not: 'text' })).toMatchObject({ q: '', ideas: 2, discussion: 1 });
		expect((await titles(amina, 'piscine')).titles).toEqual([]);

		await app.services.proposals.hideProposal(claire, { id, reason: 'Doublon' });
		// Its title is hidden from tenants: a search must not find it by its words, a moderator's does.
		expect((await titles(karim, 'bancs')).titles).toEqual([]);
		expect((await titles(claire, 'bancs')).titles).toEqual(['Des bancs']);
	});

	it('keeps the rows between views while the stamp stays (reading changes nothing), and nothing inside a unit', async () => {
		const { id, card } = await setup(app);
		const { data } = app.services.deps;
		await card();
		const stamp = await data.readStamp();
		// SQLite: changed rows and data_version; PostgreSQL: the server's snapshot, xmin:xmax:in progress.
		expect(stamp).toMatch(engine === 'sqlite' ? /^\d+\.\d+$/ : /^\d+:\d+:[\d,]*$/);
		// Two views change nothing. On PostgreSQL the snapshot is the whole server's: a test writing in
		// another database meanwhile moves it too, so the pair of views is tried again until a quiet
		// moment. Views that changed the stamp themselves would never see one.
		let still = false;
		for (let attempt = 0; attempt < 20 && !still; attempt++) {
			const before = await data.readStamp();
			await card();
			await card();
			still = (await data.readStamp()) === before;
		}
		expect(still).toBe(true);
		await data
			.write(async (tx) => {
				await tx.update(data.t.proposals).set({ title: 'Pas gardé' }).where(eq(data.t.proposals.id, id));
				expect(await data.readStamp()).toBeNull();
				throw new Error('undone');
			})
			.catch((err: Error) => expect(err.message).toBe('undone'));
		expect((await card()).title).toBe('Des bancs');
	});
});

describe.runIf(testEngines.includes('postgres'))('the board after a change, on PostgreSQL only', () => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn('postgres');
	});
	afterEach(() => app.close());

	/** Another connection to the same database: another node of the cluster, a script, psql. */
	async function otherNode() {
		const client = new pg.Client({ connectionString: app.file });
		await client.connect();
		return client;
	}

	it('shows a change another connection commits, even one still in progress when the board was read', async () => {
		const { id, card } = await setup(app);
		expect((await card()).title).toBe('Des bancs');
		const other = await otherNode();
		try {
			await other.query('update proposals set title = $1 where id = $2', ['Des bancs verts', id]);
			expect((await card()).title).toBe('Des bancs verts');

			// A transaction that has written but not committed when the board is read: the rows kept then
			// are the old ones, and its commit must still show at the next view.
			await other.query('begin');
			await other.query('update proposals set title = $1 where id = $2', ['Des bancs bleus', id]);
			expect((await card()).title).toBe('Des bancs verts');
			expect((await card()).title).toBe('Des bancs verts');
			await other.query('commit');
			expect((await card()).title).toBe('Des bancs bleus');

			// One that is rolled back changes the stamp too, and nothing shows.
			await other.query('begin');
			await other.query('update proposals set title = $1 where id = $2', ['Jamais', id]);
			await other.query('rollback');
			expect((await card()).title).toBe('Des bancs bleus');

			await other.query('delete from proposal_supports');
			await other.query('update proposals set withdrawn_at = now() where id = $1', [id]);
			expect(await card()).toBeUndefined();
		} finally {
			await other.end();
		}
	});
});

describe('the board after a change, on SQLite only', () => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn('sqlite');
	});
	afterEach(() => app.close());

	it('shows a change written straight on the connection, and one from another connection to the file', async () => {
		const { id, card } = await setup(app);
		const { data } = app.services.deps;
		expect((await card()).title).toBe('Des bancs');

		// A write outside any unit of work, on the writer connection itself (a script, a test helper).
		const writer = app.services.deps.db.$client;
		writer.prepare('update proposals set title = ? where id = ?').run('Des bancs verts', id);
		expect((await card()).title).toBe('Des bancs verts');

		// Another process or connection on the same file (the CLI's recount, a second server).
		const other = new Database(app.file);
		try {
			other.prepare('update proposals set title = ? where id = ?').run('Des bancs bleus', id);
			expect((await card()).title).toBe('Des bancs bleus');
			other.exec('delete from proposal_supports');
			other.prepare('update proposals set withdrawn_at = ? where id = ?').run(Date.now(), id);
			expect(await card()).toBeUndefined();
		} finally {
			other.close();
		}
		expect(await data.readStamp()).not.toBeNull();
	});

	it('keeps nothing while a unit is open: its reads may not be what is committed', async () => {
		const { residence, amina, id, card } = await setup(app);
		const { data } = app.services.deps;
		const { proposals } = data.t;
		const before = await data.readStamp();
		expect(before).not.toBeNull();
		expect(await data.readStamp()).toBe(before);
		await data
			.write(async (tx) => {
				await tx.update(proposals).set({ title: 'Pas gardé' }).where(eq(proposals.id, id));
				expect(await data.readStamp()).toBeNull();
				// Read inside the unit: sees its own write, and must not be kept for readers outside it.
				expect((await app.services.proposals.board(amina, residence.id)).cards.find((c) => c.id === id)?.title).toBe('Pas gardé');
				throw new Error('undone');
			})
			.catch((err: Error) => expect(err.message).toBe('undone'));
		expect((await card()).title).toBe('Des bancs');
	});
});
