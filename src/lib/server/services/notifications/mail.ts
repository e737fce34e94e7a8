import { config } from '../../config';
import { log } from '../../log';
import { deliverDue } from '../../mail/outbox';
import { createMailer, type Mailer } from '../../mail/transport';
import { createMemoryLock } from '../../shared/lock';
import type { ServiceDeps } from '../deps';
import { createAccountMail } from './account-mail';
import { createMailPass, type MailLinks } from './mail-pass';

export interface MailServiceOptions {
	origin?: () => string;
	/** Tests hand in a mailer pointed at their loopback SMTP server. */
	mailer?: () => Mailer;
}

/**
 * E-mail: the outbox is filled inside units of work (notification mail, reset links, address checks)
 * and emptied by `deliver`, outside any request, by the worker started with the server.
 */
export function createMailService(deps: ServiceDeps, options: MailServiceOptions = {}) {
	const links: MailLinks = { origin: options.origin ?? (() => config().ORIGIN?.replace(/\/$/, '') ?? `http://localhost:${config().PORT}`) };
	let mailer: Mailer | undefined;
	const mailerOf = () => (mailer ??= options.mailer?.() ?? createMailer({ smtpUrl: config().SMTP_URL, from: config().MAIL_FROM, logFile: config().MAIL_LOG }));
	let delivering: Promise<{ sent: number; failed: number }> | null = null;
	// Set by `start`: a request that queued a message asks for delivery right after it returns.
	let kick = () => {};

	// In a cluster the lock is shared by the nodes (shared/lock.ts): one node empties the outbox at a time.
	const lock = deps.lock ?? createMemoryLock();
	const nothing = { sent: 0, failed: 0 };

	function deliver() {
		// One delivery at a time, so a slow server never gets the same message twice.
		delivering ??= lock
			.run('mail.deliver', () => deliverDue(deps.data, deps.clock, mailerOf()))
			.then((r) => (r.ran ? r.value : nothing))
			.finally(() => (delivering = null));
		return delivering;
	}

	const pass = createMailPass(deps, links);
	const account = createAccountMail(deps, links, () => kick());

	return {
		...account,
		queueNotificationMail: pass.queueNotificationMail,
		deliver,

		/** Periodic work for the scheduler: reminders, then notification e-mails, then sending. */
		async runDue(remindClosing: () => unknown) {
			await lock.run('mail.due', async () => {
				await remindClosing();
				await pass.queueNotificationMail();
			});
			return deliver();
		},

		/** Starts the worker (the server does, tests do not); returns its stop function. */
		start(remindClosing: () => unknown, everyMs = 30_000) {
			const run = () => this.runDue(remindClosing).catch((err: unknown) => log.error('mail worker failed', { error: String(err) }));
			kick = () => setImmediate(() => void deliver().catch((err: unknown) => log.error('mail delivery failed', { error: String(err) })));
			const timer = setInterval(() => void run(), everyMs);
			timer.unref();
			return () => {
				clearInterval(timer);
				kick = () => {};
				mailer?.close();
			};
		}
	};
}

export type MailService = ReturnType<typeof createMailService>;
