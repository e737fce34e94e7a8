import { describe, expect, it } from 'vitest';
import { layoutPins, type PinSpot } from './pin-layout';

const box = { width: 320, height: 200, size: 44 };
const centres = (spots: PinSpot[], offsets: ReturnType<typeof layoutPins>) =>
	spots.map((s) => ({ x: s.x * box.width + offsets.get(s.id)!.dx, y: s.y * box.height + offsets.get(s.id)!.dy }));

describe('layoutPins', () => {
	it('leaves pins that do not touch where they are', () => {
		const spots = [
			{ id: 'a', x: 0.2, y: 0.2 },
			{ id: 'b', x: 0.8, y: 0.8 }
		];
		const offsets = layoutPins(spots, box);
		expect([...offsets.values()]).toEqual([
			{ dx: 0, dy: 0 },
			{ dx: 0, dy: 0 }
		]);
	});

	it('moves pins on the same spot apart until none overlaps, and keeps them on the plan', () => {
		const spots = Array.from({ length: 7 }, (_, i) => ({ id: `p${i}`, x: 0.5, y: 0.5 }));
		const at = centres(spots, layoutPins(spots, box));
		for (let i = 0; i < at.length; i++) {
			for (let j = i + 1; j < at.length; j++) expect(Math.hypot(at[i]!.x - at[j]!.x, at[i]!.y - at[j]!.y)).toBeGreaterThanOrEqual(box.size - 1);
			expect(at[i]!.x).toBeGreaterThanOrEqual(box.size / 2 - 1);
			expect(at[i]!.x).toBeLessThanOrEqual(box.width - box.size / 2 + 1);
			expect(at[i]!.y).toBeGreaterThanOrEqual(box.size / 2 - 1);
			expect(at[i]!.y).toBeLessThanOrEqual(box.height - box.size / 2 + 1);
		}
		// The first pin keeps its true spot: only those that would cover it move.
		expect(at[0]).toEqual({ x: 160, y: 100 });
	});

	it('separates two pins in a corner of the plan without leaving it', () => {
		const spots = [
			{ id: 'a', x: 0.02, y: 0.03 },
			{ id: 'b', x: 0.03, y: 0.02 }
		];
		const [a, b] = centres(spots, layoutPins(spots, box));
		expect(Math.hypot(a!.x - b!.x, a!.y - b!.y)).toBeGreaterThanOrEqual(box.size - 1);
		expect(b!.x).toBeGreaterThanOrEqual(box.size / 2 - 1);
		expect(b!.y).toBeGreaterThanOrEqual(box.size / 2 - 1);
	});
});
