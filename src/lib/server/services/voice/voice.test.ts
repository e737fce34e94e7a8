import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createResidence, createTestAppOn, createUser, testEngines, type TestApp } from '../../testing';
import { oggSample, SECRET, wavSample, webmSample } from '../../uploads/audio-samples';
import { UserError } from '../errors';
import { createVoiceService } from './index';

let app: TestApp;
let voice: ReturnType<typeof createVoiceService>;
const uploads = () => join(app.dir, 'uploads');
const stored = () => (existsSync(join(uploads(), 'voice')) ? readdirSync(join(uploads(), 'voice')) : []);
const rows = async () => (await app.services.deps.data.db.select({ n: count() }).from(app.services.deps.data.t.voiceComments))[0]!.n;

async function setup() {
	const { residence } = await createResidence(app);
	const other = await createResidence(app);
	const space = { type: 'residence' as const, id: residence.id };
	const amina = await createUser(app, { displayName: 'Amina', roles: [{ ...space, role: 'tenant' }] });
	const karim = await createUser(app, { displayName: 'Karim', roles: [{ ...space, role: 'tenant' }] });
	const claire = await createUser(app, { displayName: 'Claire', roles: [{ ...space, role: 'facilitator' }] });
	const outsider = await createUser(app, { displayName: 'Voisin d’ailleurs', roles: [{ type: 'residence', id: other.residence.id, role: 'tenant' }] });
	const { id: proposalId } = await app.services.proposals.propose(amina, { residenceId: residence.id, title: 'Jardin partagé' });
	return { amina, karim, claire, outsider, target: { type: 'proposal' as const, id: proposalId } };
}

async function codeOf(promise: Promise<unknown>) {
	const err = await promise.then(
		() => null,
		(e: unknown) => e
	);
	expect(err).toBeInstanceOf(UserError);
	return (err as UserError).code;
}

describe.each(testEngines)('voice comments on %s', (engine) => {
	beforeEach(async () => {
		app = await createTestAppOn(engine);
		voice = createVoiceService(app.services.deps, { uploadDir: uploads });
	});
	afterEach(() => app.close());

	describe('voice comments', () => {
		it('a tenant leaves a recording that a neighbour hears, stripped of its metadata', async () => {
			const { amina, karim, target } = await setup();
			const { id } = await voice.post(amina, target, webmSample(3));
			const view = (await voice.list(karim, target))!;
			expect(view.canPost).toBe(true);
			expect(view.items).toHaveLength(1);
			expect(view.items[0]).toMatchObject({ id, authorName: 'Amina', mine: false, url: `/voice/${id}`, canRemove: false, canModerate: false });
			expect(view.items[0]!.durationMs).toBeGreaterThan(2900);
			const file = await voice.file(karim, id);
			expect(file.mime).toBe('audio/webm');
			expect(readFileSync(file.path).includes(Buffer.from(SECRET))).toBe(false);
			const { auditLog } = app.services.deps.data.t;
			const audit = await app.services.deps.data.db.select().from(auditLog).where(eq(auditLog.subjectId, id));
			expect(audit.map((a) => a.action)).toEqual(['voice.post']);
		});

		it('a member of another residence can neither post nor hear, and learns nothing: nothing is stored', async () => {
			const { amina, outsider, target } = await setup();
			const { id } = await voice.post(amina, target, oggSample(1));
			expect(await codeOf(voice.post(outsider, target, wavSample(1)))).toBe('error.notFound');
			expect(await codeOf(voice.file(outsider, id))).toBe('error.notFound');
			expect(await codeOf(voice.file(null, id))).toBe('error.notFound');
			expect(await codeOf(voice.remove(outsider, id))).toBe('error.notFound');
			expect(await voice.list(outsider, target)).toBeNull();
			expect(await rows()).toBe(1);
			expect(stored()).toHaveLength(1);
		});

		it('bad recordings get a clear message and leave nothing behind', async () => {
			const { amina, target } = await setup();
			expect(await codeOf(voice.post(amina, target, new TextEncoder().encode('RIFF....WAVEnot really')))).toBe('inclusion.voice.notAudio');
			expect(await codeOf(voice.post(amina, target, new Uint8Array(0)))).toBe('inclusion.voice.empty');
			expect(await codeOf(voice.post(amina, target, webmSample(0.1, 3 * 3600 * 1000)))).toBe('inclusion.voice.tooLong');
			expect(await codeOf(voice.post(amina, { type: 'survey', id: 'nope' }, wavSample(1)))).toBe('error.notFound');
			expect(await rows()).toBe(0);
			expect(stored()).toEqual([]);
		});

		it('moderation: hidden with a public reason (sound for moderators only), a written summary marked as such, removal by the author', async () => {
			const { amina, karim, claire, target } = await setup();
			const { id } = await voice.post(amina, target, wavSample(2));
			expect(await codeOf(voice.hide(karim, { id, reason: 'hors sujet' }))).toBe('error.forbidden');
			expect(await codeOf(voice.hide(claire, { id, reason: '' }))).toBe('inclusion.voice.reasonRequired');
			await voice.hide(claire, { id, reason: 'Propos personnels' });
			const seen = (await voice.list(karim, target))!.items[0]!;
			expect(seen).toMatchObject({ hidden: true, hiddenReason: 'Propos personnels', url: null });
			expect(await codeOf(voice.file(karim, id))).toBe('error.forbidden');
			expect((await voice.file(claire, id)).mime).toBe('audio/wav');
			await voice.unhide(claire, id);
			await voice.summarise(claire, { id, summary: 'Amina propose des bacs à fleurs devant le bâtiment A.' });
			expect(await codeOf(voice.summarise(karim, { id, summary: 'x' }))).toBe('error.forbidden');
			expect((await voice.list(karim, target))!.items[0]).toMatchObject({ hidden: false, summary: 'Amina propose des bacs à fleurs devant le bâtiment A.' });
			// Only the author (or a moderator) removes it; the file goes with it.
			expect(await codeOf(voice.remove(karim, id))).toBe('error.forbidden');
			expect((await voice.list(amina, target))!.items[0]!.canRemove).toBe(true);
			await voice.remove(amina, id);
			expect(await rows()).toBe(0);
			expect(stored()).toEqual([]);
		});
	});
});
