/**
 * Surveys sent to an activity's participants, a training group or a body: one-time links in each
 * person's notifications, e-mailed through a real SMTP server on loopback (as the notification mail
 * tests do) to those with an address; never from a practice space.
 */
import { and, eq } from 'drizzle-orm';
import type { ParsedMail } from 'mailparser';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError } from '$lib/domain/policy';
import { first } from '../../db/data';
import { createMailer } from '../../mail/transport';
import { createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';
import { startSmtp, type TestSmtp } from '../../testing/smtp';
import { UserError } from '../errors';
import { indicatorWorld } from '../indicators/fixture';
import { createMailService } from '../notifications/mail';
import { ValidationError } from '../validate';

describe.each(testEngines)('on %s', (engine) => {
	let app: TestApp;
	let w: Awaited<ReturnType<typeof indicatorWorld>>;
	let smtp: TestSmtp;
	const ORIGIN = 'https://board.example.org';
	const MINUTE = 60_000;

	beforeEach(async () => {
		app = await createTestAppOn(engine); // clock: 22 Nov 2026
		w = await indicatorWorld(app);
		smtp = await startSmtp();
	});
	afterEach(async () => {
		await smtp.stop();
		await app.close();
	});

	const mail = () =>
		createMailService(app.services.deps, {
			origin: () => ORIGIN,
			mailer: () => createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: 'Board <board@example.org>', logFile: join(app.dir, 'mail.log') })
		});
	const code = async (p: Promise<unknown>) => {
		const e = await p.then(() => null, (x: unknown) => x);
		return e instanceof UserError ? e.code : e instanceof ForbiddenError ? 'forbidden' : String(e);
	};
	const invites = async (userId: string) => (await app.services.notifications.list({ id: userId, isAdmin: false, roles: new Map() })).items.filter((g) => g.kind === 'surveyInvited');
	const tokenOf = (href: string) => href.split('/').pop()!;

	describe('sending a survey to the people it is for', () => {
		it('gives each participant of an activity one link, in the app and by e-mail where they have an address; sending again adds nobody', async () => {
			const { data } = app.services.deps;
			const { db } = data;
			const { activities, auditLog, surveyResponses, users } = data.t;
			await data.write(async (tx) => {
				await tx.update(users).set({ email: 'amina@example.org', locale: 'en' }).where(eq(users.id, w.amina.id));
				await tx.update(users).set({ email: 'josiane@example.org', locale: 'fr' }).where(eq(users.id, w.josiane.id));
			});
			const garden = (await first(db.select().from(activities).where(eq(activities.name, 'Jardin partagé'))))!;
			const s = app.services.surveys;
			const { id } = await s.create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, template: 'satisfaction', title: 'Le jardin vous plaît ?', audience: 'activity', activityId: garden.id, closesOn: '2026-12-15' });
			// Amina, Josiane and Léa were named at its sessions; Claire, who sends it, is left out.
			expect(await s.send(w.claire, id)).toEqual({ sent: 3 });
			expect(await s.send(w.claire, id)).toEqual({ sent: 0 });
			expect((await s.get(w.claire, id)).sent).toBe(3);
			expect(await invites(w.karim.id)).toHaveLength(0);
			const lea = await invites(w.lea.id);
			expect(lea).toHaveLength(1);
			expect(lea[0]!.href).toMatch(new RegExp(`^/q/${w.residence.id}/[a-z2-7]{24}$`));
			expect((await db.select().from(auditLog).where(and(eq(auditLog.action, 'survey.sent'), eq(auditLog.subjectId, id))).orderBy(auditLog.id)).map((a) => a.data)).toEqual([
				{ count: 3, audience: 'activity' },
				{ count: 0, audience: 'activity' }
			]);

			// E-mail: after the usual short wait, one message each to Amina (English) and Josiane (French); Léa has no address.
			const m = mail();
			app.clock.advance(3 * MINUTE);
			expect(await m.queueNotificationMail()).toBe(2);
			expect(await m.deliver()).toEqual({ sent: 2, failed: 0 });
			const to = (msg: ParsedMail) => (msg.to && 'text' in msg.to ? msg.to.text : '');
			const amina = smtp.received.find((msg) => to(msg) === 'amina@example.org')!;
			expect(amina.subject).toContain('A survey for you: “Le jardin vous plaît ?”');
			const url = new RegExp(`${ORIGIN}/q/${w.residence.id}/([a-z2-7]{24})`).exec(amina.text ?? '')?.[1];
			expect(url).toBeTruthy();
			expect(smtp.received.find((msg) => to(msg) === 'josiane@example.org')!.text).toContain('Une enquête pour vous');

			// The link in the e-mail is the one in the app; it answers once, and the answer keeps Amina's building only.
			expect((await invites(w.amina.id))[0]!.href).toBe(`/q/${w.residence.id}/${url}`);
			const view = await s.open(w.residence.id, url!);
			await s.answer(w.residence.id, url!, Object.fromEntries(view.questions.map((q) => [`q_${q.id}`, '5'])));
			expect(await code(s.answer(w.residence.id, url!, {}))).toBe('indicators.error.linkUsed');
			expect((await db.select().from(surveyResponses).where(eq(surveyResponses.surveyId, id))).map((r) => r.buildingId)).toEqual([w.bA.id]);
			// Léa's link, from the app alone, works too.
			expect((await s.open(w.residence.id, tokenOf(lea[0]!.href))).survey.title).toBe('Le jardin vous plaît ?');
		});

		it('sends a training group’s survey to its trainees only, and a body’s to its members', async () => {
			const training = await app.services.admin.createTrainingSession(w.admin, { organisationId: w.org.id, name: 'Session 2026' });
			const group = { type: 'training' as const, id: training.id };
			const trainer = await createUser(app, { username: 'nadia', roles: [{ ...group, role: 'trainer' }] });
			const t1 = await createUser(app, { username: 'julien', roles: [{ ...group, role: 'trainee' }] });
			const t2 = await createUser(app, { username: 'sara', roles: [{ ...group, role: 'trainee' }] });
			const s = app.services.surveys;
			const { id } = await s.create(trainer, { spaceType: 'training', spaceId: training.id, template: 'selfAssessment', title: 'Avant la formation', audience: 'training', phase: 'before', closesOn: '2026-12-01' });
			expect(await s.send(trainer, id)).toEqual({ sent: 2 });
			expect(await Promise.all([t1, t2].map(async (u) => (await invites(u.id)).length))).toEqual([1, 1]);
			expect(await invites(trainer.id)).toHaveLength(0);

			const body = await app.services.admin.createBody(w.admin, { organisationId: w.org.id, name: 'Comité', colleges: [{ name: 'Habitants', weight: 1 }] });
			const member = await createUser(app, { username: 'fatou', roles: [{ type: 'body', id: body.id, role: 'member' }] });
			const b = await s.create(w.admin, { spaceType: 'body', spaceId: body.id, template: 'wellbeing', title: 'Le comité', audience: 'body', closesOn: '2026-12-01' });
			expect(await code(s.send(member, b.id))).toBe('forbidden');
			expect(await s.send(w.admin, b.id)).toEqual({ sent: 1 });
			expect(await invites(member.id)).toHaveLength(1);
		});

		it('refuses a residence-wide survey, an activity nobody is named at, a closed survey, a tenant, and any practice space', async () => {
			const s = app.services.surveys;
			const { data } = app.services.deps;
			const { db } = data;
			const { activities, bodies, notifications } = data.t;
			const whole = await s.create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, template: 'wellbeing', title: 'Toute la résidence', audience: 'residence', closesOn: '2026-12-15' });
			expect(await code(s.send(w.claire, whole.id))).toBe('indicators.error.sendAudience');
			const empty = await app.services.activities.create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, name: 'Atelier vide', kind: 'other' });
			const nobody = await s.create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, template: 'satisfaction', title: 'Personne', audience: 'activity', activityId: empty.id, closesOn: '2026-12-15' });
			expect(await code(s.send(w.claire, nobody.id))).toBe('indicators.error.noRecipients');
			expect(await code(s.send(w.amina, nobody.id))).toBe('forbidden');
			const noActivity = await s.create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, template: 'satisfaction', title: 'Sans activité', audience: 'activity', closesOn: '2026-12-15' }).catch((e: unknown) => e);
			expect(noActivity).toBeInstanceOf(ValidationError);
			expect((noActivity as ValidationError).fields).toEqual({ activityId: 'indicators.error.activity' });

			const practice = await app.services.admin.createBody(w.admin, { organisationId: w.org.id, name: 'Comité (entraînement)', colleges: [{ name: 'Habitants', weight: 1 }] });
			await data.write((tx) => tx.update(bodies).set({ practice: true }).where(eq(bodies.id, practice.id)));
			await createUser(app, { username: 'trainee', roles: [{ type: 'body', id: practice.id, role: 'member' }] });
			const played = await s.create(w.admin, { spaceType: 'body', spaceId: practice.id, template: 'wellbeing', title: 'Jeu', audience: 'body', closesOn: '2026-12-15' });
			expect(await code(s.send(w.admin, played.id))).toBe('indicators.error.practice');
			expect(await db.select().from(notifications).where(eq(notifications.kind, 'surveyInvited'))).toHaveLength(0);

			const garden = (await first(db.select().from(activities).where(eq(activities.name, 'Jardin partagé'))))!;
			const late = await s.create(w.claire, { spaceType: 'residence', spaceId: w.residence.id, template: 'satisfaction', title: 'Trop tard', audience: 'activity', activityId: garden.id, closesOn: '2026-11-22' });
			app.clock.advance(24 * 60 * MINUTE);
			expect(await code(s.send(w.claire, late.id))).toBe('indicators.error.surveyClosed');
		});
	});
});
