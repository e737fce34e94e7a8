/**
 * Global slots (Symbol.for, so every copy of a module finds the same one) shared between src/server.ts
 * and the SvelteKit build it loads, which has its own copies of the modules.
 */

/** The process's http.Server, left by src/server.ts for hooks.server.ts to attach socket.io to. */
export const HTTP_SERVER_KEY = Symbol.for('tib.httpServer');
/** The socket.io side hooks.server.ts attached (`attachRealtime`): src/server.ts hangs it up at SIGTERM. */
export const REALTIME_KEY = Symbol.for('tib.realtimeAttached');
/** The process's services (app.ts): src/server.ts writes the waiting votes at SIGTERM. */
export const APP_KEY = Symbol.for('tib.app');
