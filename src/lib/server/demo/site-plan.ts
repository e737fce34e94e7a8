import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import * as Y from 'yjs';
import { PINS_FIELD, pinsDocName } from '$lib/realtime/collab-events';
import { appendUpdate } from '../collab/store';
import type { Services } from '../services';

/**
 * A drawn site plan for the demo residence (three buildings around a lawn, a parking, the entrance),
 * rendered from SVG so the repository carries no binary image.
 */
export async function demoSitePlan(): Promise<Uint8Array> {
	const building = (x: number, y: number, w: number, h: number, label: string) =>
		`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="#d8d2c4" stroke="#4d4a44" stroke-width="4"/>` +
		`<text x="${x + w / 2}" y="${y + h / 2 + 18}" font-size="52" font-family="sans-serif" font-weight="bold" text-anchor="middle" fill="#1c1b19">${label}</text>`;
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800" viewBox="0 0 1200 800">
		<rect width="1200" height="800" fill="#f7f5f0"/>
		<rect x="330" y="260" width="520" height="300" rx="30" fill="#bfe0b5" stroke="#3e7a35" stroke-width="3"/>
		<text x="590" y="420" font-size="34" font-family="sans-serif" text-anchor="middle" fill="#1e4d17">Pelouse</text>
		${building(80, 80, 220, 520, 'A')}
		${building(360, 60, 460, 160, 'B')}
		${building(880, 80, 220, 520, 'C')}
		<rect x="360" y="620" width="460" height="140" fill="#c9c9c9" stroke="#4d4a44" stroke-width="3"/>
		<text x="590" y="705" font-size="34" font-family="sans-serif" text-anchor="middle" fill="#1c1b19">Parking</text>
		<path d="M40 760 L80 720 L120 760 Z" fill="#1d4e89"/>
		<text x="140" y="760" font-size="28" font-family="sans-serif" fill="#1d4e89">Entrée</text>
	</svg>`;
	return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}

/** Where the demo ideas sit on the drawn plan, by a word of their title (relative coordinates). */
const places: [RegExp, number, number][] = [
	[/jardin/i, 0.49, 0.36],
	[/bancs/i, 0.2, 0.86],
	[/éclairage/i, 0.62, 0.87],
	[/jeux/i, 0.72, 0.62],
	[/hall du bâtiment C/i, 0.82, 0.3]
];

/** Pins live in the residence's Yjs pins document, written as one update like a client would. */
export async function placeDemoPins(services: Services, residenceId: string) {
	const { data, clock } = services.deps;
	const { proposals } = data.t;
	const rows = await data.db.select({ id: proposals.id, title: proposals.title }).from(proposals).where(eq(proposals.spaceId, residenceId)).orderBy(proposals.position, proposals.id);
	const doc = new Y.Doc();
	const map = doc.getMap<{ x: number; y: number }>(PINS_FIELD);
	for (const [pattern, x, y] of places) {
		const row = rows.find((r) => pattern.test(r.title));
		if (row) map.set(row.id, { x, y });
	}
	await appendUpdate(data, pinsDocName(residenceId), Y.encodeStateAsUpdate(doc), clock.now());
}
