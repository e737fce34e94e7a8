import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
import { createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';
import { ValidationError } from '../validate';
import { indicatorWorld, paris } from './fixture';
import type { IndicatorReport } from './index';

let app: TestApp;
let w: Awaited<ReturnType<typeof indicatorWorld>>;

const H1 = { from: '2026-01-01', to: '2026-06-30' };
const fig = (r: IndicatorReport, id: string) => r.figures.find((f) => f.id === id)!.value;
const report = (input: Record<string, unknown>, who = w.claire) => app.services.indicators.report(who, input);
const residence = (extra: Record<string, unknown> = {}) => report({ type: 'residence', id: w.residence.id, ...H1, ...extra });

describe.each(testEngines)('indicators on %s', (engine) => {
	beforeEach(async () => {
		app = await createTestAppOn(engine);
		w = await indicatorWorld(app);
	});
	afterEach(() => app.close());

	describe('residence indicators on a hand-built residence (7 households, A: 4, B: 3)', () => {
		it('counts households once, whoever of them took part, and never staff', async () => {
			const r = await residence();
			expect(fig(r, 'households')).toEqual({ kind: 'count', value: 7 });
			// A-01 (amina and samir voted), A-02 (josiane volunteered), B-01 (karim proposed); claire has no household.
			expect(fig(r, 'participationAny')).toEqual({ kind: 'share', count: 3, total: 7 });
			expect(fig(r, 'participationVoted')).toEqual({ kind: 'share', count: 1, total: 7 });
			expect(fig(r, 'participationProposed')).toEqual({ kind: 'share', count: 1, total: 7 });
			expect(fig(r, 'participationVolunteered')).toEqual({ kind: 'share', count: 1, total: 7 });
			expect(fig(r, 'participationByBuilding')).toEqual({
				kind: 'table',
				columns: ['participating', 'households', 'percent'],
				rows: [
					{ label: 'Bâtiment A', values: [2, 4, 50] },
					{ label: 'Bâtiment B', values: [1, 3, 33.3] }
				]
			});
			// karim voted the second before the period began: a repeat participant.
			expect(fig(r, 'participationNewRepeat')).toMatchObject({ rows: [{ values: [2] }, { values: [1] }] });
		});

		it('follows actions through their lifecycle (hidden ideas and undone moves do not count)', async () => {
			const r = await residence();
			expect(fig(r, 'actionsProposed')).toEqual({ kind: 'count', value: 2 });
			expect(fig(r, 'actionsPrioritised')).toEqual({ kind: 'count', value: 1 });
			expect(fig(r, 'actionsDoneBy')).toMatchObject({ rows: [{ label: 'indicators.row.carrier.inhabitants', values: [1] }, { values: [0] }, { values: [0] }, { values: [0] }] });
			// 1 March noon → 10 April noon, across the change to summer time.
			expect(fig(r, 'actionsIdeaToDone')).toEqual({ kind: 'days', median: 40, count: 1 });
		});

		it('counts activity sessions, attendance and distinct named people in the period only', async () => {
			const r = await residence();
			expect(fig(r, 'activitySessions')).toEqual({ kind: 'table', columns: ['sessions', 'attendance', 'namedPeople'], rows: [{ label: 'Jardin partagé', values: [2, 13, 2] }] });
			expect(fig(r, 'activityStatuses')).toMatchObject({ rows: [{ values: [2] }, { values: [0] }, { values: [1] }, { values: [0] }] });
		});

		it('cuts periods at midnight Paris time, both ends included', async () => {
			const voted = async (from: string, to: string) => (fig(await report({ type: 'residence', id: w.residence.id, from, to }), 'participationVoted') as { count: number }).count;
			expect(await voted('2025-12-31', '2026-01-01')).toBe(2); // karim 23:59:59 and amina 00:00:00
			expect(await voted('2026-01-01', '2026-01-01')).toBe(1);
			expect(await voted('2025-12-31', '2025-12-31')).toBe(1);
			expect(await voted('2026-01-02', '2026-01-31')).toBe(0);
			const any = async (from: string, to: string) => (fig(await report({ type: 'residence', id: w.residence.id, from, to }), 'participationAny') as { count: number }).count;
			expect(await any('2026-06-30', '2026-06-30')).toBe(1); // josiane at 23:59:59
			expect(await any('2026-07-01', '2026-07-01')).toBe(1); // lea at 00:00:00 the next day
		});

		it('follows traces as they are written, removed and moved (the summary the database keeps)', async () => {
			const { data, ids } = app.services.deps;
			const { activities, activityAttendance, activitySessions, households, participations, users } = data.t;
			const count = async (id: string, from: string, to: string, extra: Record<string, unknown> = {}) =>
				(fig(await report({ type: 'residence', id: w.residence.id, from, to, ...extra }), id) as { count: number }).count;
			// amina's attendance runs from 4 April to 2 May: a period inside it, with no session, is not a participation.
			expect(await count('participationAny', '2026-04-10', '2026-04-20')).toBe(0);
			const activity = (await data.db.select({ id: activities.id }).from(activities).where(eq(activities.spaceId, w.residence.id)))[0]!.id;
			const session = ids.id();
			const attendance = ids.id();
			await data.write(async (tx) => {
				await tx.insert(activitySessions).values({ id: session, activityId: activity, heldAt: paris(2026, 4, 15), headcount: 3, recordedBy: w.claire.id, createdAt: paris(2026, 4, 15) });
				await tx.insert(activityAttendance).values({ id: attendance, sessionId: session, userId: w.amina.id, status: 'participant', recordedAt: paris(2026, 4, 15) });
			});
			expect(await count('participationAny', '2026-04-10', '2026-04-20')).toBe(1);
			// The session moved to the 25th: out of the period again; then its attendance goes.
			await data.write((tx) => tx.update(activitySessions).set({ heldAt: paris(2026, 4, 25) }).where(eq(activitySessions.id, session)));
			expect(await count('participationAny', '2026-04-10', '2026-04-20')).toBe(0);
			expect(await count('participationAny', '2026-04-25', '2026-04-25')).toBe(1);
			await data.write((tx) => tx.delete(activityAttendance).where(eq(activityAttendance.id, attendance)));
			expect(await count('participationAny', '2026-04-25', '2026-04-25')).toBe(0);

			// samir voted on 3 February; he moves to B-03: his vote now counts for B-03, in building B.
			const samir = (await data.db.select({ id: users.id }).from(users).where(eq(users.username, 'samir')))[0]!.id;
			const b03 = (await data.db.select({ id: households.id }).from(households).where(eq(households.label, 'B-03')))[0]!.id;
			expect(await count('participationVoted', '2026-02-01', '2026-02-28', { building: w.bA.id })).toBe(1);
			await data.write((tx) => tx.update(users).set({ householdId: b03 }).where(eq(users.id, samir)));
			expect(await count('participationVoted', '2026-02-01', '2026-02-28', { building: w.bA.id })).toBe(0);
			expect(await count('participationVoted', '2026-02-01', '2026-02-28', { building: w.bB.id })).toBe(1);
			// amina's vote of 1 January withdrawn: A-01 no longer voted in the half-year.
			expect(await count('participationVoted', H1.from, H1.to)).toBe(2);
			await data.write((tx) => tx.delete(participations).where(eq(participations.userId, w.amina.id)));
			expect(await count('participationVoted', H1.from, H1.to)).toBe(1);
		});

		it('keys traces by person first, with no index of their own on user_id (one index page fewer per trace written)', async () => {
			const { data } = app.services.deps;
			const indexes =
				engine === 'sqlite'
					? await data.rows<{ name: string; def: string }>(sql`select name, coalesce(sql, '') as def from sqlite_master where type = 'index' and tbl_name = 'participation_traces'`)
					: await data.rows<{ name: string; def: string }>(sql`select indexname as name, indexdef as def from pg_indexes where tablename = 'participation_traces'`);
			expect(indexes.map((i) => i.name)).not.toContain('participation_traces_user');
			const key =
				engine === 'sqlite'
					? (await data.rows<{ name: string; pk: number }>(sql`pragma table_info('participation_traces')`)).filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name)
					: (await data.rows<{ name: string }>(sql`select a.attname as name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey) where i.indrelid = 'participation_traces'::regclass and i.indisprimary order by array_position(i.indkey, a.attnum)`)).map((c) => c.name);
			expect(key).toEqual(['user_id', 'kind', 'source_id']);
		});

		it('keeps each household’s row equal to its traces recomputed, whatever order they come, go and move in', async () => {
			const { data } = app.services.deps;
			const { participationHouseholds: ph, participationTraces: tr } = data.t;
			type Trace = typeof tr.$inferInsert;
			const kinds = ['voted', 'proposed', 'supported', 'volunteered', 'commented', 'attended'] as const;
			// A small deterministic generator: times out of order, some households, residences and buildings unknown.
			let seed = 7;
			const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
			const pick = <T>(list: readonly T[]) => list[next(list.length)]!;
			const traces: Trace[] = Array.from({ length: 60 }, (_, i) => ({
				kind: pick(kinds),
				sourceId: `s${i}`,
				userId: `u${next(5)}`,
				spaceResidenceId: pick(['r1', 'r2']),
				householdId: pick(['h1', 'h2', 'h3', null]),
				residenceId: pick(['r1', 'r2', null]),
				buildingId: pick(['b1', 'b2', null]),
				at: new Date(Date.UTC(2026, 0, 1) + next(1000) * 3_600_000)
			}));
			const expected = (all: Trace[]) => {
				const rows = new Map<string, Record<string, unknown>>();
				const lo = (a: unknown, b: Date) => (a instanceof Date && a <= b ? a : b);
				const hi = (a: unknown, b: Date) => (a instanceof Date && a >= b ? a : b);
				const max = (a: unknown, b: string | null | undefined) => (b == null ? (a ?? null) : a == null || (a as string) < b ? b : a);
				for (const t of all) {
					if (!t.householdId) continue;
					const key = `${t.householdId}|${t.spaceResidenceId}`;
					const r = rows.get(key) ?? { householdId: t.householdId, spaceResidenceId: t.spaceResidenceId, residenceId: null, buildingId: null, firstAt: null, lastAt: null, votedFirstAt: null, votedLastAt: null, proposedFirstAt: null, proposedLastAt: null, volunteeredFirstAt: null, volunteeredLastAt: null };
					r.residenceId = max(r.residenceId, t.residenceId);
					r.buildingId = max(r.buildingId, t.buildingId);
					r.firstAt = lo(r.firstAt, t.at);
					r.lastAt = hi(r.lastAt, t.at);
					if (t.kind === 'voted' || t.kind === 'proposed' || t.kind === 'volunteered') {
						r[`${t.kind}FirstAt`] = lo(r[`${t.kind}FirstAt`], t.at);
						r[`${t.kind}LastAt`] = hi(r[`${t.kind}LastAt`], t.at);
					}
					rows.set(key, r);
				}
				return Array.from(rows, ([, r]) => r).sort((a, b) => `${a.householdId}|${a.spaceResidenceId}`.localeCompare(`${b.householdId}|${b.spaceResidenceId}`));
			};
			const stored = async () => (await data.db.select().from(ph).orderBy(ph.householdId, ph.spaceResidenceId)).filter((r) => /^h\d$/.test(r.householdId));
			// One at a time (each widens its household's row in place), then several in one statement.
			for (const t of traces.slice(0, 40)) await data.write((tx) => tx.insert(tr).values(t));
			await data.write((tx) => tx.insert(tr).values(traces.slice(40)));
			expect(await stored()).toEqual(expected(traces));
			// Removed and moved traces narrow the rows again.
			const gone = traces.filter((_, i) => i % 3 === 0);
			for (const t of gone) await data.write((tx) => tx.delete(tr).where(and(eq(tr.kind, t.kind), eq(tr.sourceId, t.sourceId), eq(tr.userId, t.userId))));
			const kept = traces.filter((_, i) => i % 3 !== 0);
			const moved = kept.filter((_, i) => i % 4 === 0);
			for (const t of moved) {
				t.householdId = t.householdId === 'h1' ? 'h2' : 'h1';
				await data.write((tx) => tx.update(tr).set({ householdId: t.householdId }).where(and(eq(tr.kind, t.kind), eq(tr.sourceId, t.sourceId), eq(tr.userId, t.userId))));
			}
			expect(await stored()).toEqual(expected(kept));
		});

		it('filters by building', async () => {
			const r = await residence({ building: w.bA.id });
			expect(fig(r, 'households')).toEqual({ kind: 'count', value: 4 });
			expect(fig(r, 'participationAny')).toEqual({ kind: 'share', count: 2, total: 4 });
			expect(fig(r, 'actionsProposed')).toEqual({ kind: 'count', value: 0 }); // karim lives in B, claire nowhere
			await expect(residence({ building: 'elsewhere' })).rejects.toThrow(/indicators.error.building/);
		});
	});

	describe('an agency of two residences', () => {
		it('adds their households, counting once a household that took part in both', async () => {
			const { data, ids } = app.services.deps;
			const { households, proposalComments, proposals } = data.t;
			const second = await app.services.admin.createResidence(w.admin, { organisationId: w.org.id, agencyId: w.agency.id, name: 'Les Tilleuls', buildings: [{ name: 'C', dwellings: 2 }] });
			const home = (await data.db.select().from(households).where(eq(households.residenceId, second.id)).orderBy(households.label))[0]!;
			const nadia = await createUser(app, { username: 'nadia', householdId: home.id, roles: [{ type: 'residence', id: second.id, role: 'tenant' }] });
			const at = paris(2026, 3, 5);
			const idea = ids.id();
			await data.write(async (tx) => {
				await tx.insert(proposals).values({ id: idea, spaceType: 'residence', spaceId: second.id, title: 'Bancs', position: 1, authorId: nadia.id, createdAt: at, updatedAt: at });
				// karim (first residence) comments there too: his household already counts.
				await tx.insert(proposalComments).values({ id: ids.id(), proposalId: idea, authorId: w.karim.id, body: 'Oui', createdAt: at });
			});
			const agency = await report({ type: 'agency', id: w.agency.id, ...H1 }, w.admin);
			expect(fig(agency, 'households')).toEqual({ kind: 'count', value: 9 });
			expect(fig(agency, 'participationAny')).toEqual({ kind: 'share', count: 4, total: 9 });
			expect(fig(agency, 'participationProposed')).toEqual({ kind: 'share', count: 2, total: 9 });
			expect(fig(agency, 'participationNewRepeat')).toMatchObject({ rows: [{ values: [3] }, { values: [1] }] });
			// The first residence alone: karim's comment elsewhere is not a trace of its own.
			expect(fig(await residence(), 'participationAny')).toEqual({ kind: 'share', count: 3, total: 7 });
		});
	});

	describe('practice spaces never count', () => {
		it('leaves a practice residence of the agency out, and has no page for it', async () => {
			const { data } = app.services.deps;
			const { households, proposals, residences } = data.t;
			const practice = await app.services.admin.createResidence(w.admin, { organisationId: w.org.id, agencyId: w.agency.id, name: 'Résidence fictive', buildings: [{ name: 'X', dwellings: 5 }] });
			await data.write((tx) => tx.update(residences).set({ practice: true }).where(eq(residences.id, practice.id)));
			const home = (await data.db.select().from(households).where(eq(households.residenceId, practice.id)))[0]!;
			const trainee = await createUser(app, { username: 'trainee', householdId: home.id, roles: [{ type: 'residence', id: practice.id, role: 'tenant' }] });
			await data.write((tx) => tx.insert(proposals).values({ id: 'p-practice', spaceType: 'residence', spaceId: practice.id, title: 'Fictive', position: 1, authorId: trainee.id, createdAt: new Date('2026-03-01T12:00:00Z'), updatedAt: new Date('2026-03-01T12:00:00Z') }));
			const agency = await report({ type: 'agency', id: w.agency.id, ...H1 }, w.admin);
			expect(fig(agency, 'households')).toEqual({ kind: 'count', value: 7 });
			expect(fig(agency, 'participationProposed')).toEqual({ kind: 'share', count: 1, total: 7 });
			expect(fig(agency, 'actionsProposed')).toEqual({ kind: 'count', value: 2 });
			await expect(report({ type: 'residence', id: practice.id }, w.admin)).rejects.toThrow(/indicators.error.practice/);
		});
	});

	describe('survey results and the 5-respondent floor', () => {
		it('shows averages from 5 respondents, nothing at all below, and compares before/after', async () => {
			const r = await residence();
			const by = (id: string) => r.surveys.find((s) => s.id === id)!;
			expect(by(w.surveys.small).results).toEqual({ shown: false, respondents: null });
			const before = by(w.surveys.before).results;
			expect(before.shown && before.respondents).toBe(5);
			expect(before.shown && before.value.map((q) => q.average)).toEqual([2.2, 2]);
			expect(before.shown && before.value[0]!.distribution).toEqual([{ value: 1, count: 3 }, { value: 3, count: 1 }, { value: 5, count: 1 }]);
			expect(r.comparisons).toEqual([
				{ beforeId: w.surveys.before, afterId: w.surveys.after, title: 'Enquête after', rows: [{ promptKey: 'changeNoticed', prompt: '', before: 2.2, after: 4 }, { promptKey: 'changeBetter', prompt: '', before: 2, after: 4 }] }
			]);
		});

		it('applies the floor again after a building filter (3 answers in A: hidden)', async () => {
			const r = await residence({ building: w.bA.id });
			for (const s of r.surveys) expect(s.results.shown).toBe(false);
			expect(r.comparisons[0]!.rows.every((row) => row.before === null && row.after === null)).toBe(true);
			expect(JSON.stringify(r)).not.toMatch(/"average"|"distribution"/);
		});
	});

	describe('who sees what, and crafted periods', () => {
		it('refuses tenants, other residences’ staff, and agency staff at organisation level', async () => {
			await expect(residence()).resolves.toBeTruthy();
			await expect(report({ type: 'residence', id: w.residence.id }, w.amina)).rejects.toBeInstanceOf(ForbiddenError);
			await expect(report({ type: 'residence', id: w.residence.id }, null as never)).rejects.toBeInstanceOf(ForbiddenError);
			const other = await createUser(app, { username: 'other@lmh.test', roles: [{ type: 'residence', id: 'r-elsewhere', role: 'facilitator' }] });
			await expect(report({ type: 'residence', id: w.residence.id }, other)).rejects.toBeInstanceOf(ForbiddenError);
			await expect(report({ type: 'agency', id: w.agency.id }, other)).rejects.toBeInstanceOf(ForbiddenError);
			await expect(report({ type: 'agency', id: w.agency.id })).resolves.toBeTruthy();
			await expect(report({ type: 'organisation', id: w.org.id })).rejects.toBeInstanceOf(ForbiddenError);
			const org = await report({ type: 'organisation', id: w.org.id, ...H1 }, w.admin);
			expect(fig(org, 'participationAny')).toEqual({ kind: 'share', count: 3, total: 7 });
		});

		it('offers the survey link only to those the policy lets manage surveys (not body members, not agency pages)', async () => {
			expect((await residence()).can).toEqual({ surveys: true, activities: true, publish: true });
			expect((await report({ type: 'agency', id: w.agency.id })).can).toEqual({ surveys: false, activities: false, publish: false });
			const body = await app.services.admin.createBody(w.admin, { organisationId: w.org.id, name: 'Comité', colleges: [{ name: 'Habitants', weight: 1 }] });
			const member = await createUser(app, { username: 'membre', roles: [{ type: 'body', id: body.id, role: 'member' }] });
			const seen = await report({ type: 'body', id: body.id }, member);
			expect(seen.can).toEqual({ surveys: false, activities: false, publish: false });
			await expect(app.services.surveys.list(member, { type: 'body', id: body.id })).rejects.toBeInstanceOf(ForbiddenError);
			expect((await report({ type: 'body', id: body.id }, w.admin)).can).toEqual({ surveys: true, activities: true, publish: true });
		});

		it('refuses an end before the start, 100 years, an impossible date and a garbage scope', async () => {
			const fields = async (input: Record<string, unknown>) => {
				const e = await residence(input).catch((x: unknown) => x);
				expect(e).toBeInstanceOf(ValidationError);
				return (e as ValidationError).fields;
			};
			expect(await fields({ from: '2026-06-30', to: '2026-01-01' })).toEqual({ to: 'indicators.error.endBeforeStart' });
			expect(await fields({ from: '2000-01-01', to: '2099-12-31' })).toEqual({ to: 'indicators.error.tooLong' });
			expect(await fields({ from: '2026-02-31', to: '2026-03-01' })).toEqual({ from: 'indicators.error.date' });
			expect(await fields({ from: "2026-01-01' OR 1=1", to: '2026-03-01' })).toEqual({ from: 'indicators.error.date' });
			await expect(report({ type: 'everything', id: w.residence.id })).rejects.toBeInstanceOf(ValidationError);
		});
	});
});
