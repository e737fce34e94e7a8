/** Built by vite.config.ts from `scanRouteKeys` (./route-keys.ts): route id → message keys its browser code shows. */
declare module 'virtual:i18n-route-keys' {
	const routes: Record<string, string[]>;
	export default routes;
}
