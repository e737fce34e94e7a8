/**
 * A real SMTP server on a loopback port (smtp-server) that parses what arrives (mailparser), for
 * tests that assert what was actually delivered rather than what the code meant to send.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
	port: number;
	received: ParsedMail[];
	stop(): Promise<void>;
}

export async function startSmtp(onPort = 0, received: ParsedMail[] = []): Promise<TestSmtp> {
	const smtp = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onData(stream, _session, callback) {
			simpleParser(stream).then((m) => {
				received.push(m);
				callback();
			}, callback);
		}
	});
	const port = await new Promise<number>((resolve) => smtp.listen(onPort, '127.0.0.1', () => resolve((smtp.server.address() as AddressInfo).port)));
	return { port, received, stop: () => new Promise<void>((resolve) => smtp.close(() => resolve())) };
}
