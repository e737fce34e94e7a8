/**
 * Reflections on a run: a trainee's own ("what would I do differently?") or the trainer's comment
 * to a trainee. Written again, a reflection replaces the earlier one.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { can, ForbiddenError, type Actor } from '$lib/domain/policy';
import { transaction } from '../../db';
import { practiceReflections, practiceRuns } from '../../db/schema';
import { audit } from '../audit';
import type { ServiceDeps } from '../deps';
import { notFound } from '../errors';
import { parse } from '../validate';
import { id, trainingSpace, type PracticeContext } from './context';

const reflectSchema = z.object({ runId: id, body: z.string().trim().min(1, 'practice.error.reflection').max(4000, 'error.tooLong'), aboutId: z.preprocess((v) => (v === '' ? null : v), id.nullable()).default(null) });

export function createReflections(deps: ServiceDeps, ctx: PracticeContext) {
	const { db, clock, ids } = deps;

	return {
		/** A reflection on a run: one's own, or the trainer's comment to a trainee. Written again, it replaces. */
		reflect(actor: Actor | null, input: unknown) {
			const data = parse(reflectSchema, input);
			const run = db.select().from(practiceRuns).where(eq(practiceRuns.id, data.runId)).get();
			if (!run) throw notFound();
			const s = ctx.loadSession(run.sessionId);
			const space = trainingSpace(s.trainingId);
			const trainer = can(actor, 'practice.run', space);
			const took = ctx.participants(s.id).some((p) => p.userId === actor?.id && p.kind === 'trainee');
			if (!actor || !(trainer || (took && can(actor, 'practice.join', space)))) throw new ForbiddenError('practice.reflect');
			if (data.aboutId && !trainer) throw new ForbiddenError('practice.comment');
			const existing = db
				.select()
				.from(practiceReflections)
				.where(and(eq(practiceReflections.runId, run.id), eq(practiceReflections.authorId, actor.id)))
				.all()
				.find((r) => r.aboutId === data.aboutId);
			const now = clock.now();
			transaction(db, (tx) => {
				if (existing) tx.update(practiceReflections).set({ body: data.body, updatedAt: now }).where(eq(practiceReflections.id, existing.id)).run();
				else tx.insert(practiceReflections).values({ id: ids.id(), runId: run.id, authorId: actor.id, aboutId: data.aboutId, body: data.body, updatedAt: now }).run();
				audit(tx, now, actor.id, 'practice.reflect', { type: 'practice_run', id: run.id }, { about: data.aboutId });
			});
		}
	};
}
