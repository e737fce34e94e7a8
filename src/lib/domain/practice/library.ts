/** The scenarios shipped with the product: one per training module, each in French and English. */
import aventuriereEn from './scenarios/aventuriere.en.json';
import aventuriereFr from './scenarios/aventuriere.fr.json';
import instanceEn from './scenarios/instance.en.json';
import instanceFr from './scenarios/instance.fr.json';
import mobilierEn from './scenarios/mobilier.en.json';
import mobilierFr from './scenarios/mobilier.fr.json';
import { scenarioSchema, type Scenario } from './scenario';

export const SHIPPED_KEYS = ['aventuriere', 'mobilier', 'instance'] as const;
export type ShippedKey = (typeof SHIPPED_KEYS)[number];

const files: Record<ShippedKey, { fr: unknown; en: unknown }> = {
	aventuriere: { fr: aventuriereFr, en: aventuriereEn },
	mobilier: { fr: mobilierFr, en: mobilierEn },
	instance: { fr: instanceFr, en: instanceEn }
};

/** Shipped scenario ids look like "shipped:aventuriere:fr". */
export const shippedId = (key: ShippedKey, language: 'fr' | 'en') => `shipped:${key}:${language}`;

export function shippedScenario(id: string): Scenario | null {
	const m = /^shipped:([a-z]+):(fr|en)$/.exec(id);
	const [, key = '', language = 'fr'] = m ?? [];
	if (!(SHIPPED_KEYS as readonly string[]).includes(key)) return null;
	return scenarioSchema.parse(files[key as ShippedKey][language as 'fr' | 'en']);
}

export function shippedScenarios(): { id: string; key: ShippedKey; scenario: Scenario }[] {
	return SHIPPED_KEYS.flatMap((key) => (['fr', 'en'] as const).map((lang) => ({ id: shippedId(key, lang), key, scenario: shippedScenario(shippedId(key, lang))! })));
}
