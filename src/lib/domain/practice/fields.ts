/**
 * The field-by-field scenario editor (issue 13): the form's fields applied to a scenario give the
 * same document as the JSON editor, to be checked by `readScenario` (schema, markup, size) before
 * anything is stored. Existing entries are edited in place; a role, a step or a building is added
 * when its "new" title is filled in, and a role or a step is removed when its box is ticked.
 */
import { BODY_PLAYS, RESIDENCE_PLAYS, STEP_PLACES, type Scenario } from './scenario';

type Field = (name: string) => string | undefined;

/** A key the schema accepts (`a-z0-9-`), unique among `taken`. */
function keyFor(title: string, taken: { key: string }[], fallback: string): string {
	const base =
		title
			.normalize('NFD')
			.replace(/[\u0300-\u036f]/g, '')
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 30) || fallback;
	let key = base;
	for (let n = 2; taken.some((x) => x.key === key); n++) key = `${base}-${n}`;
	return key;
}

/** A count as typed; anything that is not a whole number is left for the schema to refuse. */
function count(value: string | undefined, current: number): number {
	if (value === undefined || value.trim() === '') return current;
	return /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
}

export function scenarioFromFields(base: Scenario, field: Field): unknown {
	const text = (name: string, current: string) => field(name) ?? current;
	const removed = (name: string) => field(name) === 'on';

	const space =
		base.space.kind === 'residence'
			? {
					...base.space,
					name: text('space.name', base.space.name),
					buildings: base.space.buildings.map((b, i) => ({ ...b, name: text(`building.${i}.name`, b.name), households: count(field(`building.${i}.households`), b.households) }))
				}
			: { ...base.space, name: text('space.name', base.space.name), colleges: base.space.colleges.map((c, i) => ({ ...c, seats: count(field(`college.${i}.seats`), c.seats) })) };
	const newBuilding = field('building.new.name')?.trim();
	if (newBuilding && space.kind === 'residence')
		space.buildings.push({ key: keyFor(newBuilding, space.buildings, 'batiment'), name: newBuilding, households: count(field('building.new.households'), 0) });

	const roles = base.roles
		.map((r, i) => ({ ...r, title: text(`role.${i}.title`, r.title), brief: text(`role.${i}.brief`, r.brief), remove: removed(`role.${i}.remove`) }))
		.filter((r) => !r.remove)
		.map(({ remove: _, ...r }) => r);
	const newRole = field('role.new.title')?.trim();
	if (newRole) {
		const plays = field('role.new.plays') ?? '';
		const allowed: readonly string[] = base.space.kind === 'residence' ? RESIDENCE_PLAYS : BODY_PLAYS;
		roles.push({ key: keyFor(newRole, roles, 'role'), title: newRole, plays: (allowed.includes(plays) ? plays : allowed[0]) as Scenario['roles'][number]['plays'], brief: field('role.new.brief') ?? '' });
	}

	const steps = base.steps
		.map((s, i) => ({ ...s, title: text(`step.${i}.title`, s.title), description: text(`step.${i}.description`, s.description), remove: removed(`step.${i}.remove`) }))
		.filter((s) => !s.remove)
		.map(({ remove: _, ...s }) => s);
	const newStep = field('step.new.title')?.trim();
	if (newStep) {
		const place = field('step.new.place') ?? '';
		steps.push({ key: keyFor(newStep, steps, 'etape'), title: newStep, description: field('step.new.description') ?? '', place: ((STEP_PLACES as readonly string[]).includes(place) ? place : 'board') as Scenario['steps'][number]['place'] });
	}

	return { ...base, title: text('title', base.title), summary: text('summary', base.summary), space, roles, steps };
}
