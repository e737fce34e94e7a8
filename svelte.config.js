import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: {
		// Scoped styles' class names: Svelte's hash of the component's CSS, as by default, with a short
		// prefix instead of `svelte-` (a board page of 120 ideas carries ~1,500 of them).
		cssHash: ({ css, hash }) => `s-${hash(css)}`
	},
	kit: {
		adapter: adapter({ out: 'build' }),
		// The server tells the browser which route a new address is (one small request the first time a
		// path is visited), instead of every page shipping the table of all routes and their files: 3.3 KB
		// gzip less on each page's first load, and a new route no longer adds to every page (issue 15,
		// goal 4: the proposal page was at 60.0 of its 60 KB).
		router: { resolution: 'server' },
		// Forms must keep working without JavaScript and behind a reverse proxy; ORIGIN is checked by adapter-node.
		csrf: { trustedOrigins: [] },
		// Scripts only from us (SvelteKit adds a nonce to its inline bootstrap); inline style attributes
		// stay allowed because Svelte transitions, Tiptap's collaboration carets and the board's drag
		// and drop set them. QR codes are data: URLs; socket.io connects to our own origin.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
