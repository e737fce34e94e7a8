import { describe, expect, it } from 'vitest';
import { parseBuffer } from 'music-metadata';
import { UserError } from '../services/errors';
import { cleanVoice, MAX_VOICE_BYTES } from './audio';
import { stripMp4 } from './audio-containers';
import { oggSample, SECRET, wavSample, webmSample } from './audio-samples';

const has = (bytes: Uint8Array, text: string) => Buffer.from(bytes).includes(Buffer.from(text));
async function refusal(bytes: Uint8Array): Promise<string> {
	const err = await cleanVoice(bytes).then(
		() => null,
		(e: unknown) => e
	);
	expect(err).toBeInstanceOf(UserError);
	return (err as UserError).code;
}

describe('voice comments: audio checked by content, limited, stripped of metadata', () => {
	it('accepts a WAV, measures it, and keeps only its format and sound', async () => {
		const input = wavSample(3);
		expect(has(input, SECRET)).toBe(true);
		const clean = await cleanVoice(input);
		expect(clean.container).toBe('wav');
		expect(clean.mime).toBe('audio/wav');
		expect(clean.durationMs).toBe(3000);
		expect(has(clean.bytes, SECRET)).toBe(false);
		expect(has(clean.bytes, 'LIST')).toBe(false);
		// Still the same sound: the sample data is untouched.
		expect(Buffer.from(clean.bytes.subarray(clean.bytes.length - 6000)).equals(Buffer.from(input.subarray(input.length - 6000)))).toBe(true);
	});

	it('accepts a browser’s WebM/Opus, reads its length from the blocks, and voids titles, tools and tags', async () => {
		const input = webmSample(4);
		const clean = await cleanVoice(input);
		expect(clean.container).toBe('webm');
		expect(clean.durationMs).toBeGreaterThanOrEqual(3900);
		expect(clean.durationMs).toBeLessThanOrEqual(4000);
		expect(clean.bytes.length).toBe(input.length);
		for (const text of [SECRET, 'Chrome']) expect(has(clean.bytes, text), text).toBe(false);
		const meta = await parseBuffer(clean.bytes, { mimeType: 'audio/webm' });
		expect(meta.format.codec?.toLowerCase()).toContain('opus');
		expect(meta.common.title).toBeUndefined();
	});

	it('accepts an Ogg/Opus file and blanks its vendor and comments with valid page checksums', async () => {
		const input = oggSample(2);
		expect((await parseBuffer(input, { mimeType: 'audio/ogg' })).common.title).toBe(SECRET);
		const clean = await cleanVoice(input);
		expect(clean.container).toBe('ogg');
		expect(clean.durationMs).toBeGreaterThanOrEqual(1900);
		expect(clean.durationMs).toBeLessThanOrEqual(2100);
		expect(has(clean.bytes, SECRET)).toBe(false);
		const meta = await parseBuffer(clean.bytes, { mimeType: 'audio/ogg' });
		expect(meta.common.title).toBeUndefined();
		expect(meta.quality.warnings.filter((w) => /crc|checksum/i.test(w.message))).toEqual([]);
	});

	it('empties MP4 metadata boxes into free space without moving anything', () => {
		const box = (type: string, ...content: Uint8Array[]) => {
			const body = Buffer.concat(content);
			const out = Buffer.alloc(8 + body.length);
			out.writeUInt32BE(out.length, 0);
			out.write(type, 4, 'latin1');
			body.copy(out, 8);
			return out;
		};
		const mvhd = box('mvhd', Buffer.from([0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 9]));
		const file = new Uint8Array(Buffer.concat([box('ftyp', Buffer.from('M4A ')), box('moov', mvhd, box('trak', box('tkhd', Buffer.alloc(24, 7))), box('udta', box('©nam', Buffer.from(SECRET)))), box('mdat', Buffer.alloc(32, 1))]));
		const length = file.length;
		expect(stripMp4(file)).toBe(true);
		expect(file.length).toBe(length);
		expect(has(file, SECRET)).toBe(false);
		expect(has(file, 'free')).toBe(true);
		// The creation and modification dates of the movie header are zeroed.
		const at = Buffer.from(file).indexOf('mvhd') + 4;
		expect([...file.subarray(at + 4, at + 12)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
	});

	it('refuses a file that claims to be audio and is not, an empty one, a 3-hour one and a too large one', async () => {
		expect(await refusal(new TextEncoder().encode('<html>not a recording</html>'))).toBe('inclusion.voice.notAudio');
		// Right magic bytes, broken inside.
		expect(await refusal(webmSample(1).subarray(0, 60))).toBe('inclusion.voice.notAudio');
		expect(await refusal(new Uint8Array(0))).toBe('inclusion.voice.empty');
		expect(await refusal(webmSample(0.1, 3 * 3600 * 1000))).toBe('inclusion.voice.tooLong');
		expect(await refusal(oggSample(1, 3 * 3600))).toBe('inclusion.voice.tooLong');
		expect(await refusal(wavSample(0))).toBe('inclusion.voice.empty');
		const big = new Uint8Array(MAX_VOICE_BYTES + 1);
		big.set(wavSample(1).subarray(0, 44));
		expect(await refusal(big)).toBe('inclusion.voice.tooLarge');
	});
});
