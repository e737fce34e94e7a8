import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => ({
	locale: locals.locale,
	easyRead: locals.easyRead,
	user: locals.user
		? { id: locals.user.id, displayName: locals.user.displayName, username: locals.user.username, isAdmin: locals.user.isAdmin, discreet: locals.user.discreet }
		: null,
	unreadNotifications: locals.user ? await locals.services.notifications.unread(locals.user) : 0
});
