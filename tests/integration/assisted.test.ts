/**
 * Assisted votes attacked through the services on SQLite and PostgreSQL (issue 7, finding 5): a
 * facilitator recording votes for tenants who never signed in gets no counted vote, no ballot
 * secret, a cap and an alert; "this was not me" removes a vote; a witness is never the recorder.
 * The HTTP door is attacked the same way in tests/e2e/assisted.spec.ts.
 */
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
import { first } from '$lib/server/db/data';
import { createTestAppOn, createUser, testEngines, type TestApp } from '$lib/server/testing';
import { secretVote } from './ballot-box/fixture';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	beforeEach(async () => {
		app = await createTestAppOn(engine);
	});
	afterEach(() => app.close());

	async function setup(n: number, extra: Record<string, unknown> = {}) {
		const svc = app.services.consultations;
		const v = await secretVote(app, n, svc, { countBy: 'person', ...extra });
		const marc = await createUser(app, { displayName: 'Marc', roles: [{ ...v.space, role: 'facilitator' }] });
		const admin = await createUser(app, { displayName: 'Admin', isAdmin: true });
		const [bois, metal] = v.options as [string, string];
		return { space: v.space, claire: v.claire, marc, admin, tenants: v.voters, id: v.id, bois, metal, svc };
	}

	const kindsOf = async (userId: string) => {
		const { db, t } = app.services.deps.data;
		return (await db.select({ kind: t.notifications.kind }).from(t.notifications).where(eq(t.notifications.userId, userId))).map((r) => r.kind);
	};
	/** The async handle and the tables of the engine in use. */
	const tables = () => ({ db: app.services.deps.data.db, ...app.services.deps.data.t });

	describe('assisted votes cannot be stuffed', () => {
		it('ten phone votes for tenants who never signed in: none counted, no secret handed out, the cap refuses the eleventh and the team is alerted', async () => {
			const s = await setup(12);
			const { db, ballots, participations, auditLog } = tables();
			for (const t of s.tenants.slice(0, 10)) {
				const r = await s.svc.recordAssisted(s.claire, { consultationId: s.id, voterId: t.id, channel: 'phone', ballot: { choice: s.bois } });
				// The one who records is given no ballot secret, nothing to open the ballot with later.
				expect(Object.keys(r).sort()).toEqual(['at', 'pending']);
			}
			const results = await s.svc.results(s.tenants[11]!, s.id);
			expect(results.live.turnout.participants).toBe(0);
			expect(results.live.result?.valid ?? 0).toBe(0);
			expect(results.unconfirmed).toMatchObject({ pending: 10, counting: 'apart' });
			// Secret vote, ten waiting: the separate tally may be shown (a crowd), and it is apart.
			expect((results.unconfirmed.result?.tallies as Record<string, number>)[s.bois]).toBe(10);
			// Nothing was written where the result is counted from, and nothing a secret could open.
			expect(await db.select().from(ballots).where(eq(ballots.consultationId, s.id))).toHaveLength(0);
			expect((await db.select().from(participations).where(eq(participations.consultationId, s.id))).every((p) => p.secretCheck === null && p.confirmedAt === null)).toBe(true);

			await expect(s.svc.recordAssisted(s.claire, { consultationId: s.id, voterId: s.tenants[10]!.id, channel: 'phone', ballot: { choice: s.bois } })).rejects.toThrow(/votes.error.assistedCap/);
			const actions = (await db.select().from(auditLog).where(eq(auditLog.subjectId, s.id)).orderBy(auditLog.id)).map((a) => a.action);
			expect(actions.filter((a) => a === 'vote.recordOnBehalf')).toHaveLength(10);
			expect(actions).toContain('vote.assistedCapReached');
			expect(actions).toContain('vote.assistedCapRefused');
			// The alert reaches the other staff member and the administrator, not the one who recorded.
			expect(await kindsOf(s.marc.id)).toContain('assistedAlert');
			expect(await kindsOf(s.admin.id)).toContain('assistedAlert');
			expect(await kindsOf(s.claire.id)).not.toContain('assistedAlert');
			// Each tenant is told a vote was recorded for her, and by whom.
			expect((await kindsOf(s.tenants[0]!.id)).filter((k) => k === 'assistedVote')).toHaveLength(1);
			const line = (await app.services.notifications.list(s.tenants[0]!)).items.find((g) => g.kind === 'assistedVote');
			expect(line).toMatchObject({ kind: 'assistedVote', actors: ['Claire'], href: `/c/${s.id}` });
			// A colleague records within her own cap.
			await s.svc.recordAssisted(s.marc, { consultationId: s.id, voterId: s.tenants[10]!.id, channel: 'door', ballot: { choice: s.metal } });

			// At the close nothing unconfirmed enters the frozen result or the decision.
			const frozen = await s.svc.close(s.claire, { consultationId: s.id });
			expect(frozen?.valid).toBe(0);
			expect((await s.svc.decisions(s.claire, s.space))[0]).toMatchObject({ outcome: [] });
			await expect(s.svc.confirm(s.tenants[0]!, { consultationId: s.id })).rejects.toThrow(/votes.error.closed/);
		});

		it('"this was not me" removes the vote, alerts the team, and she can then vote herself', async () => {
			const s = await setup(3, { secrecy: 'public' });
			const [amina] = s.tenants;
			const { db, participations, auditLog, assistedVotes } = tables();
			await s.svc.recordAssisted(s.claire, { consultationId: s.id, voterId: amina!.id, channel: 'phone', ballot: { choice: s.bois } });
			await expect(s.svc.reject(s.tenants[1]!, { consultationId: s.id })).rejects.toThrow(/notFound|error.notFound/);
			await s.svc.reject(amina!, { consultationId: s.id });
			expect(await db.select().from(participations).where(eq(participations.consultationId, s.id))).toHaveLength(0);
			const rec = (await first(db.select().from(assistedVotes).where(eq(assistedVotes.consultationId, s.id))))!;
			expect(rec).toMatchObject({ state: 'rejected', ballot: null, settledBy: amina!.id });
			expect((await s.svc.view(amina!, s.id)).assisted).toMatchObject({ state: 'rejected', recordedBy: 'Claire' });
			expect(await kindsOf(s.marc.id)).toContain('assistedAlert');
			expect((await db.select().from(auditLog)).map((a) => a.action)).toContain('vote.assistedRejected');
			// Nothing to confirm any more, and her own vote is accepted.
			await expect(s.svc.confirm(amina!, { consultationId: s.id })).rejects.toThrow();
			await s.svc.cast(amina!, { consultationId: s.id, ballot: { choice: s.metal } });
			expect(((await s.svc.results(amina!, s.id)).live.result?.tallies as Record<string, number>)[s.metal]).toBe(1);
			// Her own vote over a pending assisted one replaces it rather than confirming it.
			await s.svc.recordAssisted(s.claire, { consultationId: s.id, voterId: s.tenants[1]!.id, channel: 'door', ballot: { choice: s.bois } });
			await s.svc.cast(s.tenants[1]!, { consultationId: s.id, ballot: { choice: s.metal } });
			expect((await s.svc.view(s.tenants[1]!, s.id)).assisted?.state).toBe('replaced');
			const tallies = (await s.svc.results(amina!, s.id)).live.result?.tallies as Record<string, number>;
			expect([tallies[s.bois] ?? 0, tallies[s.metal]]).toEqual([0, 2]);
		});

		it('an assisted vote, its rejection and its witnessing are committed durably (SQLite: at synchronous=FULL)', async () => {
			const s = await setup(3, { secrecy: 'public' });
			const [amina, karim] = s.tenants;
			const { db, assistedVotes } = tables();
			const commits: { durable: boolean; synchronous?: number }[] = [];
			const stop = app.services.deps.data.onCommit((c) => commits.push(c));
			/** The levels the durable units of `what` committed at (PostgreSQL: the server's, unset). */
			const durableAt = async (what: () => Promise<unknown>) => {
				commits.length = 0;
				await what();
				return commits.filter((c) => c.durable).map((c) => c.synchronous);
			};
			const full = [engine === 'sqlite' ? 2 : undefined];
			try {
				expect(await durableAt(() => s.svc.recordAssisted(s.claire, { consultationId: s.id, voterId: amina!.id, channel: 'phone', ballot: { choice: s.bois } }))).toEqual(full);
				expect(await durableAt(() => s.svc.reject(amina!, { consultationId: s.id }))).toEqual(full);
				await s.svc.recordAssisted(s.claire, { consultationId: s.id, voterId: karim!.id, channel: 'door', ballot: { choice: s.metal } });
				const rec = (await first(db.select().from(assistedVotes).where(and(eq(assistedVotes.voterId, karim!.id), eq(assistedVotes.state, 'pending')))))!;
				// Witnessed: the vote enters the ballot box, whose unit is durable.
				expect(await durableAt(() => s.svc.witness(s.marc, { consultationId: s.id, assistedId: rec.id }))).toEqual(full);
			} finally {
				stop();
			}
			if (engine === 'sqlite') expect(commits.filter((c) => !c.durable).every((c) => c.synchronous === 1)).toBe(true);
		});

		it('a witness is never the one who recorded the vote (nor the voter); a colleague witnessing makes it count, with no secret for anyone', async () => {
			const s = await setup(3);
			const { db, ballots, participations } = tables();
			await s.svc.recordAssisted(s.claire, { consultationId: s.id, voterId: s.tenants[0]!.id, channel: 'paper', ballot: { choice: s.metal } });
			const { items } = await s.svc.assistedList(s.claire, s.id);
			expect(items[0]).toMatchObject({ voter: 'Voisin 0', recordedBy: 'Claire', state: 'pending', canWitness: false });
			await expect(s.svc.witness(s.claire, { consultationId: s.id, assistedId: items[0]!.id })).rejects.toThrow(/votes.error.witnessSelf/);
			await expect(s.svc.witness(s.tenants[1]!, { consultationId: s.id, assistedId: items[0]!.id })).rejects.toThrow(ForbiddenError);
			expect(await db.select().from(ballots).where(eq(ballots.consultationId, s.id))).toHaveLength(0);
			expect((await s.svc.assistedList(s.marc, s.id)).items[0]?.canWitness).toBe(true);
			await s.svc.witness(s.marc, { consultationId: s.id, assistedId: items[0]!.id });
			await s.svc.flushBallotBox();
			const written = await db.select().from(ballots).where(eq(ballots.consultationId, s.id));
			expect(written).toHaveLength(1);
			// A witnessed secret ballot: no participation link, no secret hash; nobody can open it again.
			expect(written[0]).toMatchObject({ participationId: null, tokenHash: null });
			const p = (await first(db.select().from(participations).where(and(eq(participations.consultationId, s.id), eq(participations.userId, s.tenants[0]!.id)))))!;
			expect(p).toMatchObject({ confirmedBy: s.marc.id, secretCheck: null });
			expect((await s.svc.results(s.tenants[2]!, s.id)).live.turnout.participants).toBe(1);
			expect((await s.svc.view(s.tenants[0]!, s.id)).assisted).toMatchObject({ state: 'witnessed', settledBy: 'Marc' });
			// Already settled: a second witness finds nothing to witness.
			await expect(s.svc.witness(s.admin, { consultationId: s.id, assistedId: items[0]!.id })).rejects.toThrow();
		});

		it('a cap of 0 allows no assisted vote; the cap is chosen at creation and checked by zod', async () => {
			const s = await setup(2, { assistedCap: 0, assistedCounting: 'uncounted' });
			await expect(s.svc.recordAssisted(s.claire, { consultationId: s.id, voterId: s.tenants[0]!.id, channel: 'phone', ballot: { choice: s.bois } })).rejects.toThrow(/votes.error.assistedCap/);
			await expect(s.svc.create(s.claire, { space: s.space, question: 'Autre ?', method: 'plurality', options: [{ label: 'A' }, { label: 'B' }], electorate: 'residence', secrecy: 'secret', resultsVisibility: 'live', assistedCap: 'beaucoup' })).rejects.toThrow(/votes.error.assistedCap.invalid|invalid/);
			await expect(s.svc.create(s.claire, { space: s.space, question: 'Autre ?', method: 'plurality', options: [{ label: 'A' }, { label: 'B' }], electorate: 'residence', secrecy: 'secret', resultsVisibility: 'live', assistedCounting: 'counted' })).rejects.toThrow();
		});

		it('"uncounted" shows only how many wait; a secret vote with few waiting shows no separate tally', async () => {
			const s = await setup(3, { assistedCounting: 'uncounted' });
			await s.svc.recordAssisted(s.claire, { consultationId: s.id, voterId: s.tenants[0]!.id, channel: 'phone', ballot: { choice: s.bois } });
			expect((await s.svc.results(s.tenants[1]!, s.id)).unconfirmed).toEqual({ pending: 1, counting: 'uncounted', result: null });
			const t = await setup(3);
			await t.svc.recordAssisted(t.claire, { consultationId: t.id, voterId: t.tenants[0]!.id, channel: 'phone', ballot: { choice: t.bois } });
			expect((await t.svc.results(t.tenants[1]!, t.id)).unconfirmed).toEqual({ pending: 1, counting: 'apart', result: null });
		});
	});

	describe('access reset', () => {
		it('the person is told in the app when a facilitator issues a code for her account', async () => {
			const s = await setup(1);
			const [amina] = s.tenants;
			await app.services.auth.createAccessReset(s.claire, amina!.id);
			const items = (await app.services.notifications.list(amina!)).items.filter((g) => g.kind === 'accessReset');
			expect(items).toHaveLength(1);
			expect(items[0]).toMatchObject({ kind: 'accessReset', actors: ['Claire'], href: '/account' });
			expect(await kindsOf(s.claire.id)).not.toContain('accessReset');
		});

		it('mail preferences saved before the new kinds existed still parse: a missing kind keeps its default', async () => {
			const s = await setup(1);
			const [amina] = s.tenants;
			// The form as it was before: six kinds, none of the new ones.
			const old = { comment: 'off', status: 'off', hidden: 'immediate', voteOpened: 'daily', voteClosing: 'immediate', voteResults: 'daily' };
			const saved = await app.services.mail.saveModes(amina!, old);
			expect(saved.modes).toMatchObject({ ...old, accessReset: 'immediate', assistedVote: 'immediate' });
			// A form that sends only one kind changes that kind alone.
			await app.services.mail.saveModes(amina!, { accessReset: 'daily' });
			expect((await app.services.mail.settings(amina!)).modes).toMatchObject({ ...old, accessReset: 'daily' });
			await expect(app.services.mail.saveModes(amina!, { accessReset: 'sometimes' })).rejects.toThrow();
		});
	});
});
