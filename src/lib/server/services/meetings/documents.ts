/**
 * Documents attached to agenda items (PDF or images): checked by their first bytes and size, images
 * re-encoded, stored under UPLOAD_DIR/meetings, and served only to the body's members through the
 * policy (never from a static folder).
 */
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { authorize, meetingResource, type Actor } from '$lib/domain/policy';
import { z } from 'zod';
import { first } from '../../db/data';
import { checkDocument, documentDir, storeDocument } from '../../uploads/documents';
import { logAudit } from '../audit';
import { parse } from '../validate';
import { meetingError, type MeetingContext } from './context';
import type { createRoomState } from './room-state';

const id = z.string().trim().min(1, 'error.invalidInput').max(64, 'error.invalidInput');
const attachSchema = z.object({
	meetingId: id,
	itemId: id,
	// The name is only shown and offered back on download; it never becomes a path.
	name: z.string().trim().max(200, 'error.tooLong').default(''),
	bytes: z.instanceof(Uint8Array, { message: 'meetings.error.documentEmpty' })
});
const documentRefSchema = z.object({ meetingId: id, documentId: id });

/** A name safe to show and to offer back: no path, no control characters, an extension that tells the truth. */
function cleanName(name: string, ext: string) {
	const printable = [...name.replace(/^.*[\\/]/, '')].filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f && ch !== '"').join('');
	const base = printable.replace(/\.[a-z0-9]{1,5}$/i, '').trim().slice(0, 120);
	return `${base || 'document'}.${ext}`;
}

export function createDocuments(ctx: MeetingContext, room: ReturnType<typeof createRoomState>, uploadDir: () => string) {
	const { data: store, deps } = ctx;
	const { agendaDocuments, agendaItems } = ctx.t;

	async function itemOf(meetingId: string, itemId: string) {
		const item = await first(store.db.select().from(agendaItems).where(and(eq(agendaItems.id, itemId), eq(agendaItems.meetingId, meetingId))));
		if (!item) throw meetingError('noSuchItem');
		return item;
	}

	return {
		/** Chair and secretary attach documents to an item (before, during or after the meeting). */
		async attachDocument(actor: Actor | null, input: unknown) {
			const data = parse(attachSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.schedule', data.meetingId);
			if (meeting.status === 'cancelled') throw meetingError('cancelled');
			const item = await itemOf(meeting.id, data.itemId);
			const checked = await checkDocument(data.bytes);
			const docId = deps.ids.id();
			const file = `${docId}.${checked.ext}`;
			storeDocument(uploadDir(), file, checked.data);
			const name = cleanName(data.name, checked.ext);
			await store.write(async (tx) => {
				await tx.insert(agendaDocuments).values({ id: docId, itemId: item.id, name, mime: checked.mime, size: checked.data.byteLength, file, uploadedBy: actor!.id, createdAt: deps.clock.now() });
				await ctx.bump(tx, meeting);
				await logAudit(store, deps.clock.now(), actor!.id, 'meeting.document', { type: 'meeting', id: meeting.id }, { itemId: item.id, documentId: docId, name, size: checked.data.byteLength });
			});
			await room.publish(meeting.id);
			return { id: docId, name };
		},

		async removeDocument(actor: Actor | null, input: unknown) {
			const data = parse(documentRefSchema, input);
			const { meeting } = await ctx.guard(actor, 'meeting.schedule', data.meetingId);
			const doc = await first(
				store.db
					.select({ d: agendaDocuments })
					.from(agendaDocuments)
					.innerJoin(agendaItems, eq(agendaItems.id, agendaDocuments.itemId))
					.where(and(eq(agendaDocuments.id, data.documentId), eq(agendaItems.meetingId, meeting.id)))
			);
			if (!doc) throw meetingError('documentGone');
			await store.write(async (tx) => {
				await tx.delete(agendaDocuments).where(eq(agendaDocuments.id, doc.d.id));
				await ctx.bump(tx, meeting);
				await logAudit(store, deps.clock.now(), actor!.id, 'meeting.documentRemoved', { type: 'meeting', id: meeting.id }, { documentId: doc.d.id, name: doc.d.name });
			});
			try {
				unlinkSync(join(documentDir(uploadDir()), doc.d.file));
			} catch {
				// Already gone: the row was what mattered.
			}
			await room.publish(meeting.id);
		},

		/** Every document of a meeting's items, for its agenda page (members only, like the agenda). */
		async documentsOf(meetingId: string) {
			const items = (await store.db.select({ id: agendaItems.id }).from(agendaItems).where(eq(agendaItems.meetingId, meetingId))).map((i) => i.id);
			if (!items.length) return [];
			return store.db
				.select({ id: agendaDocuments.id, itemId: agendaDocuments.itemId, name: agendaDocuments.name, mime: agendaDocuments.mime, size: agendaDocuments.size })
				.from(agendaDocuments)
				.where(inArray(agendaDocuments.itemId, items))
				.orderBy(asc(agendaDocuments.createdAt), asc(agendaDocuments.id));
		},

		/**
		 * The stored file for a download: the body's members only, asked as they are now; a document
		 * reached through another meeting's URL is not there.
		 */
		async documentFile(actor: Actor | null, input: unknown) {
			const data = parse(documentRefSchema, input);
			const meeting = await ctx.loadMeeting(store.db, data.meetingId);
			authorize(actor, 'meeting.view', meetingResource(meeting));
			const doc = await first(
				store.db
					.select({ d: agendaDocuments })
					.from(agendaDocuments)
					.innerJoin(agendaItems, eq(agendaItems.id, agendaDocuments.itemId))
					.where(and(eq(agendaDocuments.id, data.documentId), eq(agendaItems.meetingId, meeting.id)))
			);
			if (!doc) throw meetingError('documentGone');
			return { path: join(documentDir(uploadDir()), doc.d.file), name: doc.d.name, mime: doc.d.mime, bodyId: meeting.bodyId };
		}
	};
}
