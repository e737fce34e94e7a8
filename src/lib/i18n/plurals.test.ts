import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { formatMessage } from './format';

/**
 * A count written as a bare argument before a plural word reads "1 procurations" or "0 suppléants"
 * when it is 1 (or 0, singular in French): such a count goes through `{n, plural, one {…} other {…}}`.
 * Every French and English message is formatted with each bare argument at 1 and the others at 5, and
 * "1 <word ending in s>" is reported. The arguments below are never a count of 1: settings of the
 * app (a link's lifetime, a recording's length, a survey's floor, an image's size, a list's length), a
 * date, a share or a name; and words that end in s in the singular too ("1 requis", "1 permis").
 */
const NEVER_ONE: Record<string, string[]> = {
	'inclusion.voice.tooLong': ['minutes'],
	'mail.reset.intro': ['minutes'],
	'votes.error.reopenTooLate': ['hours'],
	'indicators.survey.floor': ['floor'],
	'indicators.survey.tooFew': ['floor'],
	'indicators.voices.intro': ['floor'],
	'indicators.periodShown': ['to'],
	'security.imageTooBig': ['megapixels', 'width', 'height'],
	'votes.quorum.failed': ['share'],
	'votes.quorum.met': ['share'],
	'votes.quorum.notMet': ['share'],
	'votes.manage.voterMore': ['shown'],
	'notifications.group.assistedRejected': ['name'],
	'portal.live.quorumMet': ['required'],
	'portal.live.quorumNotMet': ['required'],
	'votes.manage.capLeft': ['cap']
};

describe('counts in messages', () => {
	it('never read "1 <plural>": a bare count before a plural word goes through a plural', () => {
		const dir = join(process.cwd(), 'src/lib/i18n/messages');
		const found: string[] = [];
		let checked = 0;
		for (const file of readdirSync(dir).filter((f) => /\.(fr|en)\.json$/.test(f))) {
			const locale = file.endsWith('.fr.json') ? 'fr-FR' : 'en-GB';
			const messages = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, string>;
			for (const [key, message] of Object.entries(messages)) {
				const bare = [...new Set([...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))];
				const every = [...new Set([...message.matchAll(/\{(\w+)[,}]/g)].map((m) => m[1]!))];
				for (const arg of bare) {
					if (NEVER_ONE[key]?.includes(arg)) continue;
					const values = Object.fromEntries(every.map((b) => [b, b === arg ? 1 : 5]));
					const text = formatMessage(parse(message), locale, values);
					checked++;
					const hit = text.match(/(?<![\d.,])1 (\p{L}+s)\b/u);
					if (hit) found.push(`${file} ${key} {${arg}}: ${hit[0]}`);
				}
			}
		}
		expect(checked).toBeGreaterThan(500);
		expect(found).toEqual([]);
	});

	it('the check catches the kind of message it is for', () => {
		const text = formatMessage(parse('{present} présents, {proxies} procurations'), 'fr-FR', { present: 5, proxies: 1 });
		expect(text).toMatch(/(?<![\d.,])1 (\p{L}+s)\b/u);
	});
});
