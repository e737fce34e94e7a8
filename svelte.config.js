import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// Forms must keep working without JavaScript and behind a reverse proxy; ORIGIN is checked by adapter-node.
		csrf: { trustedOrigins: [] }
	}
};

export default config;
