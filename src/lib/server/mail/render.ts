import { translator, type Locale } from '$lib/i18n';

export interface MailLine {
	text: string;
	href?: string;
}

export interface MailContent {
	locale: Locale;
	subject: string;
	greeting: string;
	intro: string;
	lines?: MailLine[];
	action?: { label: string; href: string };
	/** Small print under a rule: why this arrived and how to stop it. */
	footer?: MailLine[];
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const link = (l: MailLine) => (l.href ? `<a href="${escape(l.href)}">${escape(l.text)}</a>` : escape(l.text));

/** The same content as plain text and as simple HTML (inline styles only: mail clients drop stylesheets). */
export function renderMail(c: MailContent): { subject: string; text: string; html: string } {
	const t = translator(c.locale);
	const text = [
		c.greeting,
		'',
		c.intro,
		...(c.lines?.length ? ['', ...c.lines.map((l) => `- ${l.text}${l.href ? `\n  ${l.href}` : ''}`)] : []),
		...(c.action ? ['', `${c.action.label}: ${c.action.href}`] : []),
		'',
		'-- ',
		t('mail.signature'),
		...(c.footer ?? []).map((l) => (l.href ? `${l.text}: ${l.href}` : l.text))
	].join('\n');
	const html = `<!doctype html>
<html lang="${c.locale}"><head><meta charset="utf-8"><title>${escape(c.subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:17px;line-height:1.5;color:#1b1b1b;background:#ffffff;margin:0;padding:16px">
<div style="max-width:36em;margin:0 auto">
<p>${escape(c.greeting)}</p>
<p>${escape(c.intro)}</p>
${c.lines?.length ? `<ul>${c.lines.map((l) => `<li style="margin-bottom:8px">${link(l)}</li>`).join('')}</ul>` : ''}
${c.action ? `<p><a href="${escape(c.action.href)}" style="display:inline-block;background:#1d4f91;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold">${escape(c.action.label)}</a></p>` : ''}
<hr style="border:none;border-top:1px solid #cccccc;margin:24px 0">
<p style="font-size:14px;color:#555555">${escape(t('mail.signature'))}</p>
${(c.footer ?? []).map((l) => `<p style="font-size:14px;color:#555555">${link(l)}</p>`).join('\n')}
</div></body></html>`;
	return { subject: c.subject, text, html };
}
