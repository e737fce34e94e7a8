import { installMessages } from '$lib/i18n';
import type { LayoutLoad } from './$types';

// The texts of the page being read arrive with the layout's data (no catalogue file to fetch first).
export const load: LayoutLoad = async ({ data }) => {
	installMessages(data.messages);
	return data;
};
