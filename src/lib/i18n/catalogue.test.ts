import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { createI18n, localeFromAcceptLanguage, translator } from './index';
import { translatedPage } from './coverage';
import { ANSWER_VALUES } from '$lib/domain/indicators/surveys';

const dir = join(import.meta.dirname, 'messages');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const load = (locale: string) =>
	Object.assign({}, ...files.filter((f) => f.endsWith(`.${locale}.json`)).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))) as Record<string, string>;
const fr = load('fr');
const en = load('en');
const readJson = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, string>;
/** Every other catalogue (Arabic, easy-read French), by file: `votes.ar.json` → its French twin. */
const others = files.filter((f) => !/\.(fr|en)\.json$/.test(f));

/** The tenant journeys' capabilities: Arabic must say every one of their messages (meetings fall back). */
const ARABIC_COMPLETE = ['core', 'inclusion', 'access', 'security', 'collab', 'boards', 'notifications', 'votes', 'safeguards', 'trust'];

/**
 * What a tenant reads answering a perception survey by its one-time link (`/q/…`), from the otherwise
 * staff-facing indicators catalogue: every answer label and built-in question (the page builds their
 * keys, so the page scan below cannot see them) and what a spent, expired or foreign link says.
 */
const SURVEY_ANSWER = [
	...Object.entries(ANSWER_VALUES).flatMap(([kind, values]) => values.map((v) => `indicators.answer.${kind}.${v}`)),
	...Object.keys(fr).filter((k) => k.startsWith('indicators.q.') || k.startsWith('indicators.answer.')),
	'indicators.error.answerAll',
	'indicators.error.linkUnknown',
	'indicators.error.linkOtherSpace',
	'indicators.error.linkUsed',
	'indicators.error.linkExpired'
];

/**
 * The easy-read journeys (join, board, vote): each of these messages has an easy-read (FALC) text of its
 * own; the step-by-step vote (`inclusion.easyVote.*`) is written in easy-read French from the start.
 */
const EASY_READ_JOURNEYS: Record<string, string[]> = {
	join: [
		'landing.title',
		'landing.lead',
		'landing.join',
		'home.mySpaces',
		'home.noSpaces',
		'join.title',
		'join.intro',
		'join.code',
		'join.codeHint',
		'join.continue',
		'join.invalidCode',
		'join.welcomeTo',
		'join.formIntro',
		'join.displayName',
		'join.displayNameHint',
		'join.dwelling',
		'join.dwellingHint',
		'join.passphrase',
		'join.passphraseHint',
		'join.submit',
		'welcome.title',
		'welcome.usernameIntro',
		'welcome.keepIt',
		'welcome.continue',
		'residence.board'
	],
	board: [
		'board.title',
		'board.intro',
		'board.propose',
		'board.empty',
		'board.open',
		'board.support',
		'board.supported',
		'board.unsupport',
		'board.volunteer',
		'board.volunteered',
		'propose.title',
		'propose.intro',
		'propose.fieldTitle',
		'propose.fieldTitleHint',
		'propose.description',
		'propose.category',
		'propose.photo',
		'propose.submit',
		'propose.created',
		'proposal.comments',
		'proposal.noComments',
		'proposal.commentLabel',
		'proposal.commentSubmit',
		'proposal.commented',
		'proposal.volunteers',
		'proposal.noVolunteers',
		'proposal.commentsCount',
		'board.unvolunteer',
		'board.card.supports',
		'board.card.volunteers',
		'board.card.comments',
		'board.card.cost',
		'board.card.carriedBy'
	],
	vote: [
		'votes.title',
		'votes.intro',
		'votes.open',
		'votes.goVote',
		'votes.youVoted',
		'votes.seeResults',
		'votes.howItWorks',
		'votes.submit',
		'votes.change',
		'votes.recorded',
		'votes.recordedChanged',
		'votes.choose',
		'votes.chooseMany',
		'votes.notOpenYet',
		'votes.isClosed',
		'votes.rule.person',
		'votes.rule.household',
		'votes.rule.secret',
		'votes.rule.public',
		'votes.rule.change',
		'votes.rank.intro',
		'votes.explain.plurality',
		'votes.explain.approval',
		'votes.explain.yes-no-abstain',
		'votes.explain.schulze',
		'votes.explain.irv',
		'votes.explain.borda',
		'votes.explain.majority-judgment',
		'votes.explain.dot',
		'votes.explain.budget',
		'votes.method.plurality',
		'votes.method.approval',
		'votes.method.yes-no-abstain',
		'votes.method.schulze',
		'votes.method.irv',
		'votes.method.borda',
		'votes.method.majority-judgment',
		'votes.method.dot',
		'votes.method.budget',
		'votes.rank.addShort',
		'votes.rank.toRank',
		'votes.order.random'
	],
	// What was decided, as a tenant reads it from her residence's page.
	register: [
		'register.title',
		'register.see',
		'register.intro',
		'register.empty',
		'register.overdueCount',
		'register.decidedOn',
		'register.outcome.adopted',
		'register.outcome.rejected',
		'register.outcome.chosen',
		'register.outcome.invalid',
		'register.turnout',
		'register.results',
		'register.progress',
		'register.owner',
		'register.noOwner',
		'register.reviewOn',
		'register.notes',
		'register.milestones',
		'register.doneOn',
		'register.proposal',
		'register.minutes',
		'register.reopened',
		'register.abandonedBecause',
		'register.portal.title',
		'register.portal.residenceIsPublic',
		'register.portal.residenceIsPrivate',
		'register.portal.see'
	]
};

function argumentsOf(elements: MessageFormatElement[], out = new Set<string>()): Set<string> {
	for (const el of elements) {
		if (el.type !== TYPE.literal && el.type !== TYPE.pound && 'value' in el) out.add(String(el.value));
		if ('options' in el) for (const option of Object.values(el.options)) argumentsOf(option.value, out);
	}
	return out;
}

describe('i18n catalogues', () => {
	it('have the same keys in French and English', () => {
		expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
	});

	it('give each key once, in one file per language (JSON.parse and the merge keep the last silently)', () => {
		const where = new Map<string, string>();
		const twice: string[] = [];
		for (const f of files) {
			const locale = f.split('.').slice(-2, -1)[0]!;
			// The catalogues are flat objects, one "key": "text" per line.
			for (const [, key] of readFileSync(join(dir, f), 'utf8').matchAll(/^\s*"((?:[^"\\]|\\.)+)"\s*:/gm)) {
				const seen = where.get(`${locale}|${key}`);
				if (seen) twice.push(`${key} in ${seen} and ${f}`);
				else where.set(`${locale}|${key}`, f);
			}
		}
		expect(twice).toEqual([]);
	});

	it('use the same ICU arguments in both languages, and every message parses', () => {
		for (const key of Object.keys(fr)) {
			const a = [...argumentsOf(parse(fr[key]!))].sort();
			const b = [...argumentsOf(parse(en[key]!))].sort();
			expect(b, key).toEqual(a);
		}
	});

	it('cover every key the code uses', () => {
		const used = new Set<string>();
		const walk = (d: string) => {
			for (const entry of readdirSync(d, { withFileTypes: true })) {
				const p = join(d, entry.name);
				if (entry.isDirectory()) walk(p);
				else if (/\.(ts|svelte)$/.test(entry.name) && !entry.name.endsWith('.test.ts'))
					for (const m of readFileSync(p, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(m[1]!);
			}
		};
		walk(join(import.meta.dirname, '..', '..'));
		const missing = [...used].filter((k) => !(k in fr));
		expect(missing).toEqual([]);
	});

	it('say every message of the tenant journeys in Arabic', () => {
		for (const capability of ARABIC_COMPLETE) {
			const french = readJson(`${capability}.fr.json`);
			const arabic = readJson(`${capability}.ar.json`);
			expect(Object.keys(french).filter((k) => !(k in arabic)), `${capability}.ar.json`).toEqual([]);
		}
	});

	it('say in Arabic everything a tenant reads answering a survey by its link', () => {
		const arabic = readJson('indicators.ar.json');
		expect(SURVEY_ANSWER.filter((k) => !(k in fr))).toEqual([]);
		expect(SURVEY_ANSWER.filter((k) => !(k in arabic))).toEqual([]);
	});

	it('say every message of the easy-read journeys in easy-read French', () => {
		const easy = Object.assign({}, ...files.filter((f) => f.endsWith('.fr-falc.json')).map(readJson)) as Record<string, string>;
		for (const [journey, keys] of Object.entries(EASY_READ_JOURNEYS)) {
			// Short labels that are already easy (« Continuer ») are repeated there: reviewed, not forgotten.
			expect(keys.filter((k) => !(k in easy)), journey).toEqual([]);
		}
		expect(Object.keys(fr).filter((k) => k.startsWith('inclusion.easyVote.choose.')).length).toBe(9);
	});

	it('give Arabic and easy-read French only keys French has, with the same ICU arguments', () => {
		expect(others.length).toBeGreaterThan(0);
		for (const file of others) {
			const messages = readJson(file);
			for (const [key, text] of Object.entries(messages)) {
				expect(fr[key], `${file}: ${key} is not a French key`).toBeDefined();
				expect([...argumentsOf(parse(text))].sort(), `${file}: ${key}`).toEqual([...argumentsOf(parse(fr[key]!))].sort());
			}
		}
	});

	it('fall back to French where Arabic or easy-read French has no text, and to plain French for English readers', () => {
		const ar = translator('ar');
		// Text arguments are isolated (FSI … PDI) so a Latin name keeps its direction in an Arabic sentence.
		expect(ar('home.hello', { name: 'Karim B.' })).toBe('مرحبًا \u2068Karim B.\u2069');
		// Meetings are not translated into Arabic: French text, French plural rules.
		expect(ar('meetings.title' as never)).toBe(fr['meetings.title']);
		expect(translator('fr', true)('inclusion.listen.play')).toBe('Écouter le texte');
		expect(translator('fr', true)('nav.signIn')).toBe(fr['nav.signIn']);
		// Easy-read is French only: an English reader who switched it on reads English.
		expect(translator('en', true)('inclusion.listen.play')).toBe('Listen');
	});

	it('format numbers and plurals in Arabic with Western digits and Arabic plural forms', () => {
		const a = createI18n('ar');
		expect(a.dir).toBe('rtl');
		expect(a.number(1200)).toBe('1,200');
		expect(a.t('residence.dwellings', { count: 2 })).toBe('مسكنان');
		expect(a.t('residence.dwellings', { count: 5 })).toBe('5 مساكن');
		expect(a.t('residence.dwellings', { count: 120 })).toBe('120 مسكنًا');
		// zero, one, two, few (3–10), many (11–99), other (100…): each has its own form.
		expect([0, 1, 2, 3, 11, 100].map((count) => a.t('board.count', { count }))).toEqual([
			'لا توجد فكرة',
			'فكرة واحدة',
			'فكرتان',
			'3 أفكار',
			'11 فكرةً',
			'100 فكرة'
		]);
		// Turnout: the electorate's noun agrees with its number in each category; the unit is a select key (never isolated).
		const share = (text: string) => `(\u2068${text}\u2069)`;
		expect([0, 1, 2, 3, 11, 100].map((electorate) => a.t('votes.turnout.summary', { participants: 1, electorate, unit: 'household', share: '5 %' }))).toEqual([
			`1 من 0 أسرة ${share('5 %')}`,
			`1 من أسرة واحدة ${share('5 %')}`,
			`1 من أسرتين ${share('5 %')}`,
			`1 من 3 أسر ${share('5 %')}`,
			`1 من 11 أسرةً ${share('5 %')}`,
			`1 من 100 أسرة ${share('5 %')}`
		]);
		expect(a.t('votes.turnout.line', { participants: 2, electorate: 12, unit: 'member', share: '5 %' })).toBe(`المشاركة: 2 من 12 عضوًا ${share('5 %')}`);
		expect(a.t('votes.manage.confirmClose.count', { participants: 2, electorate: 3, unit: 'person', share: '5 %' })).toBe(`صوّت شخصان من أصل 3 أشخاص ${share('5 %')}.`);
		expect(a.t('votes.dots.over', { count: 2 })).toBe('نقاط كثيرة: اسحب نقطتين.');
		expect(a.t('votes.rank.place', { n: 2 })).toBe('المرتبة 2');
		expect(a.t('votes.results.valid', { valid: 12, invalid: 0 })).toBe('12 ورقةً صالحة، ولا ورقة ملغاة.');
		expect(a.date(new Date(Date.UTC(2026, 10, 22, 12)))).toMatch(/22/);
	});

	it('mark the pages Arabic does not cover, so they can say so', () => {
		expect(translatedPage('ar', '/r/abc')).toBe(true);
		expect(translatedPage('ar', '/join/AVEN-2026')).toBe(true);
		expect(translatedPage('ar', '/notifications')).toBe(true);
		expect(translatedPage('ar', '/account/notifications')).toBe(true);
		expect(translatedPage('ar', '/r/abc/board')).toBe(true);
		expect(translatedPage('ar', '/r/abc/board/p/def')).toBe(true);
		expect(translatedPage('ar', '/c/xyz')).toBe(true);
		expect(translatedPage('ar', '/c/xyz/results')).toBe(true);
		expect(translatedPage('ar', '/q/res-1/tok')).toBe(true);
		expect(translatedPage('ar', '/q/thanks')).toBe(true);
		expect(translatedPage('ar', '/surveys/residence/abc')).toBe(false);
		// Not yet: their catalogues (meetings, minutes, indicators…) have no Arabic text, so these pages say so.
		expect(translatedPage('ar', '/r/abc/register')).toBe(false);
		expect(translatedPage('ar', '/b/abc/meetings')).toBe(false);
		expect(translatedPage('ar', '/admin')).toBe(false);
		expect(translatedPage('en', '/admin')).toBe(true);
	});

	it('say in Arabic every message of the pages marked as translated', () => {
		const ar = load('ar');
		const routes = join(import.meta.dirname, '..', '..', 'routes');
		const missing: string[] = [];
		const walk = (d: string) => {
			const entries = readdirSync(d, { withFileTypes: true });
			if (entries.some((e) => e.name === '+page.svelte')) {
				const path = '/' + relative(routes, d).split(sep).filter((s) => !/^\(.*\)$/.test(s)).map((s) => (s.startsWith('[') ? 'x' : s)).join('/');
				if (translatedPage('ar', path.replace(/\/$/, '') || '/'))
					for (const e of entries.filter((e) => /^\+(page|layout)(\.server)?\.(ts|svelte)$/.test(e.name)))
						for (const m of readFileSync(join(d, e.name), 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.-]+)'/g))
							if (!(m[1]! in ar)) missing.push(`${path}: ${m[1]}`);
			}
			for (const e of entries) if (e.isDirectory()) walk(join(d, e.name));
		};
		walk(routes);
		expect(missing).toEqual([]);
	});

	it('follow French typography: no plain space before : ; ? !, and a full no-break space before a colon', () => {
		const easy = Object.assign({}, ...files.filter((f) => f.endsWith('.fr-falc.json')).map(readJson)) as Record<string, string>;
		const bad = [...Object.entries(fr), ...Object.entries(easy)].filter(([, v]) => / [:;?!]/.test(v));
		expect(bad).toEqual([]);
		// A narrow no-break space before a colon drew "Par exemple: des bancs" in the page's small text.
		const narrow = [...Object.entries(fr), ...Object.entries(easy)].filter(([, v]) => /\u202f:/.test(v)).map(([k]) => k);
		expect(narrow).toEqual([]);
	});

	it('format plurals, numbers and dates per locale', () => {
		const f = createI18n('fr');
		const e = createI18n('en');
		// "and N others" counts the people not named.
		expect(f.t('notifications.names', { count: 3, first: 'Karim', second: 'Claire' })).toBe('Karim, Claire et 1 autre');
		expect(e.t('notifications.names', { count: 5, first: 'Karim', second: 'Claire' })).toBe('Karim, Claire and 3 others');
		expect(f.t('mail.subject.immediate', { count: 3, first: 'Nouveau' })).toBe('Nouveau (et 2 autres)');
		expect(f.t('residence.dwellings', { count: 1 })).toBe('1 logement');
		expect(f.t('votes.turnout.summary', { participants: 1, electorate: 1, unit: 'household', share: '5 %' })).toBe('1 sur 1 foyer (5 %)');
		expect(e.t('votes.turnout.line', { participants: 3, electorate: 12, unit: 'person', share: '25%' })).toBe('Turnout: 3 of 12 people (25%)');
		expect(f.t('residence.dwellings', { count: 120 })).toBe('120 logements');
		expect(e.t('residence.dwellings', { count: 1 })).toBe('1 dwelling');
		expect(f.money(1200)).toBe('1\u202f200\u00a0€');
		expect(f.date(new Date(Date.UTC(2026, 10, 22, 12)))).toBe('22 nov. 2026');
		expect(e.date(new Date(Date.UTC(2026, 10, 22, 12)))).toBe('22 Nov 2026');
		// Easy-read French writes the month in full (FALC: no abbreviation); English is unchanged by the switch.
		const easy = createI18n('fr', true);
		expect(easy.date(new Date(Date.UTC(2026, 10, 22, 12)))).toBe('22 novembre 2026');
		expect(easy.dateTime(new Date(Date.UTC(2026, 11, 7, 3, 46)))).toMatch(/^7 décembre 2026 à \d\d:46$/);
		expect(createI18n('en', true).date(new Date(Date.UTC(2026, 10, 22, 12)))).toBe('22 Nov 2026');
		expect(f.date(new Date(Date.UTC(2026, 10, 22, 12)))).toBe('22 nov. 2026');
	});

	it('picks the first supported language of Accept-Language', () => {
		expect(localeFromAcceptLanguage('de-DE,en;q=0.8,fr;q=0.5')).toBe('en');
		expect(localeFromAcceptLanguage('fr-FR,fr;q=0.9')).toBe('fr');
		expect(localeFromAcceptLanguage('de-DE')).toBeNull();
		expect(localeFromAcceptLanguage('ar-MA,fr;q=0.5')).toBe('ar');
		expect(localeFromAcceptLanguage(undefined)).toBeNull();
	});
});
