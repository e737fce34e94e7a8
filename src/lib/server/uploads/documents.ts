import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../services/errors';
import { reencodePhoto, sniffImage } from './photos';

/** Agenda documents: under the server's body limit (10 MB), with room for the rest of the form. */
export const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

export type DocumentKind = 'pdf' | 'image';

/**
 * What the first bytes say, whatever the file name or the browser claimed: a PDF starts with
 * `%PDF-` (strictly at byte 0, though some readers look further), an image with its own signature.
 */
export function sniffDocument(bytes: Uint8Array): DocumentKind | null {
	if (Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-') return 'pdf';
	if (sniffImage(bytes)) return 'image';
	return null;
}

/**
 * A checked document ready to store: PDFs as they are (their first bytes proved them PDFs),
 * images through the photo pipeline (re-encoded: no GPS position, no hidden payload).
 */
export async function checkDocument(bytes: Uint8Array): Promise<{ data: Buffer; mime: string; ext: string }> {
	if (bytes.byteLength === 0) throw new UserError('meetings.error.documentEmpty', {}, 400);
	if (bytes.byteLength > MAX_DOCUMENT_BYTES) throw new UserError('meetings.error.documentSize', { mb: MAX_DOCUMENT_BYTES / 1024 / 1024 }, 413);
	const kind = sniffDocument(bytes);
	if (kind === 'pdf') return { data: Buffer.from(bytes), mime: 'application/pdf', ext: 'pdf' };
	if (kind === 'image') return { data: await reencodePhoto(bytes), mime: 'image/webp', ext: 'webp' };
	throw new UserError('meetings.error.documentType', {}, 400);
}

export function documentDir(uploadDir: string) {
	return resolve(join(uploadDir, 'meetings'));
}

export function storeDocument(uploadDir: string, name: string, data: Buffer) {
	const dir = documentDir(uploadDir);
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, name), data);
}
