import { describe, expect, it } from 'vitest';
import { shippedScenario } from './library';
import { scenarioFromFields } from './fields';
import { readScenario, type Scenario } from './scenario';

const base = shippedScenario('shipped:aventuriere:fr')!;
const apply = (fields: Record<string, string>) => readScenario(JSON.stringify(scenarioFromFields(base, (n) => fields[n])));

describe('field-by-field scenario editor', () => {
	it('edits title, counts, roles with their briefs and steps, adds and removes, and gives a valid scenario', () => {
		const read = apply({
			title: 'Les Tilleuls : première réunion',
			'building.0.households': '12',
			'building.new.name': 'Bâtiment C',
			'building.new.households': '8',
			'role.0.title': 'Locataire du rez-de-chaussée',
			'role.0.brief': 'Vous avez peur du bruit.',
			'role.3.remove': 'on',
			'role.new.title': 'Élu de quartier',
			'role.new.plays': 'tenant',
			'role.new.brief': 'Vous passez en fin de réunion.',
			'step.0.title': 'Accueillir',
			'step.new.title': 'Écrire le compte rendu',
			'step.new.place': 'minutes'
		});
		expect(read.ok).toBe(true);
		const s = (read as { scenario: Scenario }).scenario;
		expect(s.title).toBe('Les Tilleuls : première réunion');
		expect(s.space.kind === 'residence' && s.space.buildings.map((b) => [b.name, b.households])).toEqual([
			[base.space.kind === 'residence' ? base.space.buildings[0]!.name : '', 12],
			...(base.space.kind === 'residence' ? base.space.buildings.slice(1).map((b) => [b.name, b.households]) : []),
			['Bâtiment C', 8]
		]);
		expect(s.roles.map((r) => r.key)).toEqual([...base.roles.slice(0, 3).map((r) => r.key), 'elu-de-quartier']);
		expect(s.roles[0]).toMatchObject({ title: 'Locataire du rez-de-chaussée', brief: 'Vous avez peur du bruit.' });
		expect(s.steps.at(-1)).toMatchObject({ key: 'ecrire-le-compte-rendu', place: 'minutes' });
		expect(s.steps[0]!.title).toBe('Accueillir');
		// Untouched parts stay as they were.
		expect(s.ideas).toEqual(base.ideas);
	});

	it('refuses what the JSON editor refuses: markup in a brief, a count that is not a number, no role left', () => {
		expect(apply({ 'role.0.brief': '<script>alert(1)</script>' })).toMatchObject({ ok: false, message: 'practice.error.markup' });
		expect(apply({ 'building.0.households': 'douze' })).toMatchObject({ ok: false });
		expect(apply({ 'building.0.households': '9999' })).toMatchObject({ ok: false, message: 'practice.error.households' });
		const all = Object.fromEntries(base.roles.map((_, i) => [`role.${i}.remove`, 'on']));
		expect(apply(all)).toMatchObject({ ok: false, message: 'practice.error.roles' });
	});
});
