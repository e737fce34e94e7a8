import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { compileMessage } from './compile';
import { formatMessage, type FormatValues } from './format';

type Node = { type: number; value?: unknown; options?: Record<string, { value: Node[] }>; children?: Node[] };

/** Value sets that visit a message's branches: each select key, and plural counts around each rule. */
function samples(ast: Node[]): FormatValues[] {
	const args = new Map<string, (string | number | Date)[]>();
	const walk = (nodes: Node[]) => {
		for (const n of nodes) {
			if (typeof n.value === 'string' && n.type !== 0 && n.type !== 7) {
				const name = n.value;
				const list =
					n.type === 5 ? Object.keys(n.options ?? {}).concat('unknown-key')
					: n.type === 6 || n.type === 2 ? [0, 1, 2, 3, 5, 11, 21, 1234.5]
					: n.type === 3 || n.type === 4 ? [new Date(Date.UTC(2026, 10, 22, 14, 5))]
					: ['Nadia', ''];
				args.set(name, [...(args.get(name) ?? []), ...list]);
			}
			if (n.options) for (const o of Object.values(n.options)) walk(o.value);
		}
	};
	walk(ast);
	const longest = Math.max(1, ...[...args.values()].map((v) => v.length));
	return Array.from({ length: longest }, (_, i) => Object.fromEntries([...args].map(([k, v]) => [k, v[i % v.length]!])));
}

describe('formatMessage', () => {
	const dir = join(process.cwd(), 'src/lib/i18n/messages');
	const tags: Record<string, string> = { fr: 'fr-FR', en: 'en-GB', ar: 'ar-u-nu-latn', falc: 'fr-FR' };

	it('gives what intl-messageformat gives, for every message of every catalogue', () => {
		let compared = 0;
		for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
			const lang = file.split('.').at(-2)!;
			const tag = tags[lang] ?? 'fr-FR';
			for (const [key, text] of Object.entries(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, string>)) {
				const compiled = compileMessage(text);
				if (typeof compiled === 'string') continue;
				const reference = new IntlMessageFormat(text, tag);
				for (const values of samples(compiled as unknown as Node[])) {
					let expected: string;
					try {
						expected = String(reference.format(values));
					} catch {
						expect(() => formatMessage(compiled, tag, values), `${file} ${key}`).toThrow();
						continue;
					}
					expect(formatMessage(compiled, tag, values), `${file} ${key} ${JSON.stringify(values)}`).toBe(expected);
					compared++;
				}
			}
		}
		expect(compared).toBeGreaterThan(1000);
	});

	it('needs every value the message names', () => {
		expect(() => formatMessage(compileMessage('Bonjour {name}') as never, 'fr-FR', {})).toThrow(/name/);
	});
});
