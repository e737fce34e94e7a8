import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { UserError } from '../services/errors';
import { createLimiter } from './limit';

export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
const MAX_SIDE = 1600;
/**
 * A 12-megapixel phone photo passes with room to spare; a 7000 × 7000 PNG (a few hundred KB of
 * compressed bytes, 200 MB once decoded) does not. Checked from the header, before any decoding.
 */
export const MAX_PIXELS = 25_000_000;
/** Decoding uses every core through libvips' own threads: two at a time is plenty for two cores. */
const imageWork = createLimiter(2, 16);

/** What the first bytes say, whatever the file name or the browser claimed. */
export function sniffImage(bytes: Uint8Array): 'jpeg' | 'png' | 'webp' | null {
	const b = bytes;
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
	if (b.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v)) return 'png';
	const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
	if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
	return null;
}

/**
 * Phones put the GPS position of the tenant's home in photos. Decoding and re-encoding drops every
 * metadata block (sharp keeps none unless asked); `.rotate()` first applies the EXIF orientation so
 * the picture does not end up sideways once the orientation tag is gone.
 */
export async function reencodePhoto(bytes: Uint8Array): Promise<Buffer> {
	if (bytes.byteLength > MAX_PHOTO_BYTES) throw new UserError('board.photo.tooLarge', { mb: MAX_PHOTO_BYTES / 1024 / 1024 }, 413);
	if (!sniffImage(bytes)) throw new UserError('board.photo.badType', {}, 400);
	const { width = 0, height = 0 } = await sharp(bytes).metadata().catch(() => ({ width: 0, height: 0 }));
	if (!width || !height) throw new UserError('board.photo.badType', {}, 400);
	if (width * height > MAX_PIXELS) throw new UserError('security.imageTooBig', { megapixels: MAX_PIXELS / 1_000_000, width: 6000, height: 4000 }, 413);
	return imageWork(async () => {
		try {
			// limitInputPixels again: the header read above could disagree with what the decoder finds.
			return await sharp(bytes, { limitInputPixels: MAX_PIXELS })
				.rotate()
				.resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
				.webp({ quality: 80 })
				.toBuffer();
		} catch {
			throw new UserError('board.photo.badType', {}, 400);
		}
	});
}

export function photoDir(uploadDir: string) {
	return resolve(join(uploadDir, 'proposals'));
}

export function storePhoto(uploadDir: string, name: string, data: Buffer) {
	const dir = photoDir(uploadDir);
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, name), data);
}
