/**
 * E-mail against a real SMTP server on a loopback port (smtp-server), read back with mailparser:
 * what is asserted is what arrived, not what we meant to send.
 */
import { eq } from 'drizzle-orm';
import type { ParsedMail } from 'mailparser';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first } from '../../db/data';
import { createMailer } from '../../mail/transport';
import { createResidence, createTestAppOn, createUser, TEST_PASSWORD, testEngines, type TestApp } from '../../testing';
import { startSmtp, type TestSmtp } from '../../testing/smtp';
import { UserError } from '../errors';
import { createMailService } from './mail';

describe.each(testEngines)('e-mail on %s', (engine) => {
let app: TestApp;
let port: number;
let received: ParsedMail[];
const ORIGIN = 'https://board.example.org';

let server: TestSmtp;
const listen = async (onPort = 0) => (server = await startSmtp(onPort, received)).port;
const stop = () => server.stop();

beforeEach(async () => {
	app = await createTestAppOn(engine);
	received = [];
	port = await listen();
});
afterEach(async () => {
	await stop();
	await app.close();
});

const mail = () =>
	createMailService(app.services.deps, {
		origin: () => ORIGIN,
		mailer: () => createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'Board <board@example.org>', logFile: join(app.dir, 'mail.log') })
	});
/** The raw header as sent (mailparser folds List-* headers into one structured `list` entry). */
const header = (m: ParsedMail, name: string) =>
	m.headerLines
		.find((h) => h.key === name)
		?.line.slice(name.length + 1)
		.replace(/\r?\n\s+/g, ' ')
		.trim() ?? '';
const MINUTE = 60_000;

async function people() {
	const { residence } = await createResidence(app);
	const space = { type: 'residence' as const, id: residence.id };
	const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
	const karim = await createUser(app, { displayName: 'Karim', roles: [{ ...space, role: 'tenant' }] });
	const lea = await createUser(app, { displayName: 'Léa', roles: [{ ...space, role: 'tenant' }] });
	const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
	const { data } = app.services.deps;
	const { users } = data.t;
	await data.write(async (tx) => {
		await tx.update(users).set({ email: 'amina@example.org', locale: 'en' }).where(eq(users.id, amina.id));
		await tx.update(users).set({ email: 'claire@example.org', locale: 'fr' }).where(eq(users.id, claire.id));
	});
	return { residence, amina, karim, lea, claire };
}

describe('e-mail through a real SMTP server', () => {
	it('groups a burst of comments into one e-mail in the reader’s language, with a one-click unsubscribe that works without signing in', async () => {
		const s = await people();
		const m = mail();
		await m.saveModes(s.amina, { comment: 'immediate', status: 'off', hidden: 'immediate', voteOpened: 'immediate', voteClosing: 'immediate', voteResults: 'daily' });
		const { id } = await app.services.proposals.propose(s.amina, { residenceId: s.residence.id, title: 'Bancs' });
		// A second apart, as people are: "newest first" then reads the same on both engines (no insertion order for equal times).
		await app.services.proposals.comment(s.karim, { proposalId: id, body: 'Oui' });
		app.clock.advance(1000);
		await app.services.proposals.comment(s.lea, { proposalId: id, body: 'Bonne idée' });
		app.clock.advance(1000);
		await app.services.proposals.comment(s.karim, { proposalId: id, body: 'Et un abri ?' });
		// Still a burst: nothing leaves until it has been quiet for a while.
		expect(await m.queueNotificationMail()).toBe(0);
		app.clock.advance(3 * MINUTE);
		expect(await m.queueNotificationMail()).toBe(1);
		expect(await m.queueNotificationMail()).toBe(0);
		expect(await m.deliver()).toEqual({ sent: 1, failed: 0 });

		expect(received).toHaveLength(1);
		const [msg] = received as [ParsedMail];
		expect(msg.to && 'text' in msg.to ? msg.to.text : '').toBe('amina@example.org');
		expect(msg.subject).toBe('3 new comments on “Bancs” (Karim and Léa)');
		expect(header(msg, 'content-language')).toBe('en');
		expect(msg.text).toContain(`${ORIGIN}/r/${s.residence.id}/board/p/${id}`);
		expect(msg.html).toContain('3 new comments on “Bancs”');
		expect(header(msg, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
		const url = /<([^>]+)>/.exec(header(msg, 'list-unsubscribe'))?.[1] ?? '';
		expect(url.startsWith(`${ORIGIN}/unsubscribe/${s.amina.id}/comment/`)).toBe(true);

		// The link's parts, as the unsubscribe route hands them over; a forged token is refused.
		const [userId, scope, token] = new URL(url).pathname.split('/').slice(2);
		await expect(m.unsubscribe({ userId, scope, token: 'x'.repeat(32) })).rejects.toThrow(UserError);
		await expect(m.unsubscribe({ userId, scope: 'hidden', token })).rejects.toThrow(UserError);
		await m.unsubscribe({ userId, scope, token });
		expect((await m.settings(s.amina)).modes).toMatchObject({ comment: 'off', hidden: 'immediate' });
		await app.services.proposals.comment(s.karim, { proposalId: id, body: 'Encore un' });
		app.clock.advance(3 * MINUTE);
		expect(await m.queueNotificationMail()).toBe(0);
	});

	it('sends at most one daily digest a day, grouping what happened, and nothing already read in the app', async () => {
		const s = await people();
		const m = mail();
		const a = await app.services.proposals.propose(s.claire, { residenceId: s.residence.id, title: 'Jardin' });
		const b = await app.services.proposals.propose(s.claire, { residenceId: s.residence.id, title: 'Parking' });
		await app.services.proposals.comment(s.karim, { proposalId: a.id, body: 'Oui' });
		// A second apart, as people are: "newest first" then reads the same on both engines (PostgreSQL has no insertion order for equal times).
		app.clock.advance(1000);
		await app.services.proposals.comment(s.lea, { proposalId: a.id, body: 'Moi aussi' });
		await app.services.proposals.comment(s.karim, { proposalId: b.id, body: 'Enfin' });
		expect(await m.queueNotificationMail()).toBe(1);
		await m.deliver();
		expect(received).toHaveLength(1);
		expect(received[0]!.subject).toBe('Votre résumé du jour\u00a0: 2 nouveautés');
		expect(header(received[0]!, 'content-language')).toBe('fr');
		expect(received[0]!.text).toContain('2 nouveaux commentaires sur «\u00a0Jardin\u00a0» (Léa et Karim)');
		expect(received[0]!.text).toContain('Karim a commenté «\u00a0Parking\u00a0»');
		expect(header(received[0]!, 'list-unsubscribe')).toContain('/digest/');

		await app.services.proposals.comment(s.lea, { proposalId: b.id, body: 'Oui' });
		await app.services.proposals.comment(s.karim, { proposalId: a.id, body: 'Et les outils ?' });
		app.clock.advance(12 * 60 * MINUTE);
		expect(await m.queueNotificationMail()).toBe(0);
		// What Claire read in the app in the meantime is not e-mailed again.
		const parking = (await app.services.notifications.list(s.claire)).items.find((g) => !g.read && g.proposalTitle === 'Parking')!;
		await app.services.notifications.markRead(s.claire, { ids: parking.ids.join(' ') });
		app.clock.advance(12 * 60 * MINUTE);
		expect(await m.queueNotificationMail()).toBe(1);
		await m.deliver();
		expect(received).toHaveLength(2);
		expect(received[1]!.text).toContain('Karim a commenté «\u00a0Jardin\u00a0»');
		expect(received[1]!.text).not.toContain('Parking');
	});

	it('resets a forgotten password by e-mail: same answer for unknown addresses, a link that works once, rate limited', async () => {
		const s = await people();
		const m = mail();
		await m.requestPasswordReset({ email: 'nobody@example.org' }, '10.0.0.1');
		await m.requestPasswordReset({ email: 'CLAIRE@example.org' }, '10.0.0.1');
		await m.deliver();
		expect(received).toHaveLength(1);
		const msg = received[0]!;
		expect(msg.subject).toBe('Choisir un nouveau mot de passe');
		expect(header(msg, 'list-unsubscribe')).toBe('');
		const link = new URL(/https:\/\/\S+\/reset\?code=\S+/.exec(msg.text ?? '')![0]);
		expect(link.origin).toBe(ORIGIN);
		const code = link.searchParams.get('code')!;

		const done = await app.services.auth.redeemReset({ code, password: 'a brand new passphrase' }, '10.0.0.7');
		expect(done.session.userId).toBe(s.claire.id);
		await expect(app.services.auth.redeemReset({ code, password: 'another passphrase 2' }, '10.0.0.7')).rejects.toMatchObject({ code: 'reset.invalidCode' });
		await expect(app.services.auth.signIn({ username: (await first(app.services.deps.data.db.select().from(app.services.deps.data.t.users).where(eq(app.services.deps.data.t.users.id, s.claire.id))))!.username, password: TEST_PASSWORD }, '10.0.0.9')).rejects.toBeInstanceOf(UserError);

		// Per address: three links an hour, then silence with the same answer.
		for (let i = 0; i < 5; i++) await m.requestPasswordReset({ email: 'claire@example.org' }, `10.0.1.${i}`);
		await m.deliver();
		expect(received).toHaveLength(3);
		// Per connection: a visible pause that says nothing about any address.
		let limited: unknown;
		for (let i = 0; i < 25 && !limited; i++) limited = await m.requestPasswordReset({ email: `x${i}@example.org` }, '10.0.0.2').then(() => undefined, (err: unknown) => err);
		expect(limited).toMatchObject({ code: 'forgot.rateLimited', status: 429 });
	});

	it('a link expires after an hour', async () => {
		await people();
		const m = mail();
		await m.requestPasswordReset({ email: 'claire@example.org' }, '10.0.0.1');
		await m.deliver();
		const code = new URL(/https:\/\/\S+/.exec(received[0]!.text ?? '')![0]).searchParams.get('code')!;
		app.clock.advance(61 * MINUTE);
		await expect(app.services.auth.redeemReset({ code, password: 'a brand new passphrase' }, '10.0.0.7')).rejects.toBeInstanceOf(UserError);
	});

	it('a tenant adds an address that counts only once the link sent there is opened', async () => {
		const s = await people();
		const m = mail();
		await m.requestAddress(s.karim, { email: 'karim@example.org' });
		expect(await m.settings(s.karim)).toMatchObject({ email: null, pending: 'karim@example.org' });
		await m.deliver();
		expect(received[0]!.subject).toBe('Confirmez votre adresse e-mail');
		const token = /\/account\/email\/([a-z0-9]+)/.exec(received[0]!.text ?? '')![1];
		expect(await m.confirmAddress({ token })).toEqual({ email: 'karim@example.org' });
		expect((await m.settings(s.karim)).email).toBe('karim@example.org');
		await expect(m.confirmAddress({ token })).rejects.toThrow(UserError);
		// Someone else's confirmed address cannot be claimed.
		await m.requestAddress(s.lea, { email: 'karim@example.org' });
		await m.deliver();
		const other = /\/account\/email\/([a-z0-9]+)/.exec(received[1]!.text ?? '')![1];
		await expect(m.confirmAddress({ token: other })).rejects.toThrow(/mail.error.taken/);
	});

	it('keeps a message in the outbox while the server is down and sends it on a later try', async () => {
		await people();
		const m = mail();
		await stop();
		await m.requestPasswordReset({ email: 'claire@example.org' }, '10.0.0.1');
		expect(await m.deliver()).toEqual({ sent: 0, failed: 1 });
		const row = (await first(app.services.deps.data.db.select().from(app.services.deps.data.t.mailOutbox)))!;
		expect(row).toMatchObject({ attempts: 1, sentAt: null });
		await listen(port);
		// Not due yet: the retry waits.
		expect(await m.deliver()).toEqual({ sent: 0, failed: 0 });
		app.clock.advance(2 * MINUTE);
		expect(await m.deliver()).toEqual({ sent: 1, failed: 0 });
		expect(received).toHaveLength(1);
	});
});
});
