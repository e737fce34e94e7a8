import type { RequestEvent } from '@sveltejs/kit';

/**
 * Headers every response carries. The Content-Security-Policy itself comes from `kit.csp` in
 * svelte.config.js (SvelteKit adds a nonce to its own inline scripts); these are the rest.
 */
export function securityHeaders(event: RequestEvent, response: Response): Response {
	const set = (headers: Headers) => {
		headers.set('x-content-type-options', 'nosniff');
		headers.set('referrer-policy', 'strict-origin-when-cross-origin');
		// frame-ancestors in the CSP is the modern form; this covers browsers that predate it.
		headers.set('x-frame-options', 'DENY');
		// A signed-in page (or its __data.json) holds someone's private data: no cache, shared or not, keeps it.
		if (event.locals.user) headers.set('cache-control', 'no-store');
	};
	try {
		set(response.headers);
		return response;
	} catch {
		// Some responses (e.g. one passed through from fetch) have immutable headers: copy them.
		const copy = new Response(response.body, response);
		set(copy.headers);
		return copy;
	}
}
