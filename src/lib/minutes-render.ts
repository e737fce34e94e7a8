/**
 * Minutes Markdown to HTML, for pages and the print view. markdown-it with raw HTML off (anything
 * typed as HTML is shown as text) and its default link check (no javascript: or data: links), so the
 * secretary's text cannot inject markup into a public page.
 */
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

export function renderMinutes(markdown: string): string {
	return md.render(markdown);
}
