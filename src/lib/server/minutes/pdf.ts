/**
 * The minutes as a PDF file (issue 11), made with pdfkit: A4, the text of the Markdown (the version
 * exactly as hashed, or the current draft), and on every page a footer with the version's SHA-256
 * and the previous version's hash (a draft says it has no fingerprint yet). The font is Atkinson
 * Hyperlegible Next, the app's own (from @fontsource, WOFF read by fontkit, embedded as a subset): it
 * covers French accents, typographic apostrophes, guillemets and narrow no-break spaces.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import MarkdownIt from 'markdown-it';
import PDFDocument from 'pdfkit';
import type { MinutesVersion } from '$lib/domain/minutes';

const require = createRequire(import.meta.url);
const fontFile = (weight: 400 | 700) => `@fontsource/atkinson-hyperlegible-next/files/atkinson-hyperlegible-next-latin-${weight}-normal.woff`;
let fonts: { regular: Buffer; bold: Buffer } | null = null;
const loadFonts = () => (fonts ??= { regular: readFileSync(require.resolve(fontFile(400))), bold: readFileSync(require.resolve(fontFile(700))) });

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

export interface PdfLabels {
	/** Footer of a published version, e.g. "Version 2 · SHA-256 …". */
	footer: (sequence: number, hash: string) => string;
	previous: (hash: string) => string;
	draft: string;
	page: (n: number, of: number) => string;
}

type Token = ReturnType<typeof md.parse>[number];

/** The visible text of an inline token (escapes resolved, soft breaks as spaces). */
function inlineText(token: Token): string {
	return (token.children ?? []).map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : c.type === 'softbreak' || c.type === 'hardbreak' ? ' ' : '')).join('');
}

const MARGIN = 56;
const FOOTER = 44;

/** Renders the Markdown blocks the minutes use: headings, paragraphs, bullet lists. */
function body(doc: PDFKit.PDFDocument, markdown: string) {
	const tokens = md.parse(markdown, {});
	let heading = 0;
	let listDepth = 0;
	for (const token of tokens) {
		if (token.type === 'heading_open') heading = Number(token.tag.slice(1));
		else if (token.type === 'heading_close') heading = 0;
		else if (token.type === 'bullet_list_open' || token.type === 'ordered_list_open') listDepth++;
		else if (token.type === 'bullet_list_close' || token.type === 'ordered_list_close') {
			listDepth--;
			if (!listDepth) doc.moveDown(0.4);
		} else if (token.type === 'hr') doc.moveDown(0.5);
		else if (token.type === 'inline') {
			const text = inlineText(token);
			if (heading) {
				doc.moveDown(heading === 1 ? 0 : 0.6);
				doc.font('bold').fontSize(heading === 1 ? 18 : heading === 2 ? 14 : 12).text(text);
				doc.moveDown(0.3);
			} else if (listDepth) {
				doc.font('regular').fontSize(11).text(`•  ${text}`, { indent: 12 * (listDepth - 1) });
			} else {
				doc.font('regular').fontSize(11).text(text, { align: 'left' });
				doc.moveDown(0.5);
			}
		}
	}
}

/** The PDF bytes of a published version (hash on every page) or of the current draft. */
export function minutesPdf(input: { title: string; markdown: string; version: MinutesVersion | null; labels: PdfLabels }): Promise<Buffer> {
	const { regular, bold } = loadFonts();
	const doc = new PDFDocument({ size: 'A4', margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER }, bufferPages: true, info: { Title: input.title, Subject: input.version ? `SHA-256 ${input.version.hash}` : input.labels.draft } });
	const chunks: Buffer[] = [];
	const done = new Promise<Buffer>((resolve, reject) => {
		doc.on('data', (c: Buffer) => chunks.push(c));
		doc.on('end', () => resolve(Buffer.concat(chunks)));
		doc.on('error', reject);
	});
	doc.registerFont('regular', regular);
	doc.registerFont('bold', bold);
	body(doc, input.version ? input.version.content : input.markdown);

	const range = doc.bufferedPageRange();
	for (let i = range.start; i < range.start + range.count; i++) {
		doc.switchToPage(i);
		const width = doc.page.width - 2 * MARGIN;
		const y = doc.page.height - MARGIN - FOOTER + 8;
		// Writing inside the bottom margin: lift it so pdfkit does not add a page.
		doc.page.margins.bottom = 0;
		doc.font('regular').fontSize(7.5).fillColor('#333333');
		const lines = input.version ? [input.labels.footer(input.version.sequence, input.version.hash), input.labels.previous(input.version.previousHash ?? '—')] : [input.labels.draft];
		lines.push(input.labels.page(i - range.start + 1, range.count));
		doc.text(lines.join('\n'), MARGIN, y, { width, lineGap: 1 });
	}
	doc.end();
	return done;
}

/** The download: a PDF attachment named like the Markdown one. */
export async function pdfFile(input: Parameters<typeof minutesPdf>[0], name: string): Promise<Response> {
	const bytes = await minutesPdf(input);
	return new Response(new Uint8Array(bytes), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9_-]/g, '')}${input.version ? `-v${input.version.sequence}` : ''}.pdf"`,
			'x-content-type-options': 'nosniff'
		}
	});
}

/** The footer's words in the reader's language. */
export function pdfLabels(t: (key: 'minutes.pdf.footer' | 'minutes.pdf.previous' | 'minutes.pdf.draft' | 'minutes.pdf.page', values?: Record<string, string | number>) => string): PdfLabels {
	return {
		footer: (sequence, hash) => t('minutes.pdf.footer', { sequence, hash }),
		previous: (hash) => t('minutes.pdf.previous', { hash }),
		draft: t('minutes.pdf.draft'),
		page: (n, of) => t('minutes.pdf.page', { n, of })
	};
}
