import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseBuffer } from 'music-metadata';
import { UserError } from '../services/errors';
import { createLimiter } from './limit';
import { stripMp4, stripOgg, stripWav, walkWebm } from './audio-containers';

/** Two minutes of speech: the button stops by itself there; a little slack for the container's rounding. */
export const MAX_VOICE_SECONDS = 120;
const SLACK_MS = 2_000;
/** Two minutes of uncompressed 16-bit mono at 32 kHz (a phone's own recorder), with room to spare. */
export const MAX_VOICE_BYTES = 8 * 1024 * 1024;

export type AudioContainer = 'webm' | 'ogg' | 'wav' | 'mp4';
export const audioMime: Record<AudioContainer, string> = { webm: 'audio/webm', ogg: 'audio/ogg', wav: 'audio/wav', mp4: 'audio/mp4' };

/** Parsing is cheap but not free; two at a time on two cores. */
const audioWork = createLimiter(2, 16);

/** What the first bytes say, whatever the file name or the browser claimed. */
export function sniffAudio(b: Uint8Array): AudioContainer | null {
	const ascii = (from: number, to: number) => (b.length >= to ? String.fromCharCode(...b.subarray(from, to)) : '');
	if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'webm';
	if (ascii(0, 4) === 'OggS') return 'ogg';
	if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
	if (ascii(4, 8) === 'ftyp') return 'mp4';
	return null;
}

export interface CleanAudio {
	container: AudioContainer;
	mime: string;
	durationMs: number;
	/** The same sound, with titles, names, dates, tools and pictures taken out of the container. */
	bytes: Uint8Array;
}

const notAudio = () => new UserError('inclusion.voice.notAudio', {}, 400);

/**
 * A voice comment as it arrives: checked by its content (a maintained parser, music-metadata, reads
 * the container and the duration; WebM from a browser's recorder carries no duration, so its blocks
 * are read for it), limited in size and length, and stripped of metadata without re-encoding (the
 * containers' own padding elements take the place of what is removed, so no offset moves).
 */
export async function cleanVoice(input: Uint8Array): Promise<CleanAudio> {
	if (input.byteLength === 0) throw new UserError('inclusion.voice.empty', {}, 400);
	if (input.byteLength > MAX_VOICE_BYTES) throw new UserError('inclusion.voice.tooLarge', { mb: MAX_VOICE_BYTES / 1024 / 1024 }, 413);
	const container = sniffAudio(input);
	if (!container) throw notAudio();
	return audioWork(async () => {
		const bytes = new Uint8Array(input);
		let ownDuration: number | null = null;
		try {
			if (container === 'webm') ownDuration = walkWebm(bytes).durationMs;
			else if (container === 'ogg') stripOgg(bytes);
			else if (container === 'mp4') stripMp4(bytes);
		} catch {
			throw notAudio();
		}
		const clean = container === 'wav' ? stripWavOrThrow(bytes) : bytes;
		const meta = await parseBuffer(clean, { mimeType: audioMime[container], size: clean.byteLength }, { duration: true, skipCovers: true }).catch(() => null);
		if (!meta || meta.format.hasVideo || meta.format.hasAudio === false || !meta.format.numberOfChannels) throw notAudio();
		const durationMs = Math.round(ownDuration ?? (meta.format.duration ?? 0) * 1000);
		if (!Number.isFinite(durationMs) || durationMs <= 0) throw new UserError('inclusion.voice.empty', {}, 400);
		if (durationMs > MAX_VOICE_SECONDS * 1000 + SLACK_MS) throw new UserError('inclusion.voice.tooLong', { minutes: MAX_VOICE_SECONDS / 60 }, 413);
		return { container, mime: audioMime[container], durationMs, bytes: clean };
	});
}

function stripWavOrThrow(bytes: Uint8Array): Uint8Array {
	try {
		return stripWav(bytes);
	} catch {
		throw notAudio();
	}
}

export function audioDir(uploadDir: string) {
	return resolve(join(uploadDir, 'voice'));
}

export function storeAudio(uploadDir: string, name: string, data: Uint8Array) {
	const dir = audioDir(uploadDir);
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, name), data);
}
