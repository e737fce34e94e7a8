import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createTransport } from 'nodemailer';

export interface OutgoingMail {
	to: string;
	subject: string;
	text: string;
	html: string;
	headers: Record<string, string>;
}

export interface Mailer {
	/** Resolves once the server accepted the message (or it was written to the log file). */
	send(mail: OutgoingMail): Promise<void>;
	close(): void;
	readonly mode: 'smtp' | 'log';
}

export interface MailerOptions {
	/** smtp:// or smtps:// URL; without it messages are written, whole, to `logFile`. */
	smtpUrl?: string;
	from: string;
	logFile: string;
}

/**
 * nodemailer builds the MIME message in both modes, so what lands in the log file during development
 * is byte for byte what an SMTP server would have received.
 */
export function createMailer(options: MailerOptions): Mailer {
	if (options.smtpUrl) {
		const transport = createTransport(options.smtpUrl);
		return {
			mode: 'smtp',
			async send(mail) {
				await transport.sendMail({ from: options.from, ...mail });
			},
			close: () => transport.close()
		};
	}
	const transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
	return {
		mode: 'log',
		async send(mail) {
			const info = await transport.sendMail({ from: options.from, ...mail });
			mkdirSync(dirname(options.logFile), { recursive: true });
			appendFileSync(options.logFile, `\n===== ${new Date().toISOString()} → ${mail.to}\n${(info.message as Buffer).toString('utf8')}\n`);
		},
		close: () => transport.close()
	};
}
