import { describe, expect, it } from 'vitest';
import type { ShownCard } from './board-events';
import { packCard, unpackCard } from './shown-card';

const plain: ShownCard = {
	id: 'p1',
	title: 'Des bancs',
	category: 'furniture',
	status: 'idea',
	position: 0,
	costEuros: null,
	carriedBy: null,
	declineReason: null,
	authorName: 'Amina B.',
	authorStaff: false,
	supports: 0,
	volunteers: 0,
	comments: 0,
	hidden: null,
	supportedByMe: false,
	targets: []
};

describe('a board card in the page data', () => {
	it('leaves out the fields at their usual value, and comes back whole', () => {
		expect(packCard(plain)).toEqual(['p1', 'Des bancs', 'furniture', 'idea', 0, 'Amina B.']);
		expect(unpackCard(packCard(plain))).toEqual(plain);
	});

	it('keeps every field that differs, each on its own, down to a title emptied by moderation', () => {
		const changes: Partial<ShownCard>[] = [
			{ costEuros: 0 },
			{ costEuros: 1200 },
			{ carriedBy: 'landlord' },
			{ declineReason: 'Hors budget' },
			{ authorStaff: true },
			{ supports: 3 },
			{ volunteers: 1 },
			{ comments: 2 },
			{ hidden: { reason: '' } },
			{ supportedByMe: true },
			{ targets: ['discussion', 'declined'] },
			{ title: '', position: -1.5, status: 'done' }
		];
		for (const change of changes) {
			const card = { ...plain, ...change };
			expect(unpackCard(packCard(card))).toEqual(card);
			// The six fields every card has are always there, in their places; the others only when they differ.
			const packed = packCard(card);
			const always = ['id', 'title', 'category', 'status', 'position', 'authorName'] as const;
			always.forEach((key, i) => expect(packed[i]).toEqual(card[key]));
			const others = Object.keys(change).filter((key) => !(always as readonly string[]).includes(key));
			if (others.length) for (const key of others) expect(packed[6]).toHaveProperty(key);
			else expect(packed).toHaveLength(6);
		}
		const all = Object.assign({}, plain, ...changes) as ShownCard;
		expect(unpackCard(JSON.parse(JSON.stringify(packCard(all))))).toEqual(all);
	});

	it('gives a new object each time, which the page may patch', () => {
		const packed = packCard(plain);
		const a = unpackCard(packed);
		a.supports = 5;
		expect(unpackCard(packed).supports).toBe(0);
	});
});
