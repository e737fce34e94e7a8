import { config } from './config';
import { openDatabase } from './db';
import { randomIds, systemClock } from './ids';
import { createLocalBus } from './realtime/bus';
import { createServices, type Services } from './services';

const APP_KEY = Symbol.for('tib.app');

/**
 * The process's one set of services. Kept on globalThis so Vite's module reloading in development
 * does not open a second database connection.
 */
export function app(): Services {
	const g = globalThis as Record<symbol, Services | undefined>;
	if (!g[APP_KEY]) {
		const cfg = config();
		const services = createServices({
			db: openDatabase(cfg.DATABASE_URL),
			clock: systemClock,
			ids: randomIds,
			bus: createLocalBus()
		});
		// Reminders, notification e-mails and the outbox run beside the server, never inside a request.
		// (When the one scheduler exists, it calls `services.mail.runDue` instead.)
		services.mail.start(services.notifications.remindClosing);
		g[APP_KEY] = services;
	}
	return g[APP_KEY];
}
