import { describe, expect, it } from 'vitest';
import { extractText, getDocumentProxy } from 'unpdf';
import { translator } from '$lib/i18n';
import { minutesPdf, pdfLabels } from './pdf';

const hash = 'a'.repeat(16) + '0123456789abcdef'.repeat(3);
const previous = 'b'.repeat(64);
const long = ['# Réseau des LCP — Comité de pilotage', '', '- Date : 20 novembre', '', '## Présences', '', ...Array.from({ length: 60 }, (_, i) => `Paragraphe ${i + 1} : l’élève à Noël, œuvre « déjà » ça.`)].join('\n\n');

async function pages(bytes: Buffer) {
	const pdf = await getDocumentProxy(new Uint8Array(bytes));
	return (await extractText(pdf, { mergePages: false })).text as string[];
}

describe('minutes PDF', () => {
	it('is a PDF whose every page carries the version hash and the previous one, with French accents intact', async () => {
		const version = { schema: 'minutes-version/v1', sequence: 2, content: long, hash, previousHash: previous } as never;
		const bytes = await minutesPdf({ title: 'PV', markdown: '', version, labels: pdfLabels(translator('fr')) });
		expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
		const text = await pages(bytes);
		expect(text.length).toBeGreaterThan(1);
		for (const page of text) {
			expect(page.replace(/\s+/g, '')).toContain(hash);
			expect(page.replace(/\s+/g, '')).toContain(previous);
		}
		expect(text[0]).toContain('Réseau des LCP — Comité de pilotage');
		expect(text.join('\n')).toContain('l’élève à Noël, œuvre « déjà » ça.');
		expect(text.at(-1)).toContain(`Page ${text.length} sur ${text.length}`);
	});

	it('a draft says it has no fingerprint yet', async () => {
		const text = await pages(await minutesPdf({ title: 'PV', markdown: '# Projet', version: null, labels: pdfLabels(translator('en')) }));
		expect(text[0]).toContain('Draft not adopted: no fingerprint yet.');
	});
});
