/**
 * Loaded into the pages bench's server (`--import`, through NODE_OPTIONS): the server's own time for
 * each request to BENCH_LATENCY_PATH, from its `request` event to its `finish` (the last byte handed
 * to the system). On SIGUSR2 the times since the last SIGUSR2 are written, sorted, to
 * BENCH_LATENCY_FILE (one per line, in ms) and forgotten. What the load tool sees on top of this is
 * time spent in queues before the server reads a request, and in the tool reading the answer.
 * Beside them, in BENCH_LATENCY_FILE + '.queries': how many statements the process sent to PostgreSQL
 * meanwhile (node-postgres's Client#query, each a round trip; anything the server does on its own in
 * the background counts too), so that the bench can say how many round trips a page costs.
 */
import http from 'node:http';
import { writeFileSync } from 'node:fs';

const path = process.env.BENCH_LATENCY_PATH;
const file = process.env.BENCH_LATENCY_FILE;
if (path && file) {
	let times = [];
	let queries = 0;
	try {
		const { default: pg } = await import('pg');
		const query = pg.Client.prototype.query;
		pg.Client.prototype.query = function () {
			queries++;
			return query.apply(this, arguments);
		};
	} catch {
		/* no node-postgres: a SQLite-only install */
	}
	const emit = http.Server.prototype.emit;
	http.Server.prototype.emit = function (event, req, res) {
		if (event === 'request' && req.url === path) {
			const start = process.hrtime.bigint();
			res.once('finish', () => times.push(Number(process.hrtime.bigint() - start) / 1e6));
		}
		return emit.apply(this, arguments);
	};
	process.on('SIGUSR2', () => {
		const sorted = times.sort((a, b) => a - b);
		const sent = queries;
		times = [];
		queries = 0;
		// Only the process that serves (tsx's parent process loads this too, and sees no request).
		if (sorted.length > 0) {
			writeFileSync(file, sorted.map((t) => t.toFixed(2)).join('\n'));
			writeFileSync(`${file}.queries`, String(sent));
		}
	});
}
