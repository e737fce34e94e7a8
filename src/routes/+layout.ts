import { loadReading } from '$lib/i18n';
import type { LayoutLoad } from './$types';

// The language being read is fetched before the first render (in the browser: its chunk only).
export const load: LayoutLoad = async ({ data }) => {
	await loadReading({ locale: data.locale, easyRead: data.easyRead });
	return data;
};
