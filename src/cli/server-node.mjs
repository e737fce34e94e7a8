/**
 * How the server process is started, wherever it is started (`npm start`, `npm run demo`,
 * `npm run cluster`'s nodes, the end-to-end tests' servers, the benchmarks): Node itself with tsx's
 * loader, and a young generation of 2 × 32 MB instead of V8's 2 × 16 MB.
 *
 * Why the young generation (issue 15, goal 5): a page is built from many short-lived strings and
 * objects (~1.9 MB for the board of 120 ideas) while 50 others are being built, so with 16 MB V8
 * collected it every few pages and copied what the pages in flight still held, promoting ~2 MB to
 * the old generation each time (`--trace-gc`: 160 scavenges for 1,000 board pages, 760 ms in all,
 * 0.76 ms a page). The board page, built, 50 concurrent, taking turns, per 1,000 static-asset
 * requests of the floor beside it: 36.1 / 40.0 pages with 16 MB, 47.4 / 51.9 with 32 MB, 48.2 / 45.8 with 64 MB;
 * main-thread CPU 4.3–4.5 ms a page against 3.5–4.8. It costs at most 32 MB more of memory.
 *
 * V8 reads the size once, when the process starts (`v8.setFlagsFromString` afterwards changes
 * nothing), so it is an argument of the command. package.json spells it twice: `start`, the same
 * command, and `bench`, whose board, meeting and votes benchmarks host the app in their own process
 * (both checked by src/cli/server-node.test.ts).
 */

/** V8's arguments. */
export const SERVER_V8_ARGS = ['--max-semi-space-size=32'];

export const SERVER_NODE_ARGS = [...SERVER_V8_ARGS, '--import', 'tsx', 'src/server.ts'];

/** The same, as one shell command (package.json's `start`, the end-to-end tests' web servers). */
export const SERVER_COMMAND = ['node', ...SERVER_NODE_ARGS].join(' ');
