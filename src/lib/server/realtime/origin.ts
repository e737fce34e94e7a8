/**
 * Cross-site WebSocket hijacking guard. A browser always sends `Origin` on a WebSocket handshake and
 * on cross-origin requests, so a page on another site opening a socket with our cookie is refused
 * here. Without `Origin` (a same-origin long-polling GET, or a program that is not a browser) the
 * request is let through: such a client cannot ride someone else's cookie, and the session
 * middleware still requires a valid session for anything private.
 */
import type { IncomingMessage } from 'node:http';

export function originAllowed(origin: string | undefined, host: string | undefined, configured: string | undefined): boolean {
	if (origin === undefined) return true;
	let url: URL;
	try {
		url = new URL(origin);
	} catch {
		return false; // includes "null" (sandboxed frames, file: pages)
	}
	if (configured) return url.origin === new URL(configured).origin;
	// No configured public URL: the page must come from the host the socket is opened on.
	return !!host && url.host === host.toLowerCase();
}

/** socket.io's `allowRequest`: runs before the handshake is accepted, on every transport. */
export function allowRequestFrom(configured: string | undefined) {
	return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
		const ok = originAllowed(req.headers.origin, req.headers.host, configured);
		callback(ok ? null : 'origin not allowed', ok);
	};
}
