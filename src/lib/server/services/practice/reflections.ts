/**
 * Reflections on a run: a trainee's own ("what would I do differently?") or the trainer's comment
 * to a trainee. Written again, a reflection replaces the earlier one.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { can, ForbiddenError, type Actor } from '$lib/domain/policy';
import { first } from '../../db/data';
import { logAudit } from '../audit';
import type { ServiceDeps } from '../deps';
import { notFound } from '../errors';
import { parse } from '../validate';
import { id, trainingSpace, type PracticeContext } from './context';

const reflectSchema = z.object({ runId: id, body: z.string().trim().min(1, 'practice.error.reflection').max(4000, 'error.tooLong'), aboutId: z.preprocess((v) => (v === '' ? null : v), id.nullable()).default(null) });

export function createReflections(deps: ServiceDeps, ctx: PracticeContext) {
	const { data: dataHandle, clock, ids } = deps;
	const { practiceReflections, practiceRuns } = dataHandle.t;

	return {
		/** A reflection on a run: one's own, or the trainer's comment to a trainee. Written again, it replaces. */
		async reflect(actor: Actor | null, input: unknown) {
			const data = parse(reflectSchema, input);
			const run = (await first(dataHandle.db.select().from(practiceRuns).where(eq(practiceRuns.id, data.runId))));
			if (!run) throw notFound();
			const s = await ctx.loadSession(run.sessionId);
			const space = trainingSpace(s.trainingId);
			const trainer = can(actor, 'practice.run', space);
			const took = (await ctx.participants(s.id)).some((p) => p.userId === actor?.id && p.kind === 'trainee');
			if (!actor || !(trainer || (took && can(actor, 'practice.join', space)))) throw new ForbiddenError('practice.reflect');
			if (data.aboutId && !trainer) throw new ForbiddenError('practice.comment');
			const existing = (await dataHandle.db
				.select()
				.from(practiceReflections)
				.where(and(eq(practiceReflections.runId, run.id), eq(practiceReflections.authorId, actor.id))))
				.find((r) => r.aboutId === data.aboutId);
			const now = clock.now();
			await dataHandle.write(async (tx) => {
				if (existing) await tx.update(practiceReflections).set({ body: data.body, updatedAt: now }).where(eq(practiceReflections.id, existing.id));
				else await tx.insert(practiceReflections).values({ id: ids.id(), runId: run.id, authorId: actor.id, aboutId: data.aboutId, body: data.body, updatedAt: now });
				await logAudit(dataHandle, now, actor.id, 'practice.reflect', { type: 'practice_run', id: run.id }, { about: data.aboutId });
			});
		}
	};
}
