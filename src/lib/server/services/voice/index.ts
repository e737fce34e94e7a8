import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { can, canVoice, type Actor, type VoiceAction, type VoiceTarget } from '$lib/domain/policy';
import { config } from '../../config';
import { audioDir, cleanVoice, storeAudio } from '../../uploads/audio';
import { logAudit } from '../audit';
import type { ServiceDeps } from '../deps';
import { notFound, UserError } from '../errors';
import { parse } from '../validate';
import type { VoiceItem, VoiceView } from '$lib/voice-types';

export type { VoiceItem, VoiceView };

export const voiceTargetTypes = ['proposal', 'consultation', 'survey'] as const;
const targetSchema = z.object({ type: z.enum(voiceTargetTypes), id: z.string().trim().min(1).max(64) });
export type VoiceTargetRef = z.input<typeof targetSchema>;
const idSchema = z.string().trim().min(1).max(64);
const reasonSchema = z.string().trim().min(3, 'inclusion.voice.reasonRequired').max(300, 'inclusion.voice.reasonTooLong');
const summarySchema = z.string().trim().max(500, 'inclusion.voice.summaryTooLong');

/** Voice comments: the upload pipeline (content check, limits, metadata removed) and the policy at every door. */
export function createVoiceService(deps: ServiceDeps, options: { uploadDir?: () => string } = {}) {
	const { data, clock, ids } = deps;
	const { consultations, proposals, users, voiceComments } = data.t;
	const uploadDir = options.uploadDir ?? (() => config().UPLOAD_DIR);

	/** What the comment hangs on, as the policy needs it; null when there is no such thing. */
	async function resolve(actor: Actor | null, ref: VoiceTargetRef): Promise<VoiceTarget | null> {
		const { type, id } = parse(targetSchema, ref);
		if (type === 'proposal') {
			const [p] = await data.db.select({ spaceType: proposals.spaceType, spaceId: proposals.spaceId, hiddenAt: proposals.hiddenAt }).from(proposals).where(eq(proposals.id, id));
			if (!p) return null;
			return { space: { type: p.spaceType, id: p.spaceId }, readable: !p.hiddenAt, open: !p.hiddenAt };
		}
		if (type === 'consultation') {
			const [c] = await data.db.select({ spaceType: consultations.spaceType, spaceId: consultations.spaceId, status: consultations.status }).from(consultations).where(eq(consultations.id, id));
			if (!c) return null;
			const space = { type: c.spaceType, id: c.spaceId };
			const published = c.status !== 'draft';
			return { space, readable: published || can(actor, 'consultation.manage', space), open: published };
		}
		// Surveys have no table yet: nothing to comment on.
		return null;
	}

	async function targetOrThrow(actor: Actor | null, ref: VoiceTargetRef, action: VoiceAction): Promise<VoiceTarget> {
		const target = await resolve(actor, ref);
		// Someone outside the space learns nothing: the same answer as for a thing that does not exist.
		if (!target || !canVoice(actor, 'voice.listen', target)) throw notFound();
		if (!canVoice(actor, action, target)) throw new UserError('error.forbidden', {}, 403);
		return target;
	}

	async function commentOrThrow(actor: Actor | null, id: unknown, action: VoiceAction) {
		const [row] = await data.db.select().from(voiceComments).where(eq(voiceComments.id, parse(idSchema, id)));
		if (!row) throw notFound();
		const target = await resolve(actor, { type: row.targetType, id: row.targetId });
		const comment = { authorId: row.authorId, hidden: !!row.hiddenAt };
		if (!target || !canVoice(actor, 'voice.listen', target, { ...comment, hidden: false })) throw notFound();
		if (!canVoice(actor, action, target, comment)) throw new UserError('error.forbidden', {}, 403);
		return row;
	}

	/** Inside the unit of work of the change it records. */
	const audit = (actorId: string, action: string, id: string, extra: Record<string, unknown> = {}) => logAudit(data, clock.now(), actorId, action, { type: 'voice_comment', id }, extra);

	return {
		/** What a page shows; null for someone who may not hear anything there (the page says why). */
		async list(actor: Actor | null, ref: VoiceTargetRef): Promise<VoiceView | null> {
			const target = await resolve(actor, ref);
			if (!target || !canVoice(actor, 'voice.listen', target)) return null;
			const { type, id } = parse(targetSchema, ref);
			const rows = await data.db
				.select({ row: voiceComments, authorName: users.displayName })
				.from(voiceComments)
				.innerJoin(users, eq(users.id, voiceComments.authorId))
				.where(and(eq(voiceComments.targetType, type), eq(voiceComments.targetId, id)))
				.orderBy(asc(voiceComments.createdAt), asc(voiceComments.id));
			return {
				target: { type, id },
				canPost: canVoice(actor, 'voice.post', target),
				items: rows.map(({ row, authorName }) => {
					const comment = { authorId: row.authorId, hidden: !!row.hiddenAt };
					return {
						id: row.id,
						authorName,
						mine: row.authorId === actor?.id,
						durationMs: row.durationMs,
						createdAt: row.createdAt,
						hidden: comment.hidden,
						hiddenReason: row.hiddenReason,
						summary: row.summary,
						url: canVoice(actor, 'voice.listen', target, comment) ? `/voice/${row.id}` : null,
						canRemove: canVoice(actor, 'voice.remove', target, comment),
						canModerate: canVoice(actor, 'voice.moderate', target, comment)
					};
				})
			};
		},

		/** Checked, limited and stripped before anything is written; a refusal stores nothing. */
		async post(actor: Actor | null, ref: VoiceTargetRef, file: Uint8Array): Promise<{ id: string }> {
			const target = await targetOrThrow(actor, ref, 'voice.post');
			const { type, id: targetId } = parse(targetSchema, ref);
			const clean = await cleanVoice(file);
			const id = ids.id();
			const name = `${id}-${ids.id()}.${clean.container}`;
			// The file first (slow I/O stays outside the unit of work); taken back if the row is not written.
			storeAudio(uploadDir(), name, clean.bytes);
			try {
				await data.write(async (tx) => {
					await tx.insert(voiceComments).values({
						id,
						targetType: type,
						targetId,
						spaceType: target.space.type,
						spaceId: target.space.id,
						authorId: actor!.id,
						file: name,
						mime: clean.mime,
						durationMs: clean.durationMs,
						bytes: clean.bytes.byteLength,
						createdAt: clock.now()
					});
					await audit(actor!.id, 'voice.post', id, { target: `${type}:${targetId}`, durationMs: clean.durationMs });
				});
			} catch (err) {
				await rm(join(audioDir(uploadDir()), name), { force: true });
				throw err;
			}
			return { id };
		},

		/** The file to serve, asked with the reader as they are now. */
		async file(actor: Actor | null, id: unknown): Promise<{ path: string; mime: string }> {
			const row = await commentOrThrow(actor, id, 'voice.listen');
			return { path: join(audioDir(uploadDir()), row.file), mime: row.mime };
		},

		async remove(actor: Actor | null, id: unknown) {
			const row = await commentOrThrow(actor, id, 'voice.remove');
			await data.write(async (tx) => {
				await tx.delete(voiceComments).where(eq(voiceComments.id, row.id));
				await audit(actor!.id, 'voice.remove', row.id);
			});
			// The file goes once the row is gone for good (a file is not rolled back).
			await rm(join(audioDir(uploadDir()), row.file), { force: true });
		},

		async hide(actor: Actor | null, input: { id: unknown; reason: unknown }) {
			const row = await commentOrThrow(actor, input.id, 'voice.moderate');
			const reason = parse(reasonSchema, input.reason);
			await data.write(async (tx) => {
				await tx.update(voiceComments).set({ hiddenAt: clock.now(), hiddenBy: actor!.id, hiddenReason: reason }).where(eq(voiceComments.id, row.id));
				await audit(actor!.id, 'voice.hide', row.id, { reason });
			});
		},

		async unhide(actor: Actor | null, id: unknown) {
			const row = await commentOrThrow(actor, id, 'voice.moderate');
			await data.write(async (tx) => {
				await tx.update(voiceComments).set({ hiddenAt: null, hiddenBy: null, hiddenReason: null }).where(eq(voiceComments.id, row.id));
				await audit(actor!.id, 'voice.unhide', row.id);
			});
		},

		/** A facilitator's short written summary under the recording (empty: removed). */
		async summarise(actor: Actor | null, input: { id: unknown; summary: unknown }) {
			const row = await commentOrThrow(actor, input.id, 'voice.summarise');
			const summary = parse(summarySchema, input.summary) || null;
			await data.write(async (tx) => {
				await tx.update(voiceComments).set({ summary, summaryBy: summary ? actor!.id : null, summaryAt: summary ? clock.now() : null }).where(eq(voiceComments.id, row.id));
				await audit(actor!.id, 'voice.summarise', row.id);
			});
		},

		/** For the demo data and tests: every voice comment of some targets. */
		async countFor(targetIds: string[]) {
			if (targetIds.length === 0) return 0;
			return (await data.db.select({ id: voiceComments.id }).from(voiceComments).where(inArray(voiceComments.targetId, targetIds))).length;
		}
	};
}
