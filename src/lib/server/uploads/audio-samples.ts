import { oggCrc } from './audio-containers';

/**
 * Small real recordings built byte by byte, for the tests and the demo data: a WAV tone, a WebM/Opus
 * and an Ogg/Opus file as browsers write them (Opus frames of silence, 20 ms each), each carrying a
 * title and a tool name that must not survive the upload.
 */

const ascii = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]) => {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
};

export const SECRET = 'Amina chez elle, 12 rue des Lilas';

/** A spoken-like tone (two mixed sines with a slow swell), 16-bit mono, with a LIST/INFO title chunk. */
export function wavSample(seconds: number, rate = 8000): Uint8Array {
	const samples = Math.round(seconds * rate);
	const data = new Uint8Array(samples * 2);
	const v = new DataView(data.buffer);
	for (let i = 0; i < samples; i++) {
		const t = i / rate;
		const swell = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
		v.setInt16(i * 2, Math.round(9000 * swell * (Math.sin(2 * Math.PI * 220 * t) + 0.5 * Math.sin(2 * Math.PI * 330 * t))), true);
	}
	const info = concat(ascii('INFOINAM'), le32(SECRET.length + 1), ascii(SECRET), new Uint8Array(1 + ((SECRET.length + 1) % 2)));
	const fmt = new Uint8Array(16);
	const f = new DataView(fmt.buffer);
	f.setUint16(0, 1, true);
	f.setUint16(2, 1, true);
	f.setUint32(4, rate, true);
	f.setUint32(8, rate * 2, true);
	f.setUint16(12, 2, true);
	f.setUint16(14, 16, true);
	const body = concat(ascii('WAVE'), ascii('LIST'), le32(info.length), info, ascii('fmt '), le32(16), fmt, ascii('data'), le32(data.length), data);
	return concat(ascii('RIFF'), le32(body.length), body);
}

function le32(n: number) {
	const b = new Uint8Array(4);
	new DataView(b.buffer).setUint32(0, n, true);
	return b;
}

// ---- EBML

function vintSize(n: number): Uint8Array {
	if (n < 0x7f) return new Uint8Array([0x80 | n]);
	if (n < 0x3fff) return new Uint8Array([0x40 | (n >> 8), n & 0xff]);
	if (n < 0x1fffff) return new Uint8Array([0x20 | (n >> 16), (n >> 8) & 0xff, n & 0xff]);
	return new Uint8Array([0x10 | (n >>> 24), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}
function idBytes(id: number): Uint8Array {
	const out: number[] = [];
	for (let v = id; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
	return new Uint8Array(out);
}
const el = (id: number, ...content: Uint8Array[]) => {
	const body = concat(...content);
	return concat(idBytes(id), vintSize(body.length), body);
};
const uint = (id: number, value: number) => {
	const bytes: number[] = [];
	for (let v = value; v > 0 || bytes.length === 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
	return el(id, new Uint8Array(bytes));
};
const str = (id: number, value: string) => el(id, ascii(value));
const UNKNOWN = new Uint8Array([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

function opusHead(): Uint8Array {
	const b = new Uint8Array(19);
	b.set(ascii('OpusHead'));
	const v = new DataView(b.buffer);
	b[8] = 1;
	b[9] = 1;
	v.setUint16(10, 312, true);
	v.setUint32(12, 48000, true);
	return b;
}
/** One 20 ms Opus frame of silence (TOC 0xf8: CELT fullband 20 ms, mono). */
const SILENT_FRAME = new Uint8Array([0xf8, 0xff, 0xfe]);

/**
 * A WebM/Opus file as Chrome's MediaRecorder writes it (Segment and Cluster of unknown size, no
 * duration), with a title, tool names and a tag. `startMs` places the cluster (a 3-hour one is tiny).
 */
export function webmSample(seconds: number, startMs = 0): Uint8Array {
	const header = el(0x1a45dfa3, uint(0x4286, 1), uint(0x42f7, 1), uint(0x42f2, 4), uint(0x42f3, 8), str(0x4282, 'webm'), uint(0x4287, 4), uint(0x4285, 2));
	const sampling = new Uint8Array(8);
	new DataView(sampling.buffer).setFloat64(0, 48000);
	const info = el(0x1549a966, uint(0x2ad7b1, 1_000_000), str(0x4d80, 'Chrome'), str(0x5741, 'Chrome'), str(0x7ba9, SECRET));
	const track = el(0xae, uint(0xd7, 1), uint(0x73c5, 1), uint(0x83, 2), str(0x86, 'A_OPUS'), el(0x63a2, opusHead()), str(0x536e, SECRET), el(0xe1, el(0xb5, sampling), uint(0x9f, 1)));
	const tracks = el(0x1654ae6b, track);
	const tags = el(0x1254c367, el(0x7373, el(0x67c8, str(0x45a3, 'TITLE'), str(0x4487, SECRET))));
	const clusters: Uint8Array[] = [];
	const frames = Math.round((seconds * 1000) / 20);
	for (let first = 0; first < frames; first += 50) {
		const blocks: Uint8Array[] = [uint(0xe7, startMs + first * 20)];
		for (let i = first; i < Math.min(frames, first + 50); i++) {
			const rel = (i - first) * 20;
			blocks.push(el(0xa3, new Uint8Array([0x81, rel >> 8, rel & 0xff, 0x80]), SILENT_FRAME));
		}
		clusters.push(concat(idBytes(0x1f43b675), UNKNOWN, ...blocks));
	}
	return concat(header, idBytes(0x18538067), UNKNOWN, info, tracks, tags, ...clusters);
}

// ---- Ogg

function oggPage(serial: number, sequence: number, granule: bigint, type: number, packets: Uint8Array[]): Uint8Array {
	const lacing: number[] = [];
	for (const p of packets) {
		let n = p.length;
		while (n >= 255) {
			lacing.push(255);
			n -= 255;
		}
		lacing.push(n);
	}
	const head = new Uint8Array(27 + lacing.length);
	head.set(ascii('OggS'));
	const v = new DataView(head.buffer);
	head[5] = type;
	v.setBigUint64(6, granule, true);
	v.setUint32(14, serial, true);
	v.setUint32(18, sequence, true);
	head[26] = lacing.length;
	head.set(lacing, 27);
	const page = concat(head, ...packets);
	new DataView(page.buffer).setUint32(22, oggCrc(page), true);
	return page;
}

/** An Ogg/Opus file as Firefox's recorder writes it; `claimSeconds` sets the last granule (the length players read). */
export function oggSample(seconds: number, claimSeconds = seconds): Uint8Array {
	const serial = 0x5eed;
	const vendor = `libopus ${SECRET}`;
	const comment = `TITLE=${SECRET}`;
	const tags = concat(ascii('OpusTags'), le32(vendor.length), ascii(vendor), le32(1), le32(comment.length), ascii(comment));
	const pages = [oggPage(serial, 0, 0n, 0x02, [opusHead()]), oggPage(serial, 1, 0n, 0, [tags])];
	const frames = Math.max(1, Math.round((seconds * 1000) / 20));
	let sequence = 2;
	for (let first = 0; first < frames; first += 50) {
		const count = Math.min(50, frames - first);
		const last = first + count >= frames;
		const granule = last ? BigInt(Math.round(claimSeconds * 48000) + 312) : BigInt((first + count) * 960 + 312);
		pages.push(oggPage(serial, sequence++, granule, last ? 0x04 : 0, Array.from({ length: count }, () => SILENT_FRAME)));
	}
	return concat(...pages);
}
