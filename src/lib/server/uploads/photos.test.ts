import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { UserError } from '../services/errors';
import { createLimiter } from './limit';
import { MAX_PIXELS, reencodePhoto } from './photos';

const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).png().toBuffer();

describe('image uploads cost bounded CPU and memory', () => {
	it('refuses an image over the pixel limit from its header, with a clear message', async () => {
		const bomb = await png(7000, 7000);
		expect(7000 * 7000).toBeGreaterThan(MAX_PIXELS);
		const err = await reencodePhoto(bomb).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(UserError);
		expect(err).toMatchObject({ code: 'security.imageTooBig', status: 413 });
	});

	it('still re-encodes an ordinary photo', async () => {
		const out = await reencodePhoto(await png(1200, 900));
		expect((await sharp(out).metadata()).format).toBe('webp');
	});

	it('runs at most `concurrency` jobs at once and refuses beyond the waiting line', async () => {
		const run = createLimiter(2, 1);
		let active = 0;
		let peak = 0;
		const gates: (() => void)[] = [];
		const job = () =>
			run(async () => {
				active++;
				peak = Math.max(peak, active);
				await new Promise<void>((r) => gates.push(r));
				active--;
			});
		const running = [job(), job(), job()];
		await expect(job()).rejects.toMatchObject({ code: 'security.busy', status: 503 });
		while (gates.length) {
			gates.shift()!();
			await new Promise((r) => setTimeout(r, 0));
		}
		await Promise.all(running);
		expect(peak).toBe(2);
	});
});
