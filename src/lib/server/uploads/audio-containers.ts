/**
 * Metadata removal for the four containers browsers and phones record speech in, without re-encoding.
 * Each container has a "nothing here" element (WebM Void, MP4 `free`); what could name a person, a
 * place, a date or a device becomes one of those of the same size, so every offset stays valid.
 * WAV is rebuilt with its format and sound chunks only; Ogg comments are overwritten in place and
 * their pages' checksums recomputed. Any structural surprise throws (the caller says "not audio").
 */

class Malformed extends Error {}
const fail = (why: string): never => {
	throw new Malformed(why);
};

// ---------------------------------------------------------------- WebM (EBML)

const ID = {
	Segment: 0x18538067,
	SeekHead: 0x114d9b74,
	Info: 0x1549a966,
	Tracks: 0x1654ae6b,
	Cluster: 0x1f43b675,
	Cues: 0x1c53bb6b,
	Tags: 0x1254c367,
	Attachments: 0x1941a469,
	Chapters: 0x1043a770,
	TimecodeScale: 0x2ad7b1,
	Title: 0x7ba9,
	MuxingApp: 0x4d80,
	WritingApp: 0x5741,
	DateUTC: 0x4461,
	TrackEntry: 0xae,
	TrackType: 0x83,
	Name: 0x536e,
	Timecode: 0xe7,
	SimpleBlock: 0xa3,
	BlockGroup: 0xa0,
	Block: 0xa1
} as const;
const levelOne = new Set<number>([ID.SeekHead, ID.Info, ID.Tracks, ID.Cluster, ID.Cues, ID.Tags, ID.Attachments, ID.Chapters]);
/** Inside Segment: removed whole. */
const dropSegmentChild = new Set<number>([ID.Tags, ID.Attachments, ID.Chapters]);
/** Inside Info, inside a TrackEntry: names, tools and dates. */
const dropInfoChild = new Set<number>([ID.Title, ID.MuxingApp, ID.WritingApp, ID.DateUTC]);

interface Element {
	id: number;
	start: number;
	/** Where the size field begins (after the ID). */
	sizeStart: number;
	dataStart: number;
	/** null: unknown size (a live recording's Segment and Clusters). */
	end: number | null;
}

function readId(b: Uint8Array, pos: number): { id: number; len: number } {
	const first = b[pos] ?? fail('eof');
	const len = first >= 0x80 ? 1 : first >= 0x40 ? 2 : first >= 0x20 ? 3 : first >= 0x10 ? 4 : fail('id');
	if (pos + len > b.length) fail('eof');
	let id = 0;
	for (let i = 0; i < len; i++) id = id * 256 + b[pos + i]!;
	return { id, len };
}

function readSize(b: Uint8Array, pos: number): { size: number | null; len: number } {
	const first = b[pos] ?? fail('eof');
	let len = 1;
	while (len <= 8 && !(first & (0x80 >> (len - 1)))) len++;
	if (len > 8 || pos + len > b.length) fail('size');
	let value = first & (0xff >> len);
	let allOnes = value === 0xff >> len;
	for (let i = 1; i < len; i++) {
		const byte = b[pos + i]!;
		if (byte !== 0xff) allOnes = false;
		value = value * 256 + byte;
	}
	return { size: allOnes ? null : value, len };
}

function readElement(b: Uint8Array, pos: number, limit: number): Element {
	const { id, len } = readId(b, pos);
	const { size, len: sizeLen } = readSize(b, pos + len);
	const dataStart = pos + len + sizeLen;
	const end = size === null ? null : dataStart + size;
	if (end !== null && end > limit) fail('overrun');
	return { id, start: pos, sizeStart: pos + len, dataStart, end };
}

/**
 * Writes a known size over an "unknown size" field of the same length: a recorder streams before it
 * knows how long the recording is; once it is whole the size is known, and readers (music-metadata
 * among them) need it.
 */
function settleSize(b: Uint8Array, el: Element, end: number) {
	const len = el.dataStart - el.sizeStart;
	const size = end - el.dataStart;
	if (size >= 2 ** (7 * len) - 1) fail('size does not fit');
	let v = size;
	for (let i = len - 1; i >= 0; i--) {
		b[el.sizeStart + i] = v % 256;
		v = Math.floor(v / 256);
	}
	b[el.sizeStart] = (b[el.sizeStart]! & (0xff >> len)) | (0x80 >> (len - 1));
}

function readUint(b: Uint8Array, from: number, to: number): number {
	let v = 0;
	for (let i = from; i < to; i++) v = v * 256 + b[i]!;
	return v;
}

/** Turns [start, end) into a Void element of the same length, its content zeroed. */
function voidOut(b: Uint8Array, start: number, end: number) {
	const n = end - start;
	if (n < 2) fail('void');
	b.fill(0, start, end);
	b[start] = 0xec;
	if (n >= 9) {
		const payload = n - 9;
		b[start + 1] = 0x01;
		for (let i = 0; i < 7; i++) b[start + 8 - i] = Math.floor(payload / 256 ** i) % 256;
	} else {
		b[start + 1] = 0x80 | (n - 2);
	}
}

function children(b: Uint8Array, el: Element, visit: (child: Element) => void) {
	const end = el.end ?? fail('unknown size');
	for (let pos = el.dataStart; pos < end; ) {
		const child = readElement(b, pos, end);
		visit(child);
		pos = child.end ?? fail('unknown size');
	}
}

/** The relative timecode of a (Simple)Block: after the track number (a size-like vint), 16 bits signed. */
function blockTime(b: Uint8Array, dataStart: number): number {
	const { len } = readSize(b, dataStart);
	const at = dataStart + len;
	if (at + 2 > b.length) fail('block');
	const raw = (b[at]! << 8) | b[at + 1]!;
	return raw >= 0x8000 ? raw - 0x10000 : raw;
}

/**
 * Walks a WebM file, voids its metadata in place, and measures it: a browser's recorder writes no
 * duration, so the last block's time is the length. Rejects anything with a video track.
 */
export function walkWebm(b: Uint8Array): { durationMs: number } {
	const header = readElement(b, 0, b.length);
	if (header.id !== 0x1a45dfa3 || header.end === null) fail('ebml');
	const segment = readElement(b, header.end!, b.length);
	if (segment.id !== ID.Segment) fail('segment');
	const segmentEnd = segment.end ?? b.length;
	let scaleNs = 1_000_000;
	let lastMs = 0;
	let audioTracks = 0;
	for (let pos = segment.dataStart; pos < segmentEnd; ) {
		const el = readElement(b, pos, segmentEnd);
		if (el.id === ID.Cluster) {
			// A live cluster's size is unknown: it ends where the next level-one element begins.
			let clusterTime = 0;
			let p = el.dataStart;
			const stop = el.end ?? segmentEnd;
			while (p < stop) {
				const { id } = readId(b, p);
				if (el.end === null && levelOne.has(id)) break;
				const child = readElement(b, p, stop);
				const childEnd = child.end ?? fail('unknown child');
				if (child.id === ID.Timecode) clusterTime = readUint(b, child.dataStart, childEnd);
				else if (child.id === ID.SimpleBlock) lastMs = Math.max(lastMs, ((clusterTime + blockTime(b, child.dataStart)) * scaleNs) / 1e6);
				else if (child.id === ID.BlockGroup)
					children(b, child, (g) => {
						if (g.id === ID.Block) lastMs = Math.max(lastMs, ((clusterTime + blockTime(b, g.dataStart)) * scaleNs) / 1e6);
					});
				p = childEnd;
			}
			if (el.end === null) settleSize(b, el, p);
			pos = p;
			continue;
		}
		const end = el.end ?? fail('unknown size');
		if (dropSegmentChild.has(el.id)) voidOut(b, el.start, end);
		else if (el.id === ID.Info)
			children(b, el, (c) => {
				if (c.id === ID.TimecodeScale) scaleNs = readUint(b, c.dataStart, c.end!) || scaleNs;
				if (dropInfoChild.has(c.id)) voidOut(b, c.start, c.end!);
			});
		else if (el.id === ID.Tracks)
			children(b, el, (entry) => {
				if (entry.id !== ID.TrackEntry) return;
				children(b, entry, (c) => {
					if (c.id === ID.TrackType) {
						const type = readUint(b, c.dataStart, c.end!);
						if (type === 2) audioTracks++;
						else fail('not audio only');
					}
					if (c.id === ID.Name) voidOut(b, c.start, c.end!);
				});
			});
		pos = end;
	}
	if (segment.end === null) settleSize(b, segment, segmentEnd);
	if (audioTracks === 0) fail('no audio');
	return { durationMs: Math.round(lastMs) };
}

// ---------------------------------------------------------------- Ogg

const crcTable = (() => {
	const table = new Uint32Array(256);
	for (let i = 0; i < 256; i++) {
		let r = i << 24;
		for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
		table[i] = r >>> 0;
	}
	return table;
})();

/** Ogg's page checksum: CRC-32, polynomial 0x04c11db7, not reflected, over the page with its CRC field zeroed. */
export function oggCrc(page: Uint8Array): number {
	let crc = 0;
	for (let i = 0; i < page.length; i++) {
		const byte = i >= 22 && i < 26 ? 0 : page[i]!;
		crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
	}
	return crc;
}

interface OggPage {
	start: number;
	end: number;
	/** File offsets of each packet piece in this page: [from, to, packet index]. */
	pieces: [number, number, number][];
}

function oggPages(b: Uint8Array): OggPage[] {
	const pages: OggPage[] = [];
	let packet = 0;
	for (let pos = 0; pos < b.length; ) {
		if (String.fromCharCode(...b.subarray(pos, pos + 4)) !== 'OggS') fail('page');
		const count = b[pos + 26] ?? fail('eof');
		let at = pos + 27 + count;
		const pieces: [number, number, number][] = [];
		let from = at;
		for (let i = 0; i < count; i++) {
			const lace = b[pos + 27 + i]!;
			at += lace;
			if (lace < 255) {
				pieces.push([from, at, packet++]);
				from = at;
			}
		}
		if (from < at) pieces.push([from, at, packet]);
		if (at > b.length) fail('eof');
		pages.push({ start: pos, end: at, pieces });
		pos = at;
	}
	return pages;
}

/** Blanks the vendor string and every comment of Ogg's second packet (OpusTags or Vorbis comments). */
export function stripOgg(b: Uint8Array) {
	const pages = oggPages(b);
	// File offsets of packet 1 (the comment header), in order.
	const where: number[] = [];
	const touched = new Set<OggPage>();
	for (const page of pages)
		for (const [from, to, index] of page.pieces)
			if (index === 1) {
				for (let i = from; i < to; i++) where.push(i);
				touched.add(page);
			}
	const byte = (i: number) => b[where[i] ?? fail('comment header')]!;
	const magic = String.fromCharCode(...Array.from({ length: 8 }, (_, i) => byte(i)));
	const skip = magic === 'OpusTags' ? 8 : magic.startsWith('\u0003vorbis') ? 7 : fail('comment header');
	const u32 = (i: number) => byte(i) | (byte(i + 1) << 8) | (byte(i + 2) << 16) | (byte(i + 3) * 2 ** 24);
	let at = skip;
	const vendor = u32(at);
	at += 4;
	for (let i = 0; i < vendor; i++) b[where[at + i] ?? fail('vendor')] = 0x20;
	at += vendor;
	const count = u32(at);
	at += 4;
	for (let c = 0; c < count; c++) {
		const len = u32(at);
		at += 4;
		// "x=" then spaces: still a well-formed comment, saying nothing.
		for (let i = 0; i < len; i++) b[where[at + i] ?? fail('comment')] = i === 0 ? 0x78 : i === 1 ? 0x3d : 0x20;
		at += len;
	}
	for (const page of touched) {
		const crc = oggCrc(b.subarray(page.start, page.end));
		b[page.start + 22] = crc & 0xff;
		b[page.start + 23] = (crc >>> 8) & 0xff;
		b[page.start + 24] = (crc >>> 16) & 0xff;
		b[page.start + 25] = (crc >>> 24) & 0xff;
	}
}

// ---------------------------------------------------------------- MP4

const containerBoxes = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts']);
const metadataBoxes = new Set(['udta', 'meta', 'uuid', 'ilst', 'XMP_']);
const timedBoxes = new Set(['mvhd', 'tkhd', 'mdhd']);

/** Empties iTunes/QuickTime metadata into `free` boxes and zeroes the creation dates of the headers. */
export function stripMp4(b: Uint8Array, from = 0, to = b.length, depth = 0): boolean {
	if (depth > 8) fail('depth');
	const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
	let sawTrack = false;
	for (let pos = from; pos + 8 <= to; ) {
		let size = view.getUint32(pos);
		const type = String.fromCharCode(...b.subarray(pos + 4, pos + 8));
		let header = 8;
		if (size === 1) {
			size = Number(view.getBigUint64(pos + 8));
			header = 16;
		} else if (size === 0) size = to - pos;
		if (size < header || pos + size > to) fail('box');
		const end = pos + size;
		if (metadataBoxes.has(type)) {
			b.fill(0, pos + 8, end);
			b.set([0x66, 0x72, 0x65, 0x65], pos + 4);
		} else if (timedBoxes.has(type)) {
			const version = b[pos + header];
			b.fill(0, pos + header + 4, pos + header + 4 + (version === 1 ? 16 : 8));
		} else if (containerBoxes.has(type)) {
			if (stripMp4(b, pos + header, end, depth + 1) || type === 'trak') sawTrack = true;
		}
		pos = end;
	}
	if (depth === 0 && !sawTrack) fail('no track');
	return sawTrack;
}

// ---------------------------------------------------------------- WAV

/** A new WAV with the format and sound chunks only (no LIST/INFO, id3, bext, iXML…). */
export function stripWav(b: Uint8Array): Uint8Array {
	const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
	let fmt: Uint8Array | null = null;
	let data: Uint8Array | null = null;
	for (let pos = 12; pos + 8 <= b.length; ) {
		const id = String.fromCharCode(...b.subarray(pos, pos + 4));
		const size = view.getUint32(pos + 4, true);
		const end = Math.min(pos + 8 + size, b.length);
		if (id === 'fmt ') fmt = b.subarray(pos + 8, end);
		if (id === 'data') data = b.subarray(pos + 8, end);
		pos = pos + 8 + size + (size % 2);
	}
	if (!fmt || !data || fmt.length < 16) fail('wav');
	const out = new Uint8Array(12 + 8 + fmt!.length + 8 + data!.length);
	const w = new DataView(out.buffer);
	out.set([0x52, 0x49, 0x46, 0x46], 0);
	w.setUint32(4, out.length - 8, true);
	out.set([0x57, 0x41, 0x56, 0x45, 0x66, 0x6d, 0x74, 0x20], 8);
	w.setUint32(16, fmt!.length, true);
	out.set(fmt!, 20);
	const d = 20 + fmt!.length;
	out.set([0x64, 0x61, 0x74, 0x61], d);
	w.setUint32(d + 4, data!.length, true);
	out.set(data!, d + 8);
	return out;
}
