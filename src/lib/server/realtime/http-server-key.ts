/** Global slot where the process's http.Server is left for hooks.server.ts to attach socket.io to. */
export const HTTP_SERVER_KEY = Symbol.for('tib.httpServer');
