import { config, databaseKind } from './config';
import { openDatabase } from './db';
import { randomIds, systemClock } from './ids';
import { createServices, type Services } from './services';
import { sharedState, type SharedState } from './shared';
import { addReadinessCheck, booleanCheck } from './health';
import { checks as redisChecks } from './shared/redis';
import { sqliteChecks } from './health/database';
import { postgresNotServedYet } from './db/postgres-start';

const APP_KEY = Symbol.for('tib.app');
const SHARED_KEY = Symbol.for('tib.shared');

/** Where this node keeps its live state: memory, or Redis when REDIS_URL is set (shared/index.ts). */
export function shared(): SharedState {
	const g = globalThis as Record<symbol, SharedState | undefined>;
	g[SHARED_KEY] ??= sharedState(config(), systemClock);
	return g[SHARED_KEY];
}

/**
 * The process's one set of services. Kept on globalThis so Vite's module reloading in development
 * does not open a second database connection.
 */
export function app(): Services {
	const g = globalThis as Record<symbol, Services | undefined>;
	if (!g[APP_KEY]) {
		const cfg = config();
		if (databaseKind(cfg.DATABASE_URL) === 'postgres') throw new Error(postgresNotServedYet(cfg.DATABASE_URL));
		const { bus, limiter, lock } = shared();
		const db = openDatabase(cfg.DATABASE_URL);
		for (const check of sqliteChecks(db)) addReadinessCheck(check);
		if (cfg.REDIS_URL) for (const [name, answers] of Object.entries(redisChecks)) addReadinessCheck(booleanCheck(name, answers));
		const services = createServices({
			db,
			clock: systemClock,
			ids: randomIds,
			bus,
			...(limiter ? { limiter } : {}),
			lock
		});
		// Reminders, notification e-mails and the outbox run beside the server, never inside a request.
		// (When the one scheduler exists, it calls `services.mail.runDue` instead.)
		services.mail.start(services.notifications.remindClosing);
		g[APP_KEY] = services;
	}
	return g[APP_KEY];
}
