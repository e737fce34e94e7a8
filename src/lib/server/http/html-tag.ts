import { textDirection, type Locale } from '$lib/i18n';

/**
 * The opening `<html>` tag exactly as src/app.html writes it: the default reading (French, not easy
 * read), so that a page in the default reading is sent as SvelteKit renders it. Any change to the
 * page's text is a copy of all of it (a board of 120 ideas is over half a megabyte, held as a two-byte
 * string): `html.replace` three times made three such copies per page, and large strings are what the
 * garbage collector pays most for under load. Another reading costs one replacement of this tag.
 */
export const DEFAULT_HTML_TAG = '<html lang="fr" dir="ltr" data-easy-read="false">';

/** The opening tag for a reading; `null` when it is the template's own (nothing to change). */
export function htmlTagFor(locale: Locale, easyRead: boolean): string | null {
	const tag = `<html lang="${locale}" dir="${textDirection(locale)}" data-easy-read="${easyRead ? 'true' : 'false'}">`;
	return tag === DEFAULT_HTML_TAG ? null : tag;
}
