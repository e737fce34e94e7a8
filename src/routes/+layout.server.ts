import routeKeys from 'virtual:i18n-route-keys';
import { messagesFor } from '$lib/i18n';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, route }) => ({
	locale: locals.locale,
	easyRead: locals.easyRead,
	// The texts this page's browser code can show, in the language being read (see i18n/route-keys.ts).
	messages: messagesFor({ locale: locals.locale, easyRead: locals.easyRead }, routeKeys[route.id ?? ''] ?? routeKeys[''] ?? []),
	user: locals.user
		? { id: locals.user.id, displayName: locals.user.displayName, username: locals.user.username, isAdmin: locals.user.isAdmin, discreet: locals.user.discreet }
		: null,
	unreadNotifications: locals.user ? await locals.services.notifications.unread(locals.user) : 0
});
