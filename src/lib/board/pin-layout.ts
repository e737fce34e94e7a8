/**
 * Where to draw pins on a site plan so that none covers another. Each pin keeps its true spot (in
 * 0..1 of the plan) and gets a display offset in pixels: pins are laid out in order, and one that
 * would touch a pin already drawn moves to the nearest free place on rings around its spot, inside
 * the plan. Pure code: the plan's drawn size comes from the page.
 */

export interface PinSpot {
	id: string;
	x: number;
	y: number;
}

export interface PinOffset {
	dx: number;
	dy: number;
}

export interface PlanBox {
	width: number;
	height: number;
	/** The drawn pin's diameter in pixels: centres closer than this overlap. */
	size: number;
}

const RINGS = 12;

export function layoutPins(spots: readonly PinSpot[], { width, height, size }: PlanBox): Map<string, PinOffset> {
	const out = new Map<string, PinOffset>();
	const placed: { x: number; y: number }[] = [];
	const free = (x: number, y: number) => placed.every((p) => Math.hypot(p.x - x, p.y - y) >= size);
	const inside = (v: number, max: number) => Math.min(Math.max(v, size / 2), Math.max(size / 2, max - size / 2));
	for (const spot of spots) {
		const bx = spot.x * width;
		const by = spot.y * height;
		let chosen = { x: bx, y: by };
		search: for (let ring = 0; ring <= RINGS; ring++) {
			const count = ring === 0 ? 1 : 6 * ring;
			for (let k = 0; k < count; k++) {
				// Start above the spot (pins read like labels hanging over it), then go round.
				const angle = -Math.PI / 2 + (2 * Math.PI * k) / count;
				const x = ring === 0 ? bx : inside(bx + Math.cos(angle) * ring * size, width);
				const y = ring === 0 ? by : inside(by + Math.sin(angle) * ring * size, height);
				if (free(x, y)) {
					chosen = { x, y };
					break search;
				}
			}
		}
		placed.push(chosen);
		out.set(spot.id, { dx: Math.round(chosen.x - bx), dy: Math.round(chosen.y - by) });
	}
	return out;
}
