import { config, databaseKind, redactDatabaseUrl } from './config';
import { openDatabase } from './db';
import { openDataStore, type OpenedDatabase } from './db/open';
import { sqliteData } from './db/data';
import { randomIds, systemClock } from './ids';
import { createServices, type Services } from './services';
import { foldVoteTraces } from './services/indicators/vote-traces';
import { sharedState, type SharedState } from './shared';
import { addReadinessCheck, booleanCheck } from './health';
import { checks as redisChecks } from './shared/redis';
import { sqliteChecks } from './health/database';
import { log } from './log';
import { APP_KEY } from './process-slots';

const STARTING_KEY = Symbol.for('tib.appStarting');
const SHARED_KEY = Symbol.for('tib.shared');

/** Where this node keeps its live state: memory, or Redis when REDIS_URL is set (shared/index.ts). */
export function shared(): SharedState {
	const g = globalThis as Record<symbol, SharedState | undefined>;
	g[SHARED_KEY] ??= sharedState(config(), systemClock);
	return g[SHARED_KEY];
}

function servicesOn(opened: Pick<OpenedDatabase, 'db' | 'data' | 'checks'>): Services {
	const cfg = config();
	const { bus, limiter, lock } = shared();
	for (const check of opened.checks) addReadinessCheck(check);
	if (cfg.REDIS_URL) for (const [name, answers] of Object.entries(redisChecks)) addReadinessCheck(booleanCheck(name, answers));
	const services = createServices({
		db: opened.db,
		data: opened.data,
		clock: systemClock,
		ids: randomIds,
		bus,
		...(limiter ? { limiter } : {}),
		lock
	});
	// Reminders, notification e-mails and the outbox run beside the server, never inside a request.
	services.mail.start(services.notifications.remindClosing);
	// Votes whose traces of participation a stopped process or a seed left queued: written now, beside the server.
	foldVoteTraces(opened.data).catch((err: unknown) => log.error('folding the votes’ traces at start failed', { err: String(err) }));
	return services;
}

/**
 * Opens the database (migrating it: on PostgreSQL under an advisory lock, so nodes starting together
 * take turns) and builds the process's one set of services. hooks.server.ts `init` awaits it before
 * the first request; the services are kept on globalThis so Vite's module reloading in development
 * does not open a second database connection.
 */
export function startApp(): Promise<Services> {
	const g = globalThis as Record<symbol, unknown>;
	if (g[APP_KEY]) return Promise.resolve(g[APP_KEY] as Services);
	const cfg = config();
	if (databaseKind(cfg.DATABASE_URL) === 'sqlite') return Promise.resolve(app());
	g[STARTING_KEY] ??= (async () => {
		const opened = await openDataStore(cfg.DATABASE_URL, {
			onIdleError: (err) => log.warn('database connection lost (idle); the pool replaces it', { err: err.message })
		});
		for (const note of opened.notes) log.info(note);
		const services = servicesOn(opened);
		g[APP_KEY] = services;
		return services;
	})();
	return g[STARTING_KEY] as Promise<Services>;
}

/**
 * The process's services, once started. On SQLite they can also be opened here on first use
 * (opening a file is synchronous); on PostgreSQL `startApp()` must have run (hooks `init` does).
 */
export function app(): Services {
	const g = globalThis as Record<symbol, Services | undefined>;
	if (!g[APP_KEY]) {
		const cfg = config();
		if (databaseKind(cfg.DATABASE_URL) === 'postgres')
			throw new Error(`The services on PostgreSQL (${redactDatabaseUrl(cfg.DATABASE_URL)}) are not started yet: await startApp() first.`);
		const db = openDatabase(cfg.DATABASE_URL);
		g[APP_KEY] = servicesOn({ db, data: sqliteData(db), checks: sqliteChecks(db) });
	}
	return g[APP_KEY];
}
