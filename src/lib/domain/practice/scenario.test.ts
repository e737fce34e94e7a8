import { describe, expect, it } from 'vitest';
import { shippedScenario, shippedScenarios, SHIPPED_KEYS } from './library';
import { MODULES, readScenario, SCENARIO_MAX_BYTES, writeScenario, householdLabels, type Scenario } from './scenario';

const base = () => JSON.parse(writeScenario(shippedScenario('shipped:aventuriere:fr')!)) as Record<string, unknown> & Scenario;

describe('practice scenarios', () => {
	it('ships one scenario per module, each in French and English, all valid', () => {
		const all = shippedScenarios();
		expect(all).toHaveLength(SHIPPED_KEYS.length * 2);
		expect(new Set(all.map((x) => x.scenario.module))).toEqual(new Set(MODULES));
		for (const key of SHIPPED_KEYS) {
			const fr = shippedScenario(`shipped:${key}:fr`)!;
			const en = shippedScenario(`shipped:${key}:en`)!;
			expect(fr.language).toBe('fr');
			expect(en.language).toBe('en');
			// The two languages describe the same exercise: same roles, steps and structure.
			expect(en.roles.map((r) => [r.key, r.plays])).toEqual(fr.roles.map((r) => [r.key, r.plays]));
			expect(en.steps.map((s) => s.key)).toEqual(fr.steps.map((s) => s.key));
			expect(en.module).toBe(fr.module);
		}
		expect(householdLabels(shippedScenario('shipped:aventuriere:fr')!)).toHaveLength(50);
		expect(shippedScenario('shipped:nothing:fr')).toBeNull();
		expect(shippedScenario('shipped:aventuriere:de')).toBeNull();
	});

	it('French scenario text follows French typography', () => {
		for (const key of SHIPPED_KEYS) expect(writeScenario(shippedScenario(`shipped:${key}:fr`)!)).not.toMatch(/ [:;?!]/);
	});

	it('round-trips through export and import', () => {
		const s = shippedScenario('shipped:instance:en')!;
		const read = readScenario(writeScenario(s));
		expect(read).toEqual({ ok: true, scenario: s });
	});

	it('refuses hostile or malformed files with a message that says why', () => {
		expect(readScenario('not json')).toMatchObject({ ok: false, message: 'practice.error.json' });
		expect(readScenario('[1,2]')).toMatchObject({ ok: false, message: 'practice.error.json' });
		expect(readScenario(JSON.stringify({ ...base(), version: 2 }))).toMatchObject({ ok: false, message: 'practice.error.version' });
		expect(readScenario(JSON.stringify({ ...base(), format: 'other' }))).toMatchObject({ ok: false, message: 'practice.error.format' });
		expect(readScenario('x'.repeat(SCENARIO_MAX_BYTES + 1))).toMatchObject({ ok: false, message: 'practice.error.tooBig' });
		const big = base();
		big.summary = 'a'.repeat(5000);
		expect(readScenario(JSON.stringify(big))).toMatchObject({ ok: false, message: 'practice.error.tooLong' });
		for (const hostile of ['<script>alert(1)</script>', 'Bonjour <img src=x onerror=alert(1)>', 'voir javascript:alert(1)', '< script >x']) {
			const s = base();
			s.roles[0]!.brief = hostile;
			expect(readScenario(JSON.stringify(s)), hostile).toMatchObject({ ok: false, message: 'practice.error.markup', path: 'roles.0.brief' });
		}
		// Plain comparisons stay allowed: "3 < 5" is text, not markup.
		const fine = base();
		fine.roles[0]!.brief = 'Budget < 6 000 € et > 0.';
		expect(readScenario(JSON.stringify(fine)).ok).toBe(true);
		const extra = { ...base(), evil: true };
		expect(readScenario(JSON.stringify(extra)).ok).toBe(false);
		const orphan = base();
		orphan.ideas[0]!.author = 'nobody';
		expect(readScenario(JSON.stringify(orphan))).toMatchObject({ ok: false, message: 'practice.error.unknownCharacter' });
		const crowd = base();
		(crowd.space as { buildings: { households: number }[] }).buildings[0]!.households = 501;
		expect(readScenario(JSON.stringify(crowd))).toMatchObject({ ok: false, message: 'practice.error.households' });
		const wrongPlay = base();
		wrongPlay.roles[0]!.plays = 'chair';
		expect(readScenario(JSON.stringify(wrongPlay))).toMatchObject({ ok: false, message: 'practice.error.plays' });
	});
});
